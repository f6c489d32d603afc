"""The budget: an amount the customer says they can spend, with its currency, period and range.

Dropped when the call never says the amount (in digits or words, within 1%) or it is zero.
Doubted when the words around it make it something else: an account balance, a transfer, a bill
or payment, a price quoted to the customer, or an amount only the agent says (roles known).
The currency, period and range the call states correct the model's ("two hundred a month",
"pounds", "between eight and ten thousand"); bare dollars are the call's country's.
"""

from __future__ import annotations

import dataclasses
import math

from callinsights.call_context import CallContext, find_phrase
from callinsights.evidence import Mention, find_amount
from callinsights.gazetteer import DOLLARS, DOLLARS_BY_COUNTRY, REGIONS
from callinsights.model_answer import RawField
from callinsights.money import Amount, amounts, resolve_dollars
from callinsights.places_text import place_key
from callinsights.towns import country_of_town
from callinsights.transcript_lines import Line
from callinsights.verify.common import (
    CORRECTION_REACH,
    Verdict,
    answer_to,
    corrected_after,
    correction_end,
    customer_said,
)

REGION_COUNTRY = {place_key(name): country for name, (country, _) in REGIONS.items()}
CUE_BEFORE = 6  # words before the amount where a cue counts
CUE_AFTER = 4
QUOTED_PRICE = "a quoted price"
NOT_BUDGET = {
    "balance": "an account balance", "balances": "an account balance",
    "transfer": "a transfer", "transferred": "a transfer", "moved": "a transfer",
    "deposit": "a deposit", "deposited": "a deposit", "withdraw": "a withdrawal",
    "bill": "a bill", "bills": "a bill", "owe": "money owed", "owed": "money owed",
    "debt": "a debt", "loan": "a loan", "mortgage": "a mortgage", "rent": "rent",
    "payment": "a current payment", "paying": "a current payment", "pay": "a current payment",
    "currently": "what they pay now", "charged": "a charge", "fee": "a fee", "fees": "a fee",
    "savings": "savings", "income": "income", "salary": "income", "earn": "income",
    "worth": "a value", "costs": QUOTED_PRICE, "cost": QUOTED_PRICE, "priced": QUOTED_PRICE,
    "price": QUOTED_PRICE, "runs": QUOTED_PRICE, "starts": QUOTED_PRICE,
    "quote": QUOTED_PRICE, "quoted": QUOTED_PRICE,
    # the company speaking of what it sells: "our standard package is 11,000"
    "our": QUOTED_PRICE, "offer": QUOTED_PRICE, "package": QUOTED_PRICE,
    "model": QUOTED_PRICE, "deal": QUOTED_PRICE, "special": QUOTED_PRICE,
    "promotion": QUOTED_PRICE, "msrp": QUOTED_PRICE, "retail": QUOTED_PRICE,
    "comes": QUOTED_PRICE, "sells": QUOTED_PRICE, "usually": QUOTED_PRICE,
    "typically": QUOTED_PRICE, "normally": QUOTED_PRICE, "average": QUOTED_PRICE,
}
# Words that make the amount what the customer can spend ("I can spend up to ...").
SPEND_WORDS = {"spend", "spending", "budget", "budgeted", "budgeting", "afford", "invest",
               "allocate", "comfortable", "willing", "hoping", "hope", "thinking", "keep", "max",
               "maximum", "cap", "limit", "tops", "approved", "stretch"}
# A number said with a spending word but no currency is money when it has a period ("around
# 40 a month") or is at least this ("hoping to stay under 600"); smaller, it is more often a count.
BARE_MONEY_MIN = 100


