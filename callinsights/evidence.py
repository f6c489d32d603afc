"""Where the call says a value: the words that state it, found near the line the model named.

The model answers with a line number; the app finds the value's own words there (or in the
neighbouring lines, else anywhere in the call, the customer's lines first) and stores them as
the evidence: the transcript's text, its times, its line and speaker. A value whose words the
call never says has no evidence, which is a strong sign it is wrong (`verify/`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from callinsights import text_match as tm
from callinsights.call_context import CallContext
from callinsights.money import Amount, amounts

GROUNDED_MIN = 0.8  # fuzzy match ratio from which the value's words are "said"
NEAR_LINES = 1  # lines either side of the model's line searched first


@dataclass(frozen=True)
class Mention:
    """Words [first, end) of the transcript state the value; `ratio` is how closely."""

    first: int
    end: int
    ratio: float
    in_line: bool  # within the model's line (or next to it)
    amount: Amount | None = None

    @property
    def grounded(self) -> bool:
        return self.ratio >= GROUNDED_MIN


def _spans_of(ctx: CallContext, line: int | None) -> list[tuple[int, int, bool]]:
    """Word ranges to search, best first: the model's line and its neighbours, then the rest
    of the call (customer lines first when the roles are known)."""
    doc_end = len(ctx.doc)
    if line is not None and 1 <= line <= len(ctx.lines):
        lo = ctx.lines[max(0, line - 1 - NEAR_LINES)].first
        hi = ctx.lines[min(len(ctx.lines), line + NEAR_LINES) - 1].end
        return [(lo, hi, True), (0, doc_end, False)]
    return [(0, doc_end, False)]


def spelled_runs(doc_norm: Sequence[str]) -> list[tuple[int, int, str]]:
    """Runs of single letters ("N, G, U, Y, E, N") as one word: a name spelled out."""
    runs, i = [], 0
    while i < len(doc_norm):
        j = i
        while j < len(doc_norm) and len(doc_norm[j]) == 1 and doc_norm[j].isalpha():
            j += 1
        if j - i >= 3:
            runs.append((i, j, "".join(doc_norm[i:j])))
        i = max(j, i + 1)
    return runs


def find_words(ctx: CallContext, text: str, line: int | None) -> Mention | None:
    """The best place the call says `text` (names, places, times, products)."""
    target = tm.words(text)
    if not target:
        return None
    best: Mention | None = None
    for lo, hi, near in _spans_of(ctx, line):
        match = tm.locate(target, ctx.doc.norm[lo:hi])
        if match and (best is None or match.ratio > best.ratio + 0.05):
            best = Mention(lo + match.start, lo + match.end, match.ratio, near)
        if best and best.grounded:
            break
    if (best is None or not best.grounded) and len(target) > 1:
        best = _said_apart(ctx, target, line) or best
    if best is None or not best.grounded:
        joined = "".join(target)
        for first, end, letters in spelled_runs(ctx.doc.norm):
            ratio = tm.word_similarity(joined, letters)
            if ratio >= GROUNDED_MIN and (best is None or ratio > best.ratio):
                best = Mention(first, end, ratio, False)
    return best


def _said_apart(ctx: CallContext, target: Sequence[str], line: int | None) -> Mention | None:
    """Every word said, not together ("It's Sam ... my last name is Delacroix"): the mention is
    the last word's place, the ratio the weakest word's."""
    places = []
    for word in target:
        scored = [(tm.word_similarity(word, w), i) for i, w in enumerate(ctx.doc.norm)]
        ratio, at = max(scored, default=(0.0, 0))
        if ratio < GROUNDED_MIN:
            return None
        places.append((ratio, at))
    ratio, at = min(r for r, _ in places), places[-1][1]
    near = line is not None and ctx.line_of(at) is not None \
        and abs(ctx.line_of(at).number - line) <= NEAR_LINES
    return Mention(at, at + 1, ratio, near)


def find_amount(ctx: CallContext, value: float, line: int | None) -> Mention | None:
    """Where the call says this amount (digits or words, within 1%)."""
    for lo, hi, near in _spans_of(ctx, line):
        for amount in amounts(ctx.doc, lo, hi):
            if math.isclose(amount.value, value, rel_tol=0.01) or (
                    amount.low is not None and math.isclose(amount.low, value, rel_tol=0.01)):
                return Mention(amount.first, amount.end, 1.0, near, amount)
    return None


def evidence(ctx: CallContext, mention: Mention) -> dict:
    """`{quote, start, end, line, speaker}`: the transcript's own words at the mention."""
    doc = ctx.doc
    line = ctx.line_of(mention.first)
    return {"quote": doc.text(mention.first, mention.end), "start": doc.starts[mention.first],
            "end": doc.ends[mention.end - 1], "line": line.number if line else None,
            "speaker": ctx.speaker_of(mention.first)}


def asr_probability(ctx: CallContext, mention: Mention) -> float | None:
    """How sure the recogniser was of the mention's words (None when it gave no scores)."""
    return ctx.doc.asr_probability(mention.first, mention.end)
