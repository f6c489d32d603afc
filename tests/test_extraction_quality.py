"""Extraction on the real local model (Qwen2.5-Coder-1.5B-Instruct), through the model server
and the openai SDK, on the fixture calls and two of our scripted ones.

Real outcomes, not "some JSON came back": the right customer, nulls where the call is silent,
evidence that is the transcript's own words, the agent's name never taken for the customer's,
and an answer that says which model gave it. Values are compared with `tests.matching`
(tolerant of the recogniser's spelling, not of a wrong value).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.eval_extraction import SCRIPT_SETS, fixture_calls, served_settings
from callinsights import transcription
from callinsights.ai import openai_client
from callinsights.extraction import extract_fields
from callinsights.settings import Settings
from callinsights.text_match import words
from tests.matching import EXTRACTED_AS, correct, heard
from tests.speech import render_call

pytestmark = pytest.mark.models
BUNDLED_CHAT = "qwen2.5-coder-1.5b-instruct"


@pytest.fixture(scope="module")
def settings(model_server: str) -> Settings:
    return served_settings(model_server)


def _extract(settings: Settings, audio: Path) -> tuple:
    client = openai_client(settings)
    payload = transcription.request(client, settings.transcription_model, audio.read_bytes(),
                                    audio.name, language="en")
    transcript = transcription.parse(payload)
    return transcript, extract_fields(client, settings.chat_model, transcript)


@pytest.fixture(scope="module")
def extracted(settings: Settings, fixtures_dir: Path) -> dict[str, tuple]:
    """Each fixture call: (call, transcript, extract_fields result)."""
    return {call.id: (call, *_extract(settings, call.audio))
            for call in fixture_calls(fixtures_dir)}


def _in_transcript(quote: str, transcript) -> bool:
    q, doc = words(quote), words(transcript.text)
    return any(doc[i:i + len(q)] == q for i in range(len(doc) - len(q) + 1))


def test_the_answer_names_the_model_that_gave_it(extracted: dict) -> None:
    _, _, result = extracted["dev01_roofing"]
    assert result["model"] == BUNDLED_CHAT and result["deployment"] == BUNDLED_CHAT
    assert result["usage"]["prompt_tokens"] > 200 and result["usage"]["completion_tokens"] > 20


def test_roofing_customer_is_found_with_evidence(extracted: dict) -> None:
    _, _, result = extracted["dev01_roofing"]
    name = result["fields"]["customer_name"]
    assert correct("customer_name", "Angela Brooks", name["value"]), name
    assert heard(name["value"], name["evidence"]["quote"]), name
    assert name["evidence"]["start"] < name["evidence"]["end"]
    assert correct("city", "Nashville", result["fields"]["city"]["value"])
    assert correct("region", "Tennessee", result["fields"]["region"]["value"])


def test_caller_without_a_name_gets_no_invented_name(extracted: dict) -> None:
    _, _, result = extracted["dev03_gym_noname"]
    assert result["fields"]["customer_name"]["value"] is None


def test_budget_not_said_is_null(extracted: dict) -> None:
    _, _, result = extracted["dev02_software"]
    assert result["fields"]["budget"]["value"] is None


def test_every_value_rests_on_the_transcripts_own_words(extracted: dict) -> None:
    for call_id, (_, transcript, result) in extracted.items():
        for name, field in result["fields"].items():
            if field["value"] not in (None, []) and field.get("evidence"):
                assert _in_transcript(field["evidence"]["quote"], transcript), (call_id, name)


def test_most_fields_right_and_confident_fields_mostly_right(extracted: dict) -> None:
    cells = []
    for call, _, result in extracted.values():
        for field, name in EXTRACTED_AS.items():
            if field in call.truth:
                got = result["fields"][name]
                cells.append((correct(field, call.truth[field], got["value"]),
                              got["confidence"]))
    accuracy = sum(right for right, _ in cells) / len(cells)
    confident = [right for right, confidence in cells if confidence >= 0.9]
    assert accuracy >= 0.75
    assert confident and sum(confident) / len(confident) >= 0.9


@pytest.mark.parametrize(("call_id", "expected"), [
    ("ext05_agent_only", {"customer_name": None, "region": "Washington"}),
    ("ext02_solar_numbers", {"budget": "25,000", "city": "Austin"}),
])
def test_own_scripted_calls(settings: Settings, tmp_path: Path, call_id: str,
                            expected: dict) -> None:
    """Agent's name only -> no customer name; unrelated numbers (feet, years) -> not the budget."""
    script = next(c for c in json.loads(SCRIPT_SETS["tuning"].read_text()) if c["id"] == call_id)
    _, result = _extract(settings, render_call(script["turns"], tmp_path / f"{call_id}.wav"))
    for key, truth in expected.items():
        got = result["fields"][EXTRACTED_AS[key]]["value"]
        assert correct(key, truth, got), (key, truth, got)
        if key == "budget":
            assert got["currency"] == "USD"  # the amount was said in dollars
