"""Candidate generators of the grounded engine: pure text in, candidates out."""

from __future__ import annotations

import pytest

from modelserver.grounded import money, names, notes, places, products, timeline
from modelserver.grounded.text import Doc


def _best(candidates: list) -> object:
    return max(candidates, key=lambda c: c.strength).value if candidates else None


def test_customer_name_is_not_the_agent() -> None:
    doc = Doc.from_text("Thank you for calling Summit Roofing, this is Tyler. Who do I have the "
                        "pleasure of speaking with? Hi Tyler, this is Angela Brooks.")
    assert names.agent_names(doc) == {"tyler"}
    found = names.customer_name(doc)
    assert _best(found) == "Angela Brooks"
    assert all(c.key != "tyler" for c in found)


@pytest.mark.parametrize(("text", "customer"), [
    ("Thank you for calling Heartland Kitchens. Who am I speaking with? Hello, this is David "
     "Chen.", "David Chen"),
    ("Peak Fitness, how can I help? Hi, this is John Smith, I am calling about treadmills.",
     "John Smith"),
])
def test_introduction_after_the_agent_s_question_is_the_customer(text: str,
                                                                customer: str) -> None:
    doc = Doc.from_text(text)
    assert names.agent_names(doc) == set()
    assert _best(names.customer_name(doc)) == customer


def test_no_name_given_means_no_candidate() -> None:
    doc = Doc.from_text("Peak Fitness Equipment, how can I help? Hi, I am calling about "
                        "treadmills. Can I get your name? I would rather just get the brochure.")
    assert [c.value for c in names.customer_name(doc)] == [None]  # a hint: asked, not read


def test_addressed_first_name_is_only_a_weak_candidate() -> None:
    doc = Doc.from_text("Atlantic Marine, this is Connor speaking. Hi Connor. "
                        "What can I do for you, Fiona?")
    found = names.customer_name(doc)
    assert [c.value for c in found] == ["Fiona"] and found[0].strength < 0.5


def test_city_region_pairs_survive_a_sentence_break() -> None:
    doc = Doc.from_text("Hi Connor. This is Fiona from Halifax. Nova Scotia. What budget?")
    assert _best(places.region(doc)) == "Nova Scotia"
    assert _best(places.city(doc)) == "Halifax"


def test_the_company_s_own_place_counts_little() -> None:
    doc = Doc.from_text("We are based in Austin, Texas. I live in Denver, Colorado.")
    assert _best(places.city(doc)) == "Denver"
    assert _best(places.region(doc)) == "Colorado"


def test_big_city_alone_and_country() -> None:
    doc = Doc.from_text("I live in Seattle and I moved here from Canada.")
    assert _best(places.city(doc)) == "Seattle"
    assert places.region(doc) == []
    assert _best(places.country(doc)) == "Canada"


def test_budget_reads_words_and_skips_unrelated_numbers() -> None:
    doc = Doc.from_text("It is about two thousand square feet and fifteen years old. "
                        "What budget are you working with? We could spend around twenty five "
                        "thousand dollars.")
    assert _best(money.budget(doc)) == {"amount": 25000, "currency": "USD"}


def test_agent_price_question_is_weaker_than_the_customer_budget() -> None:
    doc = Doc.from_text("Our fee is three hundred dollars, what budget do you have? "
                        "I can spend about $2,000 in total.")
    assert _best(money.budget(doc)) == {"amount": 2000, "currency": "USD"}


def test_unreadable_amount_is_a_hint_not_a_value() -> None:
    doc = Doc.from_text("Do you have a budget in mind? Around aching thousand dollars.")
    found = money.budget(doc)
    assert [c.value for c in found] == [None]


def test_timeline_answer_beats_the_agent_promise() -> None:
    doc = Doc.from_text("When would you want to switch? At the start of the year, in January. "
                        "I will book a demo for next week.")
    found = timeline.timeline(doc)
    assert _best(found) == "January"
    assert all(c.strength < 0.5 for c in found if c.value == "next week")


def test_products_after_wishes_split_on_and() -> None:
    doc = Doc.from_text("We want to replace our shingles with a metal roof, and we need new "
                        "gutters too. I am looking for a used sailboat and a mooring.")
    values = {c.value for c in products.products(doc) if c.strength >= 0.5}
    assert {"metal roof", "gutters", "used sailboat", "mooring"} <= values


def test_products_answer_to_a_quote_question() -> None:
    doc = Doc.from_text("So what would you like us to quote? A full kitchen remodel, and new "
                        "hardwood flooring in the living room.")
    values = {c.value for c in products.products(doc)}
    assert {"full kitchen remodel", "hardwood flooring"} <= values


def test_agent_suggestion_is_weak() -> None:
    doc = Doc.from_text("You asked for a quote on our website. Are you looking for a new roof?")
    assert all(c.strength < 0.5 for c in products.products(doc))


def test_next_step_is_the_last_promise() -> None:
    doc = Doc.from_text("I will call you. Great, I will send the listings today.")
    assert _best(notes.next_steps(doc)) == "I will send the listings today"


def test_unknown_town_after_i_live_in() -> None:
    doc = Doc.from_text("I live in Springfield, near the river. It is in May.")
    assert _best(places.city(doc)) == "Springfield"


def test_relative_times_and_no_rush() -> None:
    assert _best(timeline.timeline(Doc.from_text("When? Within a month, ideally."))) \
        == "Within a month"
    found = timeline.timeline(Doc.from_text("When do you need it? No rush at all."))
    assert [(c.value, c.strength) for c in found] == [(None, 0.0)]


def test_bare_name_answer_and_name_in_the_agent_s_question() -> None:
    bare = Doc.from_text("Lakeside Appliances, Maria here, how may I help you? I need a fridge. "
                         "And who am I talking to? Brian Foster.")
    assert _best(names.customer_name(bare)) == "Brian Foster"
    outbound = Doc.from_text("Hello, this is Priya from Northern Solar, am I speaking with "
                             "Daniel Roy? Speaking.")
    assert names.agent_names(outbound) == {"priya"}
    assert _best(names.customer_name(outbound)) == "Daniel Roy"


def test_a_price_is_not_a_year() -> None:
    doc = Doc.from_text("When? Under $2,000 please. We hope to buy in 2027.")
    assert [c.value for c in timeline.timeline(doc) if c.value] == ["2027"]


def test_maybe_a_second_item() -> None:
    doc = Doc.from_text("I am looking to buy a new refrigerator and maybe a dishwasher.")
    assert {c.value for c in products.products(doc)} >= {"refrigerator", "dishwasher"}


def test_a_region_named_as_the_city_of_another_region_is_doubtful() -> None:
    doc = Doc.from_text("We are in Iowa, Ontario.")
    assert all(c.strength < 0.5 for c in places.city(doc))
    assert _best(places.region(doc)) == "Ontario"
