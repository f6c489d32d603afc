"""The record document: one reviewed call as Cosmos DB / SQLite stores it (docs/architecture.md).

Built from small pieces the orchestration collected (its input, the split's audio facts, the
merged transcript, the extraction, the review, its stage timings), so the activity that builds
it needs no I/O beyond reading the transcript text.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from callinsights import extractions
from callinsights.ai import provider
from callinsights.call_ids import call_id_from_digest, digest_of_bytes
from callinsights.review import apply_review, record_status
from callinsights.schema import FIELD_NAMES, SCHEMA_VERSION, CallStatus, validate_value
from callinsights.search import search_keys
from callinsights.settings import Settings
from callinsights.transcript import Transcript

if TYPE_CHECKING:
    from callinsights.blobs import BlobStore


def call_date(*candidates: str | None) -> str:
    """`YYYY-MM-DD` of the first ISO-8601 time given (upload time, then processing time)."""
    for value in candidates:
        if value:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    raise ValueError("a call needs an upload or processing time to date it")


def empty_fields() -> dict[str, dict]:
    """Every lead field with no value: what a call without speech yields."""
    return {name: {"value": validate_value(name, None), "confidence": 0.0, "evidence": None}
            for name in FIELD_NAMES}


def metadata(*, call: dict, audio: dict | None, transcript: dict | None, processed_at: str,
             stage_seconds: dict, models: dict, usage: dict | None,
             roles: dict | None = None) -> dict:
    """The `metadata` block: where the call came from, what it is, how it was processed.

    `roles`: the merged transcript's speaker labels, where from and how sure
    (`callinsights.role_certainty`); None for a failed call or a transcript merged before it."""
    audio = audio or {}
    transcript = transcript or {}
    return {
        "blob_name": call.get("blob_name"),
        "container": call.get("container"),
        "content_hash": call.get("content_hash"),
        "size_bytes": call.get("size_bytes"),
        "duration": audio.get("duration", transcript.get("duration")),
        "sample_rate": audio.get("sample_rate"),
        "channels": audio.get("channels"),
        "channel_layout": audio.get("layout"),  # stereo | mono | left | right (docs/speakers.md)
        "agent_channel": transcript.get("agent_channel"),  # stereo: whose channel is the agent's
        "roles": roles,  # {source, certainty, sure, rule, margin}
        "format": audio.get("format"),
        "codec": audio.get("codec"),
        "chunks": audio.get("chunks"),
        "language": transcript.get("language"),
        "uploaded_at": call.get("uploaded_at"),
        "started_at": call.get("started_at"),
        "processed_at": processed_at,
        "stage_seconds": dict(stage_seconds),
        "models": dict(models),
        "schema_version": SCHEMA_VERSION,
        "usage": dict(usage or {}),
    }


def _base(call: dict, status: CallStatus, processed_at: str) -> dict[str, Any]:
    call_id = call["call_id"]
    return {"id": call_id, "call_id": call_id,
            "call_date": call_date(call.get("uploaded_at"), call.get("started_at"), processed_at),
            "status": str(status)}


def build_record(*, call: dict, status: CallStatus, fields: dict, review: dict,
                 transcript: dict, meta: dict, extractions: list[dict] | None = None) -> dict:
    """A finished call (Completed or Rejected): extraction, review, transcript and metadata,
    and the history of its extractions (`callinsights.extractions`), the current one first."""
    return {**_base(call, status, meta["processed_at"]),
            "review": review, "extraction": fields, "transcript": transcript,
            "metadata": meta, "error": None, "extractions": extractions or [],
            "search": search_keys(fields, review.get("flagged"))}


def failure_record(*, call: dict, stage: str, reason: str, meta: dict) -> dict:
    """A call that failed for good: no extraction, the stage and reason in `error`."""
    return {**_base(call, CallStatus.FAILED, meta["processed_at"]),
            "review": None, "extraction": None, "transcript": None, "metadata": meta,
            "error": {"stage": stage, "reason": reason}, "search": search_keys(None, None)}


def record_blob_name(call_id: str) -> str:
    """Where `enrich` leaves the finished record for `store` (transcripts container)."""
    return f"{call_id}/record.json"


def models_used(settings: Settings, extraction: dict | None) -> dict:
    """What actually answered: the transcription deployment, the chat model as its response
    named it (never a deployment alias), who served them, and the app's own readers."""
    served = provider(settings)
    extraction = extraction or {}
    models = {"transcription": {"model": settings.transcription_model, **served}}
    if extraction.get("model"):
        models["chat"] = {"model": extraction["model"],
                          "deployment": extraction.get("deployment") or settings.chat_model,
                          **served}
        models["extraction"] = {"schema_version": extraction.get("schema_version"),
                                "prompt_version": extraction.get("prompt_version"),
                                "verifiers": "callinsights.verify (deterministic checks)",
                                "second_reading": "callinsights.reader (deterministic)",
                                "confidence": "callinsights.calibration (fitted)"}
    return models


