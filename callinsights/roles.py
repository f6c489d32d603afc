"""Which channel of a stereo call is the agent: the `AGENT_CHANNEL` setting, or the opening.

`AGENT_CHANNEL=left|right` fixes it for a recorder that always puts the agent on one side.
`auto` (the default) decides per call from each channel's own opening (its first
`OPENING_LINES` lines), scoring what an agent does there and a caller does not:

| in the channel's opening | points |
|---|---|
| names a company (an organisation name: "Summit Roofing", "calling Brightline") | +3 |
| an agent's phrase ("thanks for calling", "how can I help", "this is Dev from") | +2 |
| introduces themself ("this is Tyler", "my name is Ana", "Connor speaking") | +1 |
| speaks first with more than a "Hello?" (over two words) | +1 |
| a caller's phrase ("I'm calling about", "I saw your", "I'm interested in") | -2 |

The channel with more points is the agent's; on a tie, the one whose first word comes first;
then the left one. Both sides often introduce themselves, so a name alone weighs least; the
company and the agent's phrases decide most calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callinsights.call_context import CallContext, find_phrase
from callinsights.channels import CHANNEL_NAMES
from callinsights.timed_words import TimedWords
from callinsights.transcript import Segment

AGENT, CUSTOMER = "agent", "customer"
OPENING_LINES = 3
COMPANY_POINTS, AGENT_PHRASE_POINTS, INTRODUCTION_POINTS, FIRST_POINTS = 3, 2, 1, 1
CALLER_PHRASE_POINTS = -2
AGENT_PHRASES = [tuple(p.split()) for p in (
    "thanks for calling", "thank you for calling", "how can i help", "how may i help",
    "how can we help", "what can i do for you", "calling from", "am i speaking with",
    "am i speaking to", "is this a good time", "this is a call from")]
AGENT_AFTER_NAME = {"from", "with", "at"}  # "this is Dev from Brightline"
CALLER_PHRASES = [tuple(p.split()) for p in (
    "im calling about", "i am calling about", "calling about", "i saw your", "i got your",
    "im interested in", "i am interested in", "i was wondering", "i would like a quote",
    "id like a quote")]


@dataclass(frozen=True)
class Opening:
    """What one channel's opening shows: its points and when its speech starts."""

    points: int
    first_word: float  # seconds; inf for a channel with no words
    first_line: float  # when its first line of more than two words starts

    def to_dict(self) -> dict:
        return {"points": self.points,
                "first_word": None if self.first_word == float("inf") else self.first_word}


def opening(segments: Sequence[Segment]) -> Opening:
    """Score one channel's opening (its segments alone, in time order)."""
    doc = TimedWords.from_segments(segments)
    if not len(doc):
        return Opening(0, float("inf"), float("inf"))
    ctx = CallContext.of(doc)
    lines = ctx.lines[:OPENING_LINES]
    end = lines[-1].end

    def said(phrases: Sequence[tuple[str, ...]]) -> bool:
        return any(find_phrase(doc.norm, p, 0, end) for p in phrases)

    company = any(i < end for i in ctx.org_words)
    from_company = any(
        doc.norm[i + 3] in AGENT_AFTER_NAME
        for i in find_phrase(doc.norm, ("this", "is"), 0, end) if i + 3 < end)
    points = (COMPANY_POINTS * company
              + AGENT_PHRASE_POINTS * (said(AGENT_PHRASES) or from_company)
              + INTRODUCTION_POINTS * bool(ctx.agent_names)
              + CALLER_PHRASE_POINTS * said(CALLER_PHRASES))
    first_line = next((doc.starts[line.first] for line in ctx.lines
                       if line.end - line.first > 2), float("inf"))
    return Opening(points, doc.starts[0], first_line)


def decide_agent_channel(channels: dict[str, Sequence[Segment]], setting: str = "auto"
                         ) -> tuple[str, dict]:
    """(the agent's channel name, why: the rule and each channel's opening)."""
    if setting in CHANNEL_NAMES:
        return setting, {"rule": "setting"}
    openings = {name: opening(channels.get(name, [])) for name in CHANNEL_NAMES}
    left, right = (openings[name] for name in CHANNEL_NAMES)
    first_bonus = {CHANNEL_NAMES[0]: FIRST_POINTS * (left.first_line < right.first_line),
                   CHANNEL_NAMES[1]: FIRST_POINTS * (right.first_line < left.first_line)}
    points = {name: openings[name].points + first_bonus[name] for name in CHANNEL_NAMES}
    agent = max(CHANNEL_NAMES, key=lambda name: (points[name], -openings[name].first_word,
                                                 name == CHANNEL_NAMES[0]))
    why = {"rule": "auto", "points": points,
           "first_word": {name: openings[name].to_dict()["first_word"] for name in CHANNEL_NAMES}}
    return agent, why


def roles_of(agent_channel: str) -> dict[str, str]:
    """Channel name -> role."""
    return {name: AGENT if name == agent_channel else CUSTOMER for name in CHANNEL_NAMES}
