"""The Pareto shape diagnostic of importance weights, on weights of known tail shape."""

from __future__ import annotations

import math

import numpy as np
import pytest

from belwar.core.pareto import pareto_k, tail_size

N = 20_000


@pytest.mark.parametrize("shape", [0.2, 0.5, 0.9])
def test_recovers_the_shape_of_pareto_weights(shape: float) -> None:
    """Weights u^-k have a generalised Pareto tail of shape k; the estimate's standard error
    at 425 tail weights is about (1 + k) / sqrt(425) < 0.1, so 0.2 is over two errors."""
    u = np.random.default_rng(1).random(N)
    assert pareto_k(-shape * np.log(u)) == pytest.approx(shape, abs=0.2)


def test_light_tails_give_a_small_shape() -> None:
    logs = np.random.default_rng(2).normal(size=N) * 0.1
    assert pareto_k(logs) < 0.3


def test_only_the_largest_weights_are_needed() -> None:
    logs = -0.5 * np.log(np.random.default_rng(3).random(N))
    top = np.sort(logs)[-(tail_size(N) + 1) :]
    assert pareto_k(top, N) == pareto_k(logs)


def test_too_few_or_flat_weights_give_nan() -> None:
    assert math.isnan(pareto_k(np.zeros(4)))
    assert math.isnan(pareto_k(np.zeros(1000)))
