"""Person-name candidates for "the customer": introductions, answers to "who am I speaking with",
and names the other side addresses; the agent (who introduces themselves with the company
greeting at the start of the call) is excluded."""

from __future__ import annotations

from modelserver.grounded.candidate import Candidate
from modelserver.grounded.gazetteer import MONTHS, REGIONS, WEEKDAYS
from modelserver.grounded.hints import asks, unanswered
from modelserver.grounded.text import Doc, Sentence, find, norm

# Introduction phrase -> how often a name after it is the speaker's own name.
INTROS = {("my", "name", "is"): 0.85, ("name", "is"): 0.8, ("my", "names"): 0.85,
          ("this", "is"): 0.7,
          ("i", "am"): 0.55, ("im",): 0.55, ("it", "is"): 0.45, ("its",): 0.45}
ASKS_NAME = [("speaking", "with"), ("your", "name"), ("who", "is", "this"), ("pleasure",),
             ("who", "am", "i"), ("who", "do", "i"), ("is", "this"), ("may", "i", "ask"),
             ("talking", "to"), ("talking", "with"), ("who", "is", "calling")]
# "Am I speaking with Daniel Roy?" -> "Speaking." / "Yes, ...": the agent names the customer.
NAMED_IN_QUESTION = [("speaking", "with"), ("is", "this"), ("calling", "for"), ("talking", "to")]
CONFIRMS = {"speaking", "yes", "yeah", "thats", "correct", "right"}
NOT_NAMES = {norm(w) for w in [
    "I", "Hi", "Hello", "Hey", "The", "Yes", "No", "Thanks", "Thank", "Okay", "OK", "So", "Well",
    "Good", "Great", "Sure", "Just", "We", "You", "It", "This", "That", "Of", "And", "But",
    "Calling", "Sorry", "Interested", "Looking", "Not", "Mr", "Mrs", "Ms", "Dr", "Speaking",
    "Correct", "Right", "Yeah", "Nope", "Absolutely", "Perfect", "Hold",
    *MONTHS, *WEEKDAYS]} | {norm(r) for r in REGIONS}
OPENING_SENTENCES = 3


def name_at(s: Sentence, i: int) -> tuple[int, int] | None:
    """The run of 1-3 capitalised, name-like words starting at word i, as [i, end)."""
    end = i
    while end < len(s.raw) and end - i < 3 and s.is_capitalized(end) \
            and s.words[end] not in NOT_NAMES and not s.words[end].isdigit():
        end += 1
        if s.raw[end - 1][-1] in ",.?!;:":
            break
    return (i, end) if end > i else None


def _introductions(doc: Doc) -> list[tuple[Sentence, int, int, float]]:
    found = []
    for s in doc.sentences:
        for phrase, strength in INTROS.items():
            for at in find(s.words, list(phrase)):
                span = name_at(s, at + len(phrase))
                if span:
                    found.append((s, *span, strength))
        for cue in ("speaking", "calling", "here"):  # "Connor speaking", "Sarah Thompson calling"
            for at in find(s.words, [cue]):
                start = at
                while start > 0 and at - start < 3 and s.is_capitalized(start - 1) \
                        and s.words[start - 1] not in NOT_NAMES \
                        and (start == at or not s.raw[start - 1].endswith((",", "."))):
                    start -= 1
                if start < at:
                    found.append((s, start, at, 0.6))
    best: dict[tuple[int, int], tuple[Sentence, int, int, float]] = {}
    for f in found:  # "my name is" also matches "name is": keep the strongest reading
        key = (f[0].index, f[1])
        if key not in best or f[3] > best[key][3]:
            best[key] = f
    return sorted(best.values(), key=lambda f: (f[0].index, f[1]))


def _greets(s: Sentence, before: int) -> bool:
    """The sentence opens by greeting someone by name before word `before` ("Hi Tyler, ...")."""
    return any(s.words[j] in {"hi", "hello", "hey"} and j + 1 < before and s.is_capitalized(j + 1)
               for j in range(min(before, 2)))


