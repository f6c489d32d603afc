"""The extract step's pure parts: JSON spans, logprob mapping, quote grounding, reconciliation."""

from __future__ import annotations

import itertools
import json
import math
import re
from types import SimpleNamespace
from typing import Any

import openai
import pytest

from callinsights import extraction as ex
from callinsights.json_offsets import byte_spans, value_spans
from callinsights.quotes import ground_quote
from callinsights.schema import FIELD_NAMES
from callinsights.timed_words import TimedWords
from callinsights.token_logprobs import TokenLogprobs
from callinsights.transcript import Segment, Transcript, Word
from callinsights.windows import reconcile, windows


def _segment(start: float, text: str, prob: float = 0.95) -> Segment:
    words, t = [], start
    for w in text.split():
        words.append(Word(start=t, end=t + 0.3, word=" " + w, probability=prob))
        t += 0.3
    return Segment(start=start, end=t, text=" " + text, words=words)


TRANSCRIPT = Transcript(segments=[
    _segment(0.0, "Thank you for calling Summit Roofing, this is Tyler."),
    _segment(4.0, "Hi Tyler, this is Angela Brooks."),
    _segment(8.0, "We are in Nashville, Tennessee."),
    _segment(12.0, "We want a metal roof and new gutters."),
    _segment(16.0, "We hope to keep it around eighteen thousand dollars."),
])
DOC = TimedWords.from_segments(TRANSCRIPT.segments)


def _answer(**fields: dict) -> dict:
    base = {name: {"value": None, "quote": None} for name in FIELD_NAMES}
    base["products_of_interest"] = {"value": [], "quote": None}
    return {**base, **fields}


def _tokens(content: str, logprob: float = -0.01) -> list[tuple[str, float]]:
    return [(m.group(), logprob) for m in re.finditer(r"\w+|\W", content)]


def test_value_spans_cover_nested_values_and_list_items() -> None:
    text = '{"a": {"value": "x y", "quote": null}, "b": {"value": [1, "two"]}}'
    spans = value_spans(text)
    assert text[slice(*spans[("a", "value")])] == '"x y"'
    assert text[slice(*spans[("a", "quote")])] == "null"
    assert text[slice(*spans[("b", "value", 1)])] == '"two"'


def test_token_probability_sums_the_overlapping_tokens() -> None:
    tokens = TokenLogprobs.from_tokens([('{"v": "', -0.1), ("Ang", -0.2), ("ela", -0.3),
                                       ('"}', -0.4)])
    assert tokens.span_logprobs(6, 14) == [-0.1, -0.2, -0.3, -0.4]
    assert tokens.probability(None) is None
    assert TokenLogprobs.from_tokens([]).probability((0, 3)) is None


def test_timed_words_carry_times_and_asr_probabilities() -> None:
    g = ground_quote("this is Angela Brooks", DOC)
    assert g is not None and g.ratio == 1.0
    assert DOC.text(g.start, g.end) == "this is Angela Brooks."
    assert DOC.starts[g.start] == pytest.approx(4.6)


def test_quote_with_copied_timestamp_still_grounds() -> None:
    g = ground_quote("[8.0-9.5] We are in Nashville", DOC)
    assert g is not None and g.ratio == 1.0


def test_grounded_answer_is_confident_with_evidence() -> None:
    answer = _answer(customer_name={"value": "Angela Brooks", "quote": "this is Angela Brooks"},
                     budget={"value": {"amount": 18000, "currency": "USD"},
                             "quote": "around eighteen thousand dollars"})
    content = json.dumps(answer)
    fields = ex.parse_answer(content, _tokens(content), DOC)
    assert fields["customer_name"]["confidence"] > 0.75
    assert fields["customer_name"]["evidence"]["quote"] == "this is Angela Brooks."
    assert fields["budget"]["value"] == {"amount": 18000.0, "currency": "USD"}
    assert fields["budget"]["confidence"] > 0.75


