"""Place candidates: "City, Region" pairs (regions from the gazetteer), big cities named alone,
and countries. Places the company speaks of as its own ("we are based in") count little.

The city of a pair is checked against GeoNames (`geonames.py`): a town the region does not have
("Texan, Arizona", tiny.en for "Tucson") is kept as heard, since the quote must stay the
transcript's, but made doubtful, and more so when it sounds like a town the region has."""

from __future__ import annotations

from modelserver.grounded import geonames
from modelserver.grounded.candidate import Candidate
from modelserver.grounded.gazetteer import CITIES, COUNTRIES, MONTHS, REGIONS, SEASONS, WEEKDAYS
from modelserver.grounded.text import Doc, Sentence, find, norm

CUSTOMER_CUES = {"in", "from", "to", "near", "outside", "located", "live", "deliver", "out"}
COMPANY_CUES = [("based",), ("our", "office"), ("headquartered",), ("our", "warehouse"),
                ("ship", "from"), ("our", "store")]


def _phrases(names: list[str]) -> list[tuple[list[str], str]]:
    """Gazetteer entries as normalised word lists, longest first (so "New York" beats "York")."""
    return sorted((([norm(w) for w in n.split()], n) for n in names), key=lambda x: -len(x[0]))


REGION_PHRASES = _phrases(REGIONS)
CITY_PHRASES = _phrases(CITIES)
REGION_WORDS = {" ".join(w) for w, _ in REGION_PHRASES}
CITY_WORDS = {"".join(w) for w, _ in CITY_PHRASES}


Mention = tuple[Sentence, int, int, str]  # sentence, first word, end, canonical name


def _mentions(doc: Doc, phrases: list[tuple[list[str], str]]) -> list[Mention]:
    found, taken = [], set()
    for s in doc.sentences:
        for words, canonical in phrases:
            for at in find(s.words, words):
                if (s.index, at) in taken or not s.is_capitalized(at):
                    continue
                taken.update((s.index, at + k) for k in range(len(words)))
                found.append((s, at, at + len(words), canonical))
    return found


def _strength(s: Sentence, base: float) -> float:
    if any(find(s.words, list(cue)) for cue in COMPANY_CUES):
        return base * 0.3
    return base if CUSTOMER_CUES & set(s.words) else base * 0.8


def _city_before(doc: Doc, s: Sentence, at: int) -> tuple[Sentence, int, int] | None:
    """Capitalised words right before a region ("Nashville, Tennessee"; "Halifax. Nova Scotia")."""
    if at == 0:  # the recogniser may end a sentence between city and region
        prev = doc.before(s, 1)
        if not prev or not prev[0].raw:
            return None
        s, at = prev[0], len(prev[0].raw)
    end, start = at, at
    while start > 0 and end - start < 3 and s.is_capitalized(start - 1) \
            and s.words[start - 1] not in {"i", "hi", "hello"}:
        start -= 1
        if start > 0 and s.raw[start - 1][-1] in ",.?!":
            break
    return (s, start, end) if start < end else None


def region(doc: Doc) -> list[Candidate]:
    out = []
    for s, at, end, canonical in _mentions(doc, REGION_PHRASES):
        paired = _city_before(doc, s, at) is not None
        out.append(Candidate(canonical, s.span(max(0, at - 2), end),
                             _strength(s, 0.9 if paired else 0.7), "gazetteer", norm(canonical)))
    return out


LIVES_IN = [("live", "in"), ("located", "in"), ("we", "are", "in"), ("i", "am", "in"),
            ("im", "in"), ("were", "in"), ("based", "in"), ("out", "of"), ("live", "near")]
NOT_PLACES = {norm(w) for w in [*MONTHS, *WEEKDAYS, *SEASONS, "The", "I", "A", "English"]}


def _lives_in(doc: Doc, known: set[str]) -> list[Candidate]:
    """A capitalised place after "I live in / we are in" that no gazetteer knows (Springfield)."""
    out = []
    for s in doc.sentences:
        for cue in LIVES_IN:
            for at in find(s.words, list(cue)):
                i = end = at + len(cue)
                while end < len(s.raw) and end - i < 3 and s.is_capitalized(end) \
                        and s.words[end] not in NOT_PLACES:
                    end += 1
                    if s.raw[end - 1][-1] in ",.?!":
                        break
                name = " ".join(s.words[i:end])
                if end > i and name not in known and name not in REGION_WORDS:
                    out.append(Candidate(s.span(i, end), s.span(at, end), _strength(s, 0.5),
                                         "lives-in", norm(s.span(i, end))))
    return out


UNKNOWN_TOWN = 0.5  # a town GeoNames does not have in the region: real but small, or misheard
SOUNDS_LIKE_TOWN = 0.35  # ... and it sounds like one it has: most likely misheard


def _city_of_region(value: str, region: str) -> tuple[float, str]:
    """How far to trust a city named with its region, and why."""
    if geonames.is_town(value, region):
        return 1.0, "city-region"
    near = geonames.sounds_like(value, region)
    if near:
        return SOUNDS_LIKE_TOWN, f"city-region+unknown~{near}"
    return UNKNOWN_TOWN, "city-region+unknown"


def city(doc: Doc) -> list[Candidate]:
    out = []
    for s, at, end, canonical in _mentions(doc, REGION_PHRASES):
        found = _city_before(doc, s, at)
        if found:
            cs, start, cend = found
            value = cs.span(start, cend)
            quote = value if cs is not s else s.span(start, end)
            # "Iowa, Ontario": a region named as the city of another region is a mishearing
            odd = " ".join(cs.words[start:cend]) in REGION_WORDS - {" ".join(s.words[at:end])}
            trust, signal = (1 / 3, "city-region") if odd else _city_of_region(value, canonical)
            found_city = Candidate(value, quote, _strength(s, 0.9 * trust), signal, norm(value))
            # saying a name GeoNames lacks twice does not make it a town: one doubtful candidate
            twin = next((c for c in out if c.key == found_city.key and trust < 1), None)
            if twin is None or twin.strength < found_city.strength:
                out = [c for c in out if c is not twin] + [found_city]
    for s, at, end, canonical in _mentions(doc, CITY_PHRASES):
        if not any(c.key == norm(canonical) for c in out):
            cue = at > 0 and s.words[at - 1] in CUSTOMER_CUES
            out.append(Candidate(canonical, s.span(max(0, at - 2), end),
                                 _strength(s, 0.75 if cue else 0.45), "city-gazetteer",
                                 norm(canonical)))
    return out + _lives_in(doc, {c.key for c in out} | CITY_WORDS)


def country(doc: Doc) -> list[Candidate]:
    out = []
    for s in doc.sentences:
        for name, canonical in COUNTRIES.items():
            words = name.split()
            for at in find(s.words, words):
                if s.is_capitalized(at) or len(words) > 1:
                    out.append(Candidate(canonical, s.span(max(0, at - 2), at + len(words)),
                                         _strength(s, 0.8), "country", norm(canonical)))
    return out
