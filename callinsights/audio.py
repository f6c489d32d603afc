"""Decode any recording to 16 kHz mono, describe it, and re-encode pieces of it compactly.

PyAV (FFmpeg's libraries, bundled in the wheel) reads every container and codec a phone system or
a browser produces (WAV, MP3, M4A/AAC, Ogg/Opus, FLAC, WebM) without an `ffmpeg` binary on the
Functions host. Decoding is a generator of short blocks, so a long call never sits in memory as
one float array: callers measure energy or feed encoders block by block. Whisper wants 16 kHz
mono, so that is the only shape the rest of the pipeline ever sees.

Every way a blob can fail to be audio ends as an `AudioError` (a `PermanentError`), whose message
says in plain words what is wrong with the recording; retrying would not change it.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import av
import numpy as np

from callinsights.errors import PermanentError

SAMPLE_RATE = 16000
# The Whisper API refuses uploads over 25 MB; stay well under it.
MAX_CHUNK_BYTES = 24 * 1024 * 1024
# Shorter than this cannot be a sales call worth transcribing (and is usually a broken upload).
MIN_DURATION_SECONDS = 3.0

Source = bytes | Path  # a recording in memory, or in a (temporary) file for long ones

# Leading bytes of the audio containers we accept: a blob that starts like one of these but
# cannot be opened was cut short, not a different kind of file.
_MAGIC = (b"RIFF", b"ID3", b"fLaC", b"OggS", b"\x1aE\xdf\xa3", b"\xff\xfb", b"\xff\xf3",
          b"\xff\xf1", b"\xff\xf9")


class AudioError(PermanentError):
    """The upload cannot be turned into audio; the message tells the user why."""

    code = "audio"

    def __init__(self, reason: str) -> None:
        super().__init__(reason, type(self).code)


class EmptyAudio(AudioError):
    code = "audio.empty"


class NotAudio(AudioError):
    code = "audio.not_audio"


class TruncatedAudio(AudioError):
    code = "audio.truncated"


class UnsupportedAudio(AudioError):
    code = "audio.unsupported"


class AudioTooShort(AudioError):
    code = "audio.too_short"


@dataclass(frozen=True)
class AudioInfo:
    """What the recording is: its decoded length and the source stream's own parameters."""

    duration: float
    sample_rate: int
    channels: int
    codec: str
    format: str

    def to_dict(self) -> dict:
        return asdict(self)


def _size(source: Source) -> int:
    return len(source) if isinstance(source, bytes) else Path(source).stat().st_size


def _looks_like_audio(source: Source) -> bool:
    if isinstance(source, bytes):
        head = source[:16]
    else:
        with open(source, "rb") as file:
            head = file.read(16)
    return head.startswith(_MAGIC) or head[4:8] == b"ftyp"


def _open(source: Source, name: str) -> av.container.InputContainer:
    """Open the recording as a media container; FFmpeg's failures become user-facing errors."""
    label = name or "the recording"
    if not _size(source):
        raise EmptyAudio(f"{label} is empty (0 bytes); upload the recording again.")
    try:
        file = io.BytesIO(source) if isinstance(source, bytes) else str(source)
        container = av.open(file, mode="r")
    except av.error.DecoderNotFoundError as exc:
        raise UnsupportedAudio(f"{label} uses a format the app cannot decode ({exc}); "
                               "convert it to WAV, MP3 or FLAC.") from exc
    except av.error.FFmpegError as exc:
        if _looks_like_audio(source):
            raise TruncatedAudio(f"{label} starts like an audio file but is cut short or damaged "
                                 f"({_size(source)} bytes); upload the complete file.") from exc
        raise NotAudio(f"{label} is not an audio file (its content is not a format the app "
                       "can read: WAV, MP3, M4A, Ogg, FLAC or WebM).") from exc
    if not container.streams.audio:
        container.close()
        raise NotAudio(f"{label} contains no audio stream (is it an image or a document?).")
    return container


def _stream_info(container: av.container.InputContainer, name: str) -> tuple[str, int, int, str]:
    stream = container.streams.audio[0]
    ctx = stream.codec_context
    codec = ctx.name if ctx else "unknown"
    if ctx is None or not ctx.codec.is_decoder:
        raise UnsupportedAudio(f"{name or 'the recording'} uses an audio codec the app cannot "
                               f"decode ({codec}); convert it to WAV, MP3 or FLAC.")
    return codec, ctx.sample_rate or 0, ctx.channels or 0, container.format.name


def _decoded_frames(container: av.container.InputContainer) -> Iterator[av.AudioFrame]:
    """Frames of the first audio stream, skipping packets FFmpeg cannot decode."""
    stream = container.streams.audio[0]
    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.error.InvalidDataError:
            continue  # one damaged packet should not lose the whole call


def iter_blocks(source: Source, name: str = "") -> Iterator[np.ndarray]:
    """16 kHz float32 blocks of the whole recording, channels kept: shape (channels, samples)."""
    with _open(source, name) as container:
        _stream_info(container, name)
        resampler = av.AudioResampler(format="fltp", rate=SAMPLE_RATE)  # keeps the channels
        for frame in _with_flush(_decoded_frames(container)):
            for out in resampler.resample(frame):
                yield out.to_ndarray()
    # PyAV leaks codec buffers until a collection runs (faster-whisper issue #390).
    gc.collect()


