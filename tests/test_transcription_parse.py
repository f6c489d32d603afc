"""Parsing Whisper's verbose JSON and dropping what it invents; no model or network needed."""

from __future__ import annotations

import httpx2 as httpx
import numpy as np
import openai
import pytest

from callinsights import chunking, transcription
from callinsights.errors import PermanentError, TransientError, is_permanent
from callinsights.transcript import Segment, Transcript, Word


def _segment(start: float, end: float, text: str, **scores: float) -> Segment:
    return Segment(start=start, end=end, text=text, **scores)


def _levels(duration: float, loud: list[tuple[float, float]]) -> np.ndarray:
    """Frame levels: -90 dB silence with -20 dB 'speech' in the given spans."""
    levels = np.full(int(duration / chunking.FRAME_SECONDS), -90.0)
    for start, end in loud:
        levels[int(start / chunking.FRAME_SECONDS):int(end / chunking.FRAME_SECONDS)] = -20.0
    return levels


def test_parse_assigns_top_level_words_to_segments() -> None:
    payload = {"language": "english", "duration": 6.0, "text": "Hello there. My name is Ana.",
               "segments": [{"start": 0.0, "end": 2.0, "text": " Hello there.",
                             "avg_logprob": -0.2, "no_speech_prob": 0.01},
                            {"start": 2.5, "end": 5.0, "text": " My name is Ana.",
                             "avg_logprob": -0.3, "no_speech_prob": 0.02}],
               "words": [{"word": "Hello", "start": 0.1, "end": 0.6},
                         {"word": "there.", "start": 0.7, "end": 1.5},
                         {"word": "My", "start": 2.6, "end": 2.8},
                         {"word": "name", "start": 2.9, "end": 3.2},
                         {"word": "is", "start": 3.3, "end": 3.4},
                         {"word": "Ana.", "start": 3.5, "end": 4.2}]}
    transcript = transcription.parse(payload)
    assert transcript.language == "en"
    assert [len(s.words) for s in transcript.segments] == [2, 4]
    assert transcript.segments[1].words[-1].word == "Ana."


def test_parse_tolerates_servers_without_words_or_segments() -> None:
    no_words = transcription.parse({"segments": [{"start": 0, "end": 2, "text": "Hi."}]})
    assert no_words.segments[0].words == []
    text_only = transcription.parse({"text": "Just text."}, duration=3.0)
    assert text_only.segments == [Segment(start=0.0, end=3.0, text="Just text.")]
    assert transcription.parse({"text": ""}).segments == []


def test_no_speech_segments_are_dropped() -> None:
    transcript = Transcript(segments=[
        _segment(0, 2, "Real words here.", avg_logprob=-0.3, no_speech_prob=0.1),
        _segment(2, 4, "Thank you.", avg_logprob=-1.4, no_speech_prob=0.9),
        _segment(4, 6, "Quiet but sure.", avg_logprob=-0.2, no_speech_prob=0.8),
    ])
    kept, dropped = transcription.drop_hallucinations(transcript)
    assert [s.text for s in kept.segments] == ["Real words here.", "Quiet but sure."]
    assert dropped[0]["reason"] == "no_speech"


def test_text_in_silence_is_dropped() -> None:
    levels = _levels(20.0, [(0.0, 4.0)])
    transcript = Transcript(segments=[_segment(0.2, 3.8, "We talked."),
                                      _segment(10.0, 12.0, "Thanks for watching!")])
    kept, dropped = transcription.drop_hallucinations(transcript, levels)
    assert [s.text for s in kept.segments] == ["We talked."]
    assert dropped == [{"start": 10.0, "end": 12.0, "text": "Thanks for watching!",
                        "reason": "silence"}]


def test_slightly_shifted_segment_next_to_speech_is_kept() -> None:
    levels = _levels(10.0, [(1.0, 2.0)])
    transcript = Transcript(segments=[_segment(2.1, 2.9, "Yes.")])  # drifted just past the word
    kept, _ = transcription.drop_hallucinations(transcript, levels)
    assert [s.text for s in kept.segments] == ["Yes."]


@pytest.mark.parametrize(("tokens", "expected"), [
    (["no", "no", "that", "is", "fine"], [True] * 5),
    (["thank", "you"] * 5, [True, True] + [False] * 8),
    (["a", "b", "c"] * 3 + ["end"], [True] * 3 + [False] * 6 + [True]),
    (["so"] * 8, [True] + [False] * 7),
    (["so"] * 3, [True] * 3),
])
def test_loop_mask(tokens: list[str], expected: list[bool]) -> None:
    assert transcription.loop_mask(tokens) == expected


def test_repetition_loop_inside_a_segment_is_collapsed_with_its_words() -> None:
    words = [Word(start=i * 0.5, end=i * 0.5 + 0.4, word=w)
             for i, w in enumerate(["I", "agree."] + ["Thank", "you."] * 6)]
    segment = Segment(start=0, end=7, text=" ".join(w.word for w in words), words=words)
    kept, dropped = transcription.drop_hallucinations(Transcript(segments=[segment]))
    assert kept.segments[0].text == "I agree. Thank you."
    assert len(kept.segments[0].words) == 4
    assert dropped[0]["reason"] == "repetition"


def test_identical_segments_in_a_row_are_a_loop() -> None:
    segments = [_segment(0, 2, "Okay.")] + [_segment(2 + i, 3 + i, "Bye now.") for i in range(5)]
    kept, dropped = transcription.drop_hallucinations(Transcript(segments=segments))
    assert [s.text for s in kept.segments] == ["Okay.", "Bye now."]
    assert len(dropped) == 4
    twice = [_segment(0, 1, "Okay."), _segment(1, 2, "Okay.")]
    assert len(transcription.drop_hallucinations(Transcript(segments=twice))[0].segments) == 2


def _status_error(status: int) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://x/v1/audio/transcriptions")
    response = httpx.Response(status, request=request, json={"error": {"message": "nope"}})
    cls = {400: openai.BadRequestError, 429: openai.RateLimitError,
           500: openai.InternalServerError}.get(status, openai.APIStatusError)
    return cls("nope", response=response, body=None)


@pytest.mark.parametrize("status", [408, 429, 500, 503])
def test_throttling_and_server_errors_are_transient(status: int) -> None:
    assert isinstance(transcription.classify(_status_error(status)), TransientError)


def test_timeouts_and_connection_failures_are_transient() -> None:
    request = httpx.Request("POST", "http://x")
    assert isinstance(transcription.classify(openai.APITimeoutError(request)), TransientError)
    assert isinstance(transcription.classify(openai.APIConnectionError(request=request)),
                      TransientError)


@pytest.mark.parametrize(("status", "code"), [(400, "transcription.bad_request"),
                                              (413, "transcription.too_large"),
                                              (401, "transcription.auth"),
                                              (404, "transcription.not_found")])
def test_rejected_requests_are_permanent(status: int, code: str) -> None:
    error = transcription.classify(_status_error(status))
    assert isinstance(error, PermanentError)
    assert error.code == code
    assert is_permanent(f"Activity function 'transcribe_chunk' failed: {error}")
