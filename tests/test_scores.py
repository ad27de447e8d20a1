"""Proper scores as array functions, against the closed forms of issue 15."""

from __future__ import annotations

import math

import numpy as np
import pytest

from belwar.core import scores


def test_the_ordinal_example() -> None:
    """Four ordered states forecast 0.15, 0.45, 0.25, 0.15; the truth is the third."""
    states = np.array([0.15, 0.45, 0.25, 0.15])
    exceed = 1 - np.cumsum(states)[:-1]  # P(S >= 1), P(S >= 2), P(S >= 3)
    np.testing.assert_allclose(scores.state_probabilities(exceed), states, atol=1e-15)
    assert scores.rps(exceed, 2) == pytest.approx(0.405, abs=1e-12)
    assert scores.rps_normalised(exceed, 2) == pytest.approx(0.135, abs=1e-12)
    assert scores.multi_brier(states, 2) == pytest.approx(0.81, abs=1e-12)


def test_a_point_hazard_not_reached_in_twelve_months() -> None:
    stay = 0.98**12
    exceed = [1 - stay]
    assert scores.brier(1 - stay, 0) == pytest.approx(0.046347, abs=5e-7)
    assert scores.log_score(exceed, 0) == pytest.approx(12 * math.log(0.98), abs=1e-12)
    assert scores.baseline_score(exceed, 0) == pytest.approx(65.02, abs=0.005)


def test_baseline_score_anchors() -> None:
    assert scores.baseline_score([1.0, 1.0], 2) == pytest.approx(100.0)
    assert scores.baseline_score([2 / 3, 1 / 3], 1) == pytest.approx(0.0, abs=1e-12)
    assert scores.baseline_score([0.0, 0.0], 1) == -math.inf
    assert scores.log_score([0.0], 1) == -math.inf


def test_rps_of_a_perfect_forecast_is_zero_and_of_the_worst_is_one() -> None:
    assert scores.rps([1.0, 1.0, 0.0], 2) == 0.0
    assert scores.rps_normalised([1.0, 1.0, 1.0], 0) == 1.0
