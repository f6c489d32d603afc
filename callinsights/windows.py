"""Long transcripts in overlapping windows, and one answer from the windows' answers.

A long call is never cut: every segment is in some window, and neighbouring windows share a few
segments so a fact said across a boundary is read whole at least once.
"""

from __future__ import annotations

from collections.abc import Sequence

from callinsights.list_items import dedupe_items
from callinsights.schema import FIELD_NAMES
from callinsights.transcript import Segment

OVERLAP_SEGMENTS = 3
# Prompt characters a segment costs beyond its text: its `[start-end] ` times and newline.
LINE_OVERHEAD = 16


def windows(segments: Sequence[Segment], max_chars: int,
            overlap: int = OVERLAP_SEGMENTS) -> list[list[Segment]]:
    """Consecutive runs of segments of at most `max_chars` of prompt text, overlapping a little."""
    spoken = [s for s in segments if s.text.strip()]
    out: list[list[Segment]] = []
    i = 0
    while i < len(spoken):
        size, j = 0, i
        while j < len(spoken) and (
                j == i or size + len(spoken[j].text) + LINE_OVERHEAD <= max_chars):
            size += len(spoken[j].text) + LINE_OVERHEAD
            j += 1
        out.append(spoken[i:j])
        if j >= len(spoken):
            break
        i = max(i + 1, j - overlap)
    return out or [[]]


def reconcile(results: Sequence[dict[str, dict]]) -> dict[str, dict]:
    """Merge per-window fields: the most confident value wins; products are united."""
    merged: dict[str, dict] = {}
    for name in FIELD_NAMES:
        answers = [r[name] for r in results if name in r]
        if name == "products_of_interest":
            merged[name] = _union(answers)
            continue
        said = [a for a in answers if a["value"] is not None]
        if not said:
            merged[name] = min(answers, key=lambda a: a["confidence"],
                               default={"value": None, "confidence": 0.0, "evidence": None})
            continue
        best = max(said, key=lambda a: a["confidence"])
        rivals = [a["confidence"] for a in said if a["value"] != best["value"]]
        if rivals:  # windows disagree: the runner-up's weight is doubt about the winner
            best = {**best, "confidence": round(best["confidence"] * (1 - max(rivals)), 4)}
        merged[name] = best
    return merged


def _union(answers: Sequence[dict]) -> dict:
    """Every window's items once (the most confident copy); the list is its weakest item."""
    scored = [(item, a["confidence"], a["evidence"]) for a in answers for item in a["value"]]
    kept = dedupe_items(scored)
    if not kept:
        return min(answers, key=lambda a: a["confidence"],
                   default={"value": [], "confidence": 0.0, "evidence": None})
    evidence = next((ev for _, _, ev in kept if ev), None)
    return {"value": [k[0] for k in kept], "confidence": round(min(k[1] for k in kept), 4),
            "evidence": evidence}
