"""The grounded engine end to end on text: choice, honest logprobs, valid JSON, applicability."""

from __future__ import annotations

import json
import math

from callinsights.extraction_prompt import build_messages, response_format
from callinsights.schema import extraction_json_schema, validate_value
from modelserver.grounded import complete
from modelserver.grounded.candidate import Candidate
from modelserver.grounded.choose import choose_items, choose_one
from modelserver.grounded.fields import kind_of

LINES = "\n".join([
    "[0.0-2.0] Thank you for calling Summit Roofing, this is Tyler.",
    "[2.0-4.0] Who do I have the pleasure of speaking with?",
    "[4.0-6.0] Hi Tyler, this is Angela Brooks.",
    "[6.0-8.0] We are in Nashville, Tennessee.",
    "[8.0-9.0] Do you have a budget in mind?",
    "[9.0-11.0] Around eighteen thousand dollars.",
])


def _request(lines: str = LINES) -> dict:
    return {"model": "gpt-4o", "messages": build_messages(lines),
            "response_format": response_format(), "top_logprobs": 3}


def test_answer_is_valid_json_of_the_schema_and_tokens_spell_it() -> None:
    result = complete(None, _request())
    assert "".join(t for t, _, _ in result.tokens) == result.content
    answer = json.loads(result.content)
    assert list(answer) == list(extraction_json_schema()["properties"])
    for name, field in answer.items():
        validate_value(name, field["value"])
    assert answer["customer_name"]["value"] == "Angela Brooks"
    assert answer["budget"]["value"] == {"amount": 18000, "currency": "USD"}
    assert result.prompt_tokens > 0 and result.completion_tokens == len(result.tokens)


def test_value_tokens_carry_the_probability_and_rivals() -> None:
    result = complete(None, _request())
    token = next(t for t in result.tokens if t[0] == '"Angela Brooks"')
    assert math.exp(token[1]) > 0.9
    assert token[2][0][0] == '"Angela Brooks"' and len(token[2]) <= 3
    assert all(lp == 0.0 for text, lp, _ in result.tokens if text.startswith(("{", ", ")))


def test_not_applicable_without_schema_or_transcript() -> None:
    plain = {"messages": [{"role": "user", "content": "Hello"}]}
    assert complete(None, plain) is None
    no_lines = {**_request(), "messages": [{"role": "user", "content": "Tell me a joke"}]}
    assert complete(None, no_lines) is None


def test_rival_values_split_the_probability() -> None:
    a = Candidate("Nashville", "q", 0.9, "s", "nashville")
    b = Candidate("Memphis", "q", 0.9, "s", "memphis")
    assert choose_one([a], 0.3, 0.08).chosen.probability > 0.9
    assert choose_one([a, b], 0.3, 0.08).chosen.probability < 0.5


def test_agreeing_signals_strengthen_and_hints_weaken_null() -> None:
    weak = Candidate("Fiona", "q", 0.4, "s", "fiona")
    assert choose_one([weak, weak], 0.3, 0.08).chosen.probability > \
        choose_one([weak], 0.3, 0.08).chosen.probability
    hint = Candidate(None, "q", 0.6, "hint", "?")
    assert choose_one([hint], 0.3, 0.08).chosen.value is None
    assert choose_one([hint], 0.3, 0.08).chosen.probability < 0.75
    items, p_empty = choose_items([hint], 0.08)
    assert items == [] and p_empty < 0.75


def test_kinds_come_from_names_and_descriptions() -> None:
    props = extraction_json_schema()["properties"]
    kinds = {name: kind_of(name, spec) for name, spec in props.items()}
    assert kinds == {"customer_name": "person", "company": "company", "city": "city",
                     "region": "region", "country": "country", "products_of_interest": "items",
                     "budget": "money", "timeline": "timeline", "next_steps": "next_steps",
                     "summary": "summary"}
