"""A candidate value for one field, found by one deterministic signal in one place of the call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Candidate:
    """`strength` is how often this signal alone names the right value (a rough, honest prior);
    candidates with the same `key` agree, and their strengths combine."""

    value: Any
    quote: str
    strength: float
    signal: str
    key: str

    def weaker(self, factor: float, why: str) -> Candidate:
        return Candidate(self.value, self.quote, self.strength * factor, f"{self.signal}+{why}",
                         self.key)
