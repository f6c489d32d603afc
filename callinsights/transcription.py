"""One chunk through Whisper: the request, the typed result, and what to throw away.

The request goes through the `openai` SDK to Azure OpenAI or any OpenAI-compatible server, as a
named file (the server picks the decoder from the extension, as the seed's `NamedBytesIO` did),
asking for `verbose_json` with segment and word timestamps. Servers that give no words still
parse; their segments just have none.

Whisper invents text where nobody speaks ("Thank you." in a pause) and can loop on a phrase. Three
checks remove that: Whisper's own no-speech rule (high `no_speech_prob` with low
`avg_logprob`), segments that fall where the audio is silent, and repetition loops (the same
n-gram many times in a row, within a segment or across consecutive segments).

Failures are sorted for the orchestrator: throttling, server errors, timeouts and dropped
connections are `TransientError` (retry with back-off); a request the service rejects (bad audio,
too large, unknown model, refused credentials) is a `PermanentError` and is never retried.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np
import openai

from callinsights import chunking
from callinsights.ai import NamedBytesIO
from callinsights.errors import PermanentError, TransientError
from callinsights.segments import keep, tokens
from callinsights.transcript import Segment, Transcript, Word

NO_SPEECH_PROB = 0.6  # Whisper's own thresholds for "this segment is not speech"
LOW_AVG_LOGPROB = -1.0
SILENCE_PAD_SECONDS = 0.5  # Whisper's segment times drift; look this far around a segment
MIN_VOICED_SECONDS = 0.1
REPEATED_SEGMENTS = 3  # this many identical segments in a row is a loop
_LANGUAGE_CODES = {"english": "en", "spanish": "es", "french": "fr", "german": "de",
                   "portuguese": "pt", "italian": "it", "dutch": "nl", "polish": "pl"}


# ----------------------------------------------------------------------------- request


def classify(exc: openai.OpenAIError) -> Exception:
    """The exception the activity should raise for an SDK failure: transient or permanent."""
    if isinstance(exc, openai.APIConnectionError):  # includes timeouts
        return TransientError(f"transcription service unreachable or too slow: {exc}")
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status in (408, 409, 429) or status >= 500:
            return TransientError(f"transcription service answered {status}; retry later: "
                                  f"{exc.message}")
        reasons = {413: ("transcription.too_large", "the audio chunk is too large for the "
                         "transcription service"),
                   401: ("transcription.auth", "the transcription service refused the "
                         "credentials (check the key or the managed identity's role)"),
                   403: ("transcription.auth", "the transcription service refused access "
                         "(check the managed identity's role)"),
                   404: ("transcription.not_found", "the transcription model or deployment "
                         "does not exist (check TRANSCRIPTION_MODEL)")}
        code, reason = reasons.get(status, ("transcription.bad_request",
                                            "the transcription service rejected the audio"))
        return PermanentError(f"{reason} ({status}: {exc.message})", code)
    return PermanentError(f"transcription failed: {exc}", "transcription.failed")


def request(client: openai.OpenAI, model: str, data: bytes, filename: str, *,
            language: str | None = None) -> dict:
    """POST the chunk and return the verbose JSON as a dict (SDK errors are classified)."""
    options: dict = {"model": model, "response_format": "verbose_json", "temperature": 0,
                     "timestamp_granularities": ["segment", "word"]}
    if language:
        options["language"] = language
    try:
        try:
            response = client.audio.transcriptions.create(file=NamedBytesIO(data, filename),
                                                          **options)
        except openai.BadRequestError as exc:
            if "timestamp_granularities" not in str(exc):
                raise
            # Older API versions know no word timestamps: segments alone still work.
            del options["timestamp_granularities"]
            response = client.audio.transcriptions.create(file=NamedBytesIO(data, filename),
                                                          **options)
    except openai.OpenAIError as exc:
        raise classify(exc) from exc
    return _as_dict(response)


def _as_dict(response: object) -> dict:
    if isinstance(response, dict):
        return response
    if isinstance(response, str):  # a server that ignored response_format
        return {"text": response}
    if hasattr(response, "model_dump"):
        return response.model_dump()
    raise TypeError(f"unexpected transcription response type {type(response).__name__}")


# ----------------------------------------------------------------------------- parse


def _words(raw: Sequence[dict]) -> list[Word]:
    return [Word(start=float(w["start"]), end=float(w["end"]), word=str(w.get("word", "")),
                 probability=w.get("probability")) for w in raw if w.get("word", "").strip()]


def _assign(words: list[Word], segments: list[Segment]) -> None:
    """Put top-level words into the segment whose time range holds each word's middle."""
    starts = [s.start for s in segments]
    for word in words:
        middle = (word.start + word.end) / 2
        i = max(0, bisect.bisect_right(starts, middle) - 1)
        if i + 1 < len(segments) and middle - segments[i].end > segments[i + 1].start - middle:
            i += 1
        segments[i].words.append(word)


