"""Finding the model's quote in the transcript: grounding, and the evidence stored for a field.

A quote is only evidence if it is really in the call; the stored quote is the transcript's own
text at the matched place, so every stored quote occurs in the transcript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from callinsights import confidence as conf
from callinsights.timed_words import TimedWords

_TIMESTAMP = re.compile(r"\[\d+(?:\.\d+)?\s*-\s*\d+(?:\.\d+)?\]")


@dataclass(frozen=True)
class Grounding:
    """Where a quote sits in the transcript: word indices [start, end) and the match ratio."""

    ratio: float
    start: int
    end: int


def ground_quote(quote: str | None, doc: TimedWords) -> Grounding | None:
    """Find the quote (minus any copied timestamps) in the transcript's words."""
    if not quote:
        return None
    match = conf.locate(conf.words(_TIMESTAMP.sub(" ", quote)), doc.norm)
    return Grounding(match.ratio, match.start, match.end) if match else None


def evidence(doc: TimedWords, g: Grounding) -> dict:
    """`{quote, start, end}` of a grounded quote, in the transcript's words and times."""
    return {"quote": doc.text(g.start, g.end), "start": doc.starts[g.start],
            "end": doc.ends[g.end - 1]}
