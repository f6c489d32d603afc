"""A second, independent reading of the call: a few deterministic readers, no model.

Each reads one fact the way a person skimming the transcript would: the name the customer
introduces themself with, a "City, Region" pair, an amount said with spending words, a time said
when the agent asks "when". Their answers are compared with the model's (`agreement`): agreeing
raises the model's confidence, disagreeing flags the field. The readers know phrases that are
general to phone calls, not ones fitted to any test call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from callinsights.call_context import (
    INTRODUCTIONS,
    NOT_NAMES,
    CallContext,
    find_phrase,
    is_capitalized,
)
from callinsights.gazetteer import REGION_ABBREVIATIONS, REGIONS
from callinsights.money import resolve_dollars
from callinsights.places_text import place_key
from callinsights.text_match import word_similarity, words
from callinsights.times import is_duration, is_time_expression, promises
from callinsights.verify.budget import stated_budget

REGION_KEYS = {place_key(n) for n in REGIONS} | {place_key(a) for a in REGION_ABBREVIATIONS}
WHEN_WORDS = {"when", "timeline", "timeframe", "soon", "date"}


@dataclass(frozen=True)
class Reading:
    """What the readers found (None: nothing read for that field)."""

    customer_name: str | None = None
    city: str | None = None
    region: str | None = None
    budget_amount: float | None = None
    budget_currency: str | None = None
    timeline: str | None = None


def _customer_lines(ctx: CallContext) -> list:
    return [line for line in ctx.lines if line.number not in ctx.agent_lines]


def _name(ctx: CallContext) -> str | None:
    doc, best = ctx.doc, None
    for line in _customer_lines(ctx):
        for phrase in INTRODUCTIONS:
            for at in find_phrase(doc.norm, phrase, line.first, line.end):
                i = end = at + len(phrase)
                while end < line.end and end - i < 3 and is_capitalized(doc, end) \
                        and doc.norm[end] not in NOT_NAMES:
                    end += 1
                    if doc.raw[end - 1][-1] in ",.?!":
                        break
                if end > i and (best is None or end - i >= len(best.split())):
                    best = doc.text(i, end).strip(",.?!")
    return best


def _place(ctx: CallContext) -> tuple[str | None, str | None]:
    doc = ctx.doc
    for line in _customer_lines(ctx):
        for i in range(line.first + 1, line.end):
            for size in (3, 2, 1):
                key = "".join(doc.norm[i:i + size])
                if key in REGION_KEYS and is_capitalized(doc, i) and i not in ctx.org_words:
                    start = i
                    while start > line.first and i - start < 3 \
                            and is_capitalized(doc, start - 1):
                        start -= 1
                        if start > line.first and doc.raw[start - 1][-1] in ",.?!":
                            break
                    if start < i and doc.raw[i - 1].endswith(","):
                        return (doc.text(start, i).strip(",."),
                                doc.text(i, i + size).strip(",.?!"))
    return None, None


def _budget(ctx: CallContext) -> tuple[float | None, str | None]:
    amount = stated_budget(ctx)
    if amount is None:
        return None, None
    return amount.value, resolve_dollars(amount.currency, ctx.countries)


def _timeline(ctx: CallContext) -> str | None:
    doc = ctx.doc
    for line in _customer_lines(ctx):
        previous = ctx.line_before(line.number)
        asked = previous is not None and WHEN_WORDS & set(doc.norm[previous.first:previous.end])
        text = doc.text(line.first, line.end)
        if asked and is_time_expression(text) and not promises(doc.norm[line.first:line.end]) \
                and not is_duration([], text):
            return text.strip(",.?!")
    return None


def read(ctx: CallContext) -> Reading:
    """The readers' answers for one call."""
    city, region = _place(ctx)
    amount, currency = _budget(ctx)
    return Reading(_name(ctx), city, region, amount, currency, _timeline(ctx))


def _same_name(a: str, b: str) -> bool:
    wa, wb = words(a), words(b)
    return bool(wa and wb) and word_similarity(wa[0], wb[0]) >= 0.8 and (
        len(wa) == 1 or len(wb) == 1 or word_similarity(wa[-1], wb[-1]) >= 0.6)


def _same_time(a: str, b: str) -> bool:
    wa, wb = set(words(a)), set(words(b))
    return bool(wa & wb)


COMPARE: dict[str, tuple[Callable[[Reading], object], Callable[[object, object], bool]]] = {
    "customer_name": (lambda r: r.customer_name, lambda a, b: _same_name(str(a), str(b))),
    "city": (lambda r: r.city, lambda a, b: place_key(str(a)) == place_key(str(b))),
    "region": (lambda r: r.region, lambda a, b: place_key(str(a)) == place_key(str(b))),
    "budget": (lambda r: r.budget_amount,
               lambda a, b: abs(float(a["amount"]) - float(b)) <= 0.01 * float(b)),
    "timeline": (lambda r: r.timeline, lambda a, b: _same_time(str(a), str(b))),
}


def value_of(field: str, reading: Reading) -> object:
    """The reading's value for a field, in the field's own shape (None: not read)."""
    if field == "budget":
        if reading.budget_amount is None:
            return None
        return {"amount": reading.budget_amount, "currency": reading.budget_currency or "USD",
                "period": "total", "min": None, "max": None}
    get = COMPARE.get(field)
    return get[0](reading) if get else None


def agreement(field: str, value: object, reading: Reading) -> int:
    """+1 the reader read the same value, -1 it read another (or one where the model has
    none), 0 it read nothing or does not read this field."""
    if field not in COMPARE:
        return 0
    get, same = COMPARE[field]
    theirs = get(reading)
    if theirs is None:
        return 0
    if value in (None, [], ""):
        return -1
    return 1 if same(value, theirs) else -1
