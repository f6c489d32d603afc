"""From candidates to a probability for each possible value, and the pick.

Candidates with the same key agree: their strengths combine as independent signals
(noisy-or). Values then compete by odds, together with "not said" (null) and "said in a way no
rule caught" (a miss that can never be picked), so the pick's probability is honest: one strong
signal gives ~0.95, two rival values split it, a weak lone hint stays below one half.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from modelserver.grounded.candidate import Candidate

MAX_STRENGTH = 0.995
INCLUDE_ITEM = 0.5  # list items at least this likely are listed


@dataclass(frozen=True)
class Option:
    """One possible value (a group of agreeing candidates) and its probability."""

    value: Any
    quote: str | None
    probability: float


@dataclass
class Choice:
    """The chosen option and its rivals (for top_logprobs), most likely first."""

    chosen: Option
    rivals: list[Option] = field(default_factory=list)


def _odds(p: float) -> float:
    p = min(MAX_STRENGTH, max(0.0, p))
    return p / (1 - p)


def groups(candidates: Sequence[Candidate]) -> list[tuple[Candidate, float]]:
    """Agreeing candidates merged: (the strongest of the group, combined strength)."""
    merged: dict[str, list[Candidate]] = {}
    for c in candidates:
        merged.setdefault(c.key, []).append(c)
    out = []
    for members in merged.values():
        doubt = 1.0
        for c in members:
            doubt *= 1 - min(MAX_STRENGTH, c.strength)
        out.append((max(members, key=lambda c: c.strength), 1 - doubt))
    return sorted(out, key=lambda g: -g[1])


def choose_one(candidates: Sequence[Candidate], null_odds: float, miss_odds: float) -> Choice:
    """The single most probable value, or null.

    Candidates without a value are hints that something was said but not read (a misheard
    amount): they make a miss likelier, and so null less sure, without proposing anything.
    """
    hints = [c for c in candidates if c.value is None]
    miss_odds += sum(_odds(c.strength) for c in hints)
    readable = [c for c in candidates if c.value is not None]
    options = [(best.value, best.quote, _odds(s)) for best, s in groups(readable)]
    total = sum(o for _, _, o in options) + null_odds + miss_odds
    ranked = sorted([Option(v, q, o / total) for v, q, o in options]
                    + [Option(None, None, null_odds / total)], key=lambda o: -o.probability)
    return Choice(ranked[0], ranked[1:])


def choose_items(candidates: Sequence[Candidate], miss: float) -> tuple[list[Option], float]:
    """Items likely enough to list, and the probability that the list is empty.

    Value-less hints (something asked for and answered, but not read) count against empty.
    """
    merged = groups(candidates)
    items = [Option(best.value, best.quote, s) for best, s in merged
             if s >= INCLUDE_ITEM and best.value is not None]
    p_empty = 1 - miss
    for _, s in merged:
        p_empty *= 1 - s
    return items, p_empty
