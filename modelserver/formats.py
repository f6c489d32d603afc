"""Transcription response bodies for each `response_format` OpenAI offers."""

from __future__ import annotations

from starlette.responses import JSONResponse, PlainTextResponse, Response

from modelserver.errors import bad_request
from modelserver.transcription import Transcription

FORMATS = ("json", "text", "srt", "verbose_json", "vtt")

LANGUAGE_NAMES = {
    "en": "english", "de": "german", "es": "spanish", "fr": "french", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "pl": "polish", "ru": "russian", "zh": "chinese",
    "ja": "japanese", "ko": "korean", "ar": "arabic", "hi": "hindi", "tr": "turkish",
    "sv": "swedish", "uk": "ukrainian", "cs": "czech", "da": "danish", "fi": "finnish",
}


def check_format(name: str) -> str:
    if name not in FORMATS:
        raise bad_request(f"Invalid value: '{name}'. Supported values are: "
                          + ", ".join(f"'{f}'" for f in FORMATS) + ".",
                          param="response_format", code="invalid_value")
    return name


def _clock(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _cues(result: Transcription, separator: str) -> list[str]:
    return [f"{_clock(s['start'], separator)} --> {_clock(s['end'], separator)}\n"
            f"{s['text'].strip()}\n" for s in result.segments]


def render(result: Transcription, response_format: str, *, words: bool) -> Response:
    """The HTTP response for one transcription in the requested format."""
    usage = {"type": "duration", "seconds": max(1, round(result.duration))}
    if response_format == "text":
        return PlainTextResponse(result.text + "\n")
    if response_format == "srt":
        cues = _cues(result, ",")
        return PlainTextResponse("\n".join(f"{i}\n{cue}" for i, cue in enumerate(cues, 1)))
    if response_format == "vtt":
        return PlainTextResponse("WEBVTT\n\n" + "\n".join(_cues(result, ".")),
                                 media_type="text/vtt")
    if response_format == "json":
        return JSONResponse({"text": result.text, "usage": usage})
    body = {"task": "transcribe", "language": LANGUAGE_NAMES.get(result.language, result.language),
            "duration": result.duration, "text": result.text, "segments": result.segments,
            "usage": usage}
    if words:
        body["words"] = result.words
    return JSONResponse(body)
