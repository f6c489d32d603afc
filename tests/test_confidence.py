"""The confidence formula: pure functions, no model."""

from __future__ import annotations

import pytest

from callinsights import confidence as conf


def test_words_normalise_punctuation_money_and_case() -> None:
    assert conf.words("Hi Tyler, it's $60,000!") == ["hi", "tyler", "its", "60000"]


@pytest.mark.parametrize(("text", "value"), [
    ("around eighteen thousand dollars", 18000),
    ("up to $60,000 for the boat", 60000),
    ("a hundred and fifty thousand", 150000),
    ("sixty five grand", 65000),
    ("2.5 million", 2_500_000),
    ("one hundred twenty five thousand", 125000),
])
def test_spoken_numbers_read_words_and_digits(text: str, value: float) -> None:
    assert [n for n, _, _ in conf.spoken_numbers(text)] == [value]


def test_spoken_numbers_keep_separate_numbers_apart() -> None:
    found = conf.spoken_numbers("thirty feet and 3,000 dollars")
    assert [(n, s, e) for n, s, e in found] == [(30, 0, 1), (3000, 3, 4)]


def test_locate_finds_a_fuzzy_quote() -> None:
    doc = conf.words("Hi Tyler, this is Angela Brooks. Hi Angela, where is the home?")
    match = conf.locate(conf.words("this is Angela Brookes"), doc)
    assert match is not None and match.ratio > 0.9
    assert doc[match.start:match.end] == ["this", "is", "angela", "brooks"]


def test_locate_scores_an_invented_quote_low() -> None:
    doc = conf.words("Hi Tyler, this is Angela Brooks. Hi Angela, where is the home?")
    match = conf.locate(conf.words("we live in Boston"), doc)
    assert match is None or match.ratio < conf.GROUNDED_MIN


def test_support_counts_the_value_words_near_the_quote() -> None:
    assert conf.support(["nashville"], ["we", "are", "in", "nashville"]) == 1.0
    assert conf.support(["boston"], ["we", "are", "in", "nashville"]) == 0.0


def test_grounded_sure_value_is_confident() -> None:
    score = conf.value_confidence(conf.Signals(0.95, 1.0, 1.0, 0.98))
    assert score > 0.9


def test_ungrounded_value_is_never_confident_however_sure_the_model() -> None:
    assert conf.value_confidence(conf.Signals(1.0, 0.5, 1.0, 1.0)) <= conf.UNGROUNDED_CAP
    assert conf.value_confidence(conf.Signals(1.0, 1.0, 0.2, 1.0)) <= conf.UNGROUNDED_CAP
    assert conf.value_confidence(conf.Signals(1.0, 0.0, 0.0, None)) <= conf.UNGROUNDED_CAP


def test_misheard_words_lower_confidence() -> None:
    clear = conf.value_confidence(conf.Signals(0.95, 1.0, 1.0, 0.99))
    misheard = conf.value_confidence(conf.Signals(0.95, 1.0, 1.0, 0.3))
    assert misheard < 0.75 < clear


def test_without_logprobs_nothing_passes_the_default_threshold() -> None:
    assert conf.value_confidence(conf.Signals(None, 1.0, 1.0, 1.0)) < 0.75
    assert conf.null_confidence(None) < 0.75


def test_null_confidence_is_the_probability_of_null() -> None:
    assert conf.null_confidence(0.9) == 0.9


def test_list_is_as_confident_as_its_weakest_item() -> None:
    assert conf.list_confidence([0.9, 0.4], None) == 0.4
    assert conf.list_confidence([], 0.8) == 0.8


def test_synthesis_confidence_is_per_token_mean() -> None:
    assert conf.synthesis_confidence([-0.1, -0.1]) == pytest.approx(0.9048, abs=1e-3)
