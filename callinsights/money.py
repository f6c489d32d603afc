"""Amounts of money as said in a call: value, currency, period and range, at their words.

"around two hundred a month" -> 200 per month; "between eight and ten thousand" -> 8,000-10,000;
"£1,500" -> 1,500 GBP; "fifteen grand" -> 15,000 dollars. Bare "dollars" stay `DOLLARS` until the
call's country says whose (`resolve_dollars`). Counts ("thirty feet", "fifteen employees") and
years ("in 2027") are not money. Pure functions over `TimedWords`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callinsights.gazetteer import (
    CURRENCY_SIGNS,
    CURRENCY_WORDS,
    DOLLAR_ADJECTIVES,
    DOLLAR_WORDS,
    DOLLARS,
    DOLLARS_BY_COUNTRY,
)
from callinsights.numbers import spoken_numbers
from callinsights.timed_words import TimedWords

UNITS = {"feet", "foot", "ft", "employees", "people", "years", "year", "months", "month", "days",
         "day", "weeks", "week", "hours", "hour", "minutes", "percent", "square", "miles",
         "units", "rooms", "bedrooms", "bathrooms", "times", "kids", "seats", "users",
         "locations", "trucks", "kilowatt", "kilowatts", "kw", "acres", "gallons", "inches",
         "meters", "metres", "am", "pm", "oclock", "staff", "members", "cars", "windows", "doors"}
PERIODS = {"month": "month", "monthly": "month", "mo": "month", "year": "year", "yearly": "year",
           "annually": "year", "annual": "year", "annum": "year", "week": "week",
           "weekly": "week"}
PERIOD_LEADS = {"a", "per", "each", "every", "an"}
RANGE_WORDS = {"to", "and", "through"}  # "eight to ten thousand", "between eight and ten"


@dataclass(frozen=True)
class Amount:
    """One amount said at words [first, end) of the transcript."""

    value: float
    first: int
    end: int
    currency: str | None  # ISO code, DOLLARS, or None when no currency was said
    period: str = "total"
    low: float | None = None  # a range's lower end (value is its upper end)

    @property
    def is_money(self) -> bool:
        return self.currency is not None


def _currency(doc: TimedWords, first: int, end: int) -> str | None:
    """The currency said with the number at words [first, end)."""
    sign = next((code for sign, code in CURRENCY_SIGNS.items()
                 if doc.raw[first].lstrip("(~").startswith(sign)), None)
    after = doc.norm[end:end + 2]
    before = doc.norm[first - 1] if first > 0 else ""
    if after and after[0] in DOLLAR_ADJECTIVES and after[1:2] and after[1] in DOLLAR_WORDS:
        return DOLLAR_ADJECTIVES[after[0]]
    if after and after[0] in CURRENCY_WORDS:
        return CURRENCY_WORDS[after[0]]
    if sign == DOLLARS and before in DOLLAR_ADJECTIVES:  # "Canadian $500"
        return DOLLAR_ADJECTIVES[before]
    if sign:
        return sign
    last = doc.norm[end - 1]
    if (after and after[0] in DOLLAR_WORDS) or last in {"grand", "k"} or last.endswith("k"):
        return DOLLARS
    if after and after[0] in {"cad", "usd", "gbp", "eur", "aud", "nzd"}:
        return after[0].upper()
    return None


def _period(doc: TimedWords, end: int) -> tuple[str, int]:
    """"a month", "per year", "monthly" right after the amount (and its currency word)."""
    i = end
    while i < len(doc) and i < end + 2 and (doc.norm[i] in DOLLAR_WORDS
                                            or doc.norm[i] in CURRENCY_WORDS):
        i += 1
    ahead = doc.norm[i:i + 2]
    if ahead and ahead[0] in PERIODS:
        return PERIODS[ahead[0]], i + 1
    if len(ahead) == 2 and ahead[0] in PERIOD_LEADS and ahead[1] in PERIODS:
        return PERIODS[ahead[1]], i + 2
    return "total", end


def _is_year(doc: TimedWords, first: int, end: int, value: float) -> bool:
    token = doc.raw[first].strip(",.?!")
    return end - first == 1 and token.isdigit() and len(token) == 4 and 1900 <= value <= 2100


def _trim(doc: TimedWords, first: int, end: int) -> int:
    """A number's end without a trailing "and" ("eight and | ten thousand")."""
    while end - first > 1 and doc.norm[end - 1] in {"and", "a"}:
        end -= 1
    return end


def amounts(doc: TimedWords, lo: int = 0, hi: int | None = None) -> list[Amount]:
    """Every amount said in words [lo, hi), ranges joined, counts and years left out."""
    hi = len(doc) if hi is None else hi
    found = [(value, lo + s, _trim(doc, lo + s, lo + e))
             for value, s, e in spoken_numbers(doc.text(lo, hi))]
    out: list[Amount] = []
    i = 0
    while i < len(found):
        value, first, end = found[i]
        low = None
        joined = i + 1 < len(found) and found[i + 1][1] == end + 1 \
            and doc.norm[end] in RANGE_WORDS
        if joined:  # "eight to ten thousand": the first half borrows the second's scale
            upper, _, end = found[i + 1]
            low = value * 1000 if value < 1000 <= upper and value * 1000 <= upper else value
            value, i = upper, i + 1
        i += 1
        if doc.norm[end:end + 1] and doc.norm[end] in UNITS - set(PERIODS):
            continue
        if low is None and _is_year(doc, first, end, value):
            continue
        currency = _currency(doc, first, end)
        period, _ = _period(doc, end)
        out.append(Amount(value, first, end, currency, period, low))
    return out


def resolve_dollars(currency: str | None, countries: Sequence[str]) -> str | None:
    """Bare dollars are the call's country's dollars (US when no dollar country is named)."""
    if currency != DOLLARS:
        return currency
    return next((DOLLARS_BY_COUNTRY[c] for c in countries if c in DOLLARS_BY_COUNTRY), "USD")
