"""Calibration: the fit recovers how often a kind of signal is right; reliability measures it."""

from __future__ import annotations

import random

import pytest

from callinsights.calibration import Calibrator, Signals, fit, reliability, shipped


def _sample(rng: random.Random) -> tuple[Signals, bool]:
    """Grounded values are right 90% of the time, ungrounded ones 20%; nulls 70%."""
    kind = rng.random()
    if kind < 0.5:
        return Signals("city", False, 0.95, grounded=True, in_line=True), rng.random() < 0.9
    if kind < 0.75:
        return Signals("city", False, 0.95), rng.random() < 0.2
    return Signals("city", True, 0.8), rng.random() < 0.7


def test_fit_recovers_the_rate_at_which_each_signal_is_right() -> None:
    rng = random.Random(7)
    calibrator = fit([_sample(rng) for _ in range(4000)], l2=0.1)
    grounded = calibrator.probability(Signals("city", False, 0.95, grounded=True, in_line=True))
    ungrounded = calibrator.probability(Signals("city", False, 0.95))
    null = calibrator.probability(Signals("city", True, 0.8))
    assert grounded == pytest.approx(0.9, abs=0.03)
    assert ungrounded == pytest.approx(0.2, abs=0.04)
    assert null == pytest.approx(0.7, abs=0.04)


def test_a_fitted_calibration_round_trips_through_json() -> None:
    calibrator = Calibrator({"bias": 0.5, "grounded": 1.0}, use_agreement=False)
    again = Calibrator.from_json(calibrator.to_json(fitted_on=["x"]))
    assert again == calibrator
    assert 0 < shipped().probability(Signals("budget", True, None)) < 1


def test_reliability_table_and_expected_calibration_error() -> None:
    pairs = [(0.95, True)] * 9 + [(0.95, False)] + [(0.15, False)] * 8 + [(0.15, True)] * 2
    error, table = reliability(pairs)
    assert [row["bin"] for row in table] == ["0.1-0.2", "0.9-1.0"]
    assert table[1] == {"bin": "0.9-1.0", "n": 10, "confidence": 0.95, "accuracy": 0.9}
    assert error == pytest.approx(0.05)
