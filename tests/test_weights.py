"""Weighted reductions: exact merging, and the estimates against direct computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from belwar.core.weights import WeightedSums, merge

RNG = np.random.default_rng(5)
N = 4000
LOGS = RNG.normal(size=N) * 2.0 - 700.0  # far below exp's range: the shift must carry it
VALUES = RNG.random((3, 2, N))


def _blocks(order: list[int]) -> list[WeightedSums]:
    cuts = np.array_split(np.arange(N), 5)
    return [WeightedSums.of(LOGS[cuts[i]], VALUES[..., cuts[i]]) for i in order]


def test_merging_is_exact_in_any_order() -> None:
    a, b = merge(_blocks([0, 1, 2, 3, 4])), merge(_blocks([3, 1, 4, 0, 2]))
    assert np.array_equal(a.mean, b.mean)
    assert np.array_equal(a.mcse, b.mcse)
    assert (a.ess, a.log_evidence, a.log_evidence_mcse) == (
        b.ess,
        b.log_evidence,
        b.log_evidence_mcse,
    )


def test_estimates_match_direct_formulas() -> None:
    got = merge(_blocks([0, 1, 2, 3, 4]))
    w = np.exp(LOGS - LOGS.max())
    mean = VALUES @ w / w.sum()
    np.testing.assert_allclose(got.mean, mean, rtol=1e-12)
    resid = VALUES - mean[..., None]
    np.testing.assert_allclose(got.mcse, np.sqrt((resid**2) @ (w * w)) / w.sum(), rtol=1e-9)
    assert got.ess == pytest.approx(w.sum() ** 2 / (w * w).sum(), rel=1e-12)
    log_mean = LOGS.max() + math.log(w.mean())
    assert got.log_evidence == pytest.approx(log_mean, rel=1e-14)
    assert got.log_evidence_mcse == pytest.approx(w.std() / math.sqrt(N) / w.mean(), rel=1e-9)


def test_equal_weights_give_the_unweighted_estimates() -> None:
    got = merge([WeightedSums.of(np.zeros(N), VALUES)])
    np.testing.assert_allclose(got.mean, VALUES.mean(axis=-1), rtol=1e-12)
    sd = VALUES.std(axis=-1)  # the delta method's sd divides by n, not n - 1
    np.testing.assert_allclose(got.mcse, sd / math.sqrt(N), rtol=1e-9)
    assert got.ess == pytest.approx(N)
    assert got.log_evidence == 0.0
    assert got.log_evidence_mcse == 0.0


def test_a_history_no_sample_allows_has_no_estimate() -> None:
    got = merge([WeightedSums.of(np.full(10, -math.inf), VALUES[..., :10])])
    assert got.log_evidence == -math.inf
    assert got.ess == 0.0
    assert np.isnan(got.mean).all()
