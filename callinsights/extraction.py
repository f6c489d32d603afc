"""The extract step: the model reads the call, the app checks every value and calibrates it.

One code path for GPT-4o on Azure and the local model server: a chat completion through the
`openai` SDK with the strict JSON schema of `schema.extraction_json_schema()` and logprobs
(`complete`). The answer is then analysed without further calls (`analyse`): each value is
looked up in the transcript (`evidence`), checked by the verifiers (`verify/`), compared with a
deterministic second reading (`reader`), and given a calibrated confidence (`calibration`).
Long calls are read in windows of lines and the windows' answers reconciled (`windows`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import openai

from callinsights import calibration, reader
from callinsights.call_context import CallContext
from callinsights.evidence import asr_probability, evidence
from callinsights.extraction_prompt import PROMPT_VERSION, build_messages, response_format
from callinsights.model_answer import RawField, parse_answer
from callinsights.role_certainty import for_reading
from callinsights.schema import (
    AGENT_FIELDS,
    FIELD_NAMES,
    SCHEMA_VERSION,
    UNGROUNDED_FIELDS,
    validate_value,
)
from callinsights.timed_words import TimedWords
from callinsights.token_logprobs import Token, completion_tokens
from callinsights.transcript import Transcript
from callinsights.transcript_lines import Line, render, split_lines
from callinsights.verify import Verdict, verify_field
from callinsights.windows import reconcile, windows

# About 6k tokens of transcript per request: a 10-minute call is one window, an hour a few.
WINDOW_CHARS = 24_000
MIN_WINDOW_CHARS = 2_000
TOP_LOGPROBS = 5
MAX_COMPLETION_TOKENS = 1_000


@dataclass
class Reply:
    """One chat completion's answer: what analysis needs, and what the record says about it."""

    content: str
    tokens: list[Token]
    lines: list[int]  # the line numbers the request showed
    model: str  # the model that answered, as the response names it
    usage: dict[str, int] = field(default_factory=dict)


def complete(client: openai.OpenAI, model: str, doc: TimedWords, lines: Sequence[Line],
             *, labelled: bool) -> Reply:
    """Ask the model about one window of lines."""
    response = client.chat.completions.create(
        model=model, messages=build_messages(render(doc, lines), labelled=labelled),
        response_format=response_format(), logprobs=True, top_logprobs=TOP_LOGPROBS,
        temperature=0, max_tokens=MAX_COMPLETION_TOKENS)
    choice = response.choices[0]
    usage = response.usage
    return Reply(choice.message.content or "", completion_tokens(choice),
                 [line.number for line in lines], response.model or model,
                 {"prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
                  "completion_tokens": getattr(usage, "completion_tokens", 0) or 0})


def _too_long(exc: openai.BadRequestError) -> bool:
    """The server refused the window for its context size (not some other bad request)."""
    text = str(exc).lower()
    return any(k in text for k in ("context", "too long", "maximum", "too many tokens"))


def ask(client: openai.OpenAI, model: str, transcript: Transcript, *,
        window_chars: int = WINDOW_CHARS) -> list[Reply]:
    """The model's answers for every window; windows halve when the server's context is small,
    and the whole call is read again, so no part of it is ever dropped."""
    doc = TimedWords.from_segments(transcript.segments)
    lines = split_lines(doc)
    labelled = any(line.speaker for line in lines)
    while True:
        try:
            return [complete(client, model, doc, window, labelled=labelled)
                    for window in windows(doc, lines, window_chars)]
        except openai.BadRequestError as exc:
            if not _too_long(exc) or window_chars <= MIN_WINDOW_CHARS:
                raise
            window_chars //= 2


@dataclass(frozen=True)
class Options:
    """Which parts of the analysis run (the bench switches them to show each one's gain)."""

    verify: bool = True
    second_reading: bool = True
    # a value a verifier dropped, one the model left empty, or a city GeoNames does not know,
    # becomes the second reading's
    fill_empty: bool = True
    calibrator: calibration.Calibrator | None = None  # None: the shipped one


def _signals(raw: RawField, verdict: Verdict, ctx: CallContext, agreement: int
             ) -> calibration.Signals:
    mention = verdict.mention
    value = verdict.value
    from_reader = any(c["check"] == "second_reading" for c in verdict.checks)
    return calibration.Signals(
        field=raw.name, is_null=value in (None, []), p_model=None if from_reader else raw.p_value,
        from_reader=from_reader,
        grounded=bool(mention and mention.grounded), in_line=bool(mention and mention.in_line),
        p_asr=asr_probability(ctx, mention) if mention else None,
        doubts=verdict.doubts, dropped=verdict.dropped,
        corrected=any(c["effect"] == "corrected" for c in verdict.checks), agreement=agreement,
        findings=tuple(c["check"] for c in verdict.checks if c["effect"] != "corrected"))


def _reading_of(raw: RawField, ctx: CallContext, reading: reader.Reading,
                answer: dict[str, RawField]) -> tuple[object, Verdict] | None:
    """The second reading's value for the field, checked as the model's is (None: none, or
    one a verifier drops)."""
    value = reader.value_of(raw.name, reading)
    if value is None:
        return None
    candidate = verify_field(RawField(raw.name, value, None, None), ctx, answer)
    if candidate.value is None or candidate.dropped:
        return None
    return value, candidate


