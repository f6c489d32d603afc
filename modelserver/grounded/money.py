"""Budget candidates: amounts said in words or digits ("eighteen thousand dollars", "$60,000"),
kept when they are money and sit where a budget is discussed; counts of feet, employees or years
are not budgets."""

from __future__ import annotations

from callinsights.confidence import spoken_numbers
from modelserver.grounded.candidate import Candidate
from modelserver.grounded.gazetteer import CURRENCIES
from modelserver.grounded.text import Doc, Sentence

BUDGET_WORDS = {"budget", "spend", "afford", "price", "range", "pay", "cost", "much", "max",
                "maximum", "invest", "financing", "keep", "under", "cap"}
UNITS = {"feet", "foot", "employees", "people", "years", "year", "months", "days", "weeks",
         "hours", "minutes", "percent", "square", "miles", "boats", "units", "rooms", "times",
         "kids", "seats", "users", "locations", "trucks", "pounds"}


def _currency(s: Sentence, start: int, end: int) -> str | None:
    """Currency of the number at words [start, end): `$` before it, or a currency word after."""
    if s.raw[start].lstrip("(").startswith("$"):
        return "USD"
    nxt = s.words[end:end + 2]
    if nxt[:1] == ["canadian"] and nxt[1:] in (["dollars"], ["dollar"]):
        return "CAD"
    for w in nxt[:1]:
        if w in CURRENCIES:
            return CURRENCIES[w]
    if s.words[end - 1] in {"grand", "k"} or s.words[end - 1].endswith("k"):
        return "USD"
    return None


MONEY_HINTS = {"thousand", "hundred", "million", "grand", "dollars", "bucks", "euros", "pounds"}


def budget(doc: Doc) -> list[Candidate]:
    out = []
    for s in doc.sentences:
        discussed = bool(BUDGET_WORDS & set(s.words)) or doc.asked_before(s, BUDGET_WORDS)
        numbers = spoken_numbers(" ".join(s.raw))
        if discussed and not numbers and MONEY_HINTS & set(s.words):
            out.append(Candidate(None, s.text, 0.6, "unreadable-amount", "?"))
        for amount, start, end in numbers:
            if s.words[end:end + 1] and s.words[end] in UNITS:
                continue
            currency = _currency(s, start, end)
            if currency and discussed:
                strength = 0.95
            elif currency:
                strength = 0.2  # a price in passing, often the agent's
            elif discussed and amount >= 100:
                strength = 0.6
            else:
                continue
            if amount < 100:
                strength *= 0.3  # "$8 and $10,000": a range's first half lost its scale
            if s.is_question:
                strength *= 0.5  # the agent proposing a figure is not the customer's budget
            value = {"amount": int(amount) if amount == int(amount) else amount,
                     "currency": currency or "USD"}
            quote_end = end + (1 if currency and s.words[end:end + 1] else 0)
            out.append(Candidate(value, s.span(max(0, start - 2), quote_end), strength,
                                 "money", f"{amount:g}"))
    return out
