"""Amounts, currencies, periods and ranges as said; time expressions; promises."""

from __future__ import annotations

import pytest

from callinsights.money import amounts, resolve_dollars
from callinsights.text_match import words
from callinsights.timed_words import TimedWords
from callinsights.times import is_about_when, is_time_expression, promises
from callinsights.transcript import Segment


def _amounts(text: str) -> list[tuple]:
    doc = TimedWords.from_segments([Segment(start=0, end=5, text=text)])
    return [(a.value, a.currency, a.period, a.low) for a in amounts(doc)]


@pytest.mark.parametrize(("text", "found"), [
    ("We can do between eight and ten thousand dollars.", [(10000, "DOLLARS", "total", 8000)]),
    ("About two hundred a month.", [(200, None, "month", None)]),
    ("Around £1,500 a month, maybe.", [(1500, "GBP", "month", None)]),
    ("Fifteen grand tops, in 2027.", [(15000, "DOLLARS", "total", None)]),
    ("It is thirty feet and costs 3,000 Canadian dollars.", [(3000, "CAD", "total", None)]),
    ("five hundred euros per week", [(500, "EUR", "week", None)]),
    ("maybe 15 to 20k", [(20000, "DOLLARS", "total", 15000)]),
    ("I have 15 employees", []),
    ("between two and a half and three and a half thousand pounds",
     [(3500, "GBP", "total", 2500)]),
    ("one and a half million", [(1_500_000, None, "total", None)]),
    ("usually around forty-five hundred", [(4500, None, "total", None)]),
    ("thirty-two thousand five hundred dollars", [(32500, "DOLLARS", "total", None)]),
    ("seventy-five a month", [(75, None, "month", None)]),
    ("seven one five, one three nine", [(7, None, "total", None), (1, None, "total", None),
                                        (5, None, "total", None), (1, None, "total", None),
                                        (3, None, "total", None), (9, None, "total", None)]),
])
def test_amounts_as_said(text: str, found: list[tuple]) -> None:
    assert _amounts(text) == found


def test_bare_dollars_are_the_calls_countrys() -> None:
    assert resolve_dollars("DOLLARS", ["CA"]) == "CAD"
    assert resolve_dollars("DOLLARS", []) == "USD"
    assert resolve_dollars("GBP", ["CA"]) == "GBP"


@pytest.mark.parametrize(("value", "is_time"), [
    ("by October", True), ("next spring", True), ("in two weeks", True), ("ASAP", True),
    ("before the holidays", True), ("2027", True), ("the 15th", True), ("May", True),
    ("they may call", False), ("a new roof", False), ("as soon as we can", True),
    ("by mid-December", True), ("have a good day", False), ("Good morning", False),
    ("have a new roof by spring", True), ("Thank you, Maureen, have a good day", False),
])
def test_time_expressions(value: str, is_time: bool) -> None:
    assert is_time_expression(value) is is_time


@pytest.mark.parametrize(("value", "about_when"), [
    ("before the first snow", True), ("once the lease ends", True),
    ("within about 100 miles", False), ("have a good day", False), ("enjoy the weekend", False),
])
def test_phrases_about_when(value: str, about_when: bool) -> None:
    assert is_about_when(value) is about_when


def test_promises_are_found_after_their_opener() -> None:
    assert promises(words("I'll send you the quote by Friday")) == [0]
    assert promises(words("Someone will call you tomorrow")) == [0]
    assert promises(words("I will need it by March")) == []
