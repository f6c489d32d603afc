"""The verifiers on transcripts with each trap a model falls into; with and without roles."""

from __future__ import annotations

import pytest

from callinsights.reader import read
from callinsights.verify import verify_field
from tests.text_calls import context, line_saying, raw

BOTH = pytest.mark.parametrize("roles", [True, False], ids=["roles", "mono"])


def _verify(ctx, name, value, said=None, **others):
    line = line_saying(ctx, said) if said else None
    answer = {name: raw(name, value, line)}
    answer |= {other: raw(other, v) for other, v in others.items()}
    return verify_field(answer[name], ctx, answer)


def _checks(verdict) -> dict[str, str]:
    return {c["check"]: c["effect"] for c in verdict.checks}


@BOTH
def test_the_agents_introduced_name_is_not_the_customers(roles: bool) -> None:
    ctx = context([["A", "Thanks for calling Desert Air Comfort, this is Marcus."],
                   ["C", "Hi Marcus, our old air conditioner keeps breaking down."]],
                  roles=roles)
    verdict = _verify(ctx, "customer_name", "Marcus", "this is Marcus")
    assert verdict.value is None and _checks(verdict) == {"agent_name": "dropped"}


@BOTH
def test_a_customer_calling_on_behalf_of_someone_is_not_named_im(roles: bool) -> None:
    ctx = context([["A", "Good morning, Lakeside Windows, Priya speaking."],
                   ["C", "I'm calling on behalf of my mother, she needs new windows."]],
                  roles=roles)
    verdict = _verify(ctx, "customer_name", "I'm", "calling on behalf")
    assert verdict.value is None and "not_a_name" in _checks(verdict)


@BOTH
@pytest.mark.parametrize("value", ["Boise, Idaho", "Boise Idaho", "Boise"])
def test_a_place_is_not_the_customers_name(roles: bool, value: str) -> None:
    ctx = context([["A", "Thanks for calling Clearview Windows, this is Dana."],
                   ["C", "Hi, I live in Boise, Idaho and our windows are drafty."]], roles=roles)
    verdict = _verify(ctx, "customer_name", value, "Boise", city="Boise")
    assert verdict.value is None and _checks(verdict) == {"place": "dropped"}


def test_the_company_is_not_the_agents_name() -> None:
    ctx = context([["A", "Clearview Windows, Dana speaking, how can I help?"],
                   ["C", "Hi, I need replacement windows."]], roles=False)
    verdict = _verify(ctx, "agent_name", "Clearview Windows", agent_company="Clearview Windows")
    assert verdict.value is None and _checks(verdict) == {"not_a_name": "dropped"}
    assert _verify(ctx, "agent_name", "Dana", agent_company="Clearview Windows").value == "Dana"


@BOTH
def test_the_customers_name_after_the_greeting_stands(roles: bool) -> None:
    ctx = context([["A", "Good afternoon, Harbor Payroll, this is Nina."],
                   ["C", "Hello Nina, my name is Kenji Watanabe."]], roles=roles)
    verdict = _verify(ctx, "customer_name", "Kenji Watanabe", "Kenji")
    assert verdict.value == "Kenji Watanabe" and verdict.checks == []
    assert verdict.mention.grounded and verdict.mention.in_line


@BOTH
def test_the_customer_greeted_by_name_in_an_outbound_opening_is_no_company(roles: bool) -> None:
    """"Hi Megan, this is Tyler from ...": the name after "Hi" is the person greeted (the
    customer, on an outbound call), not a company's name closed by a comma."""
    ctx = context([["A", "Hi Megan, this is Tyler from Summit Roofing."],
                   ["C", "Oh hi Tyler, yes, we still want the new roof."]], roles=roles)
    verdict = _verify(ctx, "customer_name", "Megan", "Hi Megan")
    assert verdict.value == "Megan" and "company_name" not in _checks(verdict)
    company = _verify(ctx, "agent_company", "Summit Roofing", "Summit Roofing")
    assert company.value == "Summit Roofing"


