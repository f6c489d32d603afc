"""What every activity wrapper shares: settings, the blob store, and permanent-failure answers.

A permanent failure (`callinsights.errors.PermanentError`: input that can never work) is
answered as `{"error": reason, "code": code}` instead of raised, so the orchestrator stops at
once instead of spending its retry budget; anything else raises and is retried with back-off.
Core modules are imported inside the functions so the app indexes even while a stage's module
is missing or broken.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from callinsights.settings import Settings


def settings() -> Settings:
    return Settings.from_env()


def blob_store(config: Settings) -> Any:
    from callinsights.blobs import BlobStore

    return BlobStore(config.storage_connection)


def answer(stage: Callable[..., dict], *args: Any) -> dict:
    """Run one stage function; a permanent failure becomes an `{"error": ...}` answer."""
    from callinsights.errors import PermanentError

    try:
        return stage(*args)
    except PermanentError as exc:
        logging.warning("%s failed for good: %s", getattr(stage, "__name__", stage), exc)
        return {"error": exc.reason, "code": exc.code}
