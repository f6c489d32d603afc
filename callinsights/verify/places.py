"""City, region and country: places the call names, not companies, not invented.

- region: must be a region of the gazetteer (state, province, county...) and said in the call;
  a region the call never says (inferred from the city) is dropped;
- city: must be said; a GeoNames town (in the named region when that region's towns are known),
  else its end when that is one ("West Asheville" -> "Asheville"), else doubted (a small or
  misheard town); a name inside an organisation's name ("Harper Valley
  National Bank") is dropped, as is a region given as the city;
- country: must be said in the call, else dropped.
"""

from __future__ import annotations

import dataclasses

from callinsights.call_context import CallContext, is_capitalized
from callinsights.evidence import Mention
from callinsights.gazetteer import COUNTRIES, REGION_ABBREVIATIONS, REGIONS
from callinsights.model_answer import RawField
from callinsights.places_text import place_key
from callinsights.towns import is_town, sounds_like_town
from callinsights.verify.common import (
    Verdict,
    answer_to,
    customer_said,
    is_org_mention,
    refuses,
    verify_said,
)

REGION_KEYS = {place_key(name): name for name in REGIONS} | {
    place_key(code): name for code, name in REGION_ABBREVIATIONS.items()}
COUNTRY_KEYS = {place_key(said): name for said, (name, _) in COUNTRIES.items()}
TOWN_WORDS = 3  # words of a town's name ("Severna Park", "West Des Moines")


def canonical_region(value: str) -> str | None:
    """The gazetteer's name of a region ("TX" -> "Texas"), None when it is no region."""
    return REGION_KEYS.get(place_key(value))


def _not_company(verdict: Verdict, ctx: CallContext, what: str) -> Verdict | None:
    if verdict.mention is not None and is_org_mention(ctx, verdict.mention):
        return verdict.drop("company_name", f"{verdict.value!r} is part of a company's name, "
                                            f"not a {what}")
    return None


def verify_region(raw: RawField, ctx: CallContext, answer: dict[str, RawField]) -> Verdict:
    verdict = verify_said(raw, ctx, answer, drop_unsaid=True)
    if verdict.value is None:
        return verdict
    if canonical_region(verdict.value) is None:
        return verdict.drop("not_a_region", f"{verdict.value!r} is not a state, province, "
                                            "county or region")
    dropped = _not_company(verdict, ctx, "region")
    if dropped:
        return dropped
    if verdict.mention and customer_said(ctx, verdict.mention) is False:
        verdict.doubt("agent_side", "only the agent names this region")
    return verdict


def _without_region(raw: RawField) -> tuple[RawField, str | None]:
    """"Columbus, Ohio" as a city is "Columbus" (the region has its own field)."""
    head, sep, tail = (raw.value or "").rpartition(",")
    if sep and head.strip() and canonical_region(tail.strip()):
        return dataclasses.replace(raw, value=head.strip()), tail.strip()
    return raw, None


def _town_in(ctx: CallContext, lo: int, hi: int) -> Mention | None:
    """The first capitalised run of words [lo, hi) that GeoNames knows as a town (no region,
    no organisation's name)."""
    doc = ctx.doc
    for i in range(lo, hi):
        for end in range(min(i + TOWN_WORDS, hi), i, -1):
            if any(not is_capitalized(doc, j) or j in ctx.org_words for j in range(i, end)):
                continue
            name = doc.text(i, end).strip(",.?!")
            if len(place_key(name)) >= 3 and is_town(name) and not canonical_region(name):
                return Mention(i, end, 1.0, False)
    return None


