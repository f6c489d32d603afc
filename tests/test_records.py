"""The record document: identity, dating, enrichment from the orchestration's pieces, failures."""

from __future__ import annotations

import hashlib

import pytest

from callinsights import records
from callinsights.schema import FIELD_NAMES, SCHEMA_VERSION
from callinsights.settings import Settings
from callinsights.transcript import Roles, Segment, Transcript

CALL = {"call_id": "c" * 32, "container": "calls", "blob_name": "a.wav",
        "content_hash": "d" * 64, "size_bytes": 2048, "uploaded_at": "2026-01-04T23:59:00+00:00",
        "started_at": "2026-01-05T09:00:00Z"}


class MemoryStore:
    """The two BlobStore methods enrich uses, over a dict."""

    def __init__(self) -> None:
        self.blobs: dict[tuple[str, str], object] = {}

    def read_json(self, container: str, name: str) -> object:
        return self.blobs[(container, name)]

    def write_json(self, container: str, name: str, value: object, **_: object) -> None:
        self.blobs[(container, name)] = value


def test_call_id_is_the_content_hash_prefix():
    call_id, digest = records.call_id_for(b"hello")
    assert digest == hashlib.sha256(b"hello").hexdigest() and call_id == digest[:32]


def test_call_date_prefers_upload_time():
    assert records.call_date("2026-01-04T23:59:00+00:00", "2026-01-05T09:00:00Z") == "2026-01-04"
    assert records.call_date(None, "2026-01-05T09:00:00Z") == "2026-01-05"
    with pytest.raises(ValueError):
        records.call_date(None, None)


def test_empty_fields_cover_the_schema():
    empty = records.empty_fields()
    assert list(empty) == FIELD_NAMES
    assert empty["products_of_interest"]["value"] == []
    assert empty["customer_name"] == {"value": None, "confidence": 0.0, "evidence": None}


def enrich_payload(outcome: str = "approved") -> dict:
    fields = records.empty_fields()
    fields["customer_name"] = {"value": "Dana", "confidence": 0.4,
                               "evidence": {"quote": "I'm Dana", "start": 1.0, "end": 1.5}}
    decision = {"decision": "approve", "reviewer": "kim", "corrections": {"city": "Austin"},
                "comment": None, "decided_at": "2026-01-05T10:00:00Z"}
    return {"call": CALL,
            "audio": {"duration": 61.5, "sample_rate": 44100, "channels": 2, "format": "wav",
                      "codec": "pcm_s16le", "chunks": 1},
            "transcript": {"blob": f"{CALL['call_id']}/transcript.json", "duration": 61.5,
                           "language": "en", "words": 4},
            "extraction": {"fields": fields, "usage": {"prompt_tokens": 10,
                                                       "completion_tokens": 5},
                           "model": "gpt-4o-2024-08-06"},
            "review": {"outcome": outcome, "flagged": ["customer_name"],
                       "decision": decision if outcome == "approved" else None},
            "stage_seconds": {"splitting": 1.5, "transcribing": 20.0},
            "processed_at": "2026-01-05T10:00:05Z"}


def test_enrich_builds_the_documented_record_and_parks_it_in_a_blob():
    store, settings = MemoryStore(), Settings()
    transcript = Transcript(call_id=CALL["call_id"], language="en", duration=61.5,
                            segments=[Segment(start=0, end=2, text=" Hi, I'm Dana "),
                                      Segment(start=2, end=4, text="from Austin.")])
    store.blobs[("transcripts", f"{CALL['call_id']}/transcript.json")] = transcript.model_dump()
    answer = records.enrich(store, settings, enrich_payload())
    assert answer == {"record_blob": f"{CALL['call_id']}/record.json", "id": CALL["call_id"],
                      "status": "Completed"}
    record = store.blobs[("transcripts", answer["record_blob"])]
    assert record["id"] == record["call_id"] == CALL["call_id"]
    assert record["call_date"] == "2026-01-04" and record["status"] == "Completed"
    assert record["error"] is None
    assert record["extraction"]["city"]["value"] == "Austin"
    assert record["review"]["outcome"] == "approved" and record["review"]["reviewer"] == "kim"
    assert record["review"]["changes"][0]["field"] == "city"
    assert record["transcript"] == {"blob": f"{CALL['call_id']}/transcript.json",
                                    "text": "Hi, I'm Dana from Austin.", "language": "en",
                                    "duration": 61.5, "words": 4}
    meta = record["metadata"]
    assert meta["blob_name"] == "a.wav" and meta["content_hash"] == "d" * 64
    assert meta["size_bytes"] == 2048 and meta["duration"] == 61.5
    assert meta["sample_rate"] == 44100 and meta["channels"] == 2 and meta["language"] == "en"
    assert meta["uploaded_at"] == CALL["uploaded_at"]
    assert meta["processed_at"] == "2026-01-05T10:00:05Z"
    assert meta["stage_seconds"] == {"splitting": 1.5, "transcribing": 20.0}
    served = {"provider": "openai_compatible", "endpoint": "127.0.0.1", "local": True}
    assert meta["models"]["transcription"] == {"model": "whisper", **served}
    assert meta["models"]["chat"] == {"model": "gpt-4o-2024-08-06", "deployment": "gpt-4o",
                                      **served}
    assert meta["models"]["extraction"]["verifiers"].startswith("callinsights.verify")
    assert meta["schema_version"] == SCHEMA_VERSION
    assert meta["usage"] == {"prompt_tokens": 10, "completion_tokens": 5}
    assert meta["roles"] is None  # a transcript merged before roles were stated


def test_the_record_says_how_sure_the_speaker_labels_are():
    store = MemoryStore()
    unsure = Roles(source="channels-auto", certainty=0.5, sure=False, rule="auto", margin=1)
    transcript = Transcript(call_id=CALL["call_id"], duration=4.0, roles=unsure, segments=[
        Segment(start=0, end=2, text="Hi, I'm Dana.", speaker="agent"),
        Segment(start=2, end=4, text="From Austin.", speaker="customer")])
    store.blobs[("transcripts", f"{CALL['call_id']}/transcript.json")] = transcript.model_dump()
    answer = records.enrich(store, Settings(), enrich_payload())
    record = store.blobs[("transcripts", answer["record_blob"])]
    assert record["metadata"]["roles"] == unsure.model_dump()
    assert [t["speaker"] for t in record["transcript"]["turns"]] == ["agent", "customer"]


def test_rejected_review_makes_a_rejected_record():
    store = MemoryStore()
    store.blobs[("transcripts", f"{CALL['call_id']}/transcript.json")] = Transcript().model_dump()
    answer = records.enrich(store, Settings(), enrich_payload("rejected"))
    assert answer["status"] == "Rejected"
    assert store.blobs[("transcripts", answer["record_blob"])]["status"] == "Rejected"


def test_failure_record_carries_stage_and_reason():
    record = records.failure(Settings(), {
        "call": CALL, "stage": "splitting", "reason": "a.wav is not audio",
        "stage_seconds": {"splitting": 0.2}, "processed_at": "2026-01-05T09:00:01Z"})
    assert record["status"] == "Failed" and record["id"] == CALL["call_id"]
    assert record["error"] == {"stage": "splitting", "reason": "a.wav is not audio"}
    assert record["extraction"] is None and record["metadata"]["blob_name"] == "a.wav"
