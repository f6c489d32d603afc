"""The timeline: when the customer wants it, in their words; not the agent's promise.

Dropped when the value names no time ("the customer wants to buy", copied from the
instructions), says how long the work takes ("the installation takes two to three days") or when
the business is open ("we're here weekdays till 5"), or
when only a promise to act states it and the agent makes that promise (roles known); doubted
when the line it comes from is a promise without roles, or the call does not say it.
"""

from __future__ import annotations

import dataclasses

from callinsights.call_context import CallContext
from callinsights.model_answer import RawField
from callinsights.schema import LEAD_FIELDS
from callinsights.text_match import word_similarity
from callinsights.times import (
    is_about_when,
    is_duration,
    leading_time_clause,
    promises,
    states_opening_hours,
)
from callinsights.verify.common import Verdict, customer_said, line_words, verify_said

COPY_SIMILARITY = 0.6  # a value this close to an instruction's wording copies it
INSTRUCTIONS = [description.lower() for _, description in LEAD_FIELDS.values()] + [
    "when the customer wants to buy", "when the customer wants to buy or have it done"]


def copies_instructions(value: str) -> bool:
    """A value that repeats the schema's or prompt's wording instead of the call's."""
    text = value.lower().strip(" .")
    return any(word_similarity(text, instruction) >= COPY_SIMILARITY
               for instruction in INSTRUCTIONS)


def verify_timeline(raw: RawField, ctx: CallContext, answer: dict[str, RawField]) -> Verdict:
    if raw.value and copies_instructions(raw.value):
        return Verdict(raw.value).drop("copied_instructions",
                                       "the value repeats the instructions, not the call")
    if raw.value and leading_time_clause(raw.value) != raw.value:
        trimmed = dataclasses.replace(raw, value=leading_time_clause(raw.value))
        verdict = verify_said(trimmed, ctx, answer)
        verdict.note("trimmed", "corrected", f"kept the time, {trimmed.value!r}, of "
                                             f"{raw.value!r}")
    else:
        verdict = verify_said(raw, ctx, answer)
    if verdict.value is None:
        return verdict
    if not is_about_when(verdict.value):
        return verdict.drop("not_a_time", f"{verdict.value!r} names no time")
    mention = verdict.mention
    if mention is None:
        return verdict
    line = ctx.line_of(mention.first)
    words = ctx.doc.norm[line.first:mention.first] if line else []
    if is_duration(words, verdict.value):
        return verdict.drop("duration", "how long the work takes, not when the customer wants it")
    if line and states_opening_hours(line_words(ctx, line)):
        return verdict.drop("opening_hours", "the business's opening hours, not when the "
                                             "customer wants it")
    if promises(words):
        if customer_said(ctx, mention) is False:
            return verdict.drop("agent_promise", "the agent promises this; it is a next step, "
                                                 "not the customer's timeline")
        verdict.doubt("promise", "said as a promise to act (a next step?)")
    elif customer_said(ctx, mention) is False:
        verdict.doubt("agent_side", "only the agent says this time")
    return verdict
