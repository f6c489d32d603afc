"""Extraction quality on the fixture calls, through the local model server and the openai SDK.

Real outcomes, not "some JSON came back": the right customer, nulls where the call is silent,
grounded quotes, and confidence that only passes the threshold when the value is right. Values
are compared with `tests.matching` (tolerant of the recogniser's spelling, not of a wrong value).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bench.eval_extraction import (
    OWN_CALLS,
    Call,
    evaluate,
    fixture_calls,
    quote_in_transcript,
)
from callinsights import transcription
from callinsights.ai import openai_client
from callinsights.extraction import extract_fields
from callinsights.settings import Settings
from tests.matching import EXTRACTED_AS, correct, heard
from tests.speech import render_call

pytestmark = pytest.mark.models
THRESHOLD = Settings().confidence_threshold


@pytest.fixture(scope="module")
def settings(model_server: str) -> Settings:
    return dataclasses.replace(Settings(), openai_base_url=model_server)


@pytest.fixture(scope="module")
def extracted(settings: Settings, fixtures_dir: Path) -> dict[str, tuple]:
    """Each fixture call: (call, transcript, extract_fields result)."""
    client = openai_client(settings)
    out = {}
    for call in fixture_calls(fixtures_dir):
        payload = transcription.request(client, settings.transcription_model,
                                        call.audio.read_bytes(), call.audio.name, language="en")
        transcript = transcription.parse(payload)
        out[call.id] = (call, transcript, extract_fields(client, settings.chat_model, transcript))
    return out


def test_roofing_customer_is_found_grounded_and_auto_accepted(extracted: dict) -> None:
    _, transcript, result = extracted["dev01_roofing"]
    name = result["fields"]["customer_name"]
    assert correct("customer_name", "Angela Brooks", name["value"]), name
    assert heard(name["value"], name["evidence"]["quote"]), name  # the value is what was quoted
    assert quote_in_transcript(name["evidence"], transcript)
    assert name["evidence"]["start"] < name["evidence"]["end"]
    assert name["confidence"] >= THRESHOLD
    assert correct("city", "Nashville", result["fields"]["city"]["value"])
    assert correct("region", "Tennessee", result["fields"]["region"]["value"])


def test_caller_without_a_name_gets_no_invented_name(extracted: dict) -> None:
    _, _, result = extracted["dev03_gym_noname"]
    name = result["fields"]["customer_name"]
    assert name["value"] is None
    assert name["evidence"] is None


def test_budget_not_said_is_null(extracted: dict) -> None:
    _, _, result = extracted["dev02_software"]
    assert result["fields"]["budget"]["value"] is None


def test_every_value_is_quoted_from_the_transcript(extracted: dict) -> None:
    for call_id, (_, transcript, result) in extracted.items():
        for name, field in result["fields"].items():
            if field["value"] not in (None, []) and name != "summary":
                assert quote_in_transcript(field["evidence"], transcript), (call_id, name)


def test_accuracy_and_auto_accepted_precision(extracted: dict) -> None:
    cells = []
    for call, _, result in extracted.values():
        for field, name in EXTRACTED_AS.items():
            got = result["fields"][name]
            cells.append((correct(field, call.truth.get(field), got["value"]),
                          got["confidence"]))
    accuracy = sum(right for right, _ in cells) / len(cells)
    accepted = [right for right, confidence in cells if confidence >= THRESHOLD]
    assert accuracy >= 0.85
    assert accepted and sum(accepted) / len(accepted) >= 0.95


def test_bench_evaluation_of_one_call_matches(settings: Settings, fixtures_dir: Path) -> None:
    call = next(c for c in fixture_calls(fixtures_dir) if c.id == "dev04_boat")
    result = evaluate(openai_client(settings), settings, Call(call.id, call.audio, call.truth))
    assert result["fields"]["city"]["right"] and result["fields"]["region"]["right"]
    assert result["fields"]["budget"]["right"]


@pytest.mark.parametrize(("call_id", "expected"), [
    ("ext05_agent_only", {"customer_name": None, "region": "Washington"}),
    ("ext02_solar_numbers", {"customer_name": "Priya Raman", "budget": "25,000"}),
])
def test_own_scripted_calls(settings: Settings, tmp_path: Path, call_id: str,
                            expected: dict) -> None:
    """Agent's name only -> no customer name; unrelated numbers (feet, years) -> not the budget.

    `expected` is in truth-file form; a null must stay null, a value must match by the tolerant
    rule (Whisper has heard "Priy Raman" for "Priya Raman": the right customer all the same).
    """
    script = next(c for c in json.loads(OWN_CALLS.read_text()) if c["id"] == call_id)
    audio = render_call(script["turns"], tmp_path / f"{call_id}.wav")
    client = openai_client(settings)
    payload = transcription.request(client, settings.transcription_model, audio.read_bytes(),
                                    audio.name, language="en")
    result = extract_fields(client, settings.chat_model, transcription.parse(payload))
    for key, truth in expected.items():
        got = result["fields"][EXTRACTED_AS[key]]["value"]
        assert correct(key, truth, got), (key, truth, got)
        if key == "budget":
            assert got["currency"] == "USD"  # the amount was said in dollars