def test_invented_value_is_capped_even_with_a_sure_model() -> None:
    answer = _answer(city={"value": "Boston", "quote": "we live in Boston"},
                     region={"value": "Ohio", "quote": "We are in Nashville, Tennessee"},
                     budget={"value": {"amount": 5000, "currency": "USD"},
                             "quote": "around eighteen thousand dollars"})
    content = json.dumps(answer)
    fields = ex.parse_answer(content, _tokens(content, 0.0), DOC)
    for name in ("city", "region", "budget"):
        assert fields[name]["confidence"] <= 0.3, name


def test_null_gets_the_probability_of_null_and_bad_values_zero() -> None:
    answer = _answer(company={"value": 42, "quote": None})
    content = json.dumps(answer)
    fields = ex.parse_answer(content, _tokens(content, -0.05), DOC)
    assert fields["company"] == {"value": None, "confidence": 0.0, "evidence": None}
    assert fields["country"]["value"] is None
    assert fields["country"]["confidence"] == pytest.approx(0.951, abs=1e-3)


def test_unreadable_answer_yields_unconfident_nulls() -> None:
    fields = ex.parse_answer("{not json", [], DOC)
    assert all(f["value"] in (None, []) for f in fields.values())
    assert all(f["confidence"] < 0.75 for f in fields.values())


def test_products_are_deduplicated_and_each_grounded() -> None:
    answer = _answer(products_of_interest={"value": ["metal roof", "Metal roofs", "gutters"],
                                           "quote": "a metal roof and new gutters"})
    content = json.dumps(answer)
    field = ex.parse_answer(content, _tokens(content), DOC)["products_of_interest"]
    assert field["value"] == ["metal roof", "gutters"]
    assert field["confidence"] > 0.75


def test_windows_overlap_and_cover_every_segment() -> None:
    parts = windows(TRANSCRIPT.segments, 200, overlap=1)
    assert len(parts) > 1
    seen = {s.start for part in parts for s in part}
    assert seen == {s.start for s in TRANSCRIPT.segments}
    assert all(a[-1] in b for a, b in itertools.pairwise(parts))


def _field(value, confidence, quote="q"):
    return {"value": value, "confidence": confidence,
            "evidence": {"quote": quote, "start": 0, "end": 1} if value else None}


def test_reconcile_prefers_confident_values_and_unites_products() -> None:
    w1 = {"customer_name": _field("Angela Brooks", 0.9), "city": _field(None, 0.8),
          "products_of_interest": _field(["metal roof"], 0.9)}
    w2 = {"customer_name": _field(None, 0.7), "city": _field("Nashville", 0.85),
          "products_of_interest": _field(["gutters", "Metal roof"], 0.8)}
    merged = reconcile([w1, w2])
    assert merged["customer_name"]["value"] == "Angela Brooks"
    assert merged["city"]["value"] == "Nashville"
    assert merged["products_of_interest"]["value"] == ["metal roof", "gutters"]
    assert merged["products_of_interest"]["confidence"] == 0.8


def test_reconcile_lowers_confidence_when_windows_disagree() -> None:
    merged = reconcile([{"city": _field("Nashville", 0.9)}, {"city": _field("Memphis", 0.6)}])
    assert merged["city"]["value"] == "Nashville"
    assert merged["city"]["confidence"] < 0.75


def _response(content: str, tokens: list[tuple[str, float]], prompt_tokens: int,
              completion_tokens: int) -> SimpleNamespace:
    """What the SDK returns for a chat completion with logprobs."""
    entries = [SimpleNamespace(token=t, logprob=lp, bytes=None) for t, lp in tokens]
    return SimpleNamespace(
        choices=[SimpleNamespace(message=SimpleNamespace(content=content),
                                 logprobs=SimpleNamespace(content=entries))],
        usage=SimpleNamespace(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens))


