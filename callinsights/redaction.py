"""PII masking for transcripts: e-mail addresses, phone, card, social security and account numbers.

Pure functions, run (with `REDACT_PII` on) before a chunk or merged transcript is written, so no
stored transcript, extraction or record ever holds them. Numbers are found as people say them
and recognisers write them: "555-867-5309", "seven one five, one three nine...", "oh" for zero,
"double five", "fifty three", "one eight hundred...". A run of spoken or written digits is
masked only when it is long enough and shaped like one of the kinds (7 digits or more); amounts
("$20,000", "twenty thousand dollars"), years ("2024", "nineteen ninety five"), dates
("12/25/2025"), times and ordinals break a run and are never masked, so the lead's budget and
timeline stay usable. A masked word keeps its start and end (words of one span within one
segment become one word from the first's start to the last's end), so evidence still points
to the right second.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from callinsights.numbers import TENS_WORDS, UNIT_WORDS
from callinsights.transcript import Segment, Transcript, Word

KINDS = ("email", "phone", "card", "ssn", "account")
MIN_DIGITS = 7  # a shorter run (a zip code, a street number, "the last four") is not masked
CONTEXT_WORDS = 6  # words before a run searched for what it is ("my social security number")
MAX_EMAIL_TOKENS = 8  # longest "name at domain dot com" said aloud, in words
MAX_MISHEARD_AT = 3  # words between "rosa.diaz" and "gmail.com" when the "at" was misheard

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_EDGE_PUNCT = "\"'()[]{}<>.,;:!?"
_TRAILING = re.compile(r"[.,;:!?\"')\]]+$")
_AMOUNT = re.compile(r"[$€£¥%]|^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+\.\d{1,2}$|^\d+(k|m|st|nd|rd|th)$")
_DATE = re.compile(
    r"^\d{1,2}[/.-]\d{1,2}[/.-](\d{2}|\d{4})$|^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}:\d{2}")
_DOTTED_LOCAL = re.compile(r"[a-z][a-z0-9]*(?:[._][a-z0-9]+)+")
_SSN_FORMAT = re.compile(r"^\d{3}-\d{2}-\d{4}$")
_DIGITS_TOKEN = re.compile(r"^[\d()\-./]*\d[\d()\-./]*$")
_YEAR = re.compile(r"^(19|20)\d\d$")
_ZEROS = {"oh", "o", "nought"}  # zero, said as a letter
_DIGIT_WORDS = {w: str(v) for w, v in UNIT_WORDS.items()} | dict.fromkeys(_ZEROS, "0")
_TENS = {w: str(v // 10) for w, v in TENS_WORDS.items()}
_MULTIPLIERS = {"double": 2, "triple": 3}
_FILLERS = {"dash", "hyphen", "uh", "um", "er", "erm", "hmm"}
_TLDS = {"com", "org", "net", "edu", "gov", "io", "co", "us", "uk", "ca", "de", "info", "biz"}
_CONNECTORS = {"dot", "underscore", "dash", "hyphen"}
_CUES = {
    "ssn": {"social", "security", "ssn"},
    "card": {"card", "visa", "mastercard", "amex", "credit", "debit"},
    "account": {"account", "routing", "iban", "bank", "sort"},
    "phone": {"phone", "call", "cell", "mobile", "number", "reach", "text", "fax", "extension"},
}


@dataclass(frozen=True)
class Span:
    """Tokens `start` (inclusive) to `end` (exclusive) are one piece of PII of `kind`."""

    start: int
    end: int
    kind: str


def token_for(kind: str) -> str:
    return f"[redacted:{kind}]"


def _core(token: str) -> str:
    return token.strip().strip(_EDGE_PUNCT).lower()


def _plain(token: str) -> str:
    return re.sub(r"[^a-z]", "", token.lower())


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


# --- numbers -----------------------------------------------------------------------------------

@dataclass
class _Part:
    digits: str  # what the token contributes to a run ("" for a filler)
    word: bool  # said as a word (not written in digits)
    raw: str


def _read_part(token: str) -> _Part | None:
    """What one token adds to a digit run, or None when it ends any run."""
    core = _core(token)
    if not re.search(r"[0-9a-z]", core):
        return _Part("", False, token)  # a dash, a lone comma
    if _AMOUNT.search(core) or _DATE.search(core):
        return None
    if _DIGITS_TOKEN.match(core):
        return _Part(re.sub(r"\D", "", core), False, token)
    if "-" in core:  # "twenty-four", "five-five-five"
        pieces = [_read_part(piece) for piece in core.split("-") if piece]
        if pieces and all(p is not None and p.word for p in pieces):
            return _Part(_compound([p.raw for p in pieces]), True, token)
        return None
    if core in _DIGIT_WORDS:
        return _Part(_DIGIT_WORDS[core], True, token)
    if core in _TENS:
        return _Part(_TENS[core] + "0", True, token)
    if core in _MULTIPLIERS or core in _FILLERS or core == "hundred":
        return _Part("", True, token)
    return None


def _compound(words: list[str]) -> str:
    """Digits of hyphen-joined number words: "twenty-four" -> "24", "five-five-five" -> "555"."""
    out = ""
    for i, word in enumerate(words):
        if word in _TENS:
            following = words[i + 1] if i + 1 < len(words) else ""
            out += _TENS[word] + ("" if _is_unit(following) else "0")
        else:
            out += _DIGIT_WORDS.get(word, "")
    return out


def _is_unit(core: str) -> bool:
    return core in UNIT_WORDS and 0 < UNIT_WORDS[core] < 10


def _parts(tokens: Sequence[str]) -> list[_Part | None]:
    """Per token digits, with the context rules: "twenty four", "double five", "eight hundred"."""
    parts = [_read_part(t) for t in tokens]
    cores = [_core(t) for t in tokens]
    for i, part in enumerate(parts):
        if part is None or not part.word:
            continue
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        pause = _TRAILING.search(tokens[i].strip()) is not None
        if cores[i] in _TENS and nxt is not None and not pause and _is_unit(cores[i + 1]):
            part.digits = _TENS[cores[i]]  # "fifty three" -> "5" + "3"
        elif cores[i] in _MULTIPLIERS:
            if nxt is None or len(nxt.digits) != 1:
                parts[i] = None
            else:
                nxt.digits *= _MULTIPLIERS[cores[i]]
        elif cores[i] == "hundred":  # "one eight hundred five five five ..."
            before = parts[i - 1] if i else None
            if (before is not None and before.word and len(before.digits) == 1 and nxt is not None
                    and nxt.word and len(nxt.digits) == 1):
                part.digits = "00"
            else:
                parts[i] = None
    return parts


def _runs(parts: list[_Part | None], tokens: Sequence[str]) -> list[tuple[int, int]]:
    """Maximal token ranges of digit parts, trimmed of fillers (and a leading "Oh,")."""
    runs, i = [], 0
    while i < len(parts):
        if parts[i] is None:
            i += 1
            continue
        j = i
        while j < len(parts) and parts[j] is not None:
            j += 1
        start, end = i, j
        while start < end and _loose(parts[start], tokens[start]):
            start += 1
        while end > start and not parts[end - 1].digits:
            end -= 1
        if start < end:
            runs.append((start, end))
        i = j
    return runs


def _loose(part: _Part, token: str) -> bool:
    """A run's first token that is not part of the number: a filler, or the "Oh," of "Oh, 555"."""
    core = _core(token)
    if core in _MULTIPLIERS:
        return False  # "double five ..." starts with its multiplier
    return not part.digits or (core in _ZEROS and _TRAILING.search(token.strip()) is not None)


