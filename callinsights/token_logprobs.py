"""The completion's tokens placed on its text, so a value's probability can be read off its span.

The model's own probability is one of the confidence signals (`confidence.py`); it comes from the
logprobs of exactly the tokens that spell the value, not from anything the model says.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Token = tuple[str | bytes, float]


@dataclass(frozen=True)
class TokenLogprobs:
    """The completion's tokens with their byte offsets in the content."""

    starts: list[int]
    ends: list[int]
    logprobs: list[float]

    @classmethod
    def from_tokens(cls, tokens: Sequence[Token]) -> TokenLogprobs:
        """Tokens placed by their UTF-8 length: a token may hold half a character ("é")."""
        starts, ends, logprobs, offset = [], [], [], 0
        for piece, logprob in tokens:
            starts.append(offset)
            offset += len(piece.encode("utf-8") if isinstance(piece, str) else piece)
            ends.append(offset)
            logprobs.append(logprob)
        return cls(starts, ends, logprobs)

    def span_logprobs(self, start: int, end: int) -> list[float]:
        """Logprobs of the tokens that overlap bytes [start, end) of the content."""
        return [lp for s, e, lp in zip(self.starts, self.ends, self.logprobs, strict=True)
                if s < end and e > start]

    def probability(self, span: tuple[int, int] | None) -> float | None:
        """Joint probability of the tokens spelling the span; None without logprobs."""
        if span is None or not self.logprobs:
            return None
        lps = self.span_logprobs(*span)
        return math.exp(sum(lps)) if lps else None


def completion_tokens(choice: Any) -> list[Token]:
    """(token bytes or text, logprob) of an SDK choice; empty when the server sent no logprobs."""
    content = getattr(getattr(choice, "logprobs", None), "content", None) or []
    return [(bytes(t.bytes) if t.bytes else t.token, t.logprob) for t in content]
