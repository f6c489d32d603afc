"""A two-channel call through the whole local stack: speakers from the channels, kept in the
stored transcript with how sure they are (`roles`), and the agent's introduced name never taken
as the customer's; the same call mixed to one channel still completes, its speakers unknown.
"""

from __future__ import annotations

import pytest

from callinsights.role_certainty import SURE_CERTAINTY, UNLABELLED, certainty_of
from stack.session import LocalStack
from tests.e2e.helpers import settle, value
from tests.matching import correct, heard
from tests.speech import rendered
from tests.stereo_calls import AGENT_NAME, SOLAR_TRUTH, SOLAR_TURNS

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def stack(make_stack) -> LocalStack:
    return make_stack({"AGENT_CHANNEL": "auto"})


def _transcript(stack: LocalStack, call_id: str) -> dict:
    resp = stack.api.request("GET", f"/api/calls/{call_id}/transcript", keyed=True)
    assert resp.status == 200, resp.body
    return resp.body


def test_stereo_call_carries_speakers_and_keeps_the_names_apart(stack, audio_dir):
    # The agent on the right channel: auto has to find it from the opening.
    wav = rendered(SOLAR_TURNS, audio_dir, "stereo_solar", apart=True, agent_channel=1)
    sub = stack.submit(wav)
    state = settle(stack, sub)
    assert state["status"] == "Completed", state.get("error")
    record = state["record"]
    meta = record["metadata"]
    assert (meta["channels"], meta["channel_layout"], meta["agent_channel"]) == \
        (2, "stereo", "right")
    assert meta["chunks"] == 2  # one per channel
    roles = meta["roles"]  # as sure as the measured share right at its margin says
    assert (roles["source"], roles["rule"]) == ("channels-auto", "auto")
    assert roles["certainty"] == certainty_of(roles["margin"])
    assert roles["sure"] == (roles["certainty"] >= SURE_CERTAINTY)

    body = _transcript(stack, sub.call_id)
    assert body["roles"] == roles
    segments = body["segments"]
    assert segments and all(s["speaker"] in {"agent", "customer"} for s in segments)
    assert all(w["speaker"] == s["speaker"] for s in segments for w in s["words"])
    assert segments[0]["speaker"] == "agent"
    agent = " ".join(s["text"] for s in segments if s["speaker"] == "agent")
    customer = " ".join(s["text"] for s in segments if s["speaker"] == "customer")
    assert heard(f"calling {AGENT_NAME}", agent) and heard("Daniel Colorado", customer)
    turns = record["transcript"]["turns"]
    assert {t["speaker"] for t in turns} == {"agent", "customer"}

    name = value(record, "customer_name")
    assert not heard(AGENT_NAME, name or ""), f"the agent's name taken: {name}"
    assert name is None or correct("customer_name", SOLAR_TRUTH["customer_name"], name), name
    evidence = record["extraction"]["customer_name"]["evidence"]
    if evidence:
        assert evidence.get("speaker") == "customer", evidence


def test_the_same_call_mixed_to_mono_completes(stack, audio_dir):
    wav = rendered(SOLAR_TURNS, audio_dir, "mixed_solar", mixed=True)
    sub = stack.submit(wav)
    state = settle(stack, sub)
    assert state["status"] == "Completed", state.get("error")
    record = state["record"]
    assert record["metadata"]["channel_layout"] == "mono"
    assert record["metadata"]["agent_channel"] is None
    assert "turns" not in record["transcript"]
    assert heard("Daniel Colorado", record["transcript"]["text"])
    body = _transcript(stack, sub.call_id)
    segments = body["segments"]
    assert segments and all(s["speaker"] is None for s in segments)
    assert body["roles"] == record["metadata"]["roles"] == UNLABELLED.model_dump()
    name = value(record, "customer_name")
    assert not heard(AGENT_NAME, name or ""), f"the agent's name taken: {name}"
