"""The transcript as the words a quote is matched against, each with its time and ASR score.

Quotes are found in these words (`quotes.py`), evidence times come from them, and the
recogniser's probability of the words that state a value is a confidence signal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from callinsights.text_match import normalize_word
from callinsights.transcript import Segment


@dataclass
class TimedWords:
    """The transcript's words in order, each with its time and the recogniser's probability."""

    raw: list[str] = field(default_factory=list)
    norm: list[str] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)
    probs: list[float | None] = field(default_factory=list)
    speakers: list[str | None] = field(default_factory=list)
    segments: list[int] = field(default_factory=list)  # index of the segment each word is in

    @classmethod
    def from_segments(cls, segments: Sequence[Segment]) -> TimedWords:
        """Words as the prompt shows them (segment text), timed by the recognised words."""
        out = cls()
        for index, seg in enumerate(segments):
            for raw, start, end, prob, speaker in _segment_tokens(seg):
                norm = normalize_word(raw)
                if norm:
                    out.raw.append(raw)
                    out.norm.append(norm)
                    out.starts.append(start)
                    out.ends.append(end)
                    out.probs.append(prob)
                    out.speakers.append(speaker)
                    out.segments.append(index)
        return out

    def __len__(self) -> int:
        return len(self.norm)

    def asr_probability(self, start: int, end: int) -> float | None:
        """How sure the recogniser was of words [start, end); None when it gave no scores."""
        return geometric_mean([p for p in self.probs[start:end] if p is not None])

    def text(self, start: int, end: int) -> str:
        """The transcript's own text of words [start, end), punctuation included."""
        return " ".join(self.raw[max(0, start):end])


def geometric_mean(probabilities: Sequence[float]) -> float | None:
    """Geometric mean of probabilities (None for none); zeros are floored to keep it finite."""
    if not probabilities:
        return None
    return math.exp(sum(math.log(max(p, 1e-6)) for p in probabilities) / len(probabilities))


def _segment_tokens(seg: Segment) -> list[tuple[str, float, float, float | None, str | None]]:
    """The segment text's tokens, each with the time and probability of its recognised words.

    Tokens come from the segment text (what the prompt shows, punctuation included); words are
    matched to them in order by their letters, since servers spell words differently (OpenAI:
    no spaces or punctuation; faster-whisper: " $60" + ",000"). Unmatched tokens get times
    interpolated over the segment and its average probability.
    """
    tokens = re.findall(r"\S+", seg.text)
    fallback = math.exp(seg.avg_logprob) if seg.avg_logprob is not None else None
    words, w, out = seg.words, 0, []
    span = max(1, len(tokens))
    for i, token in enumerate(tokens):
        target, letters, used = normalize_word(token), "", []
        while w < len(words) and target and len(letters) < len(target):
            piece = normalize_word(words[w].word)
            if used and not target.startswith(letters + piece):
                break
            letters += piece
            used.append(words[w])
            w += 1
        if used:
            probs = [u.probability for u in used if u.probability is not None]
            out.append((token, used[0].start, used[-1].end, min(probs) if probs else fallback,
                        used[0].speaker or seg.speaker))
        else:
            step = (seg.end - seg.start) / span
            out.append((token, round(seg.start + i * step, 2), round(seg.start + (i + 1) * step, 2),
                        fallback, seg.speaker))
    return out
