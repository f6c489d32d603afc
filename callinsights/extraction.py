"""The extract step: one chat completion per transcript window, scored by evidence, not by trust.

One code path for GPT-4o on Azure and the local model server: chat completions through the
`openai` SDK with the strict JSON schema of `schema.extraction_json_schema()` and logprobs. The
model writes `{value, quote}` per field; each is validated, grounded and scored by
`field_scoring.py`. Transcripts longer than one window are split into overlapping windows and the
answers reconciled (`windows.py`); nothing is cut silently.

The parts: `extraction_prompt` (request), `json_offsets` + `token_logprobs` (the model's
probability of each value), `timed_words` + `quotes` (the transcript's words and where a quote
sits), `field_scoring`, `list_items` (de-duplication), `windows`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import openai

from callinsights.extraction_prompt import build_messages, response_format
from callinsights.field_scoring import score_field
from callinsights.json_offsets import byte_spans, value_spans
from callinsights.schema import FIELD_NAMES, LEAD_FIELDS, validate_value
from callinsights.timed_words import TimedWords
from callinsights.token_logprobs import Token, TokenLogprobs, completion_tokens
from callinsights.transcript import Segment, Transcript
from callinsights.windows import reconcile, windows

# About 6k tokens of transcript per request: fits small local contexts, a few windows for an hour.
WINDOW_CHARS = 24_000
MIN_WINDOW_CHARS = 2_000
TOP_LOGPROBS = 5
MAX_COMPLETION_TOKENS = 1_500


def extract_window(client: openai.OpenAI, model: str, segments: Sequence[Segment],
                   doc: TimedWords) -> tuple[dict[str, dict], dict]:
    """One chat completion over one window; returns the scored fields and token usage."""
    lines = Transcript(segments=list(segments)).timestamped_lines()
    response = client.chat.completions.create(
        model=model, messages=build_messages(lines), response_format=response_format(),
        logprobs=True, top_logprobs=TOP_LOGPROBS, temperature=0,
        max_tokens=MAX_COMPLETION_TOKENS)
    choice = response.choices[0]
    content = choice.message.content or ""
    fields = parse_answer(content, completion_tokens(choice), doc)
    usage = response.usage
    return fields, {"prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
                    "completion_tokens": getattr(usage, "completion_tokens", 0) or 0}


def parse_answer(content: str, tokens: Sequence[Token], doc: TimedWords) -> dict[str, dict]:
    """The model's JSON -> scored fields; an unreadable answer yields nulls with zero confidence."""
    try:
        answer = json.loads(content)
        spans = byte_spans(content, value_spans(content))
    except (ValueError, IndexError):
        answer, spans = {}, {}
    if not isinstance(answer, dict):
        answer = {}
    lp = TokenLogprobs.from_tokens(tokens)
    return {name: score_field(name, answer.get(name), spans, lp, doc) for name in LEAD_FIELDS}


def _too_long(exc: openai.BadRequestError) -> bool:
    """The server refused the window for its context size (not some other bad request)."""
    text = str(exc).lower()
    return any(k in text for k in ("context", "too long", "maximum", "too many tokens"))


def extract_fields(client: openai.OpenAI, model: str, transcript: Transcript, *,
                   window_chars: int = WINDOW_CHARS) -> dict:
    """Extract the lead fields of a call: `{"fields", "usage", "model"}` (docs/architecture.md).

    When the server says a window is too long for its context, the windows are halved and the
    whole transcript is read again, so no part of the call is ever dropped.
    """
    doc = TimedWords.from_segments(transcript.segments)
    if not doc.norm:  # silence: nothing to read, nothing said
        nothing = {name: {"value": validate_value(name, None), "confidence": 1.0, "evidence": None}
                   for name in FIELD_NAMES}
        return {"fields": nothing, "usage": {"prompt_tokens": 0, "completion_tokens": 0},
                "model": model}
    while True:
        try:
            results, usage = [], {"prompt_tokens": 0, "completion_tokens": 0}
            for window in windows(transcript.segments, window_chars):
                fields, used = extract_window(client, model, window, doc)
                results.append(fields)
                for key in usage:
                    usage[key] += used[key]
            break
        except openai.BadRequestError as exc:
            if not _too_long(exc) or window_chars <= MIN_WINDOW_CHARS:
                raise
            window_chars //= 2
    return {"fields": reconcile(results), "usage": usage, "model": model}
