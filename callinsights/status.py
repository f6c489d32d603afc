"""A call's status for the HTTP API, from the durable instance's status and the stored record.

The orchestration publishes its stage in the custom status (docs/architecture.md); this module
maps (runtime status, custom status, record) to the call status clients see:

| durable runtime status               | custom status stage | call status                        |
|--------------------------------------|---------------------|------------------------------------|
| none (no instance), record stored    | -                   | the record's status                |
| Pending                              | -                   | Pending                            |
| Running / ContinuedAsNew / Suspended | awaiting_approval   | AwaitingApproval                   |
| Running / ...                        | failed              | Failed (the failure being stored)  |
| Running / ...                        | anything else       | Running                            |
| Completed                            | -                   | the record's (else output's) status|
| Failed / Terminated / Canceled       | -                   | Failed, with the reason            |
"""

from __future__ import annotations

import json
from typing import Any

from callinsights.schema import CallStatus

# Durable runtime statuses, by what they mean for a call.
ACTIVE_RUNTIMES = ("Running", "Suspended", "ContinuedAsNew")
LIVE_RUNTIMES = ("Pending", *ACTIVE_RUNTIMES)
ENDED_BADLY_RUNTIMES = ("Failed", "Terminated", "Canceled")
FINISHED_RUNTIMES = ("Completed", *ENDED_BADLY_RUNTIMES)


def _runtime(durable: dict) -> str:
    status = durable.get("runtimeStatus") or ""
    return getattr(status, "name", status)  # the SDK's enum or its name


def _custom(durable: dict) -> dict:
    custom = durable.get("customStatus")
    return custom if isinstance(custom, dict) else {}


def _error(durable: dict, record: dict | None) -> str:
    """Why the call failed: the orchestration's words, else the record's, else the host's."""
    custom = _custom(durable)
    if custom.get("error"):
        return str(custom["error"])
    if record and record.get("error"):
        return str(record["error"].get("reason"))
    output = durable.get("output")
    if _runtime(durable) in {"Terminated", "Canceled"}:
        return f"the orchestration was {_runtime(durable).lower()}: {output or 'no reason given'}"
    return str(output or "the orchestration failed")


def finishing_failure(durable: dict | None) -> bool:
    """The run has failed and is only storing its failure record: it reports Failed, but its
    instance is still live for a moment (the orchestrator publishes the failure first)."""
    return bool(durable) and _runtime(durable) in ACTIVE_RUNTIMES and \
        _custom(durable).get("stage") == "failed"


def _call_status(durable: dict, record: dict | None) -> CallStatus:
    runtime = _runtime(durable)
    if runtime == "Pending":
        return CallStatus.PENDING
    if finishing_failure(durable):
        return CallStatus.FAILED
    if runtime in ACTIVE_RUNTIMES:
        if _custom(durable).get("stage") == "awaiting_approval":
            return CallStatus.AWAITING_APPROVAL
        return CallStatus.RUNNING
    if runtime in ENDED_BADLY_RUNTIMES:
        return CallStatus.FAILED
    if record and record.get("status"):
        return CallStatus(record["status"])
    output = durable.get("output")
    if isinstance(output, dict) and output.get("status"):
        return CallStatus(output["status"])
    return CallStatus.COMPLETED


def run_input(durable: dict) -> dict:
    """The orchestration input (when the host was asked for it), decoded from JSON text."""
    given = durable.get("input")
    while isinstance(given, str):  # the SDK sends its input JSON-encoded in a string
        try:
            given = json.loads(given)
        except ValueError:
            return {}
    return given if isinstance(given, dict) else {}


def _date(moment: str | None) -> str | None:
    """`YYYY-MM-DD` of an ISO-8601 time (what a record's `call_date` holds)."""
    return moment[:10] if moment else None


def from_record(record: dict) -> dict:
    """The status of a call known only from its stored record (its durable history was purged)."""
    status = CallStatus(record["status"])
    meta = record.get("metadata") or {}
    return {"call_id": record["call_id"], "status": str(status),
            "stage": "failed" if status is CallStatus.FAILED else "done",
            "progress": None, "created_at": meta.get("started_at"),
            "updated_at": meta.get("processed_at"),
            "file": meta.get("blob_name"), "call_date": record.get("call_date"),
            "record": record,
            "error": (record.get("error") or {}).get("reason")}


def call_status(durable: dict | None, record: dict | None = None) -> dict | None:
    """The call status JSON; None when neither an instance nor a record exists (HTTP 404).

    `durable` is `DurableOrchestrationStatus.to_json()` (or the status endpoint's JSON).
    """
    if not durable or not durable.get("runtimeStatus"):
        return from_record(record) if record else None
    custom = _custom(durable)
    status = _call_status(durable, record)
    body: dict[str, Any] = {
        "call_id": durable.get("instanceId"),
        "status": str(status),
        "stage": custom.get("stage") or ("queued" if status is CallStatus.PENDING else None),
        "progress": None,
        "created_at": durable.get("createdTime"),
        "updated_at": durable.get("lastUpdatedTime"),
    }
    call = run_input(durable)
    meta = (record or {}).get("metadata") or {}
    body["file"] = call.get("blob_name") or meta.get("blob_name")
    body["call_date"] = (record or {}).get("call_date") or _date(
        call.get("uploaded_at") or durable.get("createdTime"))
    if "chunks_total" in custom:
        body["progress"] = {"chunks_done": custom.get("chunks_done", 0),
                            "chunks_total": custom["chunks_total"]}
    if status is CallStatus.AWAITING_APPROVAL:
        body["flagged"] = custom.get("flagged") or {}
        body["deadline"] = custom.get("deadline")
    if status in (CallStatus.COMPLETED, CallStatus.REJECTED, CallStatus.FAILED):
        body["record"] = record
    if status is CallStatus.FAILED:
        body["error"] = _error(durable, record)
    return body


PUBLIC_FIELDS = ("call_id", "status", "stage", "progress")


def public_view(body: dict) -> dict:
    """What anyone holding the call id may see: no names, quotes, record or error text."""
    return {key: body.get(key) for key in PUBLIC_FIELDS}


def status_filter(value: str | None) -> CallStatus | None:
    """Parse `?status=` case-insensitively; ValueError names the valid values."""
    if not value:
        return None
    for status in CallStatus:
        if status.value.lower() == value.strip().lower():
            return status
    raise ValueError(f"unknown status {value!r}; one of: {', '.join(s.value for s in CallStatus)}")


def list_calls(durables: list[dict], records: list[dict],
               wanted: CallStatus | None = None) -> list[dict]:
    """Merge live instances and stored records into one list (a live instance wins), filtered."""
    calls: dict[str, dict] = {}
    for record in records:
        calls[record["call_id"]] = from_record(record)
    for durable in durables:
        body = call_status(durable)
        if not body or not body["call_id"]:
            continue
        known = calls.get(body["call_id"])
        if known and body["status"] in (CallStatus.COMPLETED, CallStatus.REJECTED):
            continue  # the record already describes the finished call
        if known and "record" in body:
            body["record"] = known["record"]
        calls[body["call_id"]] = body
    found = [c for c in calls.values() if wanted is None or c["status"] == wanted]
    return sorted(found, key=lambda c: c.get("updated_at") or "", reverse=True)
