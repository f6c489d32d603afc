"""Product candidates: the noun phrase after "interested in / looking for / need / want / quote
for / calling about" (and "replace X with Y"), said by the customer; the agent asking
"are you looking for ...?" counts little."""

from __future__ import annotations

from modelserver.grounded.candidate import Candidate
from modelserver.grounded.text import Doc, Sentence, find

TRIGGERS = {("interested", "in"): 0.9, ("looking", "for"): 0.85, ("quote", "for"): 0.85,
            ("quote", "on"): 0.85, ("calling", "about"): 0.8, ("asking", "about"): 0.7,
            ("need",): 0.75, ("want",): 0.7, ("with",): 0.0, ("buy",): 0.6,
            ("purchase",): 0.6, ("install",): 0.6, ("get",): 0.3, ("price", "on"): 0.7}
LEADING = {"a", "an", "the", "some", "your", "our", "my", "new", "any", "more", "you", "few",
           "couple", "of", "one", "two", "really", "good", "nice"}
STOPS = {"for", "to", "with", "in", "on", "at", "by", "from", "of", "around", "about", "that",
         "which", "so", "because", "too", "also", "as", "if", "this", "next", "before", "after",
         "is", "are", "was", "be", "but", "i", "we", "it", "there", "like", "maybe", "please",
         "yet", "now", "soon", "today", "then", "here", "when", "where", "do", "does", "can"}
CONJUNCTIONS = {"and", "or", "plus"}
NOT_PRODUCTS = {"it", "something", "anything", "help", "information", "info", "quote", "price",
                "pricing", "that", "this", "them", "options", "brochure", "idea", "budget",
                "time", "name", "details", "call", "estimate", "someone", "more", "work", "one",
                "thing", "things", "answer", "number", "email", "demo", "hand", "way"}
SUBJECTS = {"i", "we", "im", "were", "also", "really", "just", "am", "are", "still", "mainly",
            "mostly", "probably", "definitely"}
MAX_WORDS = 4


def _phrase(s: Sentence, i: int) -> tuple[int, int, int] | None:
    """A noun phrase from word i: (first word, end, index to continue after a conjunction)."""
    while i < len(s.words) and s.words[i] in LEADING:
        i += 1
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


def products(doc: Doc) -> list[Candidate]:
    out = []
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
