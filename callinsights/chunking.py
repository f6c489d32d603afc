"""Where to cut a long call: at silences near evenly spaced targets, with a short overlap.

Whisper transcribes a word cut in half badly on both sides, so cuts go where nobody speaks. The
decision needs only the energy of 20 ms frames (a few hundred kilobytes for an hour), measured
while the audio streams past; the samples themselves are never kept. The silence threshold adapts
to the recording: a quiet office line and a noisy car both have a floor and a speech level, and
silence is whatever sits close to the floor.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

FRAME_SECONDS = 0.02
_SILENCE_DB = -90.0  # what digital silence reads as (log of zero clamped)
SPEECH_FLOOR_DB = -50.0  # frames quieter than this are never speech, whatever the threshold
MIN_PAUSE_SECONDS = 0.15  # shorter quiet stretches are gaps inside words, not pauses
EDGE_GAP_FRAMES = 3  # a chunk edge sits in at least this many quiet frames (60 ms)


@dataclass(frozen=True)
class Span:
    """One chunk of the call: `start`/`end` in seconds of the whole call, overlap included."""

    index: int
    start: float
    end: float


class FrameMeter:
    """Per-frame loudness (dBFS) of a stream of blocks, without keeping the samples."""

    def __init__(self, sample_rate: int, frame_seconds: float = FRAME_SECONDS) -> None:
        self.frame = round(sample_rate * frame_seconds)
        self.samples = 0
        self._rest = np.zeros(0, dtype=np.float32)
        self._db: list[np.ndarray] = []

    def feed(self, block: np.ndarray) -> None:
        self.samples += block.size
        data = np.concatenate([self._rest, block]) if self._rest.size else block
        whole = data.size - data.size % self.frame
        self._rest = data[whole:].copy()
        if whole:
            self._db.append(frame_db(data[:whole].reshape(-1, self.frame)))

    def levels(self) -> np.ndarray:
        """Loudness of every frame so far; a partial last frame counts as a frame."""
        tail = [frame_db(self._rest.reshape(1, -1))] if self._rest.size else []
        parts = self._db + tail
        return np.concatenate(parts) if parts else np.zeros(0)


def frame_db(frames: np.ndarray) -> np.ndarray:
    """RMS level in dBFS of each row."""
    rms = np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1))
    return np.maximum(20 * np.log10(np.maximum(rms, 1e-12)), _SILENCE_DB)


def measure(blocks: Iterable[np.ndarray], sample_rate: int) -> np.ndarray:
    meter = FrameMeter(sample_rate)
    for block in blocks:
        meter.feed(block)
    return meter.levels()


def silence_threshold(levels: np.ndarray) -> float:
    """A level between the recording's noise floor and its speech, nearer the floor."""
    if levels.size == 0:
        return SPEECH_FLOOR_DB
    floor = float(np.percentile(levels, 10))
    speech = float(np.percentile(levels, 95))
    return min(floor + max(6.0, 0.3 * (speech - floor)), speech - 10.0)


def voiced(levels: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """Frames that may hold speech: above the threshold and above the absolute floor."""
    limit = silence_threshold(levels) if threshold is None else threshold
    return levels > max(limit, SPEECH_FLOOR_DB)


def speech_seconds(levels: np.ndarray) -> float:
    """How much of the recording is loud enough to be speech (0 for pure silence)."""
    return float(np.count_nonzero(levels > SPEECH_FLOOR_DB)) * FRAME_SECONDS


def _quiet_runs(quiet: np.ndarray) -> list[tuple[int, int]]:
    """[first, last) frame ranges of consecutive quiet frames."""
    edges = np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def best_cut(levels: np.ndarray, threshold: float, target: float, window: float) -> float:
    """The time (s) to cut near `target`: the middle of the best pause within ±`window`.

    Longer pauses win (up to 2 s, beyond which all pauses are equally safe), nearer ones break
    ties. With no pause at all, the quietest 200 ms in the window is the least harmful place.
    """
    lo = max(0, int((target - window) / FRAME_SECONDS))
    hi = min(levels.size, math.ceil((target + window) / FRAME_SECONDS))
    region = levels[lo:hi]
    best: tuple[float, float] | None = None
    for first, last in _quiet_runs(region <= threshold):
        length = (last - first) * FRAME_SECONDS
        if length < MIN_PAUSE_SECONDS:
            continue
        middle = (lo + (first + last) / 2) * FRAME_SECONDS
        score = min(length, 2.0) - 0.5 * abs(middle - target) / window
        if best is None or score > best[0]:
            best = (score, middle)
    if best is not None:
        return best[1]
    smooth = np.convolve(region, np.ones(10) / 10, mode="same") if region.size >= 10 else region
    return (lo + int(np.argmin(smooth)) + 0.5) * FRAME_SECONDS


def settle(levels: np.ndarray, threshold: float, at: float, step: int,
           limit: float = 4.0) -> float:
    """`at`, moved outward (`step` +1 later, -1 earlier) into the nearest gap between words.

    A chunk edge inside a word would hand Whisper half a word. Within `limit` seconds the edge
    goes to the nearest run of `EDGE_GAP_FRAMES` quiet frames (one quiet frame can be a stop
    consonant inside a word); in fluent speech with no such run, to the quietest 60 ms, which is
    where one word ends and the next begins.
    """
    first = int(at / FRAME_SECONDS)
    frames = [f for f in range(first, first + step * int(limit / FRAME_SECONDS), step)
              if 0 <= f < levels.size]
    if not frames:
        return at
    region = levels[min(frames):max(frames) + 1][::step]
    quiet = np.convolve(region <= threshold, np.ones(EDGE_GAP_FRAMES), mode="same")
    full = np.flatnonzero(quiet >= EDGE_GAP_FRAMES)
    smooth = np.convolve(region, np.ones(EDGE_GAP_FRAMES) / EDGE_GAP_FRAMES, mode="same")
    offset = int(full[0]) if full.size else int(np.argmin(smooth))
    return (first + step * offset + 0.5) * FRAME_SECONDS


def plan_chunks(levels: np.ndarray, duration: float, chunk_seconds: float,
                overlap_seconds: float, *, window_fraction: float = 0.15) -> list[Span]:
    """Spans covering [0, duration]: one if it fits `chunk_seconds`, else near-equal pieces.

    Targets are evenly spaced (so the last piece is never a sliver); each cut moves to the best
    pause within ±`window_fraction` of a piece's length. Neighbours share at least
    `overlap_seconds` around the cut, each edge moved out to the nearest pause, so a chunk never
    starts or ends inside a word; the merge drops the words heard twice.
    """
    if duration <= chunk_seconds:
        return [Span(0, 0.0, round(float(duration), 3))]
    count = math.ceil(duration / chunk_seconds)
    piece = duration / count
    threshold = silence_threshold(levels)
    cuts = [best_cut(levels, threshold, piece * i, piece * window_fraction)
            for i in range(1, count)]
    half = overlap_seconds / 2
    starts = [0.0] + [settle(levels, threshold, cut - half, -1) for cut in cuts]
    ends = [settle(levels, threshold, cut + half, +1) for cut in cuts] + [duration]
    return [Span(i, round(float(max(0.0, a)), 3), round(float(min(duration, b)), 3))
            for i, (a, b) in enumerate(zip(starts, ends, strict=True))]
