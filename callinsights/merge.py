"""Chunk transcripts into one call transcript: call-relative times, overlap words once.

Neighbouring chunks share a short overlap around the cut, so words near a cut are heard twice.
A cut in the overlap decides who owns a word: the longest pause the earlier chunk heard there
(where the split cut), else the overlap's middle. The earlier chunk keeps what lies before it,
the later chunk what lies after, judged by word times when the server gave words and by segment
times otherwise. Timestamps near a chunk's edge drift, so a second check compares
text: when the later chunk opens with the last words of the earlier one, the copy goes.
Times are finally made monotonic, which the extraction's evidence spans and the reviewers rely on.

A stereo call is merged channel by channel, then `interleave` lays the two channels' sentences
on one timeline, each with its speaker. Speakers may talk over each other, so times are
monotonic within a speaker, not across them.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from callinsights.segments import keep, tokens
from callinsights.transcript import Segment, Speaker, Transcript

MAX_REPEAT_TOKENS = 20  # longest run of words the text check looks for at a cut
MIN_REPEAT_TOKENS = 2  # one shared word ("the") is coincidence, not a copy
EDGE_SECONDS = 2.0  # how far past the overlap the text check still looks
MIN_PAUSE_SECONDS = 0.2  # a shorter gap between recognised words is not a pause to cut at
SENTENCE_ENDS = (".", "?", "!")


@dataclass(frozen=True)
class ChunkTranscript:
    """A chunk's transcript (chunk-relative times) and where the chunk sits in the call."""

    start: float
    end: float
    transcript: Transcript


def rebase(segment: Segment, offset: float) -> Segment:
    """The segment with times moved from chunk time to call time."""
    words = [w.model_copy(update={"start": w.start + offset, "end": w.end + offset})
             for w in segment.words]
    return segment.model_copy(update={"start": segment.start + offset,
                                      "end": segment.end + offset, "words": words})


def _middle(start: float, end: float) -> float:
    return (start + end) / 2


def _cut(earlier: Sequence[Segment], lo: float, hi: float) -> float:
    """Where ownership passes to the next chunk: the longest pause the earlier chunk heard in
    the overlap [lo, hi] (the split put its cut in a pause there), else the overlap's middle.
    """
    spans = [(w.start, w.end) for s in earlier for w in s.words] or \
        [(s.start, s.end) for s in earlier]
    gaps = [(b[0] - a[1], a[1], b[0]) for a, b in itertools.pairwise(spans)
            if lo <= a[1] and b[0] <= hi and b[0] - a[1] >= MIN_PAUSE_SECONDS]
    if not gaps:
        return _middle(lo, hi)
    _, start, end = max(gaps)
    return _middle(start, end)


def _owned(segments: Sequence[Segment], lo: float, hi: float) -> list[Segment]:
    """What this chunk contributes: words (or segments) whose middle lies in [lo, hi)."""
    owned = []
    for segment in segments:
        if segment.words:
            trimmed = keep(segment, [lo <= _middle(w.start, w.end) < hi for w in segment.words])
        else:
            trimmed = segment if lo <= _middle(segment.start, segment.end) < hi else None
        if trimmed is not None:
            owned.append(trimmed)
    return owned


def _repeated_head(previous: Segment, following: Segment) -> int:
    """How many leading tokens of `following` repeat the last tokens of `previous`."""
    tail, head = tokens(previous), tokens(following)
    for k in range(min(MAX_REPEAT_TOKENS, len(tail), len(head)), MIN_REPEAT_TOKENS - 1, -1):
        if tail[-k:] == head[:k]:
            return k
    return 0


def _drop_copy(merged: list[Segment], incoming: list[Segment], limit: float) -> list[Segment]:
    if not merged or not incoming or incoming[0].start > limit:
        return incoming
    count = _repeated_head(merged[-1], incoming[0])
    if not count:
        return incoming
    first = keep(incoming[0], [i >= count for i in range(len(tokens(incoming[0])))])
    return ([first] if first else []) + incoming[1:]


