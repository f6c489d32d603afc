"""Decoding, splitting and bad input, on recordings spoken by Piper in this session."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from callinsights import audio, chunking
from callinsights.errors import PermanentError
from tests.speech import VOICE_RATE, long_turns, render_call, speak, write_audio

SHORT_CALL = [["A", "Thanks for calling Evergreen Home Services, this is Laura."],
              ["C", "Hi Laura, my name is Tomasz, I would like a quote for a new roof."]]
LONG_CALL_MINUTES = 19  # long_turns speaks a little faster than its estimate: this is over 15


def long_call_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rendered 15+ minute call, made once per session (Piper takes a few seconds)."""
    path = tmp_path_factory.getbasetemp() / "long-call" / "call.wav"
    if not path.exists():
        render_call(long_turns(LONG_CALL_MINUTES), path, rate=8000)
    return path


@pytest.fixture(scope="module")
def short_samples() -> np.ndarray:
    return speak(SHORT_CALL)


@pytest.fixture(scope="module")
def long_call(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return long_call_path(tmp_path_factory).read_bytes()


@pytest.mark.parametrize(("suffix", "rate", "channels"), [
    (".wav", 8000, 1), (".mp3", 44100, 2), (".m4a", 22050, 1), (".ogg", 48000, 1),
    (".flac", 16000, 2), (".webm", 48000, 2), (".wav", 44100, 2),
])
def test_formats_decode_to_16k_mono_with_the_right_duration(
        short_samples: np.ndarray, tmp_path: Path, suffix: str, rate: int, channels: int) -> None:
    path = write_audio(short_samples, tmp_path / f"call{suffix}", rate=rate, channels=channels)
    info = audio.probe(path.read_bytes(), path.name)
    assert info.duration == pytest.approx(short_samples.size / VOICE_RATE, abs=0.1)
    assert info.channels == channels
    assert info.sample_rate == (48000 if suffix in {".ogg", ".webm"} else rate)
    pcm = audio.decode_audio(path.read_bytes(), path.name)
    assert pcm.ndim == 1 and pcm.dtype == np.float32
    assert pcm.size / audio.SAMPLE_RATE == pytest.approx(info.duration, abs=0.01)
    assert 0.5 < np.abs(pcm).max() <= 1.05


def test_chunk_encoding_round_trips(short_samples: np.ndarray, tmp_path: Path) -> None:
    pcm = audio.decode_audio(write_audio(short_samples, tmp_path / "c.wav").read_bytes())
    [(position, flac, ext)] = list(audio.encode_ranges(
        write_audio(short_samples, tmp_path / "c.wav", rate=16000).read_bytes(), [(1.0, 3.0)]))
    assert (position, ext) == (0, "flac")
    back = audio.decode_audio(flac)
    assert back.size == 2 * audio.SAMPLE_RATE
    assert audio.probe(flac, min_seconds=0).codec == "flac" and pcm.size > back.size


def test_mp3_fallback_is_smaller_than_flac(short_samples: np.ndarray, tmp_path: Path) -> None:
    data = write_audio(short_samples, tmp_path / "c.wav", rate=16000).read_bytes()
    flac = next(audio.encode_ranges(data, [(0.0, 5.0)]))[1]
    mp3 = audio.encode_mp3(audio.decode_audio(flac))
    assert audio.probe(mp3, min_seconds=0).codec.startswith("mp3") and len(mp3) < len(flac)


def test_long_call_splits_in_pauses_with_overlap(long_call: bytes) -> None:
    meter = chunking.FrameMeter(audio.SAMPLE_RATE)
    info = audio.scan(long_call, "call.wav", meter.feed)
    levels = meter.levels()
    assert info.duration >= 15 * 60
    spans = chunking.plan_chunks(levels, info.duration, 300.0, 1.0)
    assert len(spans) >= 3
    assert spans[0].start == 0 and spans[-1].end == info.duration
    threshold = chunking.silence_threshold(levels)
    speech = float(np.median(levels[levels > chunking.SPEECH_FLOOR_DB]))
    for before, after in itertools.pairwise(spans):
        overlap = before.end - after.start
        assert 1.0 <= overlap <= 9.0  # each edge moves at most 4 s out, into a word gap
        # the cut: a real pause (>= 0.15 s of quiet frames) inside the overlap
        shared = levels[int(after.start / chunking.FRAME_SECONDS):
                        int(before.end / chunking.FRAME_SECONDS)]
        runs = chunking._quiet_runs(shared <= threshold)
        assert max(b - a for a, b in runs) * chunking.FRAME_SECONDS >= 0.15
        # the edges: in a gap between words, far below the speech level
        for edge in (after.start, before.end):
            assert levels[int(edge / chunking.FRAME_SECONDS)] < speech - 25
    chunks = list(audio.encode_ranges(long_call, [(s.start, s.end) for s in spans]))
    assert [c[0] for c in sorted(chunks)] == list(range(len(spans)))
    for position, payload, ext in chunks:
        assert ext == "flac" and len(payload) < 10 * 1024 * 1024
        span = spans[position]
        decoded = audio.decode_audio(payload)
        assert decoded.size / audio.SAMPLE_RATE == pytest.approx(span.end - span.start, abs=0.01)


def test_short_recording_is_one_chunk() -> None:
    levels = np.full(1000, -30.0)
    assert chunking.plan_chunks(levels, 20.0, 600.0, 1.0) == [chunking.Span(0, 0.0, 20.0)]


def _wav(samples: np.ndarray, tmp_path: Path) -> bytes:
    return write_audio(samples, tmp_path / "x.wav", rate=16000, source_rate=16000).read_bytes()


def test_pure_silence_is_audio_without_speech(tmp_path: Path) -> None:
    data = _wav(np.zeros(16000 * 30, dtype=np.float32), tmp_path)
    meter = chunking.FrameMeter(audio.SAMPLE_RATE)
    info = audio.scan(data, "silence.wav", meter.feed)
    assert info.duration == 30.0
    assert chunking.speech_seconds(meter.levels()) == 0.0


@pytest.mark.parametrize(("name", "make", "error", "words"), [
    ("notes.wav", lambda wav: b"Meeting notes: call Tomasz back on Monday.\n" * 40,
     audio.NotAudio, "not an audio file"),
    ("empty.wav", lambda wav: b"", audio.EmptyAudio, "empty"),
    ("cut.wav", lambda wav: wav[:30], audio.TruncatedAudio, "cut short"),
    ("header-only.wav", lambda wav: wav[:44], audio.TruncatedAudio, "cut short"),
    ("random.mp3", lambda wav: np.random.default_rng(7).bytes(20000), audio.NotAudio,
     "not an audio file"),
    ("image.wav", lambda wav: _png(), audio.NotAudio, "no audio"),
    ("clip.wav", lambda wav: wav[:44 + 2 * 16000 * 2], audio.AudioTooShort, "2.0 seconds"),
])
def test_bad_input_gives_a_clear_permanent_error(short_samples: np.ndarray, tmp_path: Path,
                                                 name: str, make, error: type, words: str) -> None:
    wav = write_audio(short_samples, tmp_path / "ok.wav", rate=16000).read_bytes()
    with pytest.raises(error) as caught:
        audio.probe(make(wav), name)
    assert isinstance(caught.value, PermanentError)
    assert str(caught.value).startswith("PermanentError:")
    assert words in caught.value.reason and name in caught.value.reason


def _png() -> bytes:
    """A real 8x8 PNG, written by FFmpeg's own encoder."""
    import io

    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="image2pipe") as container:
        stream = container.add_stream("png", rate=1)
        stream.width = stream.height = 8
        stream.pix_fmt = "rgb24"
        frame = av.VideoFrame.from_ndarray(np.zeros((8, 8, 3), dtype=np.uint8), format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return buffer.getvalue()
