"""Numbers as people say them and recognisers write them: "eighteen thousand", "$60,000",
"a hundred and fifty", "2.5 million", "two and a half thousand", "15k", "forty-five hundred".
Pure functions over the words of a text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from callinsights.text_match import normalize_word

_TOKEN = re.compile(r"\S+")

_UNITS = {w: i for i, w in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen"])}
_TENS = {w: 10 * i for i, w in enumerate([
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]) if w}
# "forty-five" as a recogniser hyphenates it, normalised to one word: "fortyfive" -> 45.
_HYPHENATED = {tens + unit: tens_value + unit_value for tens, tens_value in _TENS.items()
               for unit, unit_value in _UNITS.items() if 1 <= unit_value <= 9}
_SCALES = {"hundred": 100, "thousand": 1_000, "grand": 1_000, "k": 1_000, "million": 1_000_000}
_FILLERS = {"and", "a"}
_AND_A_HALF = ["and", "a", "half"]  # "two and a half thousand" -> 2,500
UNIT_WORDS = _UNITS  # "zero".."nineteen" -> value (also read by `redaction`)
TENS_WORDS = _TENS  # "twenty".."ninety" -> value


def spoken_numbers(text: str) -> list[tuple[float, int, int]]:
    """Numbers said in words or digits, as (value, first word index, end word index).

    "eighteen thousand dollars" -> 18000, "$60,000" -> 60000, "a hundred and fifty" -> 150,
    "2.5 million" -> 2500000, "three and a half thousand" -> 3500. Indices refer to `words(text)`.
    """
    ws = words_keep_dots(text)
    found: list[tuple[float, int, int]] = []
    i = 0
    while i < len(ws):
        value, end = _read_number(ws, i)
        if end > i:
            found.append((value, i, end))
            i = end
        else:
            i += 1
    return found


def words_keep_dots(text: str) -> list[str]:
    """Like `words`, but decimal points survive (`2.5`), aligned one-to-one with `words`."""
    out = []
    for token in _TOKEN.findall(text):
        if not normalize_word(token):
            continue
        kept = re.sub(r"[^0-9a-z.]", "", token.lower())
        out.append(kept if re.fullmatch(r"\d+(\.\d+)?", kept) else normalize_word(token))
    return out


def _read_number(ws: Sequence[str], i: int) -> tuple[float, int]:
    """Parse one number starting at word i; returns (value, end index) or (0, i) if none."""
    total, current, j, seen = 0.0, 0.0, i, False
    while j < len(ws):
        w = ws[j]
        if seen and current and list(ws[j:j + 3]) == _AND_A_HALF:
            current += 0.5
            j += 3
            continue
        if re.fullmatch(r"\d+(\.\d+)?", w):
            if seen and current:
                break
            current += float(w)
        elif w.endswith("k") and re.fullmatch(r"\d+(\.\d+)?k", w):
            current += float(w[:-1]) * 1000
        elif w in _UNITS:
            if seen and current % 10 == 0 and current % 100 and _UNITS[w] < 10:
                current += _UNITS[w]  # "sixty five"
            elif seen and current:
                break
            else:
                current += _UNITS[w]
        elif w in _TENS or w in _HYPHENATED:
            if seen and current % 100:
                break
            current += _TENS.get(w) or _HYPHENATED[w]
        elif w in _SCALES and seen:
            scale = _SCALES[w]
            if scale == 100:
                current *= 100
            else:
                total += (current or 1) * scale
                current = 0.0
        elif w in _FILLERS and j + 1 < len(ws) and (
                (seen and (ws[j + 1] in _UNITS or ws[j + 1] in _TENS))
                or (not seen and w == "a" and ws[j + 1] in _SCALES)):
            current += 0 if seen else 1  # "a hundred" is one hundred
        else:
            break
        seen = True
        j += 1
    return (total + current, j) if seen else (0.0, i)