def turns(transcript: Transcript) -> list[dict]:
    """Who said what, in order: consecutive segments of one speaker joined into a turn."""
    out: list[dict] = []
    for segment in transcript.segments:
        text = segment.text.strip()
        if not text:
            continue
        if out and out[-1]["speaker"] == segment.speaker:
            out[-1]["text"] += " " + text
            out[-1]["end"] = max(out[-1]["end"], round(segment.end, 2))
        else:
            out.append({"speaker": segment.speaker, "start": round(segment.start, 2),
                        "end": round(segment.end, 2), "text": text})
    return out


def stored_call_input(record: dict, policy: dict) -> dict:
    """An orchestration input for a stored call, from its record: the facts the first run's
    input held (file, hash, size, upload time) and today's policy."""
    meta = record.get("metadata") or {}
    return {"call_id": record["call_id"], "container": meta.get("container"),
            "blob_name": meta.get("blob_name"), "content_hash": meta.get("content_hash"),
            "size_bytes": meta.get("size_bytes"), "uploaded_at": meta.get("uploaded_at"),
            "policy": policy}


def replaces_record(call: dict) -> bool:
    """A re-extraction or a reprocessing: its record replaces a stored one, whose extraction
    goes into the `extractions` history (and which a failure must not overwrite)."""
    return bool(call.get("reextraction") or call.get("reprocess"))


def extraction_id(call: dict) -> str:
    """The instance that made this extraction: a re-extraction's, else the call's own run."""
    return (call.get("reextraction") or {}).get("instance_id") or call["call_id"]


def enrich(store: BlobStore, settings: Settings, payload: dict,
           previous: dict | None = None) -> dict:
    """Apply the review, add the metadata and transcript text, park the record in a blob.

    The record carries the whole transcript text, which may exceed the 45 KB activity payload
    limit, so it travels to `store` by blob name. `previous` is the stored record a
    re-extraction replaces: its extraction moves into the `extractions` history.
    """
    call, merged, extraction = payload["call"], payload["transcript"], payload["extraction"]
    full = Transcript.model_validate(store.read_json(settings.transcripts_container,
                                                     merged["blob"]))
    fields, review = apply_review(extraction["fields"], payload["review"])
    meta = metadata(call=call, audio=payload.get("audio"), transcript=merged,
                    processed_at=payload["processed_at"], stage_seconds=payload["stage_seconds"],
                    models=models_used(settings, extraction),
                    usage=extraction.get("usage"),
                    roles=full.roles.model_dump() if full.roles else None)
    transcript = {"blob": merged["blob"], "text": full.text, "language": merged.get("language"),
                  "duration": merged.get("duration"), "words": merged.get("words")}
    if any(s.speaker for s in full.segments):
        transcript["turns"] = turns(full)
    status = record_status(review["outcome"])
    current = extractions.entry(instance_id=extraction_id(call), at=payload["processed_at"],
                                extraction=extraction, review=review, status=str(status))
    record = build_record(call=call, status=status, fields=fields, review=review,
                          transcript=transcript, meta=meta,
                          extractions=extractions.history(current, previous))
    name = record_blob_name(call["call_id"])
    store.write_json(settings.transcripts_container, name, record)
    return {"record_blob": name, "id": record["id"], "status": str(status)}


def failure(settings: Settings, payload: dict) -> dict:
    """The Failed record for `record_failure`'s payload (call, stage, reason, timings)."""
    meta = metadata(call=payload["call"], audio=None, transcript=None,
                    processed_at=payload["processed_at"], stage_seconds=payload["stage_seconds"],
                    models=models_used(settings, None), usage=None)
    return failure_record(call=payload["call"], stage=payload["stage"],
                          reason=payload["reason"], meta=meta)


def call_id_for(content: bytes) -> tuple[str, str]:
    """(call id, content hash): the rule is `callinsights.call_ids`."""
    digest = digest_of_bytes(content)
    return call_id_from_digest(digest), digest