def _fill_from_reading(verdict: Verdict, raw: RawField, ctx: CallContext,
                       reading: reader.Reading, answer: dict[str, RawField]) -> None:
    """The model's value could not be right, or it gave none; the second reading's, checked the
    same way, takes its place (marked, so its confidence is the reader's, not the model's)."""
    found = _reading_of(raw, ctx, reading, answer)
    if found is None:
        return
    value, candidate = found
    verdict.value, verdict.mention = candidate.value, candidate.mention
    verdict.note("second_reading", "corrected", f"the second reading found {value!r}")
    verdict.checks += candidate.checks


def _is_unknown_town(verdict: Verdict) -> bool:
    return any(c["check"] == "unknown_town" for c in verdict.checks)


def _replace_unknown_town(verdict: Verdict, raw: RawField, ctx: CallContext,
                          reading: reader.Reading, answer: dict[str, RawField]) -> None:
    """A city GeoNames does not know (often misheard, or a wrong word the model took) gives way
    to the second reading's when that one passes every check ("Escu" -> "Aurora")."""
    found = _reading_of(raw, ctx, reading, answer)
    if found is None or found[1].checks:
        return
    value, candidate = found
    unknown = verdict.value
    verdict.value, verdict.mention = candidate.value, candidate.mention
    verdict.checks = [c for c in verdict.checks if c["effect"] == "corrected"]
    verdict.note("second_reading", "corrected", f"GeoNames knows no town {unknown!r}; the "
                                                f"second reading found {value!r}, a town")


def _free_text(raw: RawField, verdict: Verdict) -> dict:
    """Summary, next steps, the agent's details: not calibrated (no truth to fit on); the
    model's per-token probability, shown but never used to accept a call."""
    n = max(1, raw.n_tokens)
    confidence = 0.5 if raw.p_value is None else math.exp(math.log(max(raw.p_value, 1e-9)) / n)
    return {"value": verdict.value, "confidence": round(confidence, 4), "evidence": None,
            "checks": verdict.checks}


def analyse(replies: Sequence[Reply], transcript: Transcript,
            options: Options = Options()) -> dict[str, dict]:
    """Every field of every window checked, read a second time and calibrated, reconciled."""
    doc = TimedWords.from_segments(transcript.segments)
    ctx = CallContext.of(doc)
    reading = reader.read(ctx) if options.second_reading else reader.Reading()
    calibrator = options.calibrator or calibration.shipped()
    results = []
    for reply in replies:
        answer = parse_answer(reply.content, reply.tokens)
        fields = {}
        for name, raw in answer.items():
            if name in UNGROUNDED_FIELDS or name not in calibration.CALIBRATED_FIELDS:
                checked = name in AGENT_FIELDS and options.verify
                fields[name] = _free_text(raw, verify_field(raw, ctx, answer) if checked
                                          else Verdict(raw.value))
                continue
            verdict = verify_field(raw, ctx, answer) if options.verify else Verdict(raw.value)
            if options.fill_empty and verdict.value in (None, []):
                _fill_from_reading(verdict, raw, ctx, reading, answer)
            elif options.fill_empty and _is_unknown_town(verdict):
                _replace_unknown_town(verdict, raw, ctx, reading, answer)
            agreement = reader.agreement(name, verdict.value, reading)
            signals = _signals(raw, verdict, ctx, agreement)
            fields[name] = {
                "value": verdict.value, "confidence": calibrator.probability(signals),
                "evidence": evidence(ctx, verdict.mention) if verdict.mention else None,
                "checks": verdict.checks, "signals": signals.as_dict()}
        results.append(fields)
    return reconcile(results)


def extract_fields(client: openai.OpenAI, model: str, transcript: Transcript) -> dict:
    """Extract the lead of a call (docs/architecture.md): fields, usage, who answered.

    Speaker labels the call's `roles` are not sure of are read as no labels (`for_reading`):
    the prompt then shows unlabelled lines and the verifiers work the roles out from the words.
    """
    transcript = for_reading(transcript)
    doc = TimedWords.from_segments(transcript.segments)
    if not len(doc):  # silence: nothing to read, nothing said
        nothing = {name: {"value": validate_value(name, None), "confidence": 1.0,
                          "evidence": None, "checks": []} for name in FIELD_NAMES}
        return {"fields": nothing, "usage": {"prompt_tokens": 0, "completion_tokens": 0},
                "model": None, "deployment": model, "schema_version": SCHEMA_VERSION,
                "prompt_version": PROMPT_VERSION}
    replies = ask(client, model, transcript)
    usage = {key: sum(r.usage.get(key, 0) for r in replies)
             for key in ("prompt_tokens", "completion_tokens")}
    return {"fields": analyse(replies, transcript), "usage": usage,
            "model": replies[0].model, "deployment": model, "schema_version": SCHEMA_VERSION,
            "prompt_version": PROMPT_VERSION}