def not_budget_cue(ctx: CallContext, amount: Amount) -> str | None:
    """What the words right around the amount make it, if not a budget.

    The nearest telling word before the amount decides ("my balance is 2,400" vs "I can spend
    2,400"); a word right after it can still make it a bill or balance ("2,400 balance").
    """
    doc = ctx.doc
    line = ctx.line_of(amount.first)
    lo = max(line.first if line else 0, amount.first - CUE_BEFORE)
    hi = min(line.end if line else len(doc), amount.end + CUE_AFTER)
    for word in reversed(doc.norm[lo:amount.first]):
        if word in SPEND_WORDS:
            return None
        if word in NOT_BUDGET:
            return NOT_BUDGET[word]
    for word in doc.norm[amount.end:hi]:
        if word in {"balance", "bill", "payment", "loan", "mortgage", "rent", "fee"}:
            return NOT_BUDGET[word]
    return None


SPEND_REACH = 4  # words before an amount where a spending word makes it a budget
SPEND_PHRASES = [("can", "do"), ("could", "do"), ("put", "in"), ("put", "down"), ("set", "aside")]
ANSWER_REACH = 6  # words into an answer where the amount answers the question


def spends(ctx: CallContext, amount: Amount) -> bool:
    """A spending word is said right before the amount, in its line ("hoping to stay under",
    "I can do about"), or the amount opens the answer to a question about spending ("What
    monthly payment would you be comfortable with?" - "Somewhere between 400 and 500")."""
    line = ctx.line_of(amount.first)
    lo = max(line.first if line else 0, amount.first - SPEND_REACH)
    before = ctx.doc.norm[lo:amount.first]
    if SPEND_WORDS & set(before) or any(find_phrase(before, phrase, 0, len(before))
                                         for phrase in SPEND_PHRASES):
        return True
    if line is None or amount.first - line.first > ANSWER_REACH:
        return False
    question = ctx.line_before(line.number)
    return bool(question and answer_to(ctx, question) == line
                and SPEND_WORDS & set(ctx.doc.norm[question.first:question.end]))


def _may_be_money(amount: Amount) -> bool:
    return amount.is_money or amount.period != "total" or amount.value >= BARE_MONEY_MIN


def stated_budget(ctx: CallContext) -> Amount | None:
    """The first sum of money the customer's side states with a spending word before it, that
    no cue makes a price or a balance ("I was hoping to keep it around $40 a month", "hoping to
    stay under 600")."""
    for line in ctx.lines:
        if line.number in ctx.agent_lines:
            continue
        for amount in amounts(ctx.doc, line.first, line.end):
            if _may_be_money(amount) and spends(ctx, amount) \
                    and not not_budget_cue(ctx, amount):
                return _as_corrected(ctx, amount, line)
    return None


def _as_corrected(ctx: CallContext, amount: Amount, line: Line) -> Amount:
    """The amount, or the one the customer says instead right after it ("about a hundred a
    month. Sorry, seventy-five"), which keeps the first one's period and currency when it names
    none."""
    replacement = _replaced_in_line(ctx, amount, line) or _corrected_next(ctx, line.number)
    if replacement is None:
        return amount
    return dataclasses.replace(
        replacement, currency=replacement.currency or amount.currency,
        period=amount.period if replacement.period == "total" else replacement.period)


def _replaced_in_line(ctx: CallContext, amount: Amount, line: Line) -> Amount | None:
    """The amount said after a correction right behind this one, in its line."""
    cue_end = correction_end(ctx.doc.norm[amount.end:min(line.end, amount.end + CORRECTION_REACH)])
    if cue_end is None:
        return None
    return next(iter(amounts(ctx.doc, amount.end + cue_end, line.end)), None)


def _corrected_next(ctx: CallContext, number: int) -> Amount | None:
    """The amount of the next line when it opens with a correction ("Sorry, I mean $1,200")."""
    following = ctx.line_after(number)
    if following is None or following.number in ctx.agent_lines:
        return None
    if correction_end(ctx.doc.norm[following.first:following.first + CORRECTION_REACH]) is None:
        return None
    return next(iter(amounts(ctx.doc, following.first, following.end)), None)


