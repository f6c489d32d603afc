"""Recordings in, settled calls out: upload to the calls container, then follow each call.

The call id is the app's own (first 32 hex digits of the SHA-256 of the content), so the CLI
knows which status to poll before the blob trigger has even fired, and the same file uploaded
twice is the same call.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import BlobServiceClient

from callinsights.records import call_id_for
from stack.api import SETTLED, CallsApi

PICKUP_SECONDS = 180.0  # how long a blob may wait for the trigger before we call it lost


def call_id_of(data: bytes) -> str:
    """The id the app's blob trigger will give this content (one rule, the app's)."""
    return call_id_for(data)[0]


@dataclass(frozen=True)
class Submitted:
    """One recording handed to the stack."""

    file: str
    call_id: str
    blob: str


def upload(connection_string: str, container: str, path: Path) -> Submitted:
    """Upload `path` unless the same content is already there; never overwrite other content.

    The client is closed at once: a pooled keep-alive connection would hold Azurite's graceful
    shutdown for its whole idle timeout when the stack stops.
    """
    data = path.read_bytes()
    call_id = call_id_of(data)
    blob = path.name
    with BlobServiceClient.from_connection_string(connection_string) as service:
        client = service.get_container_client(container)
        with contextlib.suppress(ResourceExistsError):
            client.create_container()
        if client.get_blob_client(blob).exists() and \
                client.download_blob(blob).readall() != data:
            blob = f"{call_id[:8]}-{path.name}"  # a different recording with the same file name
        with contextlib.suppress(ResourceExistsError):
            client.upload_blob(blob, data, overwrite=False)
    return Submitted(str(path), call_id, blob)


def progress_of(status: dict) -> tuple[str, int | None, int | None]:
    """(stage, chunks done, chunks total) from a status document, wherever the app put them."""
    progress = status.get("progress") if isinstance(status.get("progress"), dict) else {}
    done = progress.get("chunks_done", status.get("chunks_done"))
    total = progress.get("chunks_total", status.get("chunks_total"))
    return str(status.get("stage") or ""), done, total


def flagged_fields(status: dict) -> dict[str, Any]:
    """Fields flagged for review: from the status while awaiting, else from the stored record."""
    flagged = status.get("flagged")
    if isinstance(flagged, dict) and flagged:
        return flagged
    record = status.get("record") or {}
    names = (record.get("review") or {}).get("flagged") or (flagged if flagged else [])
    extraction = record.get("extraction") or {}
    return {name: extraction.get(name) for name in names}


def output_line(sub: Submitted, status: dict) -> dict[str, Any]:
    """The `make process` JSON object for one settled call."""
    return {"file": sub.file, "call_id": sub.call_id, "status": status.get("status"),
            "record": status.get("record"), "flagged": flagged_fields(status)}


def wait(api: CallsApi, subs: Iterable[Submitted], *,
         on_change: Callable[[Submitted, dict], None] = lambda s, b: None,
         timeout: float = 7200.0, poll: float = 1.0,
         settled: frozenset[str] = SETTLED) -> dict[str, dict]:
    """Poll until every call reaches a settled status; return {call_id: status document}."""
    pending = {s.call_id: s for s in subs}
    seen: dict[str, tuple] = {}
    done: dict[str, dict] = {}
    start = time.monotonic()
    while pending:
        for call_id, sub in list(pending.items()):
            status = api.status(call_id)
            elapsed = time.monotonic() - start
            if status is None:
                if elapsed > PICKUP_SECONDS:
                    raise TimeoutError(f"{sub.file}: the host has not started call {call_id} "
                                       f"{PICKUP_SECONDS:.0f}s after the upload (see its log)")
                continue
            key = (status.get("status"), *progress_of(status))
            if seen.get(call_id) != key:
                seen[call_id] = key
                on_change(sub, status)
            if status.get("status") in settled:
                done[call_id] = status
                del pending[call_id]
        if pending and time.monotonic() - start > timeout:
            names = ", ".join(s.file for s in pending.values())
            raise TimeoutError(f"still not settled after {timeout:.0f}s: {names}")
        if pending:
            time.sleep(poll)
    return done
