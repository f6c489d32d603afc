"""Transcript records: what Whisper returns, kept typed so confidence scoring can use its scores.

Times are seconds. A chunk transcript's times are relative to its chunk; the merged transcript's
are relative to the whole call (see `merge.py`).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

Speaker = str  # "agent" | "customer"


class Word(BaseModel):
    start: float
    end: float
    word: str
    probability: float | None = None  # Whisper's word probability, when the server offers words
    speaker: Speaker | None = None


class Segment(BaseModel):
    start: float
    end: float
    text: str
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    words: list[Word] = Field(default_factory=list)
    speaker: Speaker | None = None  # who says it, when the roles are known


class Transcript(BaseModel):
    call_id: str = ""
    language: str | None = None
    duration: float = 0.0
    segments: list[Segment] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())
