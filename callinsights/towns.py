"""Which towns exist where: GeoNames towns of 500+ people in the US, Canada, the UK, Ireland,
Australia and New Zealand, from `data/towns.tsv.gz` (built by `tools/build_towns.py`).

Used by the place verifier: a city the model reports must be a town (in the region it names,
when the gazetteer keys that region's towns); and by the budget's currency: the country a town's
name means, by population. Loaded once, on first use (~36,000 short keys).
Data (c) GeoNames (geonames.org), CC BY 4.0.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from callinsights.gazetteer import REGIONS
from callinsights.places_text import place_key

DATA = Path(__file__).resolve().parent / "data" / "towns.tsv.gz"
NEAR_RATIO = 0.8  # spelling similarity from which an unknown name sounds like a known town
# A name's largest town is "the" town of that name when it has this many times the people of the
# largest one in any other country (Brisbane, Queensland: 2.8 million; Brisbane, California: 4,700).
DOMINANT_RATIO = 10

Where = tuple[str, str]  # (ISO country code, GeoNames admin1 code)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, frozenset[Where]], dict[str, dict[str, int]]]:
    """From one pass over the data file: place key -> where towns of that name are, and place
    key -> country -> the population of its largest town of that name."""
    places: dict[str, set[Where]] = defaultdict(set)
    people: dict[str, dict[str, int]] = defaultdict(dict)
    for line in gzip.decompress(DATA.read_bytes()).decode("utf-8").splitlines():
        country, admin1, name, population = line.split("\t")
        key = place_key(name)
        places[key].add((country, admin1))
        people[key][country] = max(people[key].get(country, 0), int(population))
    return {key: frozenset(where) for key, where in places.items()}, dict(people)


def _index() -> dict[str, frozenset[Where]]:
    return _tables()[0]


def _people_by_country() -> dict[str, dict[str, int]]:
    return _tables()[1]


def places_named(name: str) -> frozenset[Where]:
    """Where towns of this name are (empty when GeoNames knows none)."""
    return _index().get(place_key(name), frozenset())


def country_of_town(name: str) -> str | None:
    """The country a town name means: the only one with a town of that name, or the one whose
    town of that name dwarfs all others (Perth: Australia, not Scotland or Ontario)."""
    people = sorted(_people_by_country().get(place_key(name), {}).items(),
                    key=lambda item: item[1], reverse=True)
    if not people:
        return None
    if len(people) == 1 or people[0][1] >= DOMINANT_RATIO * max(1, people[1][1]):
        return people[0][0]
    return None


def is_town(name: str, region: str | None = None) -> bool:
    """A known town; in `region` too when the region is one whose towns are keyed by it."""
    found = places_named(name)
    if not found or not region:
        return bool(found)
    country, admin1 = REGIONS.get(region, ("", ""))
    if not country:
        return True  # a region we cannot check against: the town exists somewhere
    if not admin1:
        return any(c == country for c, _ in found)
    return (country, admin1) in found


def sounds_like_town(name: str, region: str | None = None) -> str | None:
    """A known town of the region spelled much like `name` ("Texan" ~ "Tucson"), if any."""
    country, admin1 = REGIONS.get(region or "", ("", ""))
    key = place_key(name)
    best, best_ratio = None, NEAR_RATIO
    for other, where in _index().items():
        if other == key or (country and not any(
                c == country and (not admin1 or a == admin1) for c, a in where)):
            continue
        ratio = SequenceMatcher(None, key, other).ratio()
        if ratio > best_ratio:
            best, best_ratio = other, ratio
    return best
