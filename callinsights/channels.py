"""Is a two-channel recording two speakers apart, or one signal twice? Decided while it streams.

Call recorders that write stereo put each side of the call on its own channel (the agent's
headset on one, the phone line on the other): transcribing them apart gives every word its
speaker for free. But many "stereo" files are mono copied twice, or mono with one channel dead.
One pass over the audio measures each channel's loudness (the frames the chunk planner needs)
and how alike the channels are, and `ChannelMeter.layout()` decides:

- `stereo`: both channels carry speech and they differ: split and transcribe them apart;
- `mono`: one channel, or two that are the same signal (correlation at least
  `SAME_SIGNAL_CORRELATION`, or a difference under `SAME_SIGNAL_DIFFERENCE` of their energy):
  the channels are mixed, as before;
- `left` / `right`: only that channel has speech (the other has under `SILENT_CHANNEL_SECONDS`
  of frames above the speech floor): the mono path on that channel alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callinsights import chunking

CHANNEL_NAMES = ("left", "right")  # channel 0, channel 1
STEREO = "stereo"
MONO = "mono"
SAME_SIGNAL_CORRELATION = 0.9  # two channels this alike are one signal (a mono call twice)
SAME_SIGNAL_DIFFERENCE = 0.05  # or their difference holds under 5% of their energy
SILENT_CHANNEL_SECONDS = 1.0  # less speech than this on a channel: nobody talks on it


@dataclass(frozen=True)
class Layout:
    """How the recording's channels are used: `stereo`, `mono`, `left` or `right`."""

    kind: str
    correlation: float | None = None
    speech_seconds: tuple[float, ...] = ()

    @property
    def apart(self) -> bool:
        return self.kind == STEREO

    @property
    def channel(self) -> int | None:
        """The one channel to decode (0 = left), or None to mix them."""
        return CHANNEL_NAMES.index(self.kind) if self.kind in CHANNEL_NAMES else None

    def to_dict(self) -> dict:
        return {"layout": self.kind,
                "channel_correlation": None if self.correlation is None
                else round(self.correlation, 3),
                "channel_speech_seconds": [round(s, 2) for s in self.speech_seconds]}


class ChannelMeter:
    """Frame loudness of the mix and of the first two channels, and how alike those two are.

    Fed (channels, samples) blocks; keeps only the frame levels and four running sums.
    """

    def __init__(self, sample_rate: int) -> None:
        self.mix = chunking.FrameMeter(sample_rate)
        self.sides = [chunking.FrameMeter(sample_rate) for _ in CHANNEL_NAMES]
        self.channels = 0
        self._lr = self._ll = self._rr = self._diff = 0.0

    def feed(self, block: np.ndarray) -> None:
        block = np.atleast_2d(block)
        self.channels = max(self.channels, block.shape[0])
        self.mix.feed(block.mean(axis=0, dtype=np.float32))
        if block.shape[0] < 2:
            return
        left, right = block[0].astype(np.float64), block[1].astype(np.float64)
        for meter, side in zip(self.sides, (block[0], block[1]), strict=True):
            meter.feed(side)
        self._lr += float(left @ right)
        self._ll += float(left @ left)
        self._rr += float(right @ right)
        self._diff += float(np.square(left - right).sum())

    def levels(self, channel: int | None = None) -> np.ndarray:
        """Frame levels of the mix (None) or of one channel."""
        return self.mix.levels() if channel is None else self.sides[channel].levels()

    def layout(self) -> Layout:
        if self.channels < 2:
            return Layout(MONO)
        speech = tuple(chunking.speech_seconds(m.levels()) for m in self.sides)
        energy = self._ll + self._rr
        correlation = (float(self._lr / np.sqrt(self._ll * self._rr))
                       if self._ll and self._rr else 0.0)
        live = [s >= SILENT_CHANNEL_SECONDS for s in speech]
        if live == [True, False]:
            return Layout(CHANNEL_NAMES[0], correlation, speech)
        if live == [False, True]:
            return Layout(CHANNEL_NAMES[1], correlation, speech)
        same = correlation >= SAME_SIGNAL_CORRELATION or (
            energy > 0 and self._diff / energy < SAME_SIGNAL_DIFFERENCE)
        return Layout(MONO if same or not any(live) else STEREO, correlation, speech)
