"""Long calls in overlapping windows of lines, and one answer from the windows' answers.

A long call is never cut: every line is in some window, and neighbouring windows share a few
lines so a fact said across a boundary is read whole at least once. Line numbers stay the
call's, so each window's answer points into the same transcript.
"""

from __future__ import annotations

from collections.abc import Sequence

from callinsights.schema import FIELD_NAMES
from callinsights.timed_words import TimedWords
from callinsights.transcript_lines import Line
from callinsights.verify.items import same_thing

OVERLAP_LINES = 4
LINE_OVERHEAD = 14  # prompt characters a line costs beyond its words ("L123 CUSTOMER: ")


def _cost(doc: TimedWords, line: Line) -> int:
    return len(doc.text(line.first, line.end)) + LINE_OVERHEAD


def windows(doc: TimedWords, lines: Sequence[Line], max_chars: int,
            overlap: int = OVERLAP_LINES) -> list[list[Line]]:
    """Consecutive runs of lines of at most `max_chars` of prompt text, overlapping a little."""
    out: list[list[Line]] = []
    i = 0
    while i < len(lines):
        size, j = 0, i
        while j < len(lines) and (j == i or size + _cost(doc, lines[j]) <= max_chars):
            size += _cost(doc, lines[j])
            j += 1
        out.append(list(lines[i:j]))
        if j >= len(lines):
            break
        i = max(i + 1, j - overlap)
    return out or [[]]


def reconcile(results: Sequence[dict[str, dict]]) -> dict[str, dict]:
    """Merge per-window fields: the most confident value wins; products are united.

    When windows disagree on a value, the winner's confidence is lowered by the runner-up's
    (two readings of one call that differ are a reason for a person to look).
    """
    if len(results) == 1:
        return dict(results[0])
    merged: dict[str, dict] = {}
    for name in FIELD_NAMES:
        answers = [r[name] for r in results if name in r]
        if not answers:
            continue
        if name == "products_of_interest":
            merged[name] = _union(answers)
            continue
        said = [a for a in answers if a["value"] is not None]
        if not said:
            merged[name] = max(answers, key=lambda a: a["confidence"])
            continue
        best = max(said, key=lambda a: a["confidence"])
        rivals = [a["confidence"] for a in said if a["value"] != best["value"]]
        if rivals:
            best = {**best, "confidence": round(best["confidence"] * (1 - max(rivals)), 4)}
        merged[name] = best
    return merged


def _union(answers: Sequence[dict]) -> dict:
    """Every window's items once; the list is as sure as its least sure window with items."""
    items: list[str] = []
    for answer in answers:
        items += [i for i in answer["value"] if not any(same_thing(i, k) for k in items)]
    with_items = [a for a in answers if a["value"]]
    if not with_items:
        return max(answers, key=lambda a: a["confidence"])
    weakest = min(with_items, key=lambda a: a["confidence"])
    checks = [c for a in answers for c in a.get("checks", [])]
    return {**weakest, "value": items, "checks": checks}
