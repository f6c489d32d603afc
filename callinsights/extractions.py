"""A record's `extractions` history: every extraction of the call, the current one on top.

Each entry names what produced it (instance id, schema and prompt versions, model, time) and
how it ended (outcome, status). The current entry's fields are the record's `extraction`; when
a re-extraction replaces it, the entry moves down carrying its fields, review and stage timings,
so nothing a reviewer decided is lost.
"""

from __future__ import annotations

from callinsights.call_ids import reextraction_number


def entry(*, instance_id: str, at: str, extraction: dict, review: dict, status: str) -> dict:
    """The current extraction's history entry (its fields stay in the record's `extraction`)."""
    return {"instance_id": instance_id, "at": at,
            "schema_version": extraction.get("schema_version"),
            "prompt_version": extraction.get("prompt_version"),
            "model": extraction.get("model"), "deployment": extraction.get("deployment"),
            "outcome": review.get("outcome"), "status": status}


def _current_entry(record: dict) -> dict:
    """The record's own extraction as a history entry (records stored before the history)."""
    listed = record.get("extractions") or []
    if listed:
        return listed[0]
    meta = record.get("metadata") or {}
    chat = (meta.get("models") or {}).get("chat") or {}
    versions = (meta.get("models") or {}).get("extraction") or {}
    return {"instance_id": record.get("call_id"), "at": meta.get("processed_at"),
            "schema_version": versions.get("schema_version", meta.get("schema_version")),
            "prompt_version": versions.get("prompt_version"), "model": chat.get("model"),
            "deployment": chat.get("deployment"),
            "outcome": (record.get("review") or {}).get("outcome"), "status": record.get("status")}


def history(current: dict, previous: dict | None) -> list[dict]:
    """`current` on top, then the previous record's extraction (with its fields) and its history.

    Idempotent: when `previous` already is this extraction (a retried step: same instance,
    same time), its history is kept. A reprocessed call's run has the call id as instance id
    again, but another time.
    """
    if not previous or previous.get("extraction") is None:
        return [current]
    top = _current_entry(previous)
    older = (previous.get("extractions") or [])[1:]
    if (top.get("instance_id"), top.get("at")) == (current["instance_id"], current["at"]):
        return [current, *older]
    moved = {**top, "fields": previous.get("extraction"), "review": previous.get("review"),
             "stage_seconds": (previous.get("metadata") or {}).get("stage_seconds")}
    return [current, moved, *older]


def settled_reextractions(record: dict | None) -> int:
    """The highest n of the re-extractions (`{call_id}-x{n}`) the record's history holds.

    Every re-extraction up to it has ended: they run one at a time, and this one was stored
    after the others. So a lookup of live runs starts after it, the purge may remove their
    histories, and the next re-extraction is numbered after it even once they are gone.
    """
    entries = (record or {}).get("extractions") or []
    return max((reextraction_number(e.get("instance_id") or "") for e in entries), default=0)
