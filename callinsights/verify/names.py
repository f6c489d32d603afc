"""The customer's name and company: said in the call, by the customer, and not someone else's.

A customer name is dropped when it is the agent's introduced name, an organisation's name, a
month, a weekday, a place, or not a name at all ("I'm", "Calling"); doubted when only the agent
says it (roles known) or the call does not say it. A company is dropped when it is the company
the customer called (the agent's greeting).
"""

from __future__ import annotations

import dataclasses

from callinsights.call_context import NOT_NAMES, ORG_WORDS, CallContext, is_capitalized
from callinsights.evidence import Mention, spelled_runs
from callinsights.gazetteer import COUNTRIES, MONTHS, REGIONS, WEEKDAYS
from callinsights.model_answer import RawField
from callinsights.text_match import normalize_word, word_similarity
from callinsights.towns import is_town
from callinsights.verify.common import (
    Verdict,
    customer_said,
    is_org_mention,
    norm_words,
    same_words,
    verify_said,
)
from callinsights.verify.places import canonical_region

NOT_PERSON = ({normalize_word(w) for w in MONTHS + WEEKDAYS} | NOT_NAMES
              | {"i", "im", "me", "my", "we", "you", "he", "she", "they", "customer", "agent",
                 "caller", "sir", "madam", "maam", "null", "none", "unknown", "na"})
PLACE_NAMES = {normalize_word(w) for w in REGIONS} | {normalize_word(w) for w in COUNTRIES}


# Where a person's name stops in a value that runs on ("Harjit, Sandu, from Sandu Family Farms").
NAME_ENDS = {"from", "with", "at", "calling", "here", "speaking"}


def _name_itself(raw: RawField) -> RawField:
    """The name at the head of a value that goes on to say where the person is from."""
    if not isinstance(raw.value, str):
        return raw
    words = raw.value.split()
    end = next((i for i, w in enumerate(words) if normalize_word(w) in NAME_ENDS), len(words))
    if end == len(words) or end == 0:
        return raw
    return dataclasses.replace(raw, value=" ".join(w.strip(",;") for w in words[:end]))


def verify_name(raw: RawField, ctx: CallContext, answer: dict[str, RawField]) -> Verdict:
    trimmed = _name_itself(raw)
    verdict = verify_said(trimmed, ctx, answer)
    if trimmed.value != raw.value and verdict.value is not None:
        verdict.note("trimmed", "corrected", f"kept the name, {trimmed.value!r}, of "
                                             f"{raw.value!r}")
    if verdict.value is None:
        return verdict
    parts = norm_words(verdict.value)
    if not parts or parts[0] in NOT_PERSON or len(parts) > 4:
        return verdict.drop("not_a_name", f"{verdict.value!r} is not a person's name")
    if _is_place(verdict.value, answer):
        return verdict.drop("place", f"{verdict.value!r} is a place, not a person")
    agent = answer.get("agent_name")
    if agent and agent.value and same_words(agent.value, verdict.value) \
            and agent_says(ctx, agent.value):
        return verdict.drop("agent_name", f"{verdict.value!r} is the agent's own name")
    if parts[0] in ctx.agent_names and not _customer_introduces(ctx, verdict):
        return verdict.drop("agent_name", f"{parts[0].title()} is the agent's name "
                                          "(introduced when the agent greets)")
    mention = verdict.mention
    if mention is not None:
        if is_org_mention(ctx, mention):
            return verdict.drop("company_name", f"{verdict.value!r} is part of a company name")
        if not all(is_capitalized(ctx.doc, i) for i in range(mention.first, mention.end)) \
                and mention.end - mention.first == len(parts):
            verdict.doubt("lowercase", "the call does not write it as a name")
        if customer_said(ctx, mention) is False:
            verdict.doubt("agent_side", "only the agent says this name")
    _as_spelled(verdict, ctx)
    if "".join(parts) in PLACE_NAMES:  # "Georgia", "Victoria": names, and places too
        verdict.doubt("place_name", f"{verdict.value!r} is also the name of a place")
    return verdict


def _is_place(value: str, answer: dict[str, RawField]) -> bool:
    """"Boise, Idaho", "Austin Texas", or the very value the model gave as the city."""
    _, comma, tail = value.rpartition(",")
    if comma and (canonical_region(tail.strip()) or is_town(tail.strip())):
        return True
    words = value.split()
    for cut in (1, 2):  # "Boise Idaho", "Albany New York"
        head, region = " ".join(words[:-cut]), " ".join(words[-cut:])
        if head and canonical_region(region) and is_town(head, canonical_region(region)):
            return True
    city = answer.get("city")
    return bool(city and city.value and same_words(city.value, value))


SPELLED_SIMILARITY = 0.5  # a heard word this close to a spelled-out one is that name, misheard
SPELLED_REACH = 15  # words after the name where its spelling may follow ("that's N-G-U-Y-E-N")


