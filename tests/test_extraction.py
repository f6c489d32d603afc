"""The extract step's pure parts: lines, JSON spans, the model's probabilities, analysis of an
answer (evidence, checks, signals, calibrated confidence), windows and reconciliation."""

from __future__ import annotations

import json
import math
import re

import pytest

from callinsights import extraction as ex
from callinsights.json_offsets import byte_spans, value_spans
from callinsights.model_answer import parse_answer
from callinsights.schema import FIELD_NAMES, extraction_json_schema
from callinsights.timed_words import TimedWords
from callinsights.token_logprobs import TokenLogprobs
from callinsights.transcript import Segment, Word
from callinsights.transcript_lines import render, split_lines
from callinsights.windows import reconcile, windows
from tests.text_calls import transcript

TURNS = [["A", "Thank you for calling Summit Roofing, this is Tyler. Who am I speaking with?"],
         ["C", "Hi Tyler, this is Angela Brooks."],
         ["C", "We are in Nashville, Tennessee."],
         ["C", "We want a metal roof and new gutters."],
         ["C", "We hope to keep it around eighteen thousand dollars."]]


def _answer(**fields: object) -> dict:
    base = {name: {"value": None, "line": None} for name in FIELD_NAMES}
    base["products_of_interest"] = {"value": [], "line": None}
    base["summary"] = {"value": None}
    return {**base, **fields}


def _reply(answer: dict, logprob: float = -0.01) -> ex.Reply:
    content = json.dumps(answer, separators=(",", ":"))
    tokens = [(m.group(), logprob) for m in re.finditer(r"\w+|\W", content)]
    return ex.Reply(content, tokens, [], "test-model")


def test_lines_split_at_sentences_and_speakers_and_show_roles() -> None:
    doc = TimedWords.from_segments(transcript(TURNS).segments)
    lines = split_lines(doc)
    text = render(doc, lines)
    assert text.splitlines()[:3] == [
        "L1 AGENT: Thank you for calling Summit Roofing, this is Tyler.",
        "L2 AGENT: Who am I speaking with?", "L3 CUSTOMER: Hi Tyler, this is Angela Brooks."]
    mono = TimedWords.from_segments(transcript(TURNS, roles=False).segments)
    assert render(mono, split_lines(mono)).splitlines()[2] == \
        "L3: Hi Tyler, this is Angela Brooks."


def test_abbreviations_and_decimals_end_no_line() -> None:
    doc = TimedWords.from_segments([Segment(start=0, end=3, text=" Mr. Roy paid 2.5 million.")])
    assert len(split_lines(doc)) == 1


def test_the_schema_asks_value_and_line_and_no_line_for_the_summary() -> None:
    schema = extraction_json_schema()
    assert schema["properties"]["city"]["required"] == ["value", "line"]
    assert schema["properties"]["summary"]["required"] == ["value"]
    budget = schema["properties"]["budget"]["properties"]["value"]["anyOf"][1]
    assert budget["required"] == ["amount", "currency", "period", "min", "max"]


def test_value_spans_cover_nested_values_and_list_items() -> None:
    text = '{"a": {"value": "x y", "line": null}, "b": {"value": [1, "two"]}}'
    spans = value_spans(text)
    assert text[slice(*spans[("a", "value")])] == '"x y"'
    assert text[slice(*spans[("a", "line")])] == "null"
    assert text[slice(*spans[("b", "value", 1)])] == '"two"'


def test_a_values_probability_includes_the_token_that_chose_it() -> None:
    content = '{"city":{"value":"Austin","line":2}}'
    tokens = [('{"city":{"value', 0.0), ('":"', -0.5), ("Austin", -0.25), ('","', 0.0),
              ("line", 0.0), ('":', 0.0), ("2", -0.1), ("}}", 0.0)]
    field = parse_answer(content, tokens)["city"]
    assert field.value == "Austin" and field.line == 2
    assert field.p_value == pytest.approx(math.exp(-0.75))


def test_tokens_splitting_a_character_still_map_to_their_value() -> None:
    content = '{"a": {"value": "José", "line": null}}'
    raw = content.encode()
    cut = raw.index("é".encode()) + 1  # a token boundary inside "é"
    tokens = [(raw[:16], 0.0), (raw[16:cut], -0.5), (raw[cut:cut + 2], -0.25),
              (raw[cut + 2:], 0.0)]
    spans = byte_spans(content, value_spans(content))
    probability = TokenLogprobs.from_tokens(tokens).probability(spans[("a", "value")])
    assert probability == pytest.approx(math.exp(-0.75))


def test_an_invalid_value_becomes_null_with_the_reason() -> None:
    content = json.dumps(_answer(budget={"value": {"amount": -5, "currency": "USD"},
                                         "line": 3}))
    field = parse_answer(content, [])["budget"]
    assert field.value is None and field.invalid


def test_an_unreadable_answer_yields_nulls_marked_invalid() -> None:
    fields = parse_answer("not json", [])
    assert all(f.invalid for f in fields.values())
    assert fields["products_of_interest"].value == []


