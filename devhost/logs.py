"""Host logging: one line per function execution to stderr and to `<data-dir>/devhost.log`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

LOGGER = logging.getLogger("devhost")


def configure(log_file: Path | None, level: int = logging.INFO) -> None:
    """Attach stderr and file handlers once (tests may build several hosts in one process)."""
    LOGGER.setLevel(level)
    LOGGER.propagate = False
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    if not any(getattr(h, "_devhost_stderr", False) for h in LOGGER.handlers):
        stream = logging.StreamHandler(sys.stderr)
        stream._devhost_stderr = True  # type: ignore[attr-defined]
        stream.setFormatter(formatter)
        LOGGER.addHandler(stream)
    if log_file is not None:
        target = str(log_file.resolve())
        if not any(getattr(h, "baseFilename", None) == target for h in LOGGER.handlers):
            log_file.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(target, encoding="utf-8")
            handler.setFormatter(formatter)
            LOGGER.addHandler(handler)


def execution(function: str, instance_id: str | None, seconds: float, outcome: str) -> None:
    """The per-execution line: function, instance (or invocation) id, duration, outcome."""
    LOGGER.info("Executed function=%s id=%s duration=%.3fs outcome=%s", function,
                instance_id or "-", seconds, outcome)
