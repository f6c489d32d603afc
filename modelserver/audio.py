"""Decode any audio PyAV reads into the 16 kHz mono float32 samples Whisper wants."""

from __future__ import annotations

import io

import numpy as np
from faster_whisper.audio import decode_audio

from modelserver.errors import bad_request

SAMPLE_RATE = 16000
MIN_SECONDS = 0.1


def decode(data: bytes) -> np.ndarray:
    """Samples of an uploaded file, or the 400 OpenAI answers for unreadable or empty audio."""
    try:
        samples = decode_audio(io.BytesIO(data), sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises many types (InvalidDataError, ValueError, ...)
        raise bad_request("Audio file might be corrupted or unsupported", param="file",
                          code="invalid_value") from exc
    if samples.size < MIN_SECONDS * SAMPLE_RATE:
        raise bad_request("Audio file is too short. Minimum audio length is "
                          f"{MIN_SECONDS} seconds.", param="file", code="audio_too_short")
    return samples