class _FakeCompletions:
    """Answers like an OpenAI-compatible server; refuses prompts over `limit` characters."""

    def __init__(self, limit: int) -> None:
        self.limit, self.calls = limit, []

    def create(self, **kwargs: Any) -> SimpleNamespace:
        self.calls.append(kwargs)
        prompt = kwargs["messages"][-1]["content"]
        if len(prompt) > self.limit:
            response = SimpleNamespace(status_code=400, headers={}, request=None)
            raise openai.BadRequestError("maximum context length exceeded", response=response,
                                         body=None)
        answer = _answer()
        if "Angela" in prompt:
            answer["customer_name"] = {"value": "Angela Brooks", "quote": "this is Angela Brooks"}
        content = json.dumps(answer)
        return _response(content, _tokens(content), len(prompt) // 4, 50)


def _client(limit: int) -> SimpleNamespace:
    return SimpleNamespace(chat=SimpleNamespace(completions=_FakeCompletions(limit)))


def test_extract_fields_sends_the_contract_request() -> None:
    client = _client(10_000)
    result = ex.extract_fields(client, "gpt-4o", TRANSCRIPT)
    call = client.chat.completions.calls[0]
    assert call["response_format"]["json_schema"]["strict"] is True
    assert call["logprobs"] is True and call["temperature"] == 0
    assert "[4.0-" in call["messages"][1]["content"]
    assert result["fields"]["customer_name"]["value"] == "Angela Brooks"
    assert result["usage"]["completion_tokens"] == 50 and result["model"] == "gpt-4o"


def test_extract_fields_splits_when_the_context_is_too_small(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ex, "MIN_WINDOW_CHARS", 50)
    client = _client(200)
    result = ex.extract_fields(client, "local", TRANSCRIPT, window_chars=4000)
    assert len(client.chat.completions.calls) > 2
    assert result["fields"]["customer_name"]["value"] == "Angela Brooks"


def test_silence_needs_no_model_call() -> None:
    client = _client(10_000)
    result = ex.extract_fields(client, "m", Transcript())
    assert client.chat.completions.calls == []
    assert result["fields"]["products_of_interest"]["value"] == []


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


class _GroundedCompletions:
    """The local server's grounded engine in-process, answering like the SDK would."""

    def __init__(self) -> None:
        self.calls = 0

    def create(self, **kwargs: Any) -> SimpleNamespace:
        from modelserver.grounded import complete

        self.calls += 1
        result = complete(None, kwargs)
        return _response(result.content, [(t, lp) for t, lp, _ in result.tokens],
                         result.prompt_tokens, result.completion_tokens)


def test_long_call_in_windows_keeps_facts_from_beginning_middle_and_end() -> None:
    from tests.speech import long_turns

    segments, t = [], 0.0
    for _, text in long_turns(15):
        segments.append(_segment(t, text))
        t = segments[-1].end + 0.5
    client = SimpleNamespace(chat=SimpleNamespace(completions=_GroundedCompletions()))
    result = ex.extract_fields(client, "local", Transcript(segments=segments), window_chars=3000)
    fields = result["fields"]
    assert client.chat.completions.calls > 3
    assert fields["customer_name"]["value"] == "Tomasz Wisniewski"
    assert (fields["city"]["value"], fields["region"]["value"]) == ("Portland", "Oregon")
    assert fields["budget"]["value"] == {"amount": 60000.0, "currency": "USD"}
    assert fields["customer_name"]["evidence"]["start"] < fields["city"]["evidence"]["start"]


def test_tokens_splitting_a_character_still_map_to_their_value() -> None:
    content = '{"a": {"value": "José", "quote": null}}'
    raw = content.encode()
    cut = raw.index("é".encode()) + 1  # a token boundary inside "é"
    tokens = [(raw[:16], 0.0), (raw[16:cut], -0.5), (raw[cut:cut + 2], -0.25), (raw[cut + 2:], 0.0)]
    spans = byte_spans(content, value_spans(content))
    probability = TokenLogprobs.from_tokens(tokens).probability(spans[("a", "value")])
    assert probability == pytest.approx(math.exp(-0.75))