def _kind(digits: str, run_tokens: Sequence[str], context: set[str]) -> str | None:
    n = len(digits)
    written = [_core(t) for t in run_tokens if _DIGITS_TOKEN.match(_core(t))]
    if n < MIN_DIGITS:
        return None
    if written and len(written) == len(run_tokens) and all(_YEAR.match(w) for w in written):
        return None  # "2019, 2020 and 2024": years next to each other
    if any(_SSN_FORMAT.match(w) for w in written) or (n == 9 and context & _CUES["ssn"]):
        return "ssn"
    if 13 <= n <= 19 and (luhn_ok(digits) or context & _CUES["card"]):
        return "card"
    if n >= 8 and context & _CUES["account"]:
        return "account"
    if n in (7, 10) or (n == 11 and digits[0] == "1") or (n <= 15 and context & _CUES["phone"]):
        return "phone"
    return "account"


def _number_spans(tokens: Sequence[str]) -> list[Span]:
    parts = _parts(tokens)
    spans = []
    for start, end in _runs(parts, tokens):
        digits = "".join(p.digits for p in parts[start:end] if p is not None)
        context = {_plain(t) for t in tokens[max(0, start - CONTEXT_WORDS):start]}
        kind = _kind(digits, tokens[start:end], context)
        if kind:
            spans.append(Span(start, end, kind))
    return spans


# --- e-mail ------------------------------------------------------------------------------------

def _spoken_email_end(cores: Sequence[str], at: int) -> int | None:
    """End of "gmail dot com", "clearview windows dot com" or "gmail.com" after `at`, else None."""
    for j in range(at + 1, min(len(cores), at + 1 + MAX_EMAIL_TOKENS)):
        word = cores[j]
        if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", word):
            return None
        if "." in word and word.rsplit(".", 1)[1] in _TLDS:
            return j + 1
        if word in _TLDS and j > at + 2 and cores[j - 1] == "dot":
            return j + 1
    return None