@BOTH
def test_the_customer_asked_for_by_name_is_no_company(roles: bool) -> None:
    ctx = context([["A", "Hello, is this Ingrid Solberg, this is Marissa from Guardian Home "
                         "Security."],
                   ["C", "Yes, this is Ingrid."]], roles=roles)
    verdict = _verify(ctx, "customer_name", "Ingrid Solberg", "Ingrid Solberg")
    assert verdict.value == "Ingrid Solberg" and "company_name" not in _checks(verdict)


@BOTH
def test_an_agent_name_the_agent_never_says_does_not_drop_the_customers(roles: bool) -> None:
    """The agent gives only the company; the model answers the customer's own introduction as
    the agent's name too. That agent name is dropped, and the customer's name stands."""
    ctx = context([["A", "Thanks for calling Ledgerly Sales, how can I help?"],
                   ["C", "Hi, I'm Rohan Deshpande, I run a freight company."]], roles=roles)
    agent = _verify(ctx, "agent_name", "Rohan")
    assert agent.value is None and _checks(agent) == {"not_agent_side": "dropped"}
    verdict = _verify(ctx, "customer_name", "Rohan Deshpande", "Rohan Deshpande",
                      agent_name="Rohan")
    assert verdict.value == "Rohan Deshpande" and "agent_name" not in _checks(verdict)
    said = context([["A", "Thanks for calling Ledgerly Sales, this is Dana."],
                    ["C", "Hi Dana, I'm Rohan."]], roles=roles)
    assert _verify(said, "agent_name", "Dana").value == "Dana"


@BOTH
def test_a_full_name_given_late_is_grounded_word_by_word(roles: bool) -> None:
    ctx = context([["A", "Thanks for calling, this is Dana."],
                   ["C", "Hi, it's Sam. I'm after a quote for a fence."],
                   ["A", "Sure, and your last name?"],
                   ["C", "Delacroix."]], roles=roles)
    verdict = _verify(ctx, "customer_name", "Sam Delacroix", "Delacroix")
    assert verdict.value == "Sam Delacroix" and "not_said" not in _checks(verdict)


@BOTH
def test_a_spelled_name_is_found_in_its_letters(roles: bool) -> None:
    ctx = context([["A", "Brightline Solar, Dev speaking."],
                   ["C", "This is Thu Nguyen, that's N, G, U, Y, E, N."]], roles=roles)
    verdict = _verify(ctx, "customer_name", "Thu Nguyen", "Nguyen")
    assert verdict.value == "Thu Nguyen" and "not_said" not in _checks(verdict)


@BOTH
def test_a_bank_name_is_neither_city_nor_region(roles: bool) -> None:
    turns = [["A", "Harper Valley National Bank, this is Owen, how can I help?"],
             ["C", "I'd like to open a savings account, I live in Columbus, Ohio."]]
    ctx = context(turns, roles=roles)
    city = _verify(ctx, "city", "Harper Valley", "Harper Valley")
    assert city.value is None and _checks(city) == {"company_name": "dropped"}
    assert _verify(ctx, "city", "Columbus", "Columbus").value == "Columbus"
    region = _verify(ctx, "region", "Harper Valley", "Harper Valley")
    assert region.value is None


def test_a_region_the_call_never_says_is_dropped() -> None:
    ctx = context([["C", "We're in Dallas, near the airport."]])
    verdict = _verify(ctx, "region", "Texas", "Dallas")
    assert verdict.value is None and _checks(verdict) == {"not_said": "dropped"}
    country = _verify(ctx, "country", "USA", "Dallas")
    assert country.value is None


def test_an_unknown_town_is_doubted_not_dropped() -> None:
    ctx = context([["C", "We live in Texan, Arizona."]])
    verdict = _verify(ctx, "city", "Texan", "Texan", region="Arizona")
    assert verdict.value == "Texan" and _checks(verdict) == {"unknown_town": "doubted"}
    town = _verify(context([["C", "We live in Ely, Minnesota."]]), "city", "Ely", "Ely",
                   region="Minnesota")
    assert town.checks == []


@BOTH
def test_a_correction_doubts_the_value_taken_back(roles: bool) -> None:
    ctx = context([["C", "We are in Dallas, well actually Plano, just north of it."]],
                  roles=roles)
    assert "taken_back" in _checks(_verify(ctx, "city", "Dallas", "Dallas"))
    assert _verify(ctx, "city", "Plano", "Plano").checks == []


