"""The extract step: one chat completion per transcript window, scored by evidence, not by trust.

One code path for GPT-4o on Azure and the local model server: chat completions through the
`openai` SDK with the strict JSON schema of `schema.extraction_json_schema()` and logprobs. The
model writes `{value, quote}` per field; this module validates each value, finds the quote in the
transcript (times, ASR scores), and computes the confidence with `confidence.py`. Transcripts
longer than one window are split into overlapping windows and the answers reconciled; nothing is
cut silently.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from json.decoder import scanstring
from typing import Any

import openai

from callinsights import confidence as conf
from callinsights.schema import (
    FIELD_NAMES,
    LEAD_FIELDS,
    UNGROUNDED_FIELDS,
    extraction_json_schema,
    validate_value,
)
from callinsights.transcript import Segment, Transcript

# About 6k tokens of transcript per request: fits small local contexts, a few windows for an hour.
WINDOW_CHARS = 24_000
MIN_WINDOW_CHARS = 2_000
OVERLAP_SEGMENTS = 3
TOP_LOGPROBS = 5
MAX_COMPLETION_TOKENS = 1_500

SYSTEM_PROMPT = (
    "You read transcripts of recorded sales calls between an agent (who works for the company "
    "being called) and a customer, and fill a lead record.\n"
    "Rules:\n"
    "- For every field give `value` and `quote`. `quote` is the shortest exact passage of the "
    "transcript (a few words, copied verbatim, without the [start-end] times) that states the "
    "value.\n"
    "- When the call does not state a field, its value and quote are null (an empty list for "
    "products). Never guess, never use outside knowledge, never fill a field from an example.\n"
    "- The agent greets with the company name and their own first name; the customer is the "
    "other person. customer_name is never the agent's name.\n"
    "- budget: only an amount the customer says they want to spend, as a number "
    "(\"twelve hundred euros\" -> 1200 with currency \"EUR\"; \"USD\" for dollars).\n"
    "- region is the state or province; products_of_interest lists each product or service "
    "the customer wants as a short noun phrase."
)


def build_messages(lines: str) -> list[dict[str, str]]:
    """System instructions and the timestamped transcript, one `[start-end] text` line each."""
    user = ("Extract the lead from this call transcript.\n\nTranscript:\n" + lines)
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def response_format() -> dict:
    return {"type": "json_schema",
            "json_schema": {"name": "lead", "strict": True, "schema": extraction_json_schema()}}


# --- JSON text -> character spans of values -------------------------------------------------

_NUMBER_OR_LITERAL = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null")
_WS = re.compile(r"\s*")


def value_spans(text: str) -> dict[tuple, tuple[int, int]]:
    """Character span [start, end) of every JSON value in `text`, keyed by its path.

    The path of `{"budget": {"value": {"amount": 1}}}`'s amount is ("budget", "value", "amount");
    list items get their index. Lets logprob tokens be matched to the value they spell.
    """
    spans: dict[tuple, tuple[int, int]] = {}
    _parse(text, _WS.match(text, 0).end(), (), spans)
    return spans


def _parse(text: str, i: int, path: tuple, spans: dict) -> int:
    start = i
    ch = text[i]
    if ch == "{":
        i = _WS.match(text, i + 1).end()
        while text[i] != "}":
            key, i = scanstring(text, i + 1)
            i = _WS.match(text, i).end() + 1  # past ':'
            i = _parse(text, _WS.match(text, i).end(), (*path, key), spans)
            i = _WS.match(text, i).end()
            if text[i] == ",":
                i = _WS.match(text, i + 1).end()
        i += 1
    elif ch == "[":
        i = _WS.match(text, i + 1).end()
        index = 0
        while text[i] != "]":
            i = _WS.match(text, _parse(text, i, (*path, index), spans)).end()
            index += 1
            if text[i] == ",":
                i = _WS.match(text, i + 1).end()
        i += 1
    elif ch == '"':
        _, i = scanstring(text, i + 1)
    else:
        m = _NUMBER_OR_LITERAL.match(text, i)
        if not m:
            raise ValueError(f"unexpected JSON at offset {i}")
        i = m.end()
    spans[path] = (start, i)
    return i


# --- logprob tokens -> probability of a span --------------------------------------------------

@dataclass(frozen=True)
class TokenLogprobs:
    """The completion's tokens with their character offsets in the content."""

    starts: list[int]
    ends: list[int]
    logprobs: list[float]

    @classmethod
    def from_tokens(cls, tokens: Sequence[tuple[str | bytes, float]]) -> TokenLogprobs:
        """Tokens placed by their UTF-8 length: a token may hold half a character ("é")."""
        starts, ends, logprobs, offset = [], [], [], 0
        for piece, logprob in tokens:
            starts.append(offset)
            offset += len(piece.encode("utf-8") if isinstance(piece, str) else piece)
            ends.append(offset)
            logprobs.append(logprob)
        return cls(starts, ends, logprobs)

    def span_logprobs(self, start: int, end: int) -> list[float]:
        """Logprobs of the tokens that overlap bytes [start, end) of the content."""
        return [lp for s, e, lp in zip(self.starts, self.ends, self.logprobs, strict=True)
                if s < end and e > start]

    def probability(self, span: tuple[int, int] | None) -> float | None:
        """Joint probability of the tokens spelling the span; None without logprobs."""
        if span is None or not self.logprobs:
            return None
        lps = self.span_logprobs(*span)
        return math.exp(sum(lps)) if lps else None


