"""The tornado of a run conditioned on a history: each input's swing between the bottom and
the top tenth of its posterior, the target averaged under the weights within each tenth, with
the delta-method error of the two self-normalised means, and the weighted rank correlation.

Arrays: ``x`` and ``y`` are ``(n,)`` per-sample values, ``w`` their weights (any scale).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from belwar.core.model import Model
from belwar.results.run import Result
from belwar.results.sensitivity import Influence

Array = NDArray[np.float64]
TENTH = 0.1


def weighted_influences(model: Model, result: Result, target: str, month: int) -> list[Influence]:
    """Each uncertain input's weighted swing and rank correlation, in the model's order."""
    assert result.samples is not None
    assert result.samples.log_weights is not None
    logs = result.samples.log_weights
    w = np.exp(logs - np.max(logs))
    y = result.samples.exceed[result.rungs.index(target), result.months.index(month)]
    y_ranks = _ranks(y, w)
    influences = []
    for row, item in enumerate(model.inputs()):
        x = result.samples.inputs[row]
        if not np.ptp(x) > 0:
            continue  # a fixed input cannot move anything
        low_cut, high_cut = _quantiles(x, w, (TENTH, 1 - TENTH))
        low, low_var = _mean(y, w, x <= low_cut)
        high, high_var = _mean(y, w, x >= high_cut)
        rho = _correlation(_ranks(x, w), y_ranks, w) if np.ptp(y) > 0 else 0.0
        influences.append(
            Influence(
                key=item.key,
                kind=item.kind,
                name=item.name,
                label=item.label,
                low=low,
                high=high,
                swing=high - low,
                swing_mcse=float(np.sqrt(low_var + high_var)),
                rank_correlation=rho,
            )
        )
    return influences


def _quantiles(x: Array, w: Array, qs: tuple[float, ...]) -> list[float]:
    """Weighted quantiles: the smallest ``x`` whose cumulative weight reaches ``q``."""
    order = np.argsort(x, kind="stable")
    cumulative = np.cumsum(w[order])
    cumulative /= cumulative[-1]
    ranked = x[order]
    at = [min(int(np.searchsorted(cumulative, q)), len(x) - 1) for q in qs]
    return [float(ranked[i]) for i in at]


def _mean(y: Array, w: Array, keep: NDArray[np.bool_]) -> tuple[float, float]:
    """The self-normalised mean of ``y`` over ``keep`` and its delta-method variance."""
    wk, yk = w[keep], y[keep]
    total = float(np.sum(wk))
    if not total > 0:
        return float("nan"), 0.0
    mean = float(np.sum(wk * yk) / total)
    return mean, float(np.sum((wk * (yk - mean)) ** 2) / total**2)


def _ranks(x: Array, w: Array) -> Array:
    """Each sample's weighted mid-rank: the weight below it plus half its own, in [0, 1]."""
    order = np.argsort(x, kind="stable")
    share = w[order] / np.sum(w)
    ranks = np.empty_like(share)
    ranks[order] = np.cumsum(share) - share / 2
    return ranks


def _correlation(a: Array, b: Array, w: Array) -> float:
    """The weighted Pearson correlation of ``a`` and ``b``."""
    share = w / np.sum(w)
    da, db = a - np.sum(share * a), b - np.sum(share * b)
    denominator = np.sqrt(np.sum(share * da * da) * np.sum(share * db * db))
    return float(np.sum(share * da * db) / denominator) if denominator > 0 else 0.0
