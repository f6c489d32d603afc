"""The model server's settings, read once from the environment (and the CLI's overrides).

One frozen object so every module sees the same configuration and tests can build their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

MIB = 1024 * 1024
BUNDLED_WHISPER = ("base", "tiny.en")


def parse_rate_limits(raw: str) -> dict[str, int]:
    """`"whisper=3,gpt-4o=60"` -> {"whisper": 3, "gpt-4o": 60} (requests per minute)."""
    limits: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, sep, value = item.partition("=")
        if not sep or not value.strip().isdigit():
            raise ValueError(f"MODELSERVER_RATE_LIMITS item {item!r} is not "
                             "NAME=REQUESTS_PER_MINUTE")
        limits[name.strip()] = int(value)
    return limits


def parse_names(raw: str) -> tuple[str, ...]:
    """A comma-separated list of names, blanks dropped."""
    return tuple(name.strip() for name in raw.split(",") if name.strip())


@dataclass(frozen=True)
class ServerSettings:
    """Everything configurable; `from_env()` documents the variable behind each field."""

    host: str = "127.0.0.1"
    port: int = 8008
    threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    whisper_model: str = "base"  # a bundled model: base | tiny.en (`transcription.py`)
    whisper_model_dir: str = ""  # any CTranslate2 Whisper model directory instead
    whisper_compute_type: str = "int8"
    whisper_workers: int = 2
    whisper_beam_size: int = 5
    whisper_model_name: str = ""  # empty: "whisper-<whisper_model>"
    whisper_aliases: tuple[str, ...] = ("whisper", "whisper-1")  # OpenAI's generic names
    gguf_path: str = ""  # empty: the assembled Qwen2.5-Coder-1.5B-Instruct Q4_K_M
    model_cache_dir: str = str(Path.home() / ".cache" / "callinsights" / "models")
    chat_model_name: str = "qwen2.5-coder-1.5b-instruct"
    chat_aliases: tuple[str, ...] = ()
    chat_context: int = 8192
    chat_threads: int = 2  # llama.cpp threads (taken from the shared core budget per request)
    chat_batch: int = 512  # llama.cpp n_batch: prompt tokens evaluated per step
    max_audio_bytes: int = 25 * MIB
    rate_limits: dict[str, int] = field(default_factory=dict)
    rate_window_seconds: int = 60  # tests shorten the minute so the SDK's retry wait is short
    api_key: str = ""  # empty: any key (or none) is accepted

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServerSettings:
        """Read the `MODELSERVER_*` variables; unset ones keep the defaults above."""
        env = os.environ if env is None else env
        base = cls()

        def get(name: str) -> str | None:
            value = env.get(f"MODELSERVER_{name}", "").strip()
            return value or None

        values: dict[str, object] = {}
        text_fields = {"HOST": "host", "WHISPER_MODEL": "whisper_model",
                       "WHISPER_MODEL_DIR": "whisper_model_dir",
                       "WHISPER_COMPUTE_TYPE": "whisper_compute_type",
                       "WHISPER_MODEL_NAME": "whisper_model_name", "GGUF_PATH": "gguf_path",
                       "MODEL_CACHE_DIR": "model_cache_dir", "CHAT_MODEL_NAME": "chat_model_name",
                       "API_KEY": "api_key"}
        int_fields = {"PORT": "port", "THREADS": "threads", "WHISPER_WORKERS": "whisper_workers",
                      "WHISPER_BEAM_SIZE": "whisper_beam_size",
                      "CHAT_CONTEXT": "chat_context",
                      "CHAT_THREADS": "chat_threads", "CHAT_BATCH": "chat_batch",
                      "MAX_AUDIO_BYTES": "max_audio_bytes",
                      "RATE_WINDOW_SECONDS": "rate_window_seconds"}
        list_fields = {"WHISPER_ALIASES": "whisper_aliases", "CHAT_ALIASES": "chat_aliases"}
        for var, attr in text_fields.items():
            if (raw := get(var)) is not None:
                values[attr] = raw
        for var, attr in int_fields.items():
            if (raw := get(var)) is not None:
                try:
                    values[attr] = int(raw)
                except ValueError as exc:
                    raise ValueError(f"MODELSERVER_{var} must be a whole number, "
                                     f"got {raw!r}") from exc
        for var, attr in list_fields.items():
            if (raw := env.get(f"MODELSERVER_{var}")) is not None:
                values[attr] = parse_names(raw)
        if (raw := get("RATE_LIMITS")) is not None:
            values["rate_limits"] = parse_rate_limits(raw)
        if values.get("whisper_model", base.whisper_model) not in BUNDLED_WHISPER:
            raise ValueError("MODELSERVER_WHISPER_MODEL must be one of "
                             f"{', '.join(BUNDLED_WHISPER)} (or set MODELSERVER_WHISPER_MODEL_DIR)")
        return replace(base, **values)

    def with_overrides(self, **overrides: object) -> ServerSettings:
        """A copy with the CLI's explicit options (None means: not given)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    @property
    def whisper_served_name(self) -> str:
        """The transcription model's name in responses and /v1/models."""
        return self.whisper_model_name or f"whisper-{self.whisper_model}"

    @property
    def whisper_threads(self) -> int:
        """CPU threads per transcription, so all workers together use `threads` cores."""
        return max(1, self.threads // max(1, self.whisper_workers))
