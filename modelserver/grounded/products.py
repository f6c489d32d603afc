"""Product candidates: the noun phrase after "interested in / looking for / need / want / quote
for / calling about" (and "replace X with Y"), said by the customer; the agent asking
"are you looking for ...?" counts little."""

from __future__ import annotations

from modelserver.grounded.candidate import Candidate
from modelserver.grounded.hints import asks, unanswered
from modelserver.grounded.text import Doc, Sentence, find

TRIGGERS = {("interested", "in"): 0.9, ("looking", "for"): 0.85, ("quote", "for"): 0.85,
            ("quote", "on"): 0.85, ("calling", "about"): 0.8, ("asking", "about"): 0.7,
            ("need",): 0.75, ("want",): 0.7, ("with",): 0.0, ("buy",): 0.6,
            ("purchase",): 0.6, ("install",): 0.6, ("get",): 0.3, ("price", "on"): 0.7,
            ("thinking", "about"): 0.65, ("shopping", "for"): 0.8, ("market", "for"): 0.8,
            ("putting", "in"): 0.65, ("information", "on"): 0.6, ("info", "on"): 0.6,
            ("ask", "about"): 0.7}
LEADING = {"a", "an", "the", "some", "your", "our", "my", "new", "any", "more", "you", "few",
           "couple", "of", "one", "two", "really", "good", "nice", "maybe", "possibly",
           "perhaps"}
STOPS = {"for", "to", "with", "in", "on", "at", "by", "from", "of", "around", "about", "that",
         "which", "so", "because", "too", "also", "as", "if", "this", "next", "before", "after",
         "is", "are", "was", "be", "but", "i", "we", "it", "there", "like", "please",
         "yet", "now", "soon", "today", "then", "here", "when", "where", "do", "does", "can",
         "during", "since", "until", "while"}
CONJUNCTIONS = {"and", "or", "plus"}
NOT_PRODUCTS = {"it", "something", "anything", "help", "information", "info", "quote", "price",
                "pricing", "that", "this", "them", "options", "brochure", "idea", "budget",
                "time", "name", "details", "call", "estimate", "someone", "more", "work", "one",
                "thing", "things", "answer", "number", "email", "demo", "hand", "way"}
SUBJECTS = {"i", "we", "im", "were", "also", "really", "just", "am", "are", "still", "mainly",
            "mostly", "probably", "definitely"}
MAX_WORDS = 4
VERB_FOLLOWERS = {"in", "up", "on", "out", "a", "an", "the", "some", "new", "our", "my"}


def _phrase(s: Sentence, i: int) -> tuple[int, int, int] | None:
    """A noun phrase from word i: (first word, end, index to continue after a conjunction)."""
    first = i
    while i < len(s.words) and s.words[i] in LEADING:
        i += 1
    if i == first and s.words[i:i + 1] and s.words[i].endswith("ing") \
            and s.words[i + 1:i + 2] and s.words[i + 1] in VERB_FOLLOWERS:
        return None  # "thinking about putting in a pool": a verb, the product comes later
    start = i
    while i < len(s.words) and i - start < MAX_WORDS and s.words[i] not in STOPS \
            and s.words[i] not in CONJUNCTIONS and not s.words[i].isdigit():
        i += 1
        if s.raw[i - 1][-1] in ",.?!;:":
            break
    if i == start or s.words[i - 1] in NOT_PRODUCTS or s.words[start] in NOT_PRODUCTS:
        return None
    follow = i + 1 if i < len(s.words) and s.words[i] in CONJUNCTIONS else -1
    if follow < 0 and i < len(s.words) - 1 and s.raw[i - 1].endswith(",") \
            and s.words[i] in CONJUNCTIONS:
        follow = i + 1
    return start, i, follow


def _strength(s: Sentence, at: int, base: float) -> float:
    """Customer's own wish ("I am interested in") vs the agent's question ("are you ...?")."""
    before = s.words[max(0, at - 5):at]
    if s.is_question and "you" in before:
        return base * 0.3
    if "you" in before and not SUBJECTS & set(before):
        return base * 0.5
    return base


def _after_replace(s: Sentence) -> list[int]:
    """Index after "with" in "replace ... with ...", where the new product follows."""
    return [w + 1 for r in find(s.words, ["replace"]) for w in find(s.words, ["with"], r)[:1]]


PRODUCT_QUESTIONS = [("interested", "in"), ("looking", "for"), ("quote",), ("you", "need"),
                     ("like", "us", "to"), ("you", "want")]
ANSWER_OPENERS = {"yes", "yeah", "well", "so", "mostly", "mainly", "just", "probably", "um", "uh",
                  "ideally", "definitely", "sure"}


def _answer_start(s: Sentence) -> int:
    """Where the content of a short answer starts ("Yes, a full kitchen remodel")."""
    i = 0
    while i < len(s.words) and s.words[i] in ANSWER_OPENERS:
        i += 1
    return i


def _answers(doc: Doc) -> list[Candidate]:
    """Noun phrases that answer "what are you interested in / what should we quote?".

    An answer that yields none is a hint (a value-less candidate): something was asked for and
    said, so an empty list is less sure.
    """
    out = []
    for s in doc.sentences:
        asked = [q for q in doc.before(s, 1) if q.is_question]
        if s.is_question or not any(find(q.words, list(p)) for q in asked
                                    for p in PRODUCT_QUESTIONS):
            continue
        i, found = _answer_start(s), False
        while i >= 0:
            phrase = _phrase(s, i)
            if not phrase:
                break
            start, end, i = phrase
            if s.is_capitalized(start):  # "Hi Rachel", "No rush": not a product phrase
                break
            key = " ".join(w.rstrip("s") for w in s.words[start:end])
            out.append(Candidate(s.span(start, end), s.span(max(0, start - 2), end), 0.6,
                                 "answer", key))
            found = True
        if not found:
            out.append(Candidate(None, s.text, 0.3, "unread-answer", "?"))
    return out


HELP_QUESTIONS = [("help",), ("do", "for", "you"), ("looking", "for"), ("interested", "in")]


def products(doc: Doc) -> list[Candidate]:
    out = _wishes(doc)
    return out + unanswered(doc, asks(HELP_QUESTIONS), out, 0.3)


def _wishes(doc: Doc) -> list[Candidate]:
    out = _answers(doc)
    for s in doc.sentences:
        starts = [(at + len(t), _strength(s, at, base)) for t, base in TRIGGERS.items() if base
                  for at in find(s.words, list(t))
                  if not (t in {("need",), ("want",)} and s.words[at + 1:at + 2] == ["to"])]
        starts += [(i, _strength(s, i, 0.8)) for i in _after_replace(s)]
        for i, strength in starts:
            while i >= 0:
                found = _phrase(s, i)
                if not found:
                    break
                start, end, i = found
                value = s.span(start, end)
                key = " ".join(w.rstrip("s") for w in s.words[start:end])
                out.append(Candidate(value, s.span(max(0, start - 2), end), strength, "wish",
                                     key))
                strength *= 0.95
    return out