@BOTH
def test_a_balance_is_not_a_budget(roles: bool) -> None:
    ctx = context([["A", "Lake Shore Credit Union, this is Maya."],
                   ["C", "My balance is 2,400 dollars and I want to refinance my car."]],
                  roles=roles)
    verdict = _verify(ctx, "budget", {"amount": 2400, "currency": "USD", "period": "total",
                                      "min": None, "max": None}, "balance")
    assert _checks(verdict) == {"not_a_budget": "doubted"}
    assert "account balance" in verdict.checks[0]["reason"]


def test_an_amount_only_the_agent_says_is_doubted() -> None:
    ctx = context([["A", "That model is 1,899 dollars installed."],
                   ["C", "Okay, let me think about it."]])
    verdict = _verify(ctx, "budget", {"amount": 1899, "currency": "USD", "period": "total",
                                      "min": None, "max": None}, "1,899")
    assert "agent_amount" in _checks(verdict)


def test_an_amount_the_call_never_says_is_dropped() -> None:
    ctx = context([["C", "I have not set a budget yet."]])
    verdict = _verify(ctx, "budget", {"amount": 0, "currency": "USD", "period": "total",
                                      "min": None, "max": None}, "budget")
    assert verdict.value is None and _checks(verdict) == {"amount_not_said": "dropped"}


@BOTH
def test_a_per_month_budget_keeps_its_period(roles: bool) -> None:
    ctx = context([["A", "What could you spend?"],
                   ["C", "Around two hundred a month is what I can afford."]], roles=roles)
    verdict = _verify(ctx, "budget", {"amount": 200, "currency": "USD", "period": "total",
                                      "min": None, "max": None}, "two hundred")
    assert verdict.value["period"] == "month" and _checks(verdict) == {"period": "corrected"}


@BOTH
def test_a_range_keeps_both_ends(roles: bool) -> None:
    ctx = context([["C", "We could spend between eight and ten thousand dollars."]], roles=roles)
    verdict = _verify(ctx, "budget", {"amount": 10000, "currency": "USD", "period": "total",
                                      "min": None, "max": None}, "between")
    assert (verdict.value["min"], verdict.value["max"], verdict.value["amount"]) == \
        (8000, 10000, 10000)


@BOTH
def test_pounds_are_gbp_and_canadian_dollars_cad(roles: bool) -> None:
    ctx = context([["C", "I can put about 1,500 pounds a month towards it."]], roles=roles)
    verdict = _verify(ctx, "budget", {"amount": 1500, "currency": "USD", "period": "month",
                                      "min": None, "max": None}, "1,500")
    assert verdict.value["currency"] == "GBP" and "currency" in _checks(verdict)
    ctx = context([["C", "We're in Moncton, New Brunswick, and can spend 30,000 dollars."]],
                  roles=roles)
    verdict = _verify(ctx, "budget", {"amount": 30000, "currency": "USD", "period": "total",
                                      "min": None, "max": None}, "30,000")
    assert verdict.value["currency"] == "CAD"


def test_the_agents_promise_is_not_the_customers_timeline() -> None:
    turns = [["C", "We just want it done eventually."],
             ["A", "I'll send you the quote by Friday."]]
    verdict = _verify(context(turns), "timeline", "by Friday", "by Friday")
    assert verdict.value is None and _checks(verdict) == {"agent_promise": "dropped"}
    mono = _verify(context(turns, roles=False), "timeline", "by Friday", "by Friday")
    assert "promise" in _checks(mono)


@BOTH
def test_a_timeline_must_name_a_time_and_not_copy_the_instructions(roles: bool) -> None:
    ctx = context([["C", "We'd like it done before the winter."]], roles=roles)
    assert _verify(ctx, "timeline", "before the winter", "winter").checks == []
    copied = _verify(ctx, "timeline", "When the customer wants to buy or have it done")
    assert copied.value is None and "copied_instructions" in _checks(copied)
    vague = _verify(ctx, "timeline", "We'd like it done", "like it done")
    assert vague.value is None and "not_a_time" in _checks(vague)


