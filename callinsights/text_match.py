"""Fuzzy matching of transcript words: what a recogniser's spelling and punctuation must survive.

Words are compared lowercased with punctuation dropped (`$60,000` -> `60000`); two words are the
same from a character similarity of 0.8 up (ASR spelling, plurals). Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

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