def agent_names(doc: Doc) -> set[str]:
    """First names the agent introduces with the opening greeting.

    That is the call's first introduction, when it comes before (or with) the call's first
    question ("..., this is Tyler, who do I have the pleasure of speaking with?"): an
    introduction after "how can I help?" is the caller's.
    """
    intros = _introductions(doc)
    if not intros:
        return set()
    s, start, _end, _ = intros[0]
    first_question = next((q.index for q in doc.sentences if q.is_question), len(doc.sentences))
    if s.index < OPENING_SENTENCES and s.index <= first_question and not _greets(s, start):
        return {s.words[start]}
    return set()


def _asked_name(doc: Doc, s: Sentence) -> bool:
    return any(q.is_question and any(find(q.words, list(p)) for p in ASKS_NAME)
               for q in doc.before(s, 2))


def _addressed(doc: Doc, agents: set[str]) -> list[Candidate]:
    """Names someone is addressed by: "Hi Angela," or "..., Fiona?" (first names only)."""
    found = []
    for s in doc.sentences:
        spots = [1] if s.words[:1] and s.words[0] in {"hi", "hello", "hey", "thanks"} else []
        if s.is_question and len(s.raw) > 1 and s.raw[-2].endswith(","):
            spots.append(len(s.raw) - 1)
        for i in spots:
            if i < len(s.raw) and s.is_capitalized(i) and s.words[i] not in NOT_NAMES \
                    and s.words[i] not in agents:
                found.append(Candidate(s.span(i, i + 1), s.span(max(0, i - 1), i + 1), 0.3,
                                       "addressed", s.words[i]))
    return found


def _bare_answers(doc: Doc) -> list[Candidate]:
    """A name said alone right after the agent asks for it ("Who am I talking to?" "Brian
    Foster.")."""
    found = []
    for s in doc.sentences:
        if s.is_question or not _asked_name(doc, s) or not s.raw:
            continue
        start = 1 if s.words[0] in {"its", "yes", "sure", "yeah"} and len(s.raw) > 1 else 0
        span = name_at(s, start)
        if span and span[1] == len(s.raw):
            found.append(Candidate(s.span(*span), s.span(*span), 0.8, "bare-answer",
                                   s.words[span[0]]))
    return found


def _named_by_agent(doc: Doc, agents: set[str]) -> list[Candidate]:
    """The name in the agent's question ("am I speaking with X?"), stronger when confirmed."""
    found = []
    for s in doc.sentences:
        if not s.is_question:
            continue
        for phrase in NAMED_IN_QUESTION:
            for at in find(s.words, list(phrase)):
                span = name_at(s, at + len(phrase))
                if not span or s.words[span[0]] in agents:
                    continue
                reply = doc.sentences[s.index + 1:s.index + 2]
                confirmed = bool(reply) and bool(CONFIRMS & set(reply[0].words[:2]))
                found.append(Candidate(s.span(*span), s.span(at, span[1]),
                                       0.75 if confirmed else 0.45, "named-in-question",
                                       s.words[span[0]]))
    return found


def customer_name(doc: Doc) -> list[Candidate]:
    """Candidates for the customer's full name; keyed by first name so mentions agree."""
    agents = agent_names(doc)
    found = _bare_answers(doc) + _named_by_agent(doc, agents)
    for s, start, end, strength in _introductions(doc):
        if s.words[start] in agents:
            continue
        if _asked_name(doc, s):
            strength = 1 - (1 - strength) * 0.2
        if _greets(s, start):
            strength = 1 - (1 - strength) * 0.5
        if end - start == 1:
            strength *= 0.6  # a first name alone is seldom the full name asked for
        found.append(Candidate(s.span(start, end), s.span(max(0, start - 2), end), strength,
                               "introduction", s.words[start]))
    full = {c.key for c in found}
    for c in _addressed(doc, agents):
        found.append(c if c.key not in full else Candidate(c.value, c.quote, 0.3, c.signal, c.key))
    return found + unanswered(doc, asks(ASKS_NAME), found)
