"""What the end-to-end tests read off a local stack: records, history, host logs, audio.

Kept apart from the tests so each test says what it checks, not how to parse a log line.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from stack.api import TERMINAL
from stack.calls import Submitted
from stack.session import LocalStack
from tests.speech import render_call


def render_once(folder: Path, name: str, turns: list[list[str]], **audio: int) -> Path:
    """Speak a script into folder/name unless an earlier test already did."""
    path = folder / name
    return path if path.exists() else render_call(turns, path, **audio)


def noname_turns(city: str, region: str, product: str) -> list[list[str]]:
    """A short call whose customer gives no name: it always goes to review."""
    return [["A", "Northwind Supplies, how can I help?"],
            ["C", f"Hi, I am calling about a {product} for my shop in {city}, {region}."],
            ["A", "Sure. Can I get your name for the quote?"],
            ["C", "I would rather not say yet, please just send the catalog."],
            ["A", "Of course, I will send it today."]]


def value(record: dict, field: str) -> Any:
    return ((record.get("extraction") or {}).get(field) or {}).get("value")


def text_of(value: Any) -> str:
    """A field value as lowercase text, whatever its shape (list, budget object, string)."""
    if isinstance(value, dict):
        return " ".join(text_of(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(text_of(v) for v in value)
    return "" if value is None else str(value).lower()


def amount(record: dict) -> float | None:
    budget = value(record, "budget")
    return float(budget["amount"]) if isinstance(budget, dict) and budget.get("amount") else None


def _spoken_forms(fact: str) -> list[str]:
    """How a truth value may appear in a transcript: its words, or a number without commas."""
    digits = fact.replace(",", "")
    return [digits, f"{int(digits):,}"] if digits.isdigit() else fact.lower().split()


def compare_with_truth(truth: dict, record: dict) -> tuple[list[str], dict[str, Any]]:
    """(facts the ASR heard, those of them the record gets wrong) for a `*.truth.json`.

    A fact is heard when one of its words is in the transcript; the record is right about it
    when that word is in the field's value (budgets: the same amount). Nulls are not checked:
    the review step exists for values the call does not give.
    """
    transcript = record["transcript"]["text"].lower()
    fields = {"customer_name": "customer_name", "city": "city", "region": "region",
              "timeline": "timeline", "products": "products_of_interest", "budget": "budget"}
    heard: list[str] = []
    wrong: dict[str, Any] = {}
    for key, field in fields.items():
        facts = truth.get(key)
        for fact in facts if isinstance(facts, list) else [facts]:
            if fact is None:
                continue
            forms = [f for f in _spoken_forms(fact) if f.lower() in transcript]
            if not forms:
                continue
            heard.append(fact)
            if key == "budget":
                ok = amount(record) == float(fact.replace(",", ""))
            else:
                ok = any(form.lower() in text_of(value(record, field)) for form in forms)
            if not ok:
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


def wait_for_log(stack: LocalStack, text: str, timeout: float = 60.0) -> None:
    """Block until the host's log has a line containing `text` (e.g. a trigger that fired)."""
    deadline = time.monotonic() + timeout
    while text not in stack.host_log():
        assert time.monotonic() < deadline, f"the host never logged {text!r}"
        time.sleep(0.5)
