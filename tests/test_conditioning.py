"""The pieces of conditioning on a history, against what the ladder's semantics say."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from belwar.core.conditioning import (
    binomial_log_likelihood,
    consistent,
    event_log_likelihood,
    ladder_masks,
    normal_log_likelihood,
)


def test_a_rung_reached_in_month_six_and_a_higher_one_not_reached() -> None:
    masks = ladder_masks({1: 6, 3: None}, 36, 4)
    assert masks[:5].tolist() == [[True, False, False, False]] * 5  # below rung 1 before month 6
    assert masks[5:].tolist() == [[False, True, True, False]] * 31  # at least 1, never 3


def test_unobserved_rungs_allow_everything() -> None:
    assert ladder_masks({}, 12, 4).all()


def test_a_higher_rung_first_is_consistent_unless_the_lower_comes_later() -> None:
    assert consistent({2: 4}, 12, 4)  # rung 1 skipped: the state jumps to 2
    assert consistent({1: 4, 2: 4}, 12, 4)
    assert not consistent({2: 4, 1: 8}, 12, 4)
    assert not consistent({2: 4, 1: None}, 12, 4)


def test_out_of_bounds_observations_are_refused() -> None:
    with pytest.raises(ValueError, match="not a state"):
        ladder_masks({4: 1}, 12, 4)
    with pytest.raises(ValueError, match="outside the observed months"):
        ladder_masks({1: 13}, 12, 4)


def test_event_likelihood_is_bernoulli_month_by_month() -> None:
    q = np.array([0.0, 0.1, 0.5, 1.0])
    quiet = event_log_likelihood(q, 0, 36)
    np.testing.assert_allclose(quiet[:3], 36 * np.log1p(-q[:3]))
    assert quiet[3] == -math.inf
    some = event_log_likelihood(q, 2, 36)
    assert some[0] == -math.inf
    assert some[1] == pytest.approx(2 * math.log(0.1) + 34 * math.log(0.9))


def test_measurement_likelihoods_match_scipy() -> None:
    x = np.array([0.2, 0.5, 0.9])
    np.testing.assert_allclose(
        normal_log_likelihood(x, 0.85, 0.08), stats.norm.logpdf(0.85, x, 0.08), rtol=1e-12
    )
    np.testing.assert_allclose(
        binomial_log_likelihood(x, 11, 100), stats.binom.logpmf(11, 100, x), rtol=1e-12
    )
    assert binomial_log_likelihood(np.array([0.0]), 0, 10)[0] == 0.0
