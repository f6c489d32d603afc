"""The model's JSON answer read field by field, with the model's own probability of each value.

The probability comes from the logprobs of exactly the tokens that spell the value, plus the one
before it (where the model chose between a string and `null`: `":"` vs `":` then `null`). Every
provider that returns logprobs (Azure OpenAI GPT-4o, the local server) gives the same signal;
without logprobs it is None and the calibration treats it as unknown.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from callinsights.json_offsets import byte_spans, value_spans
from callinsights.schema import LEAD_FIELDS, validate_value
from callinsights.token_logprobs import Token, TokenLogprobs


@dataclass(frozen=True)
class RawField:
    """One field as the model wrote it: the value (validated), its line, its probability."""

    name: str
    value: Any
    line: int | None
    p_value: float | None
    n_tokens: int = 0  # how many tokens spell the value
    p_items: list[float | None] = field(default_factory=list)  # per list item
    invalid: str | None = None  # why the written value did not fit the schema


def _widened(span: tuple[int, int] | None) -> tuple[int, int] | None:
    """The value's bytes and the one before them: the token that chose it."""
    return None if span is None else (max(0, span[0] - 1), span[1])


def _probability(lp: TokenLogprobs, span: tuple[int, int] | None) -> float | None:
    return lp.probability(_widened(span))


def _field(name: str, answer: Any, spans: dict, lp: TokenLogprobs) -> RawField:
    member = answer if isinstance(answer, dict) else {}
    line = member.get("line")
    line = line if isinstance(line, int) and not isinstance(line, bool) and line > 0 else None
    span = _widened(spans.get((name, "value")))
    p_value = lp.probability(span)
    n_tokens = len(lp.span_logprobs(*span)) if span else 0
    try:
        value = validate_value(name, member.get("value"))
    except ValueError as exc:
        return RawField(name, validate_value(name, None), line, p_value, n_tokens,
                        invalid=str(exc))
    items = []
    if isinstance(value, list):
        items = [_probability(lp, spans.get((name, "value", i))) for i in range(len(value))]
    return RawField(name, value, line, p_value, n_tokens, items)


def parse_answer(content: str, tokens: Sequence[Token]) -> dict[str, RawField]:
    """Every schema field from the model's JSON; unreadable JSON gives nulls marked invalid."""
    try:
        answer = json.loads(content)
        spans = byte_spans(content, value_spans(content))
    except (ValueError, IndexError):
        answer, spans = None, {}
    if not isinstance(answer, dict):
        return {name: RawField(name, validate_value(name, None), None, None,
                               invalid="the answer is not a JSON object")
                for name in LEAD_FIELDS}
    lp = TokenLogprobs.from_tokens(tokens)
    return {name: _field(name, answer.get(name), spans, lp) for name in LEAD_FIELDS}
