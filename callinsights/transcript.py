"""Transcript records: what Whisper returns, kept typed so confidence scoring can use its scores.

Times are seconds. A chunk transcript's times are relative to its chunk; the merged transcript's
are relative to the whole call (see `merge.py`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

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


class Roles(BaseModel):
    """Where the speaker labels come from and how far to trust them
    (`callinsights/role_certainty.py`)."""

    source: str  # "channels-auto" | "channels-setting" | "none"
    certainty: float | None = None  # measured share right; None without labels
    sure: bool = False  # the extraction relies on the labels
    rule: str | None = None  # what chose the agent's channel: "auto" or "setting"
    margin: int | None = None  # auto: the winner's opening points minus the other channel's


class Transcript(BaseModel):
    call_id: str = ""
    language: str | None = None
    duration: float = 0.0
    segments: list[Segment] = Field(default_factory=list)
    roles: Roles | None = None  # None: merged before roles were stated

    @model_serializer(mode="wrap")
    def _unstated_roles_left_out(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A transcript without `roles` dumps as it did before they existed (cache keys and
        stored blobs stay the same)."""
        data = handler(self)
        if data.get("roles") is None:
            data.pop("roles", None)
        return data

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())