def completion_tokens(choice: Any) -> list[tuple[str | bytes, float]]:
    """(token bytes or text, logprob) of an SDK choice; empty when the server sent no logprobs."""
    content = getattr(getattr(choice, "logprobs", None), "content", None) or []
    return [(bytes(t.bytes) if t.bytes else t.token, t.logprob) for t in content]


def byte_spans(content: str, spans: dict[tuple, tuple[int, int]]) -> dict[tuple, tuple[int, int]]:
    """Character spans of `value_spans` as UTF-8 byte spans, the unit tokens are measured in."""
    if content.isascii():
        return spans
    offsets = [0]
    for ch in content:
        offsets.append(offsets[-1] + len(ch.encode("utf-8")))
    return {path: (offsets[a], offsets[b]) for path, (a, b) in spans.items()}


# --- the transcript as timed, scored words ---------------------------------------------------

@dataclass
class TimedWords:
    """The transcript's words in order, each with its time and the recogniser's probability."""

    raw: list[str] = field(default_factory=list)
    norm: list[str] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)
    probs: list[float | None] = field(default_factory=list)

    @classmethod
    def from_segments(cls, segments: Sequence[Segment]) -> TimedWords:
        out = cls()
        for seg in segments:
            for raw, start, end, prob in _segment_tokens(seg):
                norm = conf.normalize_word(raw)
                if norm:
                    out.raw.append(raw)
                    out.norm.append(norm)
                    out.starts.append(start)
                    out.ends.append(end)
                    out.probs.append(prob)
        return out

    def asr_probability(self, start: int, end: int) -> float | None:
        return conf.geometric_mean([p for p in self.probs[start:end] if p is not None])

    def text(self, start: int, end: int) -> str:
        return " ".join(self.raw[max(0, start):end])


def _segment_tokens(seg: Segment) -> list[tuple[str, float, float, float | None]]:
    """The segment text's tokens, each with the time and probability of its recognised words.

    Tokens come from the segment text (what the prompt shows, punctuation included); words are
    matched to them in order by their letters, since servers spell words differently (OpenAI:
    no spaces or punctuation; faster-whisper: " $60" + ",000"). Unmatched tokens get times
    interpolated over the segment and its average probability.
    """
    tokens = re.findall(r"\S+", seg.text)
    fallback = math.exp(seg.avg_logprob) if seg.avg_logprob is not None else None
    words, w, out = seg.words, 0, []
    span = max(1, len(tokens))
    for i, token in enumerate(tokens):
        target, letters, used = conf.normalize_word(token), "", []
        while w < len(words) and target and len(letters) < len(target):
            piece = conf.normalize_word(words[w].word)
            if used and not target.startswith(letters + piece):
                break
            letters += piece
            used.append(words[w])
            w += 1
        if used:
            probs = [u.probability for u in used if u.probability is not None]
            out.append((token, used[0].start, used[-1].end, min(probs) if probs else fallback))
        else:
            step = (seg.end - seg.start) / span
            out.append((token, round(seg.start + i * step, 2), round(seg.start + (i + 1) * step, 2),
                        fallback))
    return out


