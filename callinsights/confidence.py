"""The confidence formula: how much to trust one extracted field, from evidence the app can check.

The model's own word is never taken. Three measurable signals are combined (see
`docs/extraction.md`):

- the model's probability of the value it wrote, from the logprobs of the value's tokens;
- grounding: the quote must occur in the transcript (fuzzy, to survive punctuation and casing) and
  the value must sit within or next to that quote; a value without such a quote is capped below
  any sensible approval threshold;
- the speech recogniser's probability of the words the value was read from (a misheard name is
  not a confident name, however sure the language model is).

Everything here is pure: text in, numbers out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

# A quote whose best fuzzy match in the transcript scores below this is not grounded.
GROUNDED_MIN = 0.8
# Share of the value's words that must be found in or beside the quote.
SUPPORT_MIN = 0.5
# The most an ungrounded value can score: below any approval threshold one would configure.
UNGROUNDED_CAP = 0.3
# Model probability assumed when the server returns no logprobs: not enough to auto-accept.
NO_LOGPROBS_PROBABILITY = 0.6
# Words of transcript on each side of the quote where the value may also be found ("near").
NEAR_WORDS = 4
# Two words count as the same word (ASR spelling, plural) from this similarity up.
WORD_MATCH_MIN = 0.8

_TOKEN = re.compile(r"\S+")


def normalize_word(word: str) -> str:
    """Lowercase, no punctuation, digits kept; `$60,000` -> `60000`, `MacLeod's` -> `macleods`."""
    return re.sub(r"[^0-9a-z]", "", word.lower())


def words(text: str) -> list[str]:
    """The normalised, non-empty words of a text."""
    return [w for w in (normalize_word(t) for t in _TOKEN.findall(text)) if w]


def word_similarity(a: str, b: str) -> float:
    """Character similarity of two normalised words (1.0 when equal)."""
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True)
class Match:
    """Where a quote was found: word indices [start, end) in the document and the match ratio."""

    ratio: float
    start: int
    end: int


def locate(quote_words: Sequence[str], doc_words: Sequence[str]) -> Match | None:
    """Best fuzzy occurrence of the quote in the document, over windows of about its length."""
    if not quote_words or not doc_words:
        return None
    target = " ".join(quote_words)
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(target)
    best: Match | None = None
    n = len(quote_words)
    for size in sorted({max(1, n - 1), n, n + 1}):
        for start in range(0, max(1, len(doc_words) - size + 1)):
            matcher.set_seq1(" ".join(doc_words[start:start + size]))
            floor = best.ratio if best else 0.0
            if matcher.real_quick_ratio() <= floor or matcher.quick_ratio() <= floor:
                continue
            ratio = matcher.ratio()
            if ratio > floor:
                best = Match(ratio, start, min(start + size, len(doc_words)))
    return best


def support(value_words: Sequence[str], context_words: Sequence[str]) -> float:
    """Share of the value's words found (fuzzily) among the context words, weighted by likeness."""
    if not value_words:
        return 0.0
    total = 0.0
    for v in value_words:
        best = max((word_similarity(v, c) for c in context_words), default=0.0)
        total += best if best >= WORD_MATCH_MIN else 0.0
    return total / len(value_words)


_UNITS = {w: i for i, w in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen"])}
_TENS = {w: 10 * i for i, w in enumerate([
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]) if w}
_SCALES = {"hundred": 100, "thousand": 1_000, "grand": 1_000, "k": 1_000, "million": 1_000_000}
_FILLERS = {"and", "a"}


def spoken_numbers(text: str) -> list[tuple[float, int, int]]:
    """Numbers said in words or digits, as (value, first word index, end word index).

    "eighteen thousand dollars" -> 18000, "$60,000" -> 60000, "a hundred and fifty" -> 150,
    "2.5 million" -> 2500000. Indices refer to `words(text)`.
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
        elif w in _TENS:
            if seen and current % 100:
                break
            current += _TENS[w]
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


@dataclass(frozen=True)
class Signals:
    """The measured evidence for one non-null field value."""

    model_probability: float | None  # exp(sum of the value tokens' logprobs); None: no logprobs
    grounding: float  # fuzzy match ratio of the quote in the transcript, 0 when not found
    support: float  # share of the value found in or beside the quote
    asr_probability: float | None  # geometric mean of the recogniser's probabilities of the words


def model_probability(p: float | None) -> float:
    """The model's probability, or the no-logprobs assumption."""
    return NO_LOGPROBS_PROBABILITY if p is None else min(1.0, max(0.0, p))


def value_confidence(s: Signals) -> float:
    """confidence = p_model × grounding × support × √p_asr, capped when not grounded."""
    p = model_probability(s.model_probability)
    asr = 1.0 if s.asr_probability is None else math.sqrt(max(0.0, min(1.0, s.asr_probability)))
    score = p * s.grounding * s.support * asr
    if s.grounding < GROUNDED_MIN or s.support < SUPPORT_MIN:
        score = min(score, UNGROUNDED_CAP)
    return round(max(0.0, min(1.0, score)), 4)


def null_confidence(p_null: float | None) -> float:
    """Confidence that the call does not say the field: the model's probability of `null`."""
    return round(model_probability(p_null), 4)


def synthesis_confidence(token_logprobs: Sequence[float]) -> float:
    """Free text with no single quote (summary): per-token geometric mean probability."""
    if not token_logprobs:
        return NO_LOGPROBS_PROBABILITY
    return round(math.exp(sum(token_logprobs) / len(token_logprobs)), 4)


def geometric_mean(probabilities: Sequence[float]) -> float | None:
    """Geometric mean of probabilities (None for none); zeros are floored to keep it finite."""
    if not probabilities:
        return None
    return math.exp(sum(math.log(max(p, 1e-6)) for p in probabilities) / len(probabilities))


def list_confidence(item_confidences: Sequence[float], p_list: float | None) -> float:
    """A list is as trustworthy as its weakest item; an empty list is as sure as its `[]`."""
    if not item_confidences:
        return null_confidence(p_list)
    return round(min(item_confidences), 4)