@BOTH
@pytest.mark.parametrize("value,said", [
    ("two to three days", "two to three days"),
    ("The installation usually takes two to three days", "usually takes two"),
    ("about a week", "about a week")])
def test_how_long_the_work_takes_is_not_the_timeline(roles: bool, value: str, said: str) -> None:
    ctx = context([["A", "The installation usually takes two to three days."],
                   ["C", "Okay. The old deck should last about a week more, it is rotten."]],
                  roles=roles)
    verdict = _verify(ctx, "timeline", value, said)
    assert verdict.value is None and _checks(verdict) == {"duration": "dropped"}


@BOTH
@pytest.mark.parametrize("value", ["by March", "within two weeks", "in two weeks",
                                   "the last week of August", "last month"])
def test_a_when_beside_a_duration_is_still_the_timeline(roles: bool, value: str) -> None:
    ctx = context([["C", "It takes a while to decide, but we want it done by March."],
                   ["C", "The move takes place within two weeks."],
                   ["C", "We'd take it the last week of August, or last month if we could."],
                   ["C", "We'd like to start in two weeks."]], roles=roles)
    verdict = _verify(ctx, "timeline", value, value)
    assert verdict.value == value and "duration" not in _checks(verdict)


@BOTH
def test_declined_and_owned_products_are_dropped_and_twins_merged(roles: bool) -> None:
    ctx = context([["C", "We already have solar panels, and we don't need gutters."],
                   ["C", "We want to replace our shingles with a metal roof."],
                   ["C", "And a heat pump, the pump is the main thing."]], roles=roles)
    verdict = _verify(ctx, "products_of_interest",
                      ["solar panels", "gutters", "shingles", "metal roof", "heat pump", "pump"],
                      "metal roof")
    assert verdict.value == ["metal roof", "heat pump"]
    assert _checks(verdict) == {"owned": "dropped", "declined": "dropped",
                                "duplicate": "corrected"}


@BOTH
def test_an_item_named_only_in_a_quoted_price_is_doubted(roles: bool) -> None:
    ctx = context([["C", "Hi, I'm calling about a dental implant for a molar."],
                   ["A", "A single implant with the crown is usually around forty-five hundred."],
                   ["C", "I can put in about two thousand dollars myself."]], roles=roles)
    quoted = _verify(ctx, "products_of_interest", ["dental implant", "crown"], "dental implant")
    assert quoted.value == ["dental implant", "crown"]
    assert _checks(quoted) == {"price_quote": "doubted"}
    assert "crown" in quoted.checks[0]["reason"]
    asked = _verify(ctx, "products_of_interest", ["dental implant"], "dental implant")
    assert asked.checks == []
    cut = context([["C", "Hi, I'm calling about a dental implant for a molar."],
                   ["A", "Welcome, a single implant with a crown"],  # one sentence, two segments
                   ["A", "is usually around $4,500 here."]], roles=roles)
    quoted = _verify(cut, "products_of_interest", ["dental implant", "crown"], "dental implant")
    assert _checks(quoted) == {"price_quote": "doubted"}


@BOTH
def test_an_offer_the_customer_turns_down_is_not_wanted(roles: bool) -> None:
    ctx = context([["C", "We'd like a pontoon boat for the cabin."],
                   ["A", "Do you need a trailer with it?"],
                   ["C", "No, it will stay on a lift at the cabin."],
                   ["A", "Would you like a cover as well?"],
                   ["C", "Yes, a cover would be good."],
                   ["A", "Any interest in a fish finder?"],
                   ["C", "No problem either way, we'll see."]], roles=roles)
    verdict = _verify(ctx, "products_of_interest",
                      ["pontoon boat", "trailer", "cover", "fish finder"], "pontoon boat")
    assert verdict.value == ["pontoon boat", "cover", "fish finder"]
    assert _checks(verdict) == {"declined": "dropped"}


@BOTH
def test_the_company_called_is_not_the_customers_company(roles: bool) -> None:
    ctx = context([["A", "Summit Roofing, this is Tyler."],
                   ["C", "Hi, this is Angela from Brooks Bakery."]], roles=roles)
    called = _verify(ctx, "company", "Summit Roofing", "Summit")
    assert called.value is None and _checks(called) == {"agent_company": "dropped"}
    assert _verify(ctx, "company", "Brooks Bakery", "Bakery").value == "Brooks Bakery"


