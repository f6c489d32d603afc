"""Transcription over HTTP with the real `openai` SDK, on both the OpenAI and the Azure paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from openai import AzureOpenAI, OpenAI

from tests.matching import heard, unheard
from tests.modelserver.conftest import SPOKEN

pytestmark = pytest.mark.models


def test_transcribes_the_spoken_words(client: OpenAI, clips: dict[str, Path]) -> None:
    result = client.audio.transcriptions.create(model="whisper", file=clips["wav"].open("rb"))
    missing = unheard(SPOKEN, result.text)
    assert len(missing) <= 2, f"missing {missing} in {result.text!r}"


def test_verbose_json_segments_and_words_on_azure(azure: AzureOpenAI,
                                                  clips: dict[str, Path]) -> None:
    result = azure.audio.transcriptions.create(
        model="whisper", file=clips["mp3"].open("rb"), response_format="verbose_json",
        timestamp_granularities=["word", "segment"], language="en", temperature=0)
    assert result.language == "english"
    assert 8 < result.duration < 20
    segments = result.segments
    assert segments
    assert [s.id for s in segments] == list(range(len(segments)))
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    for s in segments:
        assert 0 <= s.start <= s.end <= result.duration + 0.5
        assert s.avg_logprob <= 0 and 0 <= s.no_speech_prob <= 1
        assert s.tokens and s.compression_ratio > 0
    assert len(result.words) >= 20
    for word in result.words:
        assert 0 <= word.start <= word.end <= result.duration + 0.5
        assert 0 <= word.model_extra["probability"] <= 1
    assert heard("Angela", " ".join(w.word for w in result.words))


@pytest.mark.parametrize("response_format", ["text", "srt", "vtt"])
def test_text_formats(client: OpenAI, clips: dict[str, Path], response_format: str) -> None:
    body = client.audio.transcriptions.create(model="whisper-1", file=clips["ogg"].open("rb"),
                                              response_format=response_format, prompt="Roofing.")
    assert isinstance(body, str) and heard("Nashville", body), body
    if response_format == "srt":
        assert body.startswith("1\n00:00:0")
    if response_format == "vtt":
        assert body.startswith("WEBVTT")