def test_analysis_finds_evidence_checks_and_calibrates() -> None:
    call = transcript(TURNS)
    answer = _answer(customer_name={"value": "Tyler", "line": 1},
                     city={"value": "Nashville", "line": 4},
                     region={"value": "Tennessee", "line": 4},
                     budget={"value": {"amount": 18000, "currency": "USD", "period": "total",
                                       "min": None, "max": None}, "line": 6},
                     products_of_interest={"value": ["metal roof", "gutters"], "line": 5})
    fields = ex.analyse([_reply(answer)], call)
    name = fields["customer_name"]  # the agent's name dropped, the second reading's taken
    assert [c["check"] for c in name["checks"]] == ["agent_name", "second_reading"]
    assert name["value"] == "Angela Brooks" and name["signals"]["from_reader"]
    assert name["evidence"]["speaker"] == "customer"
    unfilled = ex.analyse([_reply(answer)], call, ex.Options(fill_empty=False))
    assert unfilled["customer_name"]["value"] is None
    city = fields["city"]
    assert city["evidence"]["quote"] == "Nashville," and city["evidence"]["speaker"] == "customer"
    assert city["evidence"]["line"] == 4 and city["evidence"]["start"] > 0
    assert city["signals"]["grounded"] and city["signals"]["in_line"]
    assert 0 < city["confidence"] <= 1
    assert fields["budget"]["evidence"]["quote"] == "eighteen thousand"
    assert fields["products_of_interest"]["value"] == ["metal roof", "gutters"]
    assert fields["summary"]["checks"] == []


def test_a_value_the_model_left_empty_is_the_second_readings() -> None:
    call = transcript(TURNS)
    answer = _answer(city={"value": "Nashville", "line": 4}, region={"value": None, "line": None})
    region = ex.analyse([_reply(answer)], call)["region"]
    assert region["value"] == "Tennessee" and region["signals"]["from_reader"]
    assert [c["check"] for c in region["checks"]] == ["second_reading"]
    unfilled = ex.analyse([_reply(answer)], call, ex.Options(fill_empty=False))["region"]
    assert unfilled["value"] is None


def test_a_city_geonames_does_not_know_gives_way_to_the_second_readings_town() -> None:
    call = transcript([["A", "Trailhead Rentals, how can I help?"],
                       ["C", "Hi there, I'm Bogdan and I in Escu."],
                       ["C", "Denver. We live in Aurora, Colorado."]])
    answer = _answer(city={"value": "Escu", "line": 2})
    city = ex.analyse([_reply(answer)], call)["city"]
    assert city["value"] == "Aurora" and city["signals"]["from_reader"]
    assert [c["check"] for c in city["checks"]] == ["second_reading"]
    kept = ex.analyse([_reply(answer)], call, ex.Options(fill_empty=False))["city"]
    assert kept["value"] == "Escu" and "unknown_town" in [c["check"] for c in kept["checks"]]


def test_an_unsure_model_scores_lower_than_a_sure_one() -> None:
    call = transcript(TURNS)
    answer = _answer(city={"value": "Nashville", "line": 4})
    sure = ex.analyse([_reply(answer, -0.001)], call)["city"]["confidence"]
    unsure = ex.analyse([_reply(answer, -0.4)], call)["city"]["confidence"]
    assert sure > unsure


def test_windows_overlap_and_cover_every_line() -> None:
    turns = [["C", f"Sentence number {i} of a long call about nothing much."] for i in range(60)]
    doc = TimedWords.from_segments(transcript(turns).segments)
    lines = split_lines(doc)
    parts = windows(doc, lines, 600)
    assert len(parts) > 3
    covered = {line.number for part in parts for line in part}
    assert covered == {line.number for line in lines}
    assert parts[0][-1].number > parts[1][0].number  # neighbours share lines


def test_reconcile_prefers_confident_values_unites_products_and_doubts_disagreement() -> None:
    a = {"city": {"value": "Austin", "confidence": 0.9}, "products_of_interest":
         {"value": ["heat pump"], "confidence": 0.8, "checks": []}}
    b = {"city": {"value": "Boston", "confidence": 0.3}, "products_of_interest":
         {"value": ["the pump", "thermostat"], "confidence": 0.7, "checks": []}}
    merged = reconcile([a, b])
    assert merged["city"]["value"] == "Austin"
    assert merged["city"]["confidence"] == pytest.approx(0.9 * 0.7)
    assert merged["products_of_interest"]["value"] == ["heat pump", "thermostat"]


def test_words_without_spaces_align_to_the_segment_text() -> None:
    """OpenAI sends words without spaces or punctuation; faster-whisper splits "$60" ",000"."""
    openai_style = Segment(start=0.0, end=2.0, text=" Hi Tyler, this is Angela.", words=[
        Word(start=0.0, end=0.2, word="Hi", probability=0.9),
        Word(start=0.2, end=0.6, word="Tyler", probability=0.8),
        Word(start=0.7, end=0.9, word="this", probability=0.99),
        Word(start=0.9, end=1.1, word="is", probability=0.99),
        Word(start=1.1, end=1.6, word="Angela", probability=0.4)])
    split = Segment(start=5.0, end=7.0, text=" Up to $60,000.", words=[
        Word(start=5.0, end=5.2, word=" Up", probability=0.9),
        Word(start=5.2, end=5.4, word=" to", probability=0.9),
        Word(start=5.4, end=6.0, word=" $60", probability=0.8),
        Word(start=6.0, end=6.5, word=",000.", probability=0.7)])
    doc = TimedWords.from_segments([openai_style, split])
    assert doc.raw == ["Hi", "Tyler,", "this", "is", "Angela.", "Up", "to", "$60,000."]
    assert (doc.starts[4], doc.ends[4], doc.probs[4]) == (1.1, 1.6, 0.4)
    assert (doc.starts[7], doc.ends[7], doc.probs[7]) == (5.4, 6.5, 0.7)
