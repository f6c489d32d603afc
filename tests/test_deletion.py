"""`callinsights.deletion` against real Azurite: what a deletion removes, and what it never does."""

from __future__ import annotations

import uuid

from callinsights.blobs import BlobStore
from callinsights.call_ids import call_id_from_digest, digest_of_bytes
from callinsights.deletion import Removed, audit_entry, recording_blobs, remove_blobs, write_audit
from callinsights.settings import Settings


def test_removes_the_calls_blobs_and_only_a_recording_that_is_still_this_call(azurite: str):
    settings, store = Settings(storage_connection=azurite), BlobStore(azurite)
    content = uuid.uuid4().bytes * 100
    call_id = call_id_from_digest(digest_of_bytes(content))
    other_id = uuid.uuid4().hex
    store.write_bytes("calls", "mine.wav", content)
    store.write_bytes("calls", "replaced.wav", b"someone else's recording")
    for name in ("0000.flac", "manifest.json"):
        store.write_bytes("chunks", f"{call_id}/{name}", b"x")
    for name in ("chunk-0000.json", "transcript.json", "record.json"):
        store.write_bytes("transcripts", f"{call_id}/{name}", b"{}")
    store.write_bytes("transcripts", f"{other_id}/transcript.json", b"{}")

    names = recording_blobs(settings, {"blob_name": "mine.wav"},
                            {"metadata": {"blob_name": "replaced.wav", "container": "calls"}})
    assert names == {("calls", "mine.wav"), ("calls", "replaced.wav")}
    removed = remove_blobs(store, settings, call_id, names, Removed())
    assert removed == Removed(recordings=1, chunks=2, transcripts=3)
    assert not store.exists("calls", "mine.wav")
    assert store.exists("calls", "replaced.wav")  # other content under the old name: kept
    assert store.exists("transcripts", f"{other_id}/transcript.json")
    again = remove_blobs(store, settings, call_id, names, Removed())
    assert not again.anything  # nothing left: the route answers 404


def test_audit_entry_holds_counts_and_ids_only(azurite: str):
    settings, store = Settings(storage_connection=azurite), BlobStore(azurite)
    entry = audit_entry("a" * 32, "dana@example.com", "2026-12-02T21:00:00.123456+00:00",
                        Removed(recordings=1, records=1), forced=False, terminated=[])
    name = write_audit(store, settings, entry)
    assert name == f"deletions/2026-12-02/{'a' * 32}-210000123456.json"
    assert store.read_json("audit", name) == entry