# --- one field: validate, ground, score --------------------------------------------------------

_TIMESTAMP = re.compile(r"\[\d+(?:\.\d+)?\s*-\s*\d+(?:\.\d+)?\]")


@dataclass(frozen=True)
class Grounding:
    """Where a quote sits in the transcript."""

    ratio: float
    start: int
    end: int


def ground_quote(quote: str | None, doc: TimedWords) -> Grounding | None:
    """Find the quote (minus any copied timestamps) in the transcript's words."""
    if not quote:
        return None
    match = conf.locate(conf.words(_TIMESTAMP.sub(" ", quote)), doc.norm)
    return Grounding(match.ratio, match.start, match.end) if match else None


def _near(doc: TimedWords, g: Grounding) -> tuple[int, int]:
    return max(0, g.start - conf.NEAR_WORDS), min(len(doc.norm), g.end + conf.NEAR_WORDS)


def value_support(name: str, value: Any, doc: TimedWords, g: Grounding) -> tuple[float, int, int]:
    """How much of the value is in or beside the quote, and the word range that says it."""
    lo, hi = _near(doc, g)
    if name == "budget":
        for amount, s, e in conf.spoken_numbers(doc.text(lo, hi)):
            if math.isclose(amount, float(value["amount"]), rel_tol=0.01):
                return 1.0, lo + s, lo + e
        return 0.0, g.start, g.end
    value_words = conf.words(str(value))
    score = conf.support(value_words, doc.norm[lo:hi])
    hits = [i for i in range(lo, hi)
            if any(conf.word_similarity(v, doc.norm[i]) >= conf.WORD_MATCH_MIN
                   for v in value_words)]
    return (score, min(hits), max(hits) + 1) if hits else (score, g.start, g.end)


def score_value(name: str, value: Any, quote: str | None, p_model: float | None,
                doc: TimedWords) -> tuple[float, dict | None]:
    """Confidence of one non-null value and its evidence {quote, start, end} (None if unfound)."""
    g = ground_quote(quote, doc)
    found = value_support(name, value, doc, g) if g else None
    if name == "products_of_interest" and (found is None or found[0] < conf.SUPPORT_MIN):
        g = ground_quote(str(value), doc)  # one quote for several items: each item on its own
        found = value_support(name, value, doc, g) if g else None
    if g is None or found is None:
        return conf.value_confidence(conf.Signals(p_model, 0.0, 0.0, None)), None
    support, s, e = found
    signals = conf.Signals(p_model, g.ratio, support, doc.asr_probability(s, e))
    evidence = {"quote": doc.text(g.start, g.end), "start": doc.starts[g.start],
                "end": doc.ends[g.end - 1]}
    return conf.value_confidence(signals), evidence


def score_field(name: str, answer: Any, spans: dict, tokens: TokenLogprobs,
                doc: TimedWords) -> dict:
    """One field of the model's answer -> {value, confidence, evidence}."""
    raw = answer.get("value") if isinstance(answer, dict) else None
    quote = answer.get("quote") if isinstance(answer, dict) else None
    p_value = tokens.probability(spans.get((name, "value")))
    try:
        value = validate_value(name, raw)
    except ValueError:
        return {"value": None, "confidence": 0.0, "evidence": None}
    if value is None or value == []:
        return {"value": value, "confidence": conf.null_confidence(p_value), "evidence": None}
    if name in UNGROUNDED_FIELDS:
        span = spans.get((name, "value"))
        lps = tokens.span_logprobs(*span) if span else []
        g = ground_quote(quote, doc)
        evidence = ({"quote": doc.text(g.start, g.end), "start": doc.starts[g.start],
                     "end": doc.ends[g.end - 1]} if g and g.ratio >= conf.GROUNDED_MIN else None)
        return {"value": value, "confidence": conf.synthesis_confidence(lps), "evidence": evidence}
    if name == "products_of_interest":
        return _score_list(name, value, quote, spans, tokens, doc)
    confidence, evidence = score_value(name, value, quote, p_value, doc)
    return {"value": value, "confidence": confidence, "evidence": evidence}


