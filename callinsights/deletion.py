"""Deleting a call everywhere: its blobs, its record, and an audit entry with no customer data.

Free of Azure Functions; `api/call_delete.py` adds the durable side (terminate, purge history).
A recording blob is deleted only when its content still hashes to the call id: the name comes
from the run's input or the record, and someone may have uploaded other content under that name
since. Everything under `{call_id}/` in the chunks and transcripts containers is the call's
(chunks, manifest, chunk and merged transcripts, record blob). Each step only removes what is
there, so running it again after a partial failure finishes the job.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from callinsights.blobs import BlobStore
from callinsights.call_ids import call_id_from_digest
from callinsights.settings import Settings

AUDIT_PREFIX = "deletions"


@dataclass
class Removed:
    """What one deletion removed, in counts (the audit entry's `removed`)."""

    recordings: int = 0
    chunks: int = 0
    transcripts: int = 0
    records: int = 0
    histories: int = 0

    @property
    def anything(self) -> bool:
        return any(asdict(self).values())


def recording_blobs(settings: Settings, run_input: dict, record: dict | None
                    ) -> set[tuple[str, str]]:
    """(container, name) of the recording as the run's input and the record name it."""
    found = set()
    meta = (record or {}).get("metadata") or {}
    for source in (run_input, meta):
        if source.get("blob_name"):
            found.add((source.get("container") or settings.calls_container, source["blob_name"]))
    return found


def sweep(store: BlobStore, container: str, call_id: str) -> int:
    """Delete everything under `{call_id}/` in a container; how many blobs went."""
    return sum(store.delete(container, name)
               for name in store.list_names(container, f"{call_id}/"))


def remove_blobs(store: BlobStore, settings: Settings, call_id: str,
                 recordings: set[tuple[str, str]], removed: Removed) -> Removed:
    """Delete the call's recording(s) (if their content is this call), chunks and transcripts."""
    for container, name in sorted(recordings):
        digest = store.sha256(container, name)
        if digest is not None and call_id_from_digest(digest) == call_id:
            removed.recordings += store.delete(container, name)
    removed.chunks += sweep(store, settings.chunks_container, call_id)
    removed.transcripts += sweep(store, settings.transcripts_container, call_id)
    return removed


def audit_entry(call_id: str, by: str, at: str, removed: Removed, *, forced: bool,
                terminated: list[str]) -> dict:
    """The trace a deletion leaves: ids, who, when, counts; never names, quotes or file names."""
    return {"action": "delete", "call_id": call_id, "by": by, "at": at, "forced": forced,
            "terminated": terminated, "removed": asdict(removed)}


def write_audit(store: BlobStore, settings: Settings, entry: dict) -> str:
    """`audit/deletions/{YYYY-MM-DD}/{call_id}-{HHMMSSffffff}.json`; returns the blob name."""
    stamp = "".join(ch for ch in entry["at"][11:26] if ch.isdigit())
    name = f"{AUDIT_PREFIX}/{entry['at'][:10]}/{entry['call_id']}-{stamp}.json"
    store.write_json(settings.audit_container, name, entry, overwrite=False)
    return name