def _stated_instead(ctx: CallContext, said: Amount) -> Amount | None:
    """The amount the customer says they can spend, when the model's amount is not that one
    and has no spending word of its own (the agent's "the install is about 550" before the
    customer's "I was hoping to stay under $600")."""
    if spends(ctx, said):  # the model's amount is stated; maybe taken back right after
        line = ctx.line_of(said.first)
        corrected = _as_corrected(ctx, said, line) if line else said
        return None if corrected is said else corrected
    stated = stated_budget(ctx)
    if stated is None or math.isclose(stated.value, said.value, rel_tol=0.01):
        return None
    return stated


def verify_budget(raw: RawField, ctx: CallContext, answer: dict[str, RawField]) -> Verdict:
    verdict = Verdict(raw.value)
    if raw.value is None:
        return verdict
    amount = float(raw.value["amount"])
    if amount <= 0:
        return verdict.drop("amount_not_said", "a budget of zero is no budget")
    mention = find_amount(ctx, amount, raw.line)
    if mention is None or mention.amount is None:
        return verdict.drop("amount_not_said", f"the call never says {amount:,.0f}")
    said = mention.amount
    if (stated := _stated_instead(ctx, said)) is not None:
        verdict.correct("spend_stated", "the customer says what they can spend: "
                        f"{ctx.doc.text(stated.first, stated.end)!r}",
                        {**raw.value, "amount": stated.value, "min": None, "max": None,
                         "period": "total"})
        mention, said = Mention(stated.first, stated.end, 1.0, False, stated), stated
    verdict.mention = mention
    cue = not_budget_cue(ctx, said)
    if cue:
        verdict.doubt("not_a_budget", f"the words around {ctx.doc.text(said.first, said.end)!r} "
                                      f"make it {cue}, not what the customer can spend")
    if customer_said(ctx, mention) is False:
        verdict.doubt("agent_amount", "only the agent says this amount (a quoted price?)")
    if corrected_after(ctx, mention):
        verdict.doubt("taken_back", "the customer corrects the amount right after saying it")
    _correct(verdict, said, ctx, answer)
    return verdict


def _correct(verdict: Verdict, said: Amount, ctx: CallContext,
             answer: dict[str, RawField]) -> None:
    """Currency, period and range as the call states them."""
    value = dict(verdict.value)
    countries = ctx.countries + _place_countries(ctx, answer)
    currency = resolve_dollars(said.currency, countries)
    city = answer.get("city")
    if said.currency == DOLLARS and city and city.value \
            and not any(country in DOLLARS_BY_COUNTRY for country in countries):
        verdict.doubt("whose_dollars", f"the call says dollars, and neither {city.value!r} nor "
                                       "any place said tells whose: US dollars assumed")
    if currency and currency != value["currency"]:
        verdict.correct("currency", f"the call says {currency}, not {value['currency']}",
                        {**value, "currency": currency})
        value = dict(verdict.value)
    if said.period != "total" and said.period != value["period"]:
        verdict.correct("period", f"the call says per {said.period}",
                        {**value, "period": said.period})
        value = dict(verdict.value)
    if said.low is not None and (value.get("min") is None or value.get("max") is None
                                 or not math.isclose(value["min"], said.low, rel_tol=0.01)
                                 or not math.isclose(value["amount"], said.value, rel_tol=0.01)):
        verdict.correct("range", f"the call gives a range {said.low:,.0f} to {said.value:,.0f}",
                        {**value, "amount": said.value, "min": said.low, "max": said.value})


def _place_countries(ctx: CallContext, answer: dict[str, RawField]) -> list[str]:
    """Countries implied by the places said (Ontario -> CA; a town found in one country only,
    Fremantle -> AU, or far larger there than anywhere else, Brisbane -> AU), for whose
    dollars."""
    text = ctx.doc.norm
    found = []
    for i in range(len(text)):
        for size in (3, 2, 1):
            country = REGION_COUNTRY.get("".join(text[i:i + size]))
            if country:
                found.append(country)
                break
    city = answer.get("city")
    if city and isinstance(city.value, str) and (country := country_of_town(city.value)):
        found.append(country)
    return found