def test_a_name_the_agent_asks_about_is_the_customers_when_confirmed() -> None:
    ctx = context([["A", "Hi, this is Dev from Brightline Solar, am I speaking with Daniel Roy?"],
                   ["C", "Yes, speaking."]])
    verdict = _verify(ctx, "customer_name", "Daniel Roy", "Daniel")
    assert verdict.value == "Daniel Roy" and verdict.checks == []
    unconfirmed = context([["A", "Is this Daniel Roy?"], ["C", "No, he's out."]])
    assert "agent_side" in _checks(_verify(unconfirmed, "customer_name", "Daniel Roy", "Daniel"))


@BOTH
def test_a_name_misheard_but_spelled_out_is_written_as_spelled(roles: bool) -> None:
    ctx = context([["A", "Brightline Solar, Dev speaking."],
                   ["C", "Hi, it's Thu Win, that's N, G, U, Y, E, N."]], roles=roles)
    verdict = _verify(ctx, "customer_name", "Thu Win", "Thu Win")
    assert verdict.value == "Thu Nguyen" and _checks(verdict) == {"spelled": "corrected"}


def test_a_quoted_package_price_is_not_the_budget() -> None:
    ctx = context([["A", "Our standard package is eleven thousand."]], roles=False)
    verdict = _verify(ctx, "budget", {"amount": 11000, "currency": "USD", "period": "total",
                                      "min": None, "max": None}, "package")
    assert "not_a_budget" in _checks(verdict)


@BOTH
def test_a_price_the_model_took_gives_way_to_what_the_customer_can_spend(roles: bool) -> None:
    ctx = context([["A", "Thanks for calling Beacon Alarms, this is Gwen."],
                   ["C", "Hi Gwen, we want six cameras for the shop."],
                   ["A", "That package with monitoring is 45 a month after a $900 install."],
                   ["C", "The install is fine. I'd like to keep the monitoring around $40 a "
                         "month."]], roles=roles)
    verdict = _verify(ctx, "budget", {"amount": 900, "currency": "USD", "period": "total",
                                      "min": None, "max": None}, "$900 install")
    assert verdict.value["amount"] == 40 and verdict.value["period"] == "month"
    assert _checks(verdict) == {"spend_stated": "corrected", "period": "corrected"}
    said = _verify(ctx, "budget", {"amount": 40, "currency": "USD", "period": "month",
                                   "min": None, "max": None}, "around $40")
    assert said.value["amount"] == 40 and "spend_stated" not in _checks(said)


@BOTH
def test_the_stated_budget_follows_a_correction_on_the_next_line(roles: bool) -> None:
    from callinsights.verify.budget import stated_budget

    ctx = context([["A", "Thanks for calling Southern Cross Insurance, this is Brody."],
                   ["C", "I want to spend no more than $1,500 a year."],
                   ["C", "Sorry, I mean $1,200."]], roles=roles)
    assert stated_budget(ctx).value == 1200


@BOTH
def test_an_amount_answering_a_question_about_spending_is_the_budget(roles: bool) -> None:
    ctx = context([["A", "Maumee Valley Motors, this is Kurt."],
                   ["A", "What monthly payment would you be comfortable with?"],
                   ["C", "Somewhere between four hundred and five hundred a month."],
                   ["A", "The hybrid lease right now is $459 a month."]], roles=roles)
    quoted = {"amount": 459, "currency": "USD", "period": "month", "min": 400, "max": 500}
    verdict = _verify(ctx, "budget", quoted, "$459")
    assert verdict.value == {"amount": 500, "currency": "USD", "period": "month", "min": 400,
                             "max": 500}
    assert "spend_stated" in _checks(verdict)