def _monotonic(segments: Sequence[Segment]) -> list[Segment]:
    """Clamp times so segments and words never go back in time or overlap."""
    out: list[Segment] = []
    clock = 0.0
    for segment in sorted(segments, key=lambda s: s.start):
        start = round(max(segment.start, clock), 3)
        end = round(max(segment.end, start), 3)
        words, word_clock = [], start
        for word in segment.words:
            w_start = round(min(max(word.start, word_clock), end), 3)
            w_end = round(min(max(word.end, w_start), end), 3)
            words.append(word.model_copy(update={"start": w_start, "end": w_end}))
            word_clock = w_end
        out.append(segment.model_copy(update={"start": start, "end": end, "words": words}))
        clock = end
    return out


def _language(chunks: Sequence[ChunkTranscript]) -> str | None:
    votes = Counter(c.transcript.language for c in chunks
                    if c.transcript.language and c.transcript.segments)
    if votes:
        return votes.most_common(1)[0][0]
    return next((c.transcript.language for c in chunks if c.transcript.language), None)


def merge_chunks(chunks: Sequence[ChunkTranscript], *, call_id: str = "",
                 duration: float | None = None) -> Transcript:
    """One transcript for the call from its chunks' transcripts (any order)."""
    ordered = sorted(chunks, key=lambda c: c.start)
    rebased = [[rebase(s, c.start) for s in c.transcript.segments] for c in ordered]
    cuts = [_cut(segments, b.start, a.end)
            for segments, (a, b) in zip(rebased, itertools.pairwise(ordered), strict=False)]
    bounds = [float("-inf"), *cuts, float("inf")]
    merged: list[Segment] = []
    for i, segments in enumerate(rebased):
        owned = _owned(segments, bounds[i], bounds[i + 1])
        if i:  # the text check looks at the overlap with the previous chunk and a little past
            owned = _drop_copy(merged, owned, ordered[i - 1].end + EDGE_SECONDS)
        merged += owned
    total = duration if duration is not None else max((c.end for c in ordered), default=0.0)
    return Transcript(call_id=call_id, language=_language(ordered), duration=round(total, 3),
                      segments=_monotonic(merged))


def sentences(segment: Segment) -> list[Segment]:
    """The segment cut after each word that ends a sentence (a segment without words: whole).

    Whisper's segments can hold several sentences; the other speaker's reply belongs between
    them, not after the whole segment.
    """
    if not segment.words:
        return [segment]
    ends = [i for i, w in enumerate(segment.words) if w.word.strip().endswith(SENTENCE_ENDS)]
    bounds = [0, *[i + 1 for i in ends if i + 1 < len(segment.words)], len(segment.words)]
    parts = []
    for first, last in itertools.pairwise(bounds):
        part = keep(segment, [first <= i < last for i in range(len(segment.words))])
        if part is not None:
            parts.append(part)
    return parts


def with_speaker(segment: Segment, speaker: Speaker) -> Segment:
    words = [w.model_copy(update={"speaker": speaker}) for w in segment.words]
    return segment.model_copy(update={"speaker": speaker, "words": words})


def interleave(channels: Sequence[tuple[Speaker, Transcript]], *, call_id: str = "",
               duration: float | None = None) -> Transcript:
    """One transcript from each speaker's own (merged) transcript: sentences in time order.

    Ties go to the speaker listed first. Overlapping speech keeps both speakers' times.
    """
    tagged = [(part.start, rank, with_speaker(part, speaker))
              for rank, (speaker, transcript) in enumerate(channels)
              for s in transcript.segments for part in sentences(s)]
    segments = [segment for _, _, segment in sorted(tagged, key=lambda t: (t[0], t[1]))]
    votes = Counter(t.language for _, t in channels if t.language and t.segments)
    language = votes.most_common(1)[0][0] if votes else next(
        (t.language for _, t in channels if t.language), None)
    total = duration if duration is not None else max((t.duration for _, t in channels),
                                                      default=0.0)
    return Transcript(call_id=call_id, language=language, duration=round(total, 3),
                      segments=segments)
