"""Proper scores of ladder forecasts against what happened, as array functions.

A ladder forecast for one month is the exceedance vector ``P(S >= k)`` for the rungs ``k``
above the start (shape ``(..., rungs)``), and the truth the state reached ``s`` (0 is the
start). Lower Brier and RPS are better; higher log and baseline scores are better.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def brier(p: ArrayLike, outcome: ArrayLike) -> Array:
    """``(p - o)^2`` per binary forecast ``p`` of an outcome ``o`` in {0, 1}."""
    diff = np.asarray(p, dtype=np.float64) - np.asarray(outcome, dtype=np.float64)
    return np.asarray(diff * diff)


def state_probabilities(exceed: ArrayLike) -> Array:
    """``P(S = s)`` for the states ``0..rungs`` from the exceedance vector ``(..., rungs)``."""
    e = np.asarray(exceed, dtype=np.float64)
    ones = np.ones((*e.shape[:-1], 1))
    zeros = np.zeros((*e.shape[:-1], 1))
    cumulative = np.concatenate([ones, e, zeros], axis=-1)
    out: Array = np.clip(cumulative[..., :-1] - cumulative[..., 1:], 0.0, 1.0)
    return out


def exceedance_truth(state: int, rungs: int) -> Array:
    """``1[s >= k]`` for the rungs ``k = 1..rungs``."""
    return (np.arange(1, rungs + 1) <= state).astype(np.float64)


def rps(exceed: ArrayLike, state: int) -> float:
    """The ranked probability score ``sum_k (P(S >= k) - 1[s >= k])^2`` over the rungs."""
    e = np.asarray(exceed, dtype=np.float64)
    return float(brier(e, exceedance_truth(state, e.shape[-1])).sum())


def rps_normalised(exceed: ArrayLike, state: int) -> float:
    """:func:`rps` divided by the number of rungs above the start (0 best, 1 worst)."""
    e = np.asarray(exceed, dtype=np.float64)
    return rps(e, state) / int(e.shape[-1])


def multi_brier(probabilities: ArrayLike, state: int) -> float:
    """The multi-category Brier score ``sum_j (p_j - 1[j = s])^2`` over the states."""
    p = np.asarray(probabilities, dtype=np.float64)
    truth = (np.arange(p.shape[-1]) == state).astype(np.float64)
    return float(brier(p, truth).sum())


def log_score(exceed: ArrayLike, state: int) -> float:
    """``ln P(S = s)``; minus infinity when the forecast gave the truth no chance."""
    p = float(state_probabilities(exceed)[state])
    return float(np.log(p)) if p > 0 else -np.inf


def baseline_score(exceed: ArrayLike, state: int) -> float:
    """``100 ln(K p) / ln K`` with ``K`` states and ``p = P(S = s)``: 100 for certainty on the
    truth, 0 for the uniform forecast, negative below it (minus infinity for p = 0)."""
    states = np.asarray(exceed).shape[-1] + 1
    p = float(state_probabilities(exceed)[state])
    if p <= 0:
        return -np.inf
    return float(100 * np.log(states * p) / np.log(states))