def _answered_otherwise(ctx: CallContext, verdict: Verdict) -> tuple[bool, Mention | None]:
    """The city is said in a question the answer turns down ("still at the Annapolis
    address?" - "No, I moved. I'm in Severna Park now.") or answers with another town ("Are
    you in Boise?" - "Meridian, actually"). Returns (turned down, where the answer says the
    town instead)."""
    answer = answer_to(ctx, ctx.line_of(verdict.mention.first)) if verdict.mention else None
    if answer is None:
        return False, None
    refused = refuses(ctx, answer)
    hi = min(answer.first + TOWN_WORDS, answer.end)  # a town that opens the answer
    if refused:  # the new town may come in the sentence after the "No, I moved."
        after = ctx.line_after(answer.number)
        same_side = after is not None and (not ctx.roles_known or after.speaker == answer.speaker)
        hi = after.end if same_side else answer.end
    town = _town_in(ctx, answer.first, hi)
    if town and place_key(ctx.doc.text(town.first, town.end)) == place_key(str(verdict.value)):
        return False, None
    return refused, town


def _town_at_end(value: str, region: str | None) -> str | None:
    """The longest run of the value's last words that is a town of the region ("West Asheville"
    -> "Asheville", "out in Marfa" heard as "Auden Marfa" -> "Marfa")."""
    words = value.split()
    for start in range(1, len(words)):
        tail = " ".join(words[start:])
        if len(place_key(tail)) >= 3 and is_town(tail, region) and not canonical_region(tail):
            return tail
    return None


def _tail_of(mention: Mention | None, tail_words: int, value_words: int) -> Mention | None:
    """The mention of the value's last words, when the mention is the value word for word."""
    if mention is None or mention.end - mention.first != value_words:
        return mention
    return dataclasses.replace(mention, first=mention.end - tail_words)


def verify_city(raw: RawField, ctx: CallContext, answer: dict[str, RawField]) -> Verdict:
    raw, region_part = _without_region(raw)
    verdict = verify_said(raw, ctx, answer)
    if region_part:
        verdict.note("region_in_city", "corrected", f"{region_part} is the region, not part of "
                                                    "the city")
    if verdict.value is None:
        return verdict
    dropped = _not_company(verdict, ctx, "city")
    if dropped:
        return dropped
    if canonical_region(verdict.value) and not is_town(verdict.value):
        return verdict.drop("region_as_city", f"{verdict.value!r} is a region, not a city")
    denied, instead = _answered_otherwise(ctx, verdict)
    if instead:
        town = ctx.doc.text(instead.first, instead.end).strip(",.?!")
        verdict.correct("answered_otherwise", f"asked about {verdict.value!r}, the customer "
                                              f"answers {town!r}", town)
        verdict.mention = instead
    elif denied:
        verdict.doubt("answered_no", f"asked about {verdict.value!r}, the customer says no")
    region_raw = answer.get("region")
    region = canonical_region(region_raw.value) if region_raw and region_raw.value else None
    if not is_town(verdict.value) and (town := _town_at_end(verdict.value, region)):
        said = verdict.value
        verdict.correct("town_within", f"{said!r} is no town; {town!r}, its end, is", town)
        verdict.mention = _tail_of(verdict.mention, len(town.split()), len(said.split()))
    if not is_town(verdict.value):
        near = sounds_like_town(verdict.value, region)
        verdict.doubt("unknown_town", f"GeoNames knows no town {verdict.value!r}"
                      + (f" (perhaps {near.title()}?)" if near else ""))
    elif region and not is_town(verdict.value, region):
        verdict.doubt("town_not_in_region", f"GeoNames has no {verdict.value!r} in {region}")
    if verdict.mention and customer_said(ctx, verdict.mention) is False:
        verdict.doubt("agent_side", "only the agent names this city")
    return verdict


def verify_country(raw: RawField, ctx: CallContext, answer: dict[str, RawField]) -> Verdict:
    verdict = verify_said(raw, ctx, answer, drop_unsaid=True)
    if verdict.value is None:
        return verdict
    if place_key(verdict.value) not in COUNTRY_KEYS and not _known_country(verdict.value):
        return verdict.drop("not_a_country", f"{verdict.value!r} is not a country")
    return _not_company(verdict, ctx, "country") or verdict


def _known_country(value: str) -> bool:
    return any(place_key(value) == place_key(name) for name, _ in COUNTRIES.values())
