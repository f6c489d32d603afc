"""What every verifier shares: the verdict it returns, and the checks all values go through."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from callinsights.call_context import CallContext
from callinsights.evidence import Mention, find_words
from callinsights.model_answer import RawField
from callinsights.text_match import normalize_word
from callinsights.transcript_lines import Line

# What a model writes instead of null ("unknown", "not mentioned").
PLACEHOLDERS = {"null", "none", "unknown", "na", "notmentioned", "notspecified", "notgiven",
                "notprovided", "notsaid", "nobudget", "notstated", "unspecified", "tbd",
                "notapplicable", "nothing"}
AFFIRMATIONS = {"yes", "yeah", "yep", "speaking", "correct", "thats", "right", "sure", "it",
                "this", "uh", "mhm", "indeed", "absolutely"}
# How an answer turns a question down ("No, we already put those in"), and the "no" that does not.
REFUSALS = {"no", "nope", "nah"}
NOT_REFUSALS = {"problem", "worries", "doubt"}


@dataclass
class Verdict:
    """A field after verification: its (maybe dropped or corrected) value, where the call says
    it, and every check that found something."""

    value: Any
    mention: Mention | None = None
    checks: list[dict] = field(default_factory=list)
    item_mentions: list[Mention | None] = field(default_factory=list)  # list fields

    def note(self, check: str, effect: str, reason: str) -> None:
        """Record a finding: `effect` is "doubted", "dropped" or "corrected"."""
        self.checks.append({"check": check, "effect": effect, "reason": reason})

    def doubt(self, check: str, reason: str) -> None:
        self.note(check, "doubted", reason)

    def drop(self, check: str, reason: str, empty: Any = None) -> Verdict:
        self.note(check, "dropped", reason)
        self.value, self.mention = empty, None
        return self

    def correct(self, check: str, reason: str, value: Any) -> None:
        self.note(check, "corrected", reason)
        self.value = value

    @property
    def doubts(self) -> int:
        return sum(c["effect"] == "doubted" for c in self.checks)

    @property
    def dropped(self) -> bool:
        return any(c["effect"] == "dropped" for c in self.checks)


def customer_said(ctx: CallContext, mention: Mention) -> bool | None:
    """Whether the customer says (or confirms) the words of the mention; None without roles.

    The agent naming it and the customer answering yes ("Am I speaking with Daniel?" -
    "Speaking.") counts as the customer's.
    """
    if not ctx.roles_known:
        return None
    line = ctx.line_of(mention.first)
    if line is None or line.speaker != "agent":
        return True
    following = ctx.line_after(line.number)
    return bool(following and following.speaker == "customer"
                and ctx.doc.norm[following.first] in AFFIRMATIONS)


def answer_to(ctx: CallContext, line: Line | None) -> Line | None:
    """The line answering `line` when `line` is a question: the next line, by the other side
    when the roles are known."""
    if line is None or not ctx.doc.raw[line.end - 1].endswith("?"):
        return None
    answer = ctx.line_after(line.number)
    if answer is None or (ctx.roles_known and answer.speaker == line.speaker):
        return None
    return answer


def refuses(ctx: CallContext, answer: Line) -> bool:
    """The line opens by saying no ("No, I moved.", "Nope."), not "No problem"."""
    opening = ctx.doc.norm[answer.first:answer.first + 2]
    return opening[0] in REFUSALS and not NOT_REFUSALS & set(opening[1:])


def line_words(ctx: CallContext, line: Line) -> list[str]:
    return ctx.doc.norm[line.first:line.end]


def verify_said(raw: RawField, ctx: CallContext, answer: dict[str, RawField],
                *, empty: Any = None, drop_unsaid: bool = False) -> Verdict:
    """The value's words must be in the call (doubted, or dropped, when they are not)."""
    verdict = Verdict(raw.value)
    if raw.value in (None, [], ""):
        return verdict
    if isinstance(raw.value, str) and normalize_word(raw.value) in PLACEHOLDERS:
        return verdict.drop("not_a_value", f"{raw.value!r} says there is no value", empty)
    mention = find_words(ctx, str(raw.value), raw.line)
    if mention is None or not mention.grounded:
        reason = f"the call does not say {raw.value!r}"
        if drop_unsaid:
            return verdict.drop("not_said", reason, empty)
        verdict.doubt("not_said", reason)
        return verdict
    verdict.mention = mention
    if not mention.in_line and raw.line is not None:
        verdict.doubt("other_line", f"line {raw.line} does not say it; found elsewhere")
    if corrected_after(ctx, mention):
        verdict.doubt("taken_back", "the speaker corrects it right after saying it")
    return verdict


CORRECTIONS = [("actually",), ("sorry",), ("i", "mean"), ("no", "wait"), ("scratch", "that"),
               ("correction",), ("rather",), ("make", "that"), ("not", "that")]
CORRECTION_REACH = 5  # words after the value where a correction may start


def correction_end(words: list[str]) -> int | None:
    """Where the earliest correction cue in `words` ends ("sorry, I mean ..."), or None."""
    ends = [i + len(cue) for cue in CORRECTIONS for i in range(len(words) - len(cue) + 1)
            if words[i:i + len(cue)] == list(cue)]
    return min(ends, default=None)


def corrected_after(ctx: CallContext, mention: Mention) -> bool:
    """The speaker takes the value back right after saying it ("Dallas, well actually Plano",
    "fifteen thousand, sorry, twelve"): a correction cue, then a replacement, in the same line."""
    line = ctx.line_of(mention.first)
    end = line.end if line else len(ctx.doc)
    cue_end = correction_end(ctx.doc.norm[mention.end:min(end, mention.end + CORRECTION_REACH)])
    return cue_end is not None and mention.end + cue_end < end


def is_org_mention(ctx: CallContext, mention: Mention) -> bool:
    """The mention's words are part of an organisation's name ("Harper Valley National Bank")."""
    return any(i in ctx.org_words for i in range(mention.first, mention.end))


def norm_words(text: str) -> list[str]:
    return [w for w in (normalize_word(t) for t in text.split()) if w]


def same_words(a: str, b: str) -> bool:
    """The same words, case and punctuation aside ("Summit Roofing" / "summit roofing")."""
    return norm_words(a) == norm_words(b) and bool(norm_words(a))
