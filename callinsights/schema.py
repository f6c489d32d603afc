"""The lead schema: what a record holds, what the model is asked to fill, what a reviewer sends.

Two shapes on purpose. The model fills `{value, line}` per field (`extraction_json_schema()`,
strict JSON schema, so GPT-4o and the local server read the same contract; `line` numbers the
transcript line that states the value, cheaper to write than a quote). The record stores
`{value, confidence, evidence: {quote, start, end, line, speaker}, checks}` per field: the quote
is the transcript's own words, found by the app; confidence is calibrated by the app from
logprobs, grounding, ASR scores, verifiers and a second reading, never taken from the model.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = "2"  # 2: per field {value, line}; budgets with period and range


class CallStatus(StrEnum):
    PENDING = "Pending"
    RUNNING = "Running"
    AWAITING_APPROVAL = "AwaitingApproval"
    COMPLETED = "Completed"
    REJECTED = "Rejected"
    FAILED = "Failed"


CURRENCIES = ("USD", "CAD", "GBP", "EUR", "AUD", "NZD", "INR", "MXN", "CHF", "JPY", "SEK", "NOK",
              "DKK", "ZAR", "SGD")
PERIODS = ("total", "month", "year", "week")


class Budget(BaseModel):
    """What the customer can spend: an amount (a range's upper end), per period, maybe a range."""

    model_config = ConfigDict(extra="forbid")
    amount: float = Field(ge=0)
    currency: str = Field(default="USD", min_length=3, max_length=3)
    period: Literal["total", "month", "year", "week"] = "total"
    min: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, ge=0)

    @field_validator("currency")
    @classmethod
    def _upper(cls, currency: str) -> str:
        return currency.upper()

    @model_validator(mode="after")
    def _range_holds(self) -> Budget:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("budget min is above max")
        return self


_TEXT = {"type": ["string", "null"]}
_NUMBER = {"type": ["number", "null"]}
BUDGET_VALUE_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "required": ["amount", "currency", "period", "min", "max"],
    "properties": {"amount": {"type": "number"},
                   "currency": {"type": "string", "enum": list(CURRENCIES)},
                   "period": {"type": "string", "enum": list(PERIODS)},
                   "min": _NUMBER, "max": _NUMBER},
}
# Field name -> (JSON schema of its value, description given to the model).
LEAD_FIELDS: dict[str, tuple[dict, str]] = {
    "agent_name": (_TEXT, "The agent's own first name, as they introduce themself."),
    "agent_company": (_TEXT, "The company the agent works for (the one the customer calls)."),
    "customer_name": (_TEXT, "The customer's own name, in full if said; never the agent's."),
    "company": (_TEXT, "The customer's own company or business, if they name one."),
    "city": (_TEXT, "City or town where the customer is or where the work is."),
    "region": (_TEXT, "State, province or county of that city, only if said."),
    "country": (_TEXT, "Country, only if said."),
    "products_of_interest": (
        {"type": "array", "items": {"type": "string"}},
        "Each product or service the customer wants, once; not ones they have or decline.",
    ),
    "budget": (
        {"anyOf": [{"type": "null"}, BUDGET_VALUE_SCHEMA]},
        "What the customer says they can spend; not a balance, transfer, bill or quoted price.",
    ),
    "timeline": (_TEXT, "When the customer wants to buy or have it done, in their words."),
    "next_steps": (_TEXT, "What the agent or the customer will do next."),
    "summary": (_TEXT, "One short sentence about the call."),
}
FIELD_NAMES = list(LEAD_FIELDS)
# Free-text synthesis: no single line grounds it, so it never blocks auto-acceptance.
UNGROUNDED_FIELDS = frozenset({"summary"})
# About the agent, not the lead: kept in the record, never reviewed.
AGENT_FIELDS = frozenset({"agent_name", "agent_company"})
# The lead's facts: calibrated, and reviewed by a person when not confident (a null too: a
# doubtful "not said" may hide what was said).
REVIEWED_FIELDS = ("customer_name", "company", "city", "region", "country",
                   "products_of_interest", "budget", "timeline")


def extraction_json_schema() -> dict:
    """The strict JSON schema the chat model fills: per field its value and the line saying it."""
    properties = {}
    for name, (value_schema, description) in LEAD_FIELDS.items():
        members = {"value": value_schema}
        if name not in UNGROUNDED_FIELDS:
            members["line"] = {"type": ["integer", "null"],
                               "description": "Number of the transcript line that states it."}
        properties[name] = {"type": "object", "description": description,
                            "additionalProperties": False, "required": list(members),
                            "properties": members}
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
            raise ValueError("budget must be an object {amount, currency, period, min, max} "
                             "or null")
        return Budget.model_validate(value).model_dump()
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string or null")
    return value.strip() or None


class Evidence(BaseModel):
    quote: str
    start: float | None = None  # seconds from the start of the call
    end: float | None = None
    line: int | None = None  # the transcript line (1-based) the quote is in
    speaker: str | None = None  # "agent" | "customer" when the roles are known


class Check(BaseModel):
    """One verifier's finding on a field: why its value was doubted or dropped."""

    check: str  # e.g. "agent_name", "not_a_place", "balance_not_budget"
    effect: Literal["dropped", "doubted"]
    reason: str


class ExtractedField(BaseModel):
    value: Any = None
    confidence: float = Field(ge=0, le=1)
    evidence: Evidence | None = None
    checks: list[Check] = Field(default_factory=list)


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
