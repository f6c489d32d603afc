"""The transcript as the grounded engine reads it: sentences of words, each word a transcript span.

Every candidate value is a run of words of one sentence, so its quote is verbatim transcript text.
The transcript is found in the request's user message as `[start-end] text` lines (any other
text there is ignored); without such lines the whole message is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LINE = re.compile(r"^\s*\[\d+(?:\.\d+)?\s*-\s*\d+(?:\.\d+)?\]\s?(.*)$")
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.?!]+[\"')]*$")


def norm(word: str) -> str:
    """Lowercase letters and digits only: the form words are compared in."""
    return re.sub(r"[^0-9a-z]", "", word.lower())


@dataclass
class Sentence:
    """A sentence: its words as written (with punctuation) and normalised."""

    index: int
    raw: list[str]
    words: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.words = [norm(w) for w in self.raw]

    @property
    def is_question(self) -> bool:
        return bool(self.raw) and self.raw[-1].endswith("?")

    @property
    def text(self) -> str:
        return " ".join(self.raw)

    def span(self, start: int, end: int) -> str:
        """Verbatim text of words [start, end), trailing punctuation trimmed."""
        return re.sub(r"[.,?!;:]+$", "", " ".join(self.raw[start:end]))

    def is_capitalized(self, i: int) -> bool:
        word = self.raw[i].lstrip("\"'(")
        return bool(word) and word[0].isupper()


@dataclass
class Doc:
    """The call's sentences in order."""

    sentences: list[Sentence]
    has_timed_lines: bool = False

    @classmethod
    def from_message(cls, message: str) -> Doc:
        lines = [m.group(1) for m in map(_LINE.match, message.splitlines()) if m]
        doc = cls.from_text(" ".join(lines) if lines else message)
        doc.has_timed_lines = bool(lines)
        return doc

    @classmethod
    def from_text(cls, text: str) -> Doc:
        sentences: list[Sentence] = []
        current: list[str] = []
        for word in _WORD.findall(text):
            if not norm(word):
                continue  # lone punctuation carries no value and would misalign word indices
            current.append(word)
            if _SENTENCE_END.search(word):
                sentences.append(Sentence(len(sentences), current))
                current = []
        if current:
            sentences.append(Sentence(len(sentences), current))
        return cls(sentences)

    def before(self, sentence: Sentence, count: int = 2) -> list[Sentence]:
        """Up to `count` sentences just before this one (nearest last)."""
        return self.sentences[max(0, sentence.index - count):sentence.index]

    def asked_before(self, sentence: Sentence, keywords: set[str], count: int = 2) -> bool:
        """Whether a question among the preceding sentences mentions one of the keywords."""
        return any(s.is_question and keywords & set(s.words) for s in self.before(sentence, count))


def find(words: list[str], phrase: list[str], start: int = 0) -> list[int]:
    """Indices where the normalised phrase occurs in the words."""
    n = len(phrase)
    return [i for i in range(start, len(words) - n + 1) if words[i:i + n] == phrase]
