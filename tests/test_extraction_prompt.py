"""The prompt's worked example: a valid answer under the schema, and none of its values occur in
any call the tests or benchmarks use (a model that copies the example is caught, not helped)."""

from __future__ import annotations

import json
from pathlib import Path

from callinsights.extraction_prompt import EXAMPLE_ANSWER, EXAMPLE_TURNS, build_messages
from callinsights.schema import FIELD_NAMES, validate_value
from callinsights.text_match import words

ROOT = Path(__file__).resolve().parents[1]
CALL_FILES = [ROOT / "tests" / "data" / name for name in
              ("calibration_calls.json", "frozen_calls.json", "extraction_calls.json")] + [
    ROOT / "tests" / "data" / "fixtures" / "calls.json", ROOT / "samples" / "calls.json"]


def _example_values() -> list[str]:
    values = []
    for name, field in EXAMPLE_ANSWER.items():
        value = field["value"]
        if name in ("summary", "next_steps") or value is None:
            continue
        if isinstance(value, dict):
            values += [f"{value['amount']:,}", str(value["amount"])]
        elif isinstance(value, list):
            values += value
        else:
            values.append(value)
    return values


def test_the_example_answer_follows_the_schema_in_its_order() -> None:
    assert list(EXAMPLE_ANSWER) == FIELD_NAMES
    for name, field in EXAMPLE_ANSWER.items():
        validate_value(name, field["value"])
        if field.get("line") is not None:
            assert 1 <= field["line"] <= len(EXAMPLE_TURNS)


def test_no_example_value_occurs_in_any_test_call() -> None:
    calls = " ".join(" ".join(words(json.dumps(call))) for path in CALL_FILES
                     for call in json.loads(path.read_text()))
    padded = f" {calls} "
    for value in _example_values():
        phrase = " ".join(words(value))
        assert f" {phrase} " not in padded, value


def test_the_example_is_shown_labelled_only_when_the_call_is() -> None:
    labelled = build_messages("L1 AGENT: hello", labelled=True)
    mono = build_messages("L1: hello", labelled=False)
    assert "L1 AGENT:" in labelled[1]["content"] and "L1 AGENT:" not in mono[1]["content"]
    assert json.loads(labelled[2]["content"]) == EXAMPLE_ANSWER
