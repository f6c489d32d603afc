"""Review: the flagging rule, decision parsing, corrections with their audit trail."""

from __future__ import annotations

import json

import pytest

from callinsights import review
from callinsights.records import empty_fields
from callinsights.schema import REVIEWED_FIELDS, CallStatus


def fields(**overrides) -> dict:
    """Every field empty and sure of it, then the overrides (value, confidence)."""
    base = {name: {**f, "confidence": 0.99} for name, f in empty_fields().items()}
    for name, (value, confidence) in overrides.items():
        base[name] = {"value": value, "confidence": confidence,
                      "evidence": {"quote": f"q {value}", "start": 1.0, "end": 2.0}}
    return base


def test_confident_values_are_not_flagged():
    found = fields(customer_name=("Dana", 0.9), company=("Acme", 0.75))
    assert review.flag_fields(found, 0.75) == {}


def test_low_confidence_values_are_flagged_in_schema_order():
    found = fields(city=("Austin", 0.3), customer_name=("Dana", 0.5), budget=({"amount": 5,
                                                                             "currency": "USD"},
                                                                            0.1))
    assert list(review.flag_fields(found, 0.75)) == ["customer_name", "city", "budget"]


def test_an_unsure_empty_field_is_flagged_too():
    found = fields(budget=(None, 0.4), products_of_interest=([], 0.3))
    assert list(review.flag_fields(found, 0.75)) == ["products_of_interest", "budget"]


def test_free_text_and_the_agents_details_are_never_flagged():
    found = fields(summary=("A call.", 0.01), next_steps=("Call back", 0.1),
                   agent_name=("Tyler", 0.2))
    assert review.flag_fields(found, 0.75) == {}


def test_missing_field_counts_as_unsure():
    assert list(review.flag_fields({}, 0.5)) == list(REVIEWED_FIELDS)


def test_status_view_cuts_long_quotes():
    found = fields(customer_name=("Dana", 0.2))
    found["customer_name"]["evidence"]["quote"] = "x" * 1000
    view = review.status_view(review.flag_fields(found, 0.75))
    assert len(view["customer_name"]["evidence"]["quote"]) == review.MAX_STATUS_QUOTE + 1
    assert found["customer_name"]["evidence"]["quote"] == "x" * 1000  # input untouched


@pytest.mark.parametrize("encode", [lambda d: d, json.dumps])
def test_parse_decision_accepts_object_or_json_string(encode):
    payload = {"decision": "approve", "reviewer": " kim ", "corrections": {"city": " Austin "},
               "decided_at": "2026-01-05T10:00:00+00:00"}
    parsed = review.parse_decision(encode(payload))
    assert parsed["reviewer"] == "kim" and parsed["corrections"] == {"city": "Austin"}
    assert parsed["decided_at"] == "2026-01-05T10:00:00+00:00"


@pytest.mark.parametrize("payload,needle", [
    ("not json", "not JSON"),
    ([1, 2], "object"),
    ({"decision": "maybe", "reviewer": "kim"}, "decision"),
    ({"decision": "approve"}, "reviewer"),
    ({"decision": "approve", "reviewer": "kim", "corrections": {"shoe_size": 9}}, "shoe_size"),
    ({"decision": "approve", "reviewer": "kim", "corrections": {"budget": "lots"}}, "budget"),
    ({"decision": "reject", "reviewer": "kim", "corrections": {"city": "x"}}, "rejection"),
])
def test_parse_decision_rejects_bad_payloads_with_a_reason(payload, needle):
    with pytest.raises(ValueError, match=needle):
        review.parse_decision(payload)


def test_approval_applies_corrections_with_audit():
    found = fields(customer_name=("Dana Smith", 0.4), city=("Austin", 0.9))
    decision = review.parse_decision({"decision": "approve", "reviewer": "kim",
                                      "corrections": {"customer_name": "Dana Smyth",
                                                      "city": "Austin"},
                                      "decided_at": "2026-01-05T10:00:00Z"})
    final, record_review = review.apply_review(
        found, review.review_input(review.Outcome.APPROVED, {"customer_name": {}}, decision))
    assert final["customer_name"]["value"] == "Dana Smyth"
    assert final["customer_name"]["confidence"] == 1.0
    assert final["customer_name"]["evidence"] == found["customer_name"]["evidence"]
    assert final["city"] == found["city"]  # unchanged value: no audit entry
    assert record_review == {
        "outcome": "approved", "reviewer": "kim", "decided_at": "2026-01-05T10:00:00Z",
        "comment": None, "flagged": ["customer_name"],
        "changes": [{"field": "customer_name", "before": "Dana Smith", "after": "Dana Smyth",
                     "confidence_before": 0.4, "by": "kim", "at": "2026-01-05T10:00:00Z"}]}
    assert found["customer_name"]["value"] == "Dana Smith"  # input untouched


def test_rejection_and_timeout_change_nothing():
    found = fields(customer_name=("Dana", 0.4))
    decision = review.parse_decision({"decision": "reject", "reviewer": "kim"})
    final, rejected = review.apply_review(
        found, review.review_input(review.Outcome.REJECTED, {"customer_name": {}}, decision))
    assert final == found and rejected["outcome"] == "rejected" and rejected["changes"] == []
    final, unreviewed = review.apply_review(
        found, review.review_input(review.Outcome.UNREVIEWED, {"customer_name": {}}))
    assert final == found
    assert unreviewed["outcome"] == "unreviewed" and unreviewed["reviewer"] is None


def test_record_status_per_outcome():
    assert review.record_status("rejected") is CallStatus.REJECTED
    for outcome in ("approved", "auto_accepted", "unreviewed"):
        assert review.record_status(outcome) is CallStatus.COMPLETED
