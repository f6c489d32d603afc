"""Candidates for the free-text fields: the customer's company and the agreed next step."""

from __future__ import annotations

from modelserver.grounded.candidate import Candidate
from modelserver.grounded.places import CITY_PHRASES, REGION_PHRASES
from modelserver.grounded.text import Doc, find, norm

COMPANY_CUES = [("i", "work", "for"), ("i", "work", "at"), ("calling", "from"), ("i", "own"),
                ("we", "are"), ("i", "run")]
PROMISES = [("i", "will"), ("ill",), ("we", "will"), ("well",), ("let", "me"), ("i", "can")]
PLACES = {" ".join(w) for w, _ in CITY_PHRASES + REGION_PHRASES}


def company(doc: Doc) -> list[Candidate]:
    """Capitalised names after "I work for / calling from / I own" that are not places."""
    out = []
    for s in doc.sentences[1:]:  # the first sentence is the agent's own company greeting
        for cue in COMPANY_CUES:
            for at in find(s.words, list(cue)):
                i = at + len(cue)
                end = i
                while end < len(s.raw) and end - i < 4 and s.is_capitalized(end):
                    end += 1
                name = " ".join(s.words[i:end])
                if end > i and name not in PLACES:
                    out.append(Candidate(s.span(i, end), s.span(at, end), 0.6, "company",
                                         norm(name)))
    return out


def next_steps(doc: Doc) -> list[Candidate]:
    """The last promise of the call ("I will send you an estimate")."""
    for s in reversed(doc.sentences):
        for cue in PROMISES:
            hits = find(s.words, list(cue))
            if hits:
                value = s.span(hits[0], len(s.raw))
                return [Candidate(value, value, 0.8, "promise", norm(value))]
    return []