def iter_pcm(source: Source, name: str = "", channel: int | None = None) -> Iterator[np.ndarray]:
    """16 kHz mono float32 blocks of the whole recording, in order (about 20 to 100 ms each).

    `channel` picks one channel (0 = left) of a multi-channel recording; None mixes them.
    Channels are averaged here rather than by FFmpeg's mixer, which adds them at -3 dB each:
    a stereo call with the same voice on both sides would come out 41% louder and clip.
    """
    for block in iter_blocks(source, name):
        if channel is None:
            yield block.mean(axis=0, dtype=np.float32)
        else:
            yield block[min(channel, block.shape[0] - 1)].astype(np.float32, copy=False)


def _with_flush(frames: Iterable[av.AudioFrame]) -> Iterator[av.AudioFrame | None]:
    yield from frames
    yield None  # flushes the resampler's tail


def scan(source: Source, name: str = "", sink: Callable[[np.ndarray], None] | None = None, *,
         min_seconds: float = MIN_DURATION_SECONDS, channels_apart: bool = False) -> AudioInfo:
    """Decode the whole recording once, handing each 16 kHz block to `sink`, and describe it.

    `sink` gets mono blocks, or (channels, samples) blocks with `channels_apart`. The duration
    comes from the decoded samples, not from the header (which may be wrong or missing);
    recordings that decode to nothing or to less than `min_seconds` are rejected.
    """
    with _open(source, name) as container:
        codec, rate, channels, fmt = _stream_info(container, name)
    samples = 0
    blocks = iter_blocks(source, name) if channels_apart else iter_pcm(source, name)
    for block in blocks:
        samples += block.shape[-1]
        if sink is not None:
            sink(block)
    check_decoded(samples, source, name, min_seconds)
    return AudioInfo(round(samples / SAMPLE_RATE, 3), rate, channels, codec, fmt)


def probe(source: Source, name: str = "", *,
          min_seconds: float = MIN_DURATION_SECONDS) -> AudioInfo:
    """Describe the recording (format, source rate and channels, decoded duration)."""
    return scan(source, name, min_seconds=min_seconds)


def check_decoded(samples: int, source: Source, name: str, min_seconds: float) -> None:
    """Reject recordings that decoded to nothing, or to too little to be a call."""
    label = name or "the recording"
    if samples == 0:
        raise TruncatedAudio(f"{label} has a valid header but no audio in it "
                             f"({_size(source)} bytes); the upload was probably cut short.")
    if samples / SAMPLE_RATE < min_seconds:
        raise AudioTooShort(f"{label} is only {samples / SAMPLE_RATE:.1f} seconds long; a call "
                            f"needs at least {min_seconds:g} seconds of audio.")


def decode_audio(source: Source, name: str = "") -> np.ndarray:
    """The whole recording as one 16 kHz mono float32 array (for chunks and short clips)."""
    blocks = list(iter_pcm(source, name))
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)


class ChunkEncoder:
    """Encodes 16 kHz mono samples to FLAC in memory, fed block by block."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._container = av.open(self._buffer, mode="w", format="flac")
        self._stream = self._container.add_stream("flac", rate=SAMPLE_RATE, layout="mono")
        self.samples = 0

    def write(self, samples: np.ndarray) -> None:
        if samples.size == 0:
            return
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self.samples
        self.samples += pcm.shape[1]
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> bytes:
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()
        return self._buffer.getvalue()


def encode_mp3(samples: np.ndarray, bitrate: int = 48000) -> bytes:
    """MP3 at `bitrate`: the fallback when a chunk's FLAC would be too big for the API."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = bitrate
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=SAMPLE_RATE)
        frame = av.AudioFrame.from_ndarray(samples.astype(np.float32).reshape(1, -1),
                                           format="flt", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        for out in [*resampler.resample(frame), *resampler.resample(None)]:
            container.mux(stream.encode(out))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def compact(flac: bytes) -> tuple[bytes, str]:
    """The chunk as it goes to the API: FLAC, or MP3 when FLAC is over the size cap."""
    if len(flac) <= MAX_CHUNK_BYTES:
        return flac, "flac"
    return encode_mp3(decode_audio(flac)), "mp3"


def encode_ranges(source: Source, ranges: Sequence[tuple[float, float]],
                  name: str = "", channel: int | None = None) -> Iterator[tuple[int, bytes, str]]:
    """Re-encode each (start, end) second range of the recording: (position, bytes, extension).

    `channel` takes one channel of the recording (0 = left); None, the channels mixed.

    One decoding pass feeds every range that is open at that moment (neighbours overlap), and
    each range is yielded as soon as it is complete, so memory holds a chunk or two, never the
    call.
    """
    bounds = [(round(a * SAMPLE_RATE), round(b * SAMPLE_RATE)) for a, b in ranges]
    encoders: dict[int, ChunkEncoder] = {}
    done: set[int] = set()
    position = 0
    for block in iter_pcm(source, name, channel):
        stop = position + block.size
        for i, (first, last) in enumerate(bounds):
            if i not in done and first < stop and last > position:
                piece = block[max(0, first - position):min(block.size, last - position)]
                if i not in encoders:
                    encoders[i] = ChunkEncoder()
                encoders[i].write(piece)
        position = stop
        for i in [i for i in encoders if bounds[i][1] <= position]:
            done.add(i)
            yield (i, *compact(encoders.pop(i).close()))
    for i in sorted(encoders):  # ranges that reach the (decoded) end
        yield (i, *compact(encoders.pop(i).close()))
