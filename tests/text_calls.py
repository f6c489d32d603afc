"""Calls as text, for the pure tests of the extract step: turns -> transcript -> call context.

Each turn becomes one segment (with words, times and a recogniser probability), its speaker
kept or dropped, so the same script tests a two-channel call (roles known) and a mono one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from callinsights.call_context import CallContext
from callinsights.model_answer import RawField
from callinsights.timed_words import TimedWords
from callinsights.transcript import Segment, Transcript, Word

ROLES = {"A": "agent", "C": "customer"}


def segment(start: float, text: str, speaker: str | None = None,
            probability: float = 0.95) -> Segment:
    words, t = [], start
    for w in text.split():
        words.append(Word(start=round(t, 2), end=round(t + 0.3, 2), word=" " + w,
                          probability=probability, speaker=speaker))
        t += 0.3
    return Segment(start=start, end=round(t, 2), text=" " + text, words=words, speaker=speaker)


def transcript(turns: Sequence[Sequence[str]], *, roles: bool = True) -> Transcript:
    segments, t = [], 0.0
    for who, text in turns:
        segments.append(segment(t, text, ROLES[who] if roles else None))
        t = segments[-1].end + 0.5
    return Transcript(segments=segments, duration=t)


def context(turns: Sequence[Sequence[str]], *, roles: bool = True) -> CallContext:
    return CallContext.of(TimedWords.from_segments(transcript(turns, roles=roles).segments))


def line_saying(ctx: CallContext, words: str) -> int:
    """The number of the first line whose text contains `words`."""
    for line in ctx.lines:
        if words.lower() in ctx.doc.text(line.first, line.end).lower():
            return line.number
    raise AssertionError(f"no line says {words!r}")


def raw(name: str, value: Any, line: int | None = None, p: float = 0.9) -> RawField:
    """A field as a model would have written it."""
    return RawField(name, value, line, p, 3)
