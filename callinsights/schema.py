"""The lead schema: what a record holds, what the model is asked to fill, what a reviewer sends.

Two shapes on purpose. The model fills `{value, quote}` per field (`extraction_json_schema()`,
strict JSON schema, so GPT-4o and the local server read the same contract). The record stores
`{value, confidence, evidence: {quote, start, end}}` per field: confidence and times are computed
by the app from logprobs, grounding and ASR scores, never taken from the model's word.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = "1"


class CallStatus(StrEnum):
    PENDING = "Pending"
    RUNNING = "Running"
    AWAITING_APPROVAL = "AwaitingApproval"
    COMPLETED = "Completed"
    REJECTED = "Rejected"
    FAILED = "Failed"


class Budget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: float = Field(ge=0)
    currency: str = Field(default="USD", min_length=3, max_length=3)


# Field name -> (JSON schema of its value, description given to the model).
_TEXT = {"type": ["string", "null"]}
LEAD_FIELDS: dict[str, tuple[dict, str]] = {
    "customer_name": (_TEXT, "Full name of the caller (the customer), never the agent's name."),
    "company": (_TEXT, "The customer's company or organisation, if they name one."),
    "city": (_TEXT, "City where the customer is or where the work is."),
    "region": (_TEXT, "State, province or region of that city."),
    "country": (_TEXT, "Country, only if said."),
    "products_of_interest": (
        {"type": "array", "items": {"type": "string"}},
        "Products or services the customer wants, each a short noun phrase; empty if none.",
    ),
    "budget": (
        {"anyOf": [
            {"type": "null"},
            {"type": "object", "additionalProperties": False, "required": ["amount", "currency"],
             "properties": {"amount": {"type": "number"}, "currency": {"type": "string"}}},
        ]},
        "The customer's budget as an amount and ISO currency code; null if not said.",
    ),
    "timeline": (_TEXT, "When the customer wants to buy or have the work done."),
    "next_steps": (_TEXT, "What the agent or customer agreed to do next."),
    "summary": (_TEXT, "One or two sentences summarising the call."),
}
FIELD_NAMES = list(LEAD_FIELDS)
# Free-text synthesis: no single quote grounds it, so it never blocks auto-acceptance.
UNGROUNDED_FIELDS = frozenset({"summary"})
# Always reviewed when not confident, even when empty: a lead without a name is worth a look.
ALWAYS_CHECKED_FIELDS = frozenset({"customer_name"})


def extraction_json_schema() -> dict:
    """The strict JSON schema the chat model fills: per field, its value and a verbatim quote."""
    properties = {
        name: {
            "type": "object",
            "description": description,
            "additionalProperties": False,
            "required": ["value", "quote"],
            "properties": {
                "value": value_schema,
                "quote": {"type": ["string", "null"],
                          "description": "Exact words from the transcript that state the value."},
            },
        }
        for name, (value_schema, description) in LEAD_FIELDS.items()
    }
    return {"type": "object", "additionalProperties": False, "required": FIELD_NAMES,
            "properties": properties}


def validate_value(name: str, value: Any) -> Any:
    """Check (and normalise) one field's value against its schema; ValueError names the problem."""
    if name not in LEAD_FIELDS:
        raise ValueError(f"unknown field {name!r}; known fields: {', '.join(FIELD_NAMES)}")
    if value is None:
        return [] if name == "products_of_interest" else None
    if name == "products_of_interest":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("products_of_interest must be a list of strings")
        return [v.strip() for v in value if v.strip()]
    if name == "budget":
        if not isinstance(value, dict):
            raise ValueError("budget must be an object {amount, currency} or null")
        return Budget.model_validate(value).model_dump()
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string or null")
    return value.strip() or None


class Evidence(BaseModel):
    quote: str
    start: float | None = None  # seconds from the start of the call
    end: float | None = None


class ExtractedField(BaseModel):
    value: Any = None
    confidence: float = Field(ge=0, le=1)
    evidence: Evidence | None = None


class ApprovalDecision(BaseModel):
    """Body of `POST /api/calls/{call_id}/approval`."""

    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "reject"]
    corrections: dict[str, Any] = Field(default_factory=dict)
    reviewer: str = Field(min_length=1, max_length=200)
    comment: str | None = Field(default=None, max_length=2000)

    @field_validator("reviewer")
    @classmethod
    def _reviewer_not_blank(cls, reviewer: str) -> str:
        if not reviewer.strip():
            raise ValueError("reviewer must not be blank")
        return reviewer.strip()

    @model_validator(mode="after")
    def _corrections_fit_schema(self) -> ApprovalDecision:
        if self.decision == "reject" and self.corrections:
            raise ValueError("a rejection carries no corrections")
        self.corrections = {k: validate_value(k, v) for k, v in self.corrections.items()}
        return self
