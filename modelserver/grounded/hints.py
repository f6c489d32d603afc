"""Questions the agent asked whose answer gave no candidate: something was probably said that no
rule read ("In the next few weeks"), so "not said" must not look sure. A hint is a candidate
without a value; it weakens null and is never chosen."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from modelserver.grounded.candidate import Candidate
from modelserver.grounded.text import Doc, Sentence, find

HINT_STRENGTH = 0.5


def asks(phrases: Sequence[Sequence[str]]) -> Callable[[Sentence], bool]:
    """A test for questions containing any of the phrases."""
    return lambda q: q.is_question and any(find(q.words, list(p)) for p in phrases)


def unanswered(doc: Doc, asked: Callable[[Sentence], bool], found: Sequence[Candidate],
               strength: float = HINT_STRENGTH) -> list[Candidate]:
    """One hint per asked question whose next statement holds none of the found candidates."""
    hints = []
    for q in doc.sentences:
        if not asked(q):
            continue
        answer = next((s for s in doc.sentences[q.index + 1:q.index + 3] if not s.is_question),
                      None)
        if answer and not any(c.quote and c.quote in answer.text for c in found):
            hints.append(Candidate(None, answer.text, strength, "unread-answer", "?"))
    return hints
