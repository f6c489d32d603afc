"""Cities checked against GeoNames: known towns stay confident, unknown ones go to review."""

from __future__ import annotations

import math

import pytest

from callinsights.extraction_prompt import build_messages, response_format
from callinsights.settings import Settings
from modelserver.grounded import complete, geonames, places
from modelserver.grounded.text import Doc

CONFIDENCE_THRESHOLD = Settings.confidence_threshold  # 0.75, the default


def _city_probability(line: str) -> tuple[str, float]:
    lines = "\n".join(["[0.0-2.0] Thank you for calling Summit Roofing, this is Tyler.",
                       "[2.0-4.0] Hi Tyler, this is Angela Brooks.", f"[4.0-6.0] {line}"])
    request = {"model": "gpt-4o", "messages": build_messages(lines),
               "response_format": response_format(), "top_logprobs": 3}
    result = complete(None, request)
    at = next(i for i, t in enumerate(result.tokens) if t[0].endswith('"city": {"value": '))
    text, logprob, _ = result.tokens[at + 1]
    return text.strip('"'), math.exp(logprob)


@pytest.mark.parametrize(("line", "town"), [
    ("I live in Tucson, Arizona.", "Tucson"),
    ("We are in Halifax, Nova Scotia.", "Halifax"),
    ("We are in Montreal, Quebec.", "Montreal"),  # GeoNames spells it Montréal
    ("I live in Saint John, New Brunswick.", "Saint John"),
    ("I live in Sedona, Arizona.", "Sedona"),  # about 10,000 people: a small town it knows
])
def test_a_known_town_stays_confident(line: str, town: str) -> None:
    value, p = _city_probability(line)
    assert value == town and p >= 0.9


def test_a_misheard_town_is_kept_as_heard_but_goes_to_review() -> None:
    # the caller said "Tucson, Arizona"; tiny.en wrote "Texan"
    value, p = _city_probability("I live in Texan, Arizona.")
    assert value == "Texan" and p < CONFIDENCE_THRESHOLD
    found = places.city(Doc.from_text("I live in Texan, Arizona."))
    assert [c.signal for c in found] == ["city-region+unknown~tucson"]


def test_saying_an_unknown_name_twice_does_not_make_it_a_town() -> None:
    value, p = _city_probability("I live in Texan, Arizona. Yes, Texan, Arizona.")
    assert value == "Texan" and p < CONFIDENCE_THRESHOLD


def test_a_town_too_small_for_the_gazetteer_goes_to_review_as_heard() -> None:
    value, p = _city_probability("I live in Tombstone, Arizona.")  # about 1,300 people
    assert value == "Tombstone" and 0.5 < p < CONFIDENCE_THRESHOLD


def test_a_town_of_another_region_is_doubtful() -> None:
    value, p = _city_probability("We are in Tucson, Ontario.")
    assert value == "Tucson" and p < CONFIDENCE_THRESHOLD


def test_names_and_sounds() -> None:
    assert geonames.key("Saint John's") == geonames.key("St. Johns") == "stjohns"
    assert geonames.key("Montréal") == "montreal"
    assert geonames.sound("Texan") == geonames.sound("Tucson")
    assert geonames.is_town("Quebec City", "Quebec")
    assert geonames.sounds_like("Texan", "Arizona") == "tucson"
    assert geonames.sounds_like("Zyxwv", "Arizona") is None