def mention_has_org_word(ctx: CallContext, mention: Mention) -> bool:
    return any(ctx.doc.norm[i] in ORG_WORDS for i in range(mention.first, mention.end))


def _as_spelled(verdict: Verdict, ctx: CallContext) -> None:
    """A name the customer spells out is written as spelled ("Win" + "N, G, U, Y, E, N")."""
    mention = verdict.mention
    words = verdict.value.split()
    for first, _, letters in spelled_runs(ctx.doc.norm):
        if ctx.is_agent_word(first):
            continue
        near = mention is not None and 0 <= first - mention.end <= SPELLED_REACH
        scores = [word_similarity(normalize_word(w), letters) for w in words]
        best = max(range(len(words)), key=lambda i: scores[i])
        if scores[best] == 1.0 or not (near or scores[best] >= SPELLED_SIMILARITY):
            continue
        if near and scores[best] < SPELLED_SIMILARITY:
            best = len(words) - 1  # spelled right after the name: the surname, usually
        spelled = letters.capitalize()
        verdict.correct("spelled", f"the customer spells it {'-'.join(letters.upper())}",
                        " ".join([*words[:best], spelled, *words[best + 1:]]))
        return


def _customer_introduces(ctx: CallContext, verdict: Verdict) -> bool:
    """The agent's first name can be the customer's too when the customer gives it outside the
    agent's lines ("This is Tyler Reed" from the customer, with roles known)."""
    mention = verdict.mention
    return bool(ctx.roles_known and mention is not None
                and ctx.speaker_of(mention.first) == "customer")


AGENT_NAME_SIMILARITY = 0.8  # the model's spelling of a name the transcript has


def agent_says(ctx: CallContext, name: str) -> bool:
    """The name's first word is said on the agent's side: the agent's lines, or without roles
    the opening. A model that answers the customer's "Hi, I'm Rohan" as the agent's name (the
    agent gave none) is not believed: it would drop the customer's own name."""
    parts = norm_words(name)
    return bool(parts) and any(
        word_similarity(word, parts[0]) >= AGENT_NAME_SIMILARITY
        for line in ctx.lines if line.number in ctx.agent_lines
        for word in ctx.doc.norm[line.first:line.end])


def verify_agent_name(raw: RawField, ctx: CallContext, answer: dict[str, RawField]) -> Verdict:
    """The agent's name is a person's: not the company they answer for ("Clearview Windows"),
    and said on the agent's side."""
    verdict = Verdict(raw.value)
    company = answer.get("agent_company")
    if verdict.value and ((company and company.value and same_words(company.value, verdict.value))
                          or not norm_words(verdict.value)
                          or norm_words(verdict.value)[0] in NOT_PERSON):
        return verdict.drop("not_a_name", f"{verdict.value!r} is not the agent's name")
    if verdict.value and not agent_says(ctx, verdict.value):
        return verdict.drop("not_agent_side", f"the agent's side does not say {verdict.value!r}")
    return verdict


NOT_COMPANY_OPENERS = {"our", "my", "the", "we", "i", "a", "his", "her", "their"}


def _company_itself(raw: RawField) -> RawField:
    """"Copperleaf Design Studio in Salford" names the company "Copperleaf Design Studio"."""
    head, sep, _ = (raw.value or "").partition(" in ")
    return dataclasses.replace(raw, value=head.strip()) if sep and head.strip() else raw


def verify_company(raw: RawField, ctx: CallContext, answer: dict[str, RawField]) -> Verdict:
    raw = _company_itself(raw)
    verdict = verify_said(raw, ctx, answer)
    mention = verdict.mention
    if verdict.value is None or mention is None:
        return verdict
    parts = norm_words(verdict.value)
    customer = answer.get("customer_name")
    if parts[0] in NOT_COMPANY_OPENERS and len(parts) <= 3:
        return verdict.drop("not_a_company", f"{verdict.value!r} is not a company's name")
    if customer and customer.value and same_words(customer.value, verdict.value):
        return verdict.drop("not_a_company", f"{verdict.value!r} is the customer's own name")
    _, sep, tail = verdict.value.rpartition(",")
    if (sep and canonical_region(tail.strip())) or (len(parts) <= 2 and is_town(verdict.value)
                                                    and not mention_has_org_word(ctx, mention)):
        return verdict.drop("not_a_company", f"{verdict.value!r} is a place")
    if ctx.is_agent_word(mention.first) or all(
            i in ctx.org_words and ctx.is_agent_word(i) for i in range(mention.first, mention.end)):
        return verdict.drop("agent_company", f"{verdict.value!r} is named by the agent: the "
                                             "company the customer called, not their own")
    named_by_model = answer.get("agent_company")
    if named_by_model and named_by_model.value and same_words(named_by_model.value,
                                                              verdict.value):
        return verdict.drop("agent_company", f"{verdict.value!r} is the agent's company")
    if customer_said(ctx, mention) is False:
        verdict.doubt("agent_side", "only the agent names this company")
    return verdict