def _language(raw: str | None) -> str | None:
    return _LANGUAGE_CODES.get(raw.lower(), raw) if raw else None


def parse(payload: dict, *, duration: float = 0.0) -> Transcript:
    """A chunk's `Transcript` (chunk-relative times) from a verbose_json response."""
    segments = [Segment(start=float(s["start"]), end=float(s["end"]), text=str(s.get("text", "")),
                        avg_logprob=s.get("avg_logprob"), no_speech_prob=s.get("no_speech_prob"),
                        words=_words(s.get("words") or []))
                for s in payload.get("segments") or []]
    segments.sort(key=lambda s: s.start)
    text = str(payload.get("text") or "").strip()
    length = float(payload.get("duration") or duration)
    if not segments and text:  # a server that returned text only
        segments = [Segment(start=0.0, end=length, text=text)]
    top_words = _words(payload.get("words") or [])
    if top_words and segments and not any(s.words for s in segments):
        _assign(top_words, segments)
    return Transcript(language=_language(payload.get("language")), duration=length,
                      segments=segments)


# ----------------------------------------------------------------------------- hallucinations


def _min_repeats(n: int) -> int:
    return 6 if n == 1 else 4 if n == 2 else 3


def loop_mask(words: Sequence[str], max_n: int = 8) -> list[bool]:
    """False for each token that repeats the n-gram just before it, once it loops.

    "no no" is speech; "thank you thank you thank you thank you" is Whisper stuck: a unigram
    must repeat 6 times, a bigram 4 and longer n-grams 3 before the copies after the first go.
    """
    mask = [True] * len(words)
    i = 0
    while i < len(words):
        step = 1
        for n in range(1, max_n + 1):
            unit = list(words[i:i + n])
            if len(unit) < n or not any(unit):
                break
            repeats = 1
            while list(words[i + repeats * n:i + (repeats + 1) * n]) == unit:
                repeats += 1
            if repeats >= _min_repeats(n):
                mask[i + n:i + repeats * n] = [False] * ((repeats - 1) * n)
                step = repeats * n
                break
        i += step
    return mask


def _silent(segment: Segment, voiced: np.ndarray) -> bool:
    first = max(0, int((segment.start - SILENCE_PAD_SECONDS) / chunking.FRAME_SECONDS))
    last = int((segment.end + SILENCE_PAD_SECONDS) / chunking.FRAME_SECONDS) + 1
    return np.count_nonzero(voiced[first:last]) * chunking.FRAME_SECONDS < MIN_VOICED_SECONDS


def _verdict(segment: Segment, voiced: np.ndarray | None) -> str | None:
    if (segment.no_speech_prob or 0.0) > NO_SPEECH_PROB and \
            (segment.avg_logprob if segment.avg_logprob is not None else 0.0) < LOW_AVG_LOGPROB:
        return "no_speech"
    if voiced is not None and _silent(segment, voiced):
        return "silence"
    return None


def _note(segment: Segment, reason: str) -> dict:
    return {"start": segment.start, "end": segment.end, "text": segment.text, "reason": reason}


def drop_hallucinations(transcript: Transcript,
                        levels: np.ndarray | None = None) -> tuple[Transcript, list[dict]]:
    """The transcript without invented text, and a note of each thing removed (for audit).

    `levels` are the chunk's frame loudness (`chunking.FrameMeter`); without them the silence
    check is skipped.
    """
    voiced = chunking.voiced(levels) if levels is not None and levels.size else None
    kept: list[Segment] = []
    dropped: list[dict] = []
    for segment in transcript.segments:
        if not segment.text.strip():
            continue
        reason = _verdict(segment, voiced)
        if reason:
            dropped.append(_note(segment, reason))
            continue
        trimmed = keep(segment, loop_mask(tokens(segment)))
        if trimmed is not segment:
            dropped.append(_note(segment, "repetition"))
        if trimmed is not None:
            kept.append(trimmed)
    kept = _collapse_repeated_segments(kept, dropped)
    return transcript.model_copy(update={"segments": kept}), dropped


def _collapse_repeated_segments(segments: list[Segment], dropped: list[dict]) -> list[Segment]:
    """Keep only the first of `REPEATED_SEGMENTS` or more identical segments in a row."""
    kept: list[Segment] = []
    i = 0
    while i < len(segments):
        same = tokens(segments[i])
        j = i + 1
        while j < len(segments) and tokens(segments[j]) == same:
            j += 1
        run = segments[i:j]
        if len(run) >= REPEATED_SEGMENTS:
            dropped.extend(_note(s, "repetition") for s in run[1:])
            run = run[:1]
        kept.extend(run)
        i = j
    return kept
