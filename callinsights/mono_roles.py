"""Guessing who says what in a one-channel call from its words and pauses (no voices).

Experimental: measured by `bench/bench_roles.py`, compared in extraction by
`bench/eval_extraction.py --roles`; the pipeline does not use it (docs/speakers.md says why).

The call is cut into sentences (`merge.sentences`). The first speaker is the agent (the agent
opens: "Thanks for calling ..."), unless the call opens with a bare answer ("Hello?", "Hi,
this is Ana"), which is the customer picking up an outbound call. Then, at each sentence
boundary, the evidence for a new turn is scored (below; minus `SWITCH_BIAS`), and each sentence
scores what it says about its speaker (`CUE_POINTS` for an agent's phrase: "can I get your",
"where is", "I will", "we offer"; or a customer's: "we are looking", "I need", "we live",
"my budget"). The speakers of the whole call are the best-scoring path through those scores
(Viterbi over agent/customer), so one missed turn does not swap every speaker after it:

| at the boundary | points |
|---|---|
| the sentence before is a question | +2 |
| the sentence after opens with an answer ("Yes", "Sure", "Great", "Thanks") | +2 |
| a pause of at least `TURN_PAUSE_SECONDS` | +1 |
| the sentence after starts a new recogniser segment | +1 |
| the sentences are in one recogniser segment with a pause under `SAME_TURN_SECONDS` | -2 |
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from callinsights.merge import sentences, with_speaker
from callinsights.segments import normalize
from callinsights.transcript import Segment, Transcript

AGENT, CUSTOMER = "agent", "customer"
CHANGE_POINTS = 2
TURN_PAUSE_SECONDS = 0.45
SAME_TURN_SECONDS = 0.25
QUESTION_POINTS, ANSWER_POINTS, PAUSE_POINTS, SEGMENT_POINTS, SAME_TURN_POINTS = 2, 2, 1, 1, -2
ANSWERS = {"yes", "yeah", "yep", "no", "nope", "sure", "okay", "ok", "great", "perfect", "thanks",
           "thank", "right", "alright", "absolutely", "definitely", "hi", "hello", "hey", "well",
           "um", "uh", "oh", "sounds", "of", "got", "understood", "certainly", "exactly", "good",
           "wonderful", "excellent", "awesome", "cool", "fine", "mostly", "not", "about",
           "around", "maybe", "probably"}
PICKUPS = {"hello", "hi", "hey", "yes", "yeah", "speaking"}  # how an outbound call is answered


def _first_word(segment: Segment) -> str:
    raw = segment.words[0].word if segment.words else (segment.text.split() or [""])[0]
    return normalize(raw)


def _is_question(segment: Segment) -> bool:
    return segment.text.strip().endswith("?")


def _opens_as_pickup(first: Segment) -> bool:
    """A call whose first sentence is the customer answering the phone ("Hello?")."""
    words = first.text.split()
    return _first_word(first) in PICKUPS and (len(words) <= 2 or (
        len(words) <= 6 and "calling" not in normalize(first.text)))


def change_points(before: tuple[int, Segment], after: tuple[int, Segment]) -> int:
    """How strongly the boundary between two sentences says the other side speaks now."""
    (seg_a, a), (seg_b, b) = before, after
    pause = b.start - a.end
    points = QUESTION_POINTS * _is_question(a) + ANSWER_POINTS * (_first_word(b) in ANSWERS)
    points += PAUSE_POINTS * (pause >= TURN_PAUSE_SECONDS) + SEGMENT_POINTS * (seg_a != seg_b)
    if seg_a == seg_b and pause < SAME_TURN_SECONDS:
        points += SAME_TURN_POINTS
    return points


def label_by_boundaries(transcript: Transcript) -> Transcript:
    """Baseline: the speaker changes wherever a boundary scores `CHANGE_POINTS` (one missed
    turn swaps every speaker after it; `label_roles` decides the whole call at once)."""
    units = [(i, part) for i, s in enumerate(transcript.segments) for part in sentences(s)
             if part.text.strip()]
    if not units:
        return transcript
    speaker = CUSTOMER if _opens_as_pickup(units[0][1]) else AGENT
    labelled = [with_speaker(units[0][1], speaker)]
    for before, after in itertools.pairwise(units):
        if change_points(before, after) >= CHANGE_POINTS:
            speaker = AGENT if speaker == CUSTOMER else CUSTOMER
        labelled.append(with_speaker(after[1], speaker))
    return transcript.model_copy(update={"segments": labelled})


def word_accuracy(guessed: Sequence[str | None], truth: Sequence[str | None]) -> float | None:
    """Share of words whose guessed speaker is the true one (words with a known truth)."""
    pairs = [(g, t) for g, t in zip(guessed, truth, strict=True) if t is not None]
    return sum(g == t for g, t in pairs) / len(pairs) if pairs else None


AGENT_CUES = [tuple(p.split()) for p in (
    "how can i help", "what can i do for you", "can i get your", "could i get your",
    "what is your", "whats your", "where is", "where are you", "when would you",
    "when do you", "do you have", "would you like", "i will", "ill", "i can", "we can",
    "we offer", "let me", "our team", "thanks for calling", "thank you for calling",
    "is there anything else", "may i have", "can i have")]
CUSTOMER_CUES = [tuple(p.split()) for p in (
    "i am looking", "im looking", "we are looking", "were looking", "i want", "we want",
    "i would like", "id like", "we would like", "wed like", "i need", "we need",
    "i am calling", "im calling", "we are in", "were in", "i live", "we live", "my budget",
    "our budget", "i was hoping", "i saw your", "my name is", "my wife", "my husband")]
CUE_POINTS = 1.5
SWITCH_BIAS = 1.5  # a boundary's change points above this favour a new speaker


def _cue(text: str, cues: Sequence[tuple[str, ...]]) -> bool:
    words = [normalize(w) for w in text.split()]
    return any(list(words[i:i + len(c)]) == list(c)
               for c in cues for i in range(len(words) - len(c) + 1))


def label_roles(transcript: Transcript) -> Transcript:
    """The transcript cut into sentences, each with its guessed speaker: the same boundaries as
    `label_by_boundaries`, plus what each sentence says about its speaker
    (an agent asks for details and promises; a customer wants, needs and lives somewhere),
    decided for the whole call at once (Viterbi over agent/customer), so one missed turn does
    not swap every speaker after it."""
    units = [(i, part) for i, s in enumerate(transcript.segments) for part in sentences(s)
             if part.text.strip()]
    if not units:
        return transcript
    roles = (AGENT, CUSTOMER)

    def emission(k: int, role: str) -> float:
        text = units[k][1].text
        if k == 0:
            return 2.0 * ((role == CUSTOMER) == _opens_as_pickup(units[0][1]))
        return CUE_POINTS * (_cue(text, AGENT_CUES) if role == AGENT
                             else _cue(text, CUSTOMER_CUES))

    best = [{r: emission(0, r) for r in roles}]
    back: list[dict[str, str]] = []
    for k in range(1, len(units)):
        switch = change_points(units[k - 1], units[k]) - SWITCH_BIAS
        row, links = {}, {}
        for role in roles:
            options = {prev: best[-1][prev] + (switch if prev != role else 0.0) for prev in roles}
            links[role] = max(options, key=options.get)
            row[role] = options[links[role]] + emission(k, role)
        best.append(row)
        back.append(links)
    path = [max(roles, key=best[-1].get)]
    for links in reversed(back):
        path.append(links[path[-1]])
    path.reverse()
    return transcript.model_copy(update={"segments": [
        with_speaker(part, role) for (_, part), role in zip(units, path, strict=True)]})
