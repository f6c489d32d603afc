"""The answer as JSON text and as tokens carrying honest logprobs.

Structure is forced (logprob 0). Each value is one token whose logprob is the log of the
probability the engine gives that value, with its rivals as top alternatives, so a client that
reads logprobs (the app's confidence formula) sees the engine's real uncertainty.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from modelserver.grounded.choose import Option

TokenLogprob = tuple[str, float, list[tuple[str, float]]]
FLOOR = 1e-6


def logprob(p: float) -> float:
    return math.log(max(FLOOR, min(1.0, p)))


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Writer:
    """Appends JSON pieces; the concatenation of token texts is the content, by construction."""

    tokens: list[TokenLogprob] = field(default_factory=list)

    def forced(self, text: str) -> None:
        if self.tokens and self.tokens[-1][1] == 0.0 and not self.tokens[-1][2]:
            self.tokens[-1] = (self.tokens[-1][0] + text, 0.0, [])
        else:
            self.tokens.append((text, 0.0, []))

    def chosen(self, text: str, p: float, rivals: list[tuple[str, float]], top: int) -> None:
        alternatives = [(text, logprob(p))] + [(t, logprob(q)) for t, q in rivals]
        self.tokens.append((text, logprob(p), alternatives[:top]))

    @property
    def content(self) -> str:
        return "".join(t for t, _, _ in self.tokens)


def write_scalar(w: Writer, chosen: Option, rivals: list[Option], top: int) -> None:
    """A string/null value; money objects spell their amount as the scored token."""
    value = chosen.value
    rival_texts = [(dump(_amount(r.value)), r.probability) for r in rivals]
    if isinstance(value, dict) and "amount" in value:
        w.forced('{"amount": ')
        w.chosen(dump(value["amount"]), chosen.probability, rival_texts, top)
        w.forced(', "currency": ' + dump(value.get("currency", "USD")) + "}")
        return
    w.chosen(dump(value), chosen.probability, rival_texts, top)


def _amount(value: Any) -> Any:
    return value["amount"] if isinstance(value, dict) and "amount" in value else value


def write_items(w: Writer, items: list[Option], p_empty: float, top: int) -> None:
    """A list: each item scored on its own; an empty list scores the probability of none."""
    if not items:
        w.chosen("[]", p_empty, [], top)
        return
    w.forced("[")
    for i, item in enumerate(items):
        if i:
            w.forced(", ")
        w.chosen(dump(item.value), item.probability, [], top)
    w.forced("]")