def _email_spans(tokens: Sequence[str]) -> list[Span]:
    cores = [_core(t) for t in tokens]
    spans = [Span(i, i + 1, "email") for i, t in enumerate(tokens) if _EMAIL.search(t)]
    for at, core in enumerate(cores):
        if core != "at" or at == 0 or not re.fullmatch(r"[a-z0-9._-]+", cores[at - 1]):
            continue
        end = _spoken_email_end(cores, at)
        if end is None:
            continue
        start = at - 1
        while start >= 2 and cores[start - 1] in _CONNECTORS and re.fullmatch(
                r"[a-z0-9._-]+", cores[start - 2]):
            start -= 2  # "john dot smith at ..."
        spans.append(Span(start, end, "email"))
    for i, core in enumerate(cores):  # "rosa.diaz as a gmail.com": the "at" misheard
        if _DOTTED_LOCAL.fullmatch(core) and core.rsplit(".", 1)[-1] not in _TLDS:
            end = _spoken_email_end(cores, i)
            if end is not None and end - i <= MAX_MISHEARD_AT + 1:
                spans.append(Span(i, end, "email"))
    return spans


# --- putting it together ------------------------------------------------------------------------

def find_spans(tokens: Sequence[str]) -> list[Span]:
    """The PII in a sequence of words (as a recogniser wrote them), sorted, not overlapping."""
    found = sorted(_email_spans(tokens) + _number_spans(tokens), key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    for span in found:
        if out and span.start < out[-1].end:
            if span.end > out[-1].end:  # overlapping kinds: one span covering both
                out[-1] = Span(out[-1].start, span.end, out[-1].kind)
            continue
        out.append(span)
    return out


def _masked(first: str, last: str, kind: str) -> str:
    """The mask with the first word's leading space and the last word's trailing punctuation."""
    lead = first[:len(first) - len(first.lstrip())]
    tail = _TRAILING.search(last.strip())
    return lead + token_for(kind) + (tail.group(0) if tail else "")


def redact_text(text: str) -> str:
    """The text with every span masked (whitespace between words becomes one space)."""
    tokens = text.split()
    spans = find_spans(tokens)
    if not spans:
        return text
    out, i = [], 0
    for span in spans:
        out.extend(tokens[i:span.start])
        out.append(_masked(tokens[span.start], tokens[span.end - 1], span.kind))
        i = span.end
    out.extend(tokens[i:])
    return " ".join(out)


def _attached(words: Sequence[str]) -> list[list[int]]:
    """Word positions grouped into what was written as one token: recognisers split
    "rosa.diaz@gmail.com" into "rosa", ".diaz", "@gmail", ".com", and "$20,000" into "$20",
    ",000"."""
    groups: list[list[int]] = []
    for position, word in enumerate(words):
        piece = word.strip()
        if groups and len(piece) > 1 and piece[0] in ".@_," and piece[1].isalnum():
            groups[-1].append(position)
        else:
            groups.append([position])
    return groups


def _joined(words: Sequence[Word]) -> str:
    """A segment's text from its words, pieces of one written token kept together."""
    texts = [w.word.strip() for w in words]
    return " ".join("".join(texts[p] for p in group) for group in _attached(texts))


def _redact_words(segments: list[Segment]) -> list[Segment]:
    """Spans found over the words of consecutive segments (a number may cross a segment)."""
    flat = [(si, wi) for si, s in enumerate(segments) for wi in range(len(s.words))]
    groups = _attached([segments[si].words[wi].word for si, wi in flat])
    tokens = ["".join(segments[flat[p][0]].words[flat[p][1]].word.strip() for p in group)
              for group in groups]
    kinds: dict[tuple[int, int], tuple[str, int]] = {}  # word -> (kind, span number)
    for number, span in enumerate(find_spans(tokens)):
        for group in groups[span.start:span.end]:
            for position in group:
                kinds[flat[position]] = (span.kind, number)
    if not kinds:
        return segments
    out = []
    for si, segment in enumerate(segments):
        words: list[Word] = []
        previous = None
        for wi, word in enumerate(segment.words):
            mark = kinds.get((si, wi))
            if mark is None:
                words.append(word)
            elif mark == previous:  # the same span goes on: widen its mask
                words[-1] = words[-1].model_copy(update={
                    "end": word.end, "word": _masked(words[-1].word, word.word, mark[0])})
            else:
                words.append(word.model_copy(update={
                    "word": _masked(word.word, word.word, mark[0]), "probability": None}))
            previous = mark
        if words != segment.words:
            segment = segment.model_copy(update={"words": words, "text": _joined(words)})
        out.append(segment)
    return out


def redact_transcript(transcript: Transcript) -> Transcript:
    """The transcript with PII masked in its words and segment texts, every time kept."""
    segments = list(transcript.segments)
    if segments and all(s.words for s in segments):
        segments = _redact_words(segments)
    else:  # no word timings: the segment texts are all there is
        segments = [s.model_copy(update={"text": redact_text(s.text)}) for s in segments]
    return transcript.model_copy(update={"segments": segments})


def redact_notes(notes: list[dict]) -> list[dict]:
    """Audit notes carrying a `text` (the dropped hallucinations), masked the same way."""
    return [{**note, "text": redact_text(str(note.get("text", "")))} for note in notes]
