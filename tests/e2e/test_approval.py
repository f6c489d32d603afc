"""Human review on the local stack: approve with corrections, reject, deadline, bad requests.

Every call goes to review here (threshold 0.99): these tests are about what a decision does,
not about which calls need one. The three calls are submitted together, so the deadline test
waits once while the others decide.
"""

from __future__ import annotations

import pytest

from stack.api import TERMINAL
from stack.calls import Submitted
from stack.session import LocalStack
from tests.e2e.helpers import noname_turns, value
from tests.speech import rendered

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DEADLINE_SECONDS = 90
CALLS = {"approve": ("Tulsa", "Oklahoma", "commercial freezer"),
         "reject": ("Reno", "Nevada", "espresso machine"),
         "deadline": ("Fargo", "North Dakota", "delivery van")}


@pytest.fixture(scope="module")
def stack(make_stack) -> LocalStack:
    return make_stack({"CONFIDENCE_THRESHOLD": "0.99",
                       "APPROVAL_DEADLINE_SECONDS": str(DEADLINE_SECONDS)})


@pytest.fixture(scope="module")
def waiting(stack, audio_dir) -> dict[str, Submitted]:
    """One call per scenario, all awaiting approval."""
    subs = {name: stack.submit(rendered(noname_turns(*args), audio_dir, f"review_{name}"))
            for name, args in CALLS.items()}
    states = stack.follow(subs.values())
    for sub in subs.values():
        assert states[sub.call_id]["status"] == "AwaitingApproval", states[sub.call_id]
        assert states[sub.call_id]["flagged"], "a call awaiting approval names its flagged fields"
    return subs


def record_of(stack: LocalStack, sub: Submitted) -> dict:
    return stack.follow([sub], settled=TERMINAL, timeout=DEADLINE_SECONDS * 3)[sub.call_id]


@pytest.mark.parametrize("body", [
    {"decision": "maybe", "reviewer": "dana"},
    {"decision": "approve", "reviewer": "dana", "corrections": {"shoe_size": 9}},
    {"decision": "reject", "reviewer": "dana", "corrections": {"city": "Paris"}},
    {"decision": "approve"},
    {"decision": "approve", "reviewer": "dana", "corrections": {"budget": "lots"}},
])
def test_bad_approval_body_gets_400_and_changes_nothing(stack, waiting, body):
    call_id = waiting["approve"].call_id
    resp = stack.api.request("POST", f"/api/calls/{call_id}/approval", body, keyed=True)
    assert resp.status == 400, resp.body
    assert resp.body["error"]
    assert stack.api.status(call_id)["status"] == "AwaitingApproval"


def test_body_that_is_not_json_gets_400(stack, waiting):
    call_id = waiting["approve"].call_id
    resp = stack.api.request("POST", f"/api/calls/{call_id}/approval", raw=b"{not json",
                             keyed=True)
    assert resp.status == 400
    assert stack.api.status(call_id)["status"] == "AwaitingApproval"


def test_approval_without_the_function_key_is_refused(stack, waiting):
    call_id = waiting["approve"].call_id
    resp = stack.api.request("POST", f"/api/calls/{call_id}/approval",
                             {"decision": "approve", "reviewer": "mallory"})
    assert resp.status == 401
    assert stack.api.status(call_id)["status"] == "AwaitingApproval"


def test_unknown_call_gets_404(stack, waiting):
    resp = stack.api.decide("0" * 32, "approve", reviewer="dana")
    assert resp.status == 404


def test_calls_awaiting_approval_are_listed(stack, waiting):
    listed = {call["call_id"] for call in stack.api.list("AwaitingApproval")}
    assert {sub.call_id for sub in waiting.values()} <= listed


def test_approve_with_corrections_stores_them_with_an_audit_trail(stack, waiting):
    sub = waiting["approve"]
    before = stack.api.status(sub.call_id)["flagged"]
    resp = stack.api.decide(sub.call_id, "approve", reviewer="dana",
                            corrections={"customer_name": "Dana Whitfield"})
    assert resp.status == 202, resp.body

    state = record_of(stack, sub)

    assert state["status"] == "Completed"
    record = state["record"]
    assert value(record, "customer_name") == "Dana Whitfield"
    review = record["review"]
    assert review["outcome"] == "approved"
    assert review["reviewer"] == "dana"
    assert review["decided_at"]
    assert set(review["flagged"]) == set(before)
    change = next(c for c in review["changes"] if c["field"] == "customer_name")
    assert change["after"] == "Dana Whitfield"


def test_decision_after_completion_gets_409_and_changes_nothing(stack, waiting):
    sub = waiting["approve"]
    stored = record_of(stack, sub)["record"]
    for decision, corrections in (("approve", {"customer_name": "Someone Else"}),
                                  ("reject", None)):
        resp = stack.api.decide(sub.call_id, decision, reviewer="eve", corrections=corrections)
        assert resp.status == 409, resp.body
    assert stack.api.status(sub.call_id)["record"] == stored


def test_reject_stores_a_rejected_record(stack, waiting):
    sub = waiting["reject"]
    resp = stack.api.decide(sub.call_id, "reject", reviewer="sam")
    assert resp.status == 202, resp.body

    state = record_of(stack, sub)

    assert state["status"] == "Rejected"
    assert state["record"]["status"] == "Rejected"
    assert state["record"]["review"]["outcome"] == "rejected"
    assert state["record"]["review"]["reviewer"] == "sam"
    assert stack.api.decide(sub.call_id, "approve", reviewer="sam").status == 409


def test_deadline_stores_the_call_unreviewed(stack, waiting):
    sub = waiting["deadline"]

    state = record_of(stack, sub)

    assert state["status"] == "Completed"
    review = state["record"]["review"]
    assert review["outcome"] == "unreviewed"
    assert review["flagged"], "the fields nobody reviewed stay named"
    assert not review["changes"]
