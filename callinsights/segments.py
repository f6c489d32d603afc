"""Editing a transcript segment word by word, for the hallucination filter and the merge.

Both need the same two things: a comparable form of each spoken token (case and punctuation
ignored) and a segment with some tokens removed whose text, times and words still agree.
A segment with word timestamps is edited through its words; one without, through its text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from callinsights.transcript import Segment

_NOT_WORD = re.compile(r"[^\w']+")


def normalize(token: str) -> str:
    """The token as compared: lower case, no punctuation (`Okay,` == `okay`)."""
    return _NOT_WORD.sub("", token.lower())


def tokens(segment: Segment) -> list[str]:
    """The segment's spoken tokens, one per word when it has words."""
    raw = [w.word for w in segment.words] if segment.words else segment.text.split()
    return [normalize(t) for t in raw]


def keep(segment: Segment, mask: Sequence[bool]) -> Segment | None:
    """The segment with only the tokens where `mask` is true; None when nothing is left."""
    if all(mask):
        return segment
    if segment.words:
        words = [w for w, k in zip(segment.words, mask, strict=True) if k]
        if not words:
            return None
        text = " ".join(w.word.strip() for w in words)
        start = segment.start if mask[0] else words[0].start
        end = segment.end if mask[-1] else words[-1].end
        return segment.model_copy(update={"words": words, "text": text, "start": start,
                                          "end": end})
    parts = [t for t, k in zip(segment.text.split(), mask, strict=True) if k]
    return segment.model_copy(update={"text": " ".join(parts)}) if parts else None
