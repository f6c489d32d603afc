"""The search keys a record carries and the list filter's parameters (callinsights.search)."""

from __future__ import annotations

import pytest

from callinsights.search import RecordSearch, fold, product_terms, search_keys


@pytest.mark.parametrize("text,folded", [("  O'Neil,  Dana ", "o neil dana"),
                                         ("SÃO PAULO", "são paulo"), ("—", None), (None, None),
                                         (12, None)])
def test_fold(text, folded):
    assert fold(text) == folded


def test_products_are_kept_whole_and_by_word_once():
    assert product_terms(["Solar panels", "a heat pump", "solar panels", ""]) == [
        "solar panels", "solar", "panels", "a heat pump", "heat", "pump"]
    assert product_terms(None) == []


def test_keys_from_final_fields_and_flags():
    fields = {"customer_name": {"value": "Dana Whitfield"}, "city": {"value": "Plano"},
              "products_of_interest": {"value": ["Heat pump"]}, "budget": {"value": 5000}}
    assert search_keys(fields, ["budget"]) == {
        "customer": "dana whitfield", "city": "plano", "products": ["heat pump", "heat", "pump"],
        "flagged": True}
    assert search_keys(None, None) == {"customer": None, "city": None, "products": [],
                                       "flagged": False}


@pytest.mark.parametrize("params,message", [
    ({"flagged": "maybe"}, "flagged"), ({"city": "x" * 101}, "city"),
    ({"customer": " ?! "}, "customer"), ({"product": "--"}, "product")])
def test_bad_parameters_say_which(params, message):
    with pytest.raises(ValueError, match=message):
        RecordSearch.from_params(params)


def test_parameters_fold_like_the_keys():
    search = RecordSearch.from_params({"customer": " DANA ", "city": "Plano", "flagged": "1"})
    assert search == RecordSearch(customer="dana", city="plano", flagged=True)
    assert RecordSearch.from_params({"customer": "", "flagged": "false"}).empty


def test_matching_a_live_call_is_the_stores_test():
    keys = search_keys({"customer_name": {"value": "Dana Whitfield"}}, ["customer_name"])
    assert RecordSearch(customer="whit").matches(keys)
    assert RecordSearch(flagged=True).matches(keys)
    assert not RecordSearch(city="plano").matches(keys)
    assert not RecordSearch(product="solar").matches(search_keys(None, None))
    assert RecordSearch().matches(None)