@BOTH
def test_a_budget_taken_back_in_the_same_line_is_the_new_amount(roles: bool) -> None:
    from callinsights.verify.budget import stated_budget

    ctx = context([["A", "Heartland Furniture, I'm Wade. Are you financing?"],
                   ["C", "Yes. I can do about a hundred a month. Sorry, seventy-five, I forgot "
                         "the car payment."],
                   ["A", "The sectional is about $69 a month over three years."]],
                  roles=roles)
    stated = stated_budget(ctx)
    assert (stated.value, stated.period) == (75, "month")
    first = {"amount": 100, "currency": "USD", "period": "month", "min": None, "max": None}
    verdict = _verify(ctx, "budget", first, "a hundred a month")
    assert verdict.value["amount"] == 75 and verdict.value["period"] == "month"
    agents = {**first, "amount": 69}
    assert _verify(ctx, "budget", agents, "$69").value["amount"] == 75


@BOTH
@pytest.mark.parametrize(("said", "stated"), [
    ("I was hoping to stay under 600, so that's fine.", 600),
    ("I was hoping for around 40 a month.", 40),
    ("I was thinking closer to five grand delivered.", 5000),
    ("I was budgeting around two and a half thousand.", 2500),
    ("I was hoping to bring 4 friends.", None),  # a small bare number is a count
])
def test_the_stated_budget_may_be_a_bare_number(roles: bool, said: str,
                                                stated: float | None) -> None:
    from callinsights.verify.budget import stated_budget

    ctx = context([["A", "Golden Gate Garage Doors, this is Vin."],
                   ["A", "A belt drive opener installed is about 550."],
                   ["C", said]], roles=roles)
    found = stated_budget(ctx)
    assert (found.value if found else None) == stated


@BOTH
@pytest.mark.parametrize(("turns", "city", "checks"), [
    ([["A", "Are you in Boise?"], ["C", "Meridian, actually, near the village."]],
     "Meridian", {"answered_otherwise": "corrected"}),
    ([["A", "And you're still at the Boise address?"], ["C", "No, I moved."],
      ["C", "I'm in Meridian now."]], "Meridian", {"answered_otherwise": "corrected"}),
    ([["A", "Are you in Boise?"], ["C", "No, we're a bit out of town."]],
     "Boise", {"answered_no": "doubted"}),
    ([["A", "Are you in Boise?"], ["C", "Yes, Boise."]], "Boise", {}),
])
def test_a_town_the_agent_asks_about_gives_way_to_the_answer(
        roles: bool, turns: list, city: str, checks: dict) -> None:
    ctx = context([["A", "Treasure Valley Heating, this is Brent."],
                   ["C", "Hi Brent, our furnace is old."], *turns], roles=roles)
    verdict = _verify(ctx, "city", "Boise", "Boise")
    assert verdict.value == city
    assert {k: v for k, v in _checks(verdict).items() if k != "agent_side"} == checks


@pytest.mark.parametrize(("town", "currency"), [
    ("Fremantle", "AUD"),  # only Australia has one
    ("Brisbane", "AUD"),  # Queensland's dwarfs California's
    ("Perth", "AUD"),  # Western Australia's dwarfs Scotland's and Ontario's
    ("Moncton", "CAD")])
def test_bare_dollars_follow_the_country_a_town_name_means(town: str, currency: str) -> None:
    ctx = context([["C", f"We're in {town} and can spend 60 dollars a week."]])
    answer = {"budget": raw("budget", {"amount": 60, "currency": "NZD", "period": "week",
                                       "min": None, "max": None}, 1),
              "city": raw("city", town, 1)}
    verdict = verify_field(answer["budget"], ctx, answer)
    assert verdict.value["currency"] == currency


def test_dollars_no_place_explains_are_doubted() -> None:
    ctx = context([["C", "We're in Frenental and can spend 60 dollars a week."]])
    answer = {"budget": raw("budget", {"amount": 60, "currency": "AUD", "period": "week",
                                       "min": None, "max": None}, 1),
              "city": raw("city", "Frenental", 1)}
    verdict = verify_field(answer["budget"], ctx, answer)
    assert verdict.value["currency"] == "USD"
    assert _checks(verdict) == {"whose_dollars": "doubted", "currency": "corrected"}


def test_a_town_name_common_to_two_countries_means_neither() -> None:
    from callinsights.towns import country_of_town

    assert country_of_town("Brisbane") == "AU" and country_of_town("Nowhereville") is None
    assert country_of_town("London") == "GB"
    assert country_of_town("Richmond") is None  # Virginia's and British Columbia's are alike


