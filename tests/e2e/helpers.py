"""What the end-to-end tests read off a local stack: records against their truth, host logs.

Kept apart from the tests so each test says what it checks, not how to parse a log line.
"""

from __future__ import annotations

import json
import time
from typing import Any

from stack.api import TERMINAL
from stack.calls import Submitted
from stack.session import LocalStack
from tests.matching import EXTRACTED_AS, amount_heard, correct, has_item, heard_words


def noname_turns(city: str, region: str, product: str) -> list[list[str]]:
    """A short call whose customer gives no name: it always goes to review."""
    return [["A", "Northwind Supplies, how can I help?"],
            ["C", f"Hi, I am calling about a {product} for my shop in {city}, {region}."],
            ["A", "Sure. Can I get your name for the quote?"],
            ["C", "I would rather not say yet, please just send the catalog."],
            ["A", "Of course, I will send it today."]]


def value(record: dict, field: str) -> Any:
    return ((record.get("extraction") or {}).get(field) or {}).get("value")


def _fact_heard(key: str, fact: str, transcript: str) -> bool:
    """The recogniser kept this fact: its amount, or at least one of its words."""
    if key == "budget":
        return amount_heard(fact, transcript)
    return bool(heard_words(fact, transcript))


def _fact_right(key: str, fact: str, got: Any) -> bool:
    """The record says this fact: one product among its products, or the field matches."""
    return has_item(fact, got) if key == "products" else correct(key, fact, got)


def compare_with_truth(truth: dict, record: dict) -> tuple[list[str], dict[str, Any]]:
    """(facts the ASR heard, those of them the record gets wrong) for a `*.truth.json`.

    A fact is heard when the transcript has one of its words (a budget: its amount), by the
    tolerant rule of `tests.matching`; the record is right about it when its field matches by
    the same rule (each product on its own). Nulls are not checked: the review step exists for
    values the call does not give.
    """
    transcript = record["transcript"]["text"]
    heard: list[str] = []
    wrong: dict[str, Any] = {}
    for key, field in EXTRACTED_AS.items():
        facts = truth.get(key)
        for fact in facts if isinstance(facts, list) else [facts]:
            if fact is None or not _fact_heard(key, fact, transcript):
                continue
            heard.append(fact)
            if not _fact_right(key, fact, value(record, field)):
                wrong[fact] = value(record, field)
    return heard, wrong


def settle(stack: LocalStack, sub: Submitted, reviewer: str = "e2e") -> dict:
    """Approve a call as is if it waits for a person, so its record gets stored."""
    state = stack.follow([sub])[sub.call_id]
    if state["status"] == "AwaitingApproval":
        resp = stack.api.decide(sub.call_id, "approve", reviewer=reviewer)
        assert resp.status == 202, resp.body
        state = stack.follow([sub], settled=TERMINAL)[sub.call_id]
    return state


def orchestration_input(stack: LocalStack, call_id: str) -> Any:
    """What the starter gave the orchestration (the SDK sends it JSON-encoded in a string)."""
    started = next(e for e in stack.api.history(call_id) if e["EventType"] == "ExecutionStarted")
    given = started.get("Input")
    while isinstance(given, str):
        given = json.loads(given)
    return given


def wait_for_log(stack: LocalStack, text: str, timeout: float = 60.0) -> None:
    """Block until the host's log has a line containing `text` (e.g. a trigger that fired)."""
    deadline = time.monotonic() + timeout
    while text not in stack.host_log():
        assert time.monotonic() < deadline, f"the host never logged {text!r}"
        time.sleep(0.5)
