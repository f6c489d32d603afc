"""The transcript as numbered lines, one sentence of one speaker each: what the model reads.

The model answers with the number of the line that states each value (`schema`), so lines must
be short enough to point at one fact and stable enough that the app can find the words again.
A line ends at a sentence end, a change of speaker or a segment boundary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from callinsights.timed_words import TimedWords

LABELS = {"agent": "AGENT", "customer": "CUSTOMER"}
# "Mr." and friends end no sentence; "2.5" is no sentence end either (no space follows inside).
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "mt", "ft", "jr", "sr", "vs", "etc", "no"}
_SENTENCE_END = re.compile(r"[.?!…]+[\"')\]]*$")


@dataclass(frozen=True)
class Line:
    """Words [first, end) of the transcript, said by one speaker."""

    number: int  # 1-based, as the prompt shows it
    first: int
    end: int
    speaker: str | None

    def words(self) -> range:
        return range(self.first, self.end)


def _ends_sentence(raw: str, norm: str) -> bool:
    return bool(_SENTENCE_END.search(raw)) and norm not in _ABBREVIATIONS


def split_lines(doc: TimedWords) -> list[Line]:
    """Cut the transcript's words into lines (sentence, speaker or segment boundaries)."""
    lines: list[Line] = []
    first = 0
    for i in range(len(doc)):
        last = i + 1 == len(doc)
        boundary = last or doc.segments[i + 1] != doc.segments[i] \
            or doc.speakers[i + 1] != doc.speakers[i] or _ends_sentence(doc.raw[i], doc.norm[i])
        if boundary:
            lines.append(Line(len(lines) + 1, first, i + 1, doc.speakers[first]))
            first = i + 1
    return lines


def render(doc: TimedWords, lines: Sequence[Line]) -> str:
    """`L7 CUSTOMER: We are in Nashville, Tennessee.` per line (no label when roles are unknown).

    Times are left out: the model does not need them (the app has them) and on a small local
    model every prompt token costs time.
    """
    out = []
    for line in lines:
        label = LABELS.get(line.speaker or "")
        text = doc.text(line.first, line.end)
        out.append(f"L{line.number} {label}: {text}" if label else f"L{line.number}: {text}")
    return "\n".join(out)
