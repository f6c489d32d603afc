"""Human review: which extracted fields a person must check, and what their decision does.

A lead field (`schema.REVIEWED_FIELDS`) is flagged when its calibrated confidence is below the
threshold, empty or not. Free text (summary, next steps) and the agent's details are never
flagged: no quote can ground them, and they are not the lead. A decision is validated twice:
by the HTTP route before it enters history, and here again when the orchestrator consumes it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from callinsights.schema import REVIEWED_FIELDS, ApprovalDecision, CallStatus, validate_value

MAX_STATUS_QUOTE = 300  # characters of a quote shown in the custom status
# Chosen from the calibration curve (docs/extraction.md): fields below it go to a person.
DEFAULT_CONFIDENCE_THRESHOLD = 0.8


class Outcome(StrEnum):
    AUTO_ACCEPTED = "auto_accepted"
    APPROVED = "approved"
    REJECTED = "rejected"
    UNREVIEWED = "unreviewed"


def flag_fields(fields: dict[str, dict], threshold: float) -> dict[str, dict]:
    """The lead's fields below `threshold` that a person must check, in schema order.

    Empty ones too: a calibrated confidence in "not said" that is low means the call may well
    say it. The summary, next steps and the agent's own details are never flagged.
    """
    flagged: dict[str, dict] = {}
    for name in REVIEWED_FIELDS:
        field = fields.get(name) or {"value": None, "confidence": 0.0, "evidence": None}
        if float(field.get("confidence") or 0.0) < threshold:
            flagged[name] = field
    return flagged


def status_view(flagged: dict[str, dict]) -> dict[str, dict]:
    """The flagged fields as the custom status shows them: quotes cut short to keep it small."""
    view = {}
    for name, field in flagged.items():
        evidence = field.get("evidence")
        if evidence and len(evidence.get("quote") or "") > MAX_STATUS_QUOTE:
            evidence = {**evidence, "quote": evidence["quote"][:MAX_STATUS_QUOTE] + "…"}
        view[name] = {"value": field.get("value"), "confidence": field.get("confidence"),
                      "evidence": evidence}
    return view


def parse_decision(payload: Any) -> dict:
    """Validate an `Approval` event payload; returns it normalised, raises ValueError if bad.

    The payload is what the approval route raised: an `ApprovalDecision` plus `decided_at`. The
    Python durable client double-encodes event data (azure-functions-durable-python#295), so a
    JSON string is accepted as well as an object.
    """
    if isinstance(payload, str | bytes):
        try:
            payload = json.loads(payload)
        except json.JSONDecodeError as exc:
            raise ValueError(f"approval payload is not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise ValueError("approval payload must be a JSON object")
    body = dict(payload)
    decided_at = body.pop("decided_at", None)
    try:
        decision = ApprovalDecision.model_validate(body)
    except ValidationError as exc:
        raise ValueError(validation_reason(exc)) from exc
    return {**decision.model_dump(mode="json"), "decided_at": decided_at}


def validation_reason(exc: ValidationError) -> str:
    """A pydantic error as one line a reviewer can act on."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ())) or "body"
        parts.append(f"{where}: {error.get('msg')}")
    return "; ".join(parts)


def correction_errors(corrections: Any) -> dict[str, str]:
    """Each correction that does not fit its field, with the reason: a client shows it there.

    The decision's own validation reports a bad correction without naming the field (it is
    checked inside the model validator), so the route adds this to its 400.
    """
    if not isinstance(corrections, dict):
        return {}
    errors = {}
    for name, value in corrections.items():
        try:
            validate_value(str(name), value)
        except ValidationError as exc:
            errors[str(name)] = validation_reason(exc)
        except ValueError as exc:
            errors[str(name)] = str(exc)
    return errors


def deadline_passed(call: dict, now: datetime) -> bool:
    """True when the review window closed without a decision, so none can be made any more.

    Either the call was stored `unreviewed`, or it still shows `AwaitingApproval` past its
    deadline (the orchestration's timer has fired or is about to, and would win the race).
    """
    if call.get("status") == CallStatus.AWAITING_APPROVAL:
        if not call.get("deadline"):
            return False
        deadline = datetime.fromisoformat(call["deadline"])
        return (deadline if deadline.tzinfo else deadline.replace(tzinfo=UTC)) <= now
    review = (call.get("record") or {}).get("review") or {}
    return review.get("outcome") == Outcome.UNREVIEWED


def review_input(outcome: Outcome, flagged: dict[str, dict], decision: dict | None = None) -> dict:
    """What the orchestrator hands to `enrich`: the outcome, what was flagged, the decision."""
    return {"outcome": str(outcome), "flagged": list(flagged), "decision": decision}


def apply_review(fields: dict[str, dict], review: dict) -> tuple[dict[str, dict], dict]:
    """Apply a review to the extracted fields; returns (final fields, the record's `review`).

    Corrections are applied only on approval. Each changed field keeps an audit entry (who,
    when, before, after); a corrected field's confidence becomes 1.0 because a person stated it,
    and its model confidence stays in the audit entry.
    """
    decision = review.get("decision") or {}
    final = {name: dict(field) for name, field in fields.items()}
    changes = []
    if review["outcome"] == Outcome.APPROVED:
        for name, after in (decision.get("corrections") or {}).items():
            before_field = final.get(name) or {"value": None, "confidence": 0.0, "evidence": None}
            if before_field.get("value") == after:
                continue
            changes.append({"field": name, "before": before_field.get("value"), "after": after,
                            "confidence_before": before_field.get("confidence"),
                            "by": decision.get("reviewer"), "at": decision.get("decided_at")})
            final[name] = {**before_field, "value": after, "confidence": 1.0}
    record_review = {
        "outcome": review["outcome"],
        "reviewer": decision.get("reviewer"),
        "decided_at": decision.get("decided_at"),
        "comment": decision.get("comment"),
        "changes": changes,
        "flagged": list(review.get("flagged") or []),
    }
    return final, record_review


def record_status(outcome: str) -> CallStatus:
    """A rejected call is stored as Rejected; every other outcome completes the call."""
    return CallStatus.REJECTED if outcome == Outcome.REJECTED else CallStatus.COMPLETED