@BOTH
def test_places_pronouns_and_the_customers_name_are_no_company(roles: bool) -> None:
    ctx = context([["A", "Thanks for calling, this is Dana."],
                   ["C", "This is Femi Ademi from Fall River, Massachusetts, our house needs "
                         "work."]],
                  roles=roles)
    for value, said in [("Fall River, Massachusetts", "Fall River"), ("Our house", "Our house"),
                        ("Femi Ademi", "Femi")]:
        answer = {"company": raw("company", value, line_saying(ctx, said)),
                  "customer_name": raw("customer_name", "Femi Ademi")}
        verdict = verify_field(answer["company"], ctx, answer)
        assert verdict.value is None and _checks(verdict) == {"not_a_company": "dropped"}, value


def test_a_shorter_name_of_the_same_item_is_merged_into_the_longer() -> None:
    ctx = context([["C", "I need a garage door opener, the garage door itself is fine."]])
    verdict = _verify(ctx, "products_of_interest", ["garage door", "garage door opener"],
                      "opener")
    assert verdict.value == ["garage door opener"]


@BOTH
def test_the_second_reading_takes_a_when_not_a_duration(roles: bool) -> None:
    asked = ["A", "And when would you like the work done?"]
    duration = context([asked, ["C", "I think it takes about a week."]], roles=roles)
    when = context([asked, ["C", "Sometime in March."]], roles=roles)
    assert read(duration).timeline is None
    assert read(when).timeline == "Sometime in March"


@BOTH
@pytest.mark.parametrize(("value", "city"), [("West Asheville", "Asheville"),
                                             ("Auden Marfa", "Marfa"),
                                             ("West Kelowna", "West Kelowna")])
def test_a_city_that_is_no_town_is_the_town_it_ends_with(roles: bool, value: str,
                                                         city: str) -> None:
    ctx = context([["A", "Where are you located?"],
                   ["C", f"We're in {value}, and we need a heat pump."]], roles=roles)
    verdict = _verify(ctx, "city", value, value)
    assert verdict.value == city
    assert ("town_within" in _checks(verdict)) is (city != value)
    if city != value:
        assert ctx.doc.text(verdict.mention.first, verdict.mention.end).strip(",") == city


@BOTH
def test_a_name_that_runs_on_into_the_company_is_cut_at_from(roles: bool) -> None:
    ctx = context([["A", "Prairie Sun Energy, good morning, this is Colette."],
                   ["C", "Morning. This is Harjit, Sandhu, from Sandhu Family Farms."]],
                  roles=roles)
    verdict = _verify(ctx, "customer_name", "Harjit, Sandhu, from Sandhu Family Farms", "Harjit")
    assert verdict.value == "Harjit Sandhu" and _checks(verdict) == {"trimmed": "corrected"}


@BOTH
@pytest.mark.parametrize(("line", "value"), [
    ("We're open till seven every day, but Sunday.", "Sunday"),
    ("We're here weekdays till 5.", "weekdays till 5")])
def test_the_opening_hours_are_not_the_timeline(roles: bool, line: str, value: str) -> None:
    ctx = context([["C", "I'll just stop by the lot and take a look."], ["A", line]],
                  roles=roles)
    verdict = _verify(ctx, "timeline", value, value)
    assert verdict.value is None and _checks(verdict) == {"opening_hours": "dropped"}


def test_what_the_agent_says_the_customer_will_have_is_a_promise() -> None:
    turns = [["C", "Sure, send it to the email I gave you."], ["A", "You'll have it by tomorrow."]]
    verdict = _verify(context(turns), "timeline", "by tomorrow", "by tomorrow")
    assert verdict.value is None and _checks(verdict) == {"agent_promise": "dropped"}


@pytest.mark.parametrize(("a", "b", "same"), [
    ("heat pump", "the pump", True), ("garage door", "garage door opener", True),
    ("metal", "standing seam metal roof", True), ("gutters", "new gutters", True),
    ("metal roof", "gutters", False), ("solar panels", "battery storage", False)])
def test_items_naming_the_same_thing(a: str, b: str, same: bool) -> None:
    from callinsights.verify.items import same_thing

    assert same_thing(a, b) is same and same_thing(b, a) is same