def _score_list(name: str, items: list[str], quote: str | None, spans: dict,
                tokens: TokenLogprobs, doc: TimedWords) -> dict:
    scored = []
    for index, item in enumerate(items):
        p_item = tokens.probability(spans.get((name, "value", index)))
        scored.append((item, *score_value(name, item, quote, p_item, doc)))
    kept = dedupe_items(scored)
    evidence = next((ev for _, _, ev in kept if ev), None)
    return {"value": [item for item, _, _ in kept],
            "confidence": conf.list_confidence([c for _, c, _ in kept], None),
            "evidence": evidence}


def same_item(a: str, b: str) -> bool:
    """Two list items name the same thing (case, punctuation, plural 's')."""
    wa = [w.rstrip("s") for w in conf.words(a)]
    wb = [w.rstrip("s") for w in conf.words(b)]
    return wa == wb or conf.word_similarity(" ".join(wa), " ".join(wb)) >= 0.9


def dedupe_items(scored: Sequence[tuple]) -> list[tuple]:
    """Keep one of each item (the most confident), in first-seen order."""
    kept: list[tuple] = []
    for entry in scored:
        twin = next((i for i, k in enumerate(kept) if same_item(k[0], entry[0])), None)
        if twin is None:
            kept.append(entry)
        elif entry[1] > kept[twin][1]:
            kept[twin] = entry
    return kept


# --- windows and reconciliation ---------------------------------------------------------------

def windows(segments: Sequence[Segment], max_chars: int,
            overlap: int = OVERLAP_SEGMENTS) -> list[list[Segment]]:
    """Consecutive runs of segments of at most `max_chars` of prompt text, overlapping a little."""
    spoken = [s for s in segments if s.text.strip()]
    out: list[list[Segment]] = []
    i = 0
    while i < len(spoken):
        size, j = 0, i
        while j < len(spoken) and (j == i or size + len(spoken[j].text) + 16 <= max_chars):
            size += len(spoken[j].text) + 16
            j += 1
        out.append(spoken[i:j])
        if j >= len(spoken):
            break
        i = max(i + 1, j - overlap)
    return out or [[]]


def reconcile(results: Sequence[dict[str, dict]]) -> dict[str, dict]:
    """Merge per-window fields: the most confident value wins; products are united."""
    merged: dict[str, dict] = {}
    for name in FIELD_NAMES:
        answers = [r[name] for r in results if name in r]
        if name == "products_of_interest":
            merged[name] = _union(answers)
            continue
        said = [a for a in answers if a["value"] is not None]
        if not said:
            merged[name] = min(answers, key=lambda a: a["confidence"],
                               default={"value": None, "confidence": 0.0, "evidence": None})
            continue
        best = max(said, key=lambda a: a["confidence"])
        rivals = [a["confidence"] for a in said if a["value"] != best["value"]]
        if rivals:  # windows disagree: the runner-up's weight is doubt about the winner
            best = {**best, "confidence": round(best["confidence"] * (1 - max(rivals)), 4)}
        merged[name] = best
    return merged


def _union(answers: Sequence[dict]) -> dict:
    scored = [(item, a["confidence"], a["evidence"]) for a in answers for item in a["value"]]
    kept = dedupe_items(scored)
    if not kept:
        return min(answers, key=lambda a: a["confidence"],
                   default={"value": [], "confidence": 0.0, "evidence": None})
    evidence = next((ev for _, _, ev in kept if ev), None)
    return {"value": [k[0] for k in kept], "confidence": round(min(k[1] for k in kept), 4),
            "evidence": evidence}


# --- the step ----------------------------------------------------------------------------------

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


def parse_answer(content: str, tokens: Sequence[tuple[str | bytes, float]],
                 doc: TimedWords) -> dict[str, dict]:
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
