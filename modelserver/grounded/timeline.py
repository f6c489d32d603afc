"""Timeline candidates: months, seasons and relative times ("next month", "in two weeks",
"as soon as possible"), strongest in the answer to a "when" question; what the agent promises
("I will book a demo for next week") is a next step, not the customer's timeline."""

from __future__ import annotations

from modelserver.grounded.candidate import Candidate
from modelserver.grounded.gazetteer import MONTHS, SEASONS
from modelserver.grounded.hints import asks, unanswered
from modelserver.grounded.text import Doc, Sentence, find, norm

WHEN_WORDS = {"when", "soon", "timeline", "timeframe", "start", "done", "switch", "ready",
              "schedule", "date", "deadline"}
PROMISES = [("i", "will"), ("ill",), ("we", "will"), ("well",), ("i", "can")]
WISH_WORDS = {"want", "like", "hoping", "hope", "planning", "plan", "need", "by", "before",
              "ideally", "ideal", "would"}
# Relative expressions: words -> specificity (months and seasons score 3).
RELATIVE = {("as", "soon", "as", "possible"): 2, ("asap",): 2, ("right", "away"): 2,
            ("next", "week"): 2, ("next", "month"): 2, ("next", "year"): 2,
            ("this", "year"): 1, ("end", "of", "the", "year"): 2,
            ("end", "of", "the", "month"): 2, ("end", "of", "the", "week"): 2,
            ("end", "of", "next", "month"): 2, ("beginning", "of", "next", "month"): 2,
            ("start", "of", "the", "year"): 2, ("beginning", "of", "the", "year"): 2,
            ("next", "quarter"): 2, ("this", "quarter"): 2, ("immediately",): 2,
            ("tomorrow",): 2, ("this", "week"): 2, ("this", "month"): 2,
            ("next", "few", "weeks"): 2, ("next", "few", "months"): 2,
            ("next", "couple", "of", "weeks"): 2, ("next", "couple", "of", "months"): 2,
            ("few", "weeks"): 1, ("few", "months"): 1, ("no", "rush"): 0}
NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "a", "few", "couple"}
SPANS = {"weeks", "months", "week", "month", "days"}


def _expressions(s: Sentence) -> list[tuple[int, int, int, str]]:
    """(start, end, specificity, value) of each time expression in the sentence."""
    found = []
    for i, w in enumerate(s.words):
        if w in {norm(m) for m in MONTHS} and s.is_capitalized(i) and w != "may":
            found.append((i, i + 1, 3, s.span(i, i + 1)))
        elif w == "may" and s.is_capitalized(i) and i > 0:
            found.append((i, i + 1, 3, "May"))
        elif w in SEASONS or (s.raw[i].rstrip(".,?!").isdigit() and len(w) == 4
                              and 2000 <= int(w) <= 2100):  # a year, not "$2,000"
            found.append((i, i + 1, 3, s.span(i, i + 1)))
        elif w in {"in", "within"} and i + 2 < len(s.words) and s.words[i + 1] in NUMBER_WORDS \
                and s.words[i + 2] in SPANS:
            found.append((i, i + 3, 2, s.span(i, i + 3)))
    for phrase, specificity in RELATIVE.items():
        for at in find(s.words, list(phrase)):
            found.append((at, at + len(phrase), specificity, s.span(at, at + len(phrase))))
    return found


WHEN_QUESTIONS = [("when",), ("how", "soon"), ("timeline",), ("timing",), ("timeframe",)]


def timeline(doc: Doc) -> list[Candidate]:
    out = _read(doc)
    return out + unanswered(doc, asks(WHEN_QUESTIONS), out)


def _read(doc: Doc) -> list[Candidate]:
    out = []
    for s in doc.sentences:
        found = _expressions(s)
        if not found:
            continue
        top = max(f[2] for f in found)
        if top == 0:  # "no rush": an answer saying there is none (strength 0: no hint either)
            out.append(Candidate(None, s.text, 0.0, "said-none", "?"))
            continue
        answered = doc.asked_before(s, WHEN_WORDS) and not s.is_question
        promises = [at for p in PROMISES for at in find(s.words, list(p))]
        for start, end, specificity, value in found:
            if specificity < top:
                continue  # "at the start of the year, in January": the month says it
            if any(at < start for at in promises):  # "I will book a demo for next week"
                strength = 0.15
            elif answered:
                strength = 0.9
            elif WISH_WORDS & set(s.words):
                strength = 0.55
            else:
                strength = 0.3
            out.append(Candidate(value, s.span(max(0, start - 2), end), strength, "time",
                                 norm(value)))
    return out
