"""City, region and country: places the call names, not companies, not invented.

- region: must be a region of the gazetteer (state, province, county...) and said in the call;
  a region the call never says (inferred from the city) is dropped;
- city: must be said; a GeoNames town (in the named region when that region's towns are known),
  else doubted (a small or misheard town); a name inside an organisation's name ("Harper Valley
  National Bank") is dropped, as is a region given as the city;
- country: must be said in the call, else dropped.
"""

from __future__ import annotations

import dataclasses

from callinsights.call_context import CallContext
from callinsights.gazetteer import COUNTRIES, REGION_ABBREVIATIONS, REGIONS
from callinsights.model_answer import RawField
from callinsights.places_text import place_key
from callinsights.towns import is_town, sounds_like_town
from callinsights.verify.common import Verdict, customer_said, is_org_mention, verify_said

REGION_KEYS = {place_key(name): name for name in REGIONS} | {
    place_key(code): name for code, name in REGION_ABBREVIATIONS.items()}
COUNTRY_KEYS = {place_key(said): name for said, (name, _) in COUNTRIES.items()}


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
    region_raw = answer.get("region")
    region = canonical_region(region_raw.value) if region_raw and region_raw.value else None
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
