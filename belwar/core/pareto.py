"""The Pareto shape ``k`` of the largest importance weights (Vehtari, Simpson, Gelman, Yao and
Gabry, "Pareto smoothed importance sampling", 2024): the diagnostic of whether weighted Monte
Carlo estimates can be trusted. Below 0.5 the weights' variance is finite and estimates
converge quickly; up to 0.7 they are usable; above 0.7 the history is too surprising for the
assumptions and the numbers are not reliable.

The shape is fitted to the exceedances of the largest ``tail_size(n)`` weights over the next
one, by Zhang and Stephens' (2009) empirical-Bayes estimate with the weak prior the paper uses
(10 pseudo-observations at 0.5). Only the largest ``tail_size(n) + 1`` weights are needed, so
blocks keep just those and the diagnostic merges exactly.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

WARN_ABOVE = 0.7
_PRIOR_COUNT = 10
_PRIOR_K = 0.5
_PRIOR_B = 3


def tail_size(n: int) -> int:
    """How many of ``n`` weights the fit uses: ``ceil(min(0.2 n, 3 sqrt(n)))``."""
    return math.ceil(min(0.2 * n, 3 * math.sqrt(n)))


def pareto_k(log_weights: ArrayLike, n: int | None = None) -> float:
    """The shape of the tail of weights whose logs are ``log_weights``.

    ``log_weights`` may be just the largest ``tail_size(n) + 1`` of ``n`` (as blocks keep
    them); ``n`` defaults to their count. NaN when there are too few weights to fit (fewer than
    five in the tail) or when the tail is flat (every weight equal: then no tail at all, and
    the caller may read it as 0)."""
    logs = np.sort(np.asarray(log_weights, dtype=np.float64))
    total = len(logs) if n is None else n
    m = tail_size(total)
    if m < 5 or len(logs) < m + 1:
        return math.nan
    logs = logs[-(m + 1) :] - logs[-1]
    weights = np.exp(logs)
    exceed = weights[1:] - weights[0]
    if not exceed[int(m / 4 + 0.5) - 1] > 0:
        # a flat tail, or one whose lower quarter ties with its threshold (weights that take a
        # few values, as a point-valued event or indicator given): no tail shape to fit
        return math.nan
    return _gpd_shape(exceed)


def _gpd_shape(x: Array) -> float:
    """Zhang and Stephens' estimate of a generalised Pareto shape from sorted exceedances."""
    n = len(x)
    grid = 30 + int(math.sqrt(n))
    b = 1 - np.sqrt(grid / (np.arange(1, grid + 1) - 0.5))
    b /= _PRIOR_B * x[int(n / 4 + 0.5) - 1]
    b += 1 / x[-1]
    k = np.log1p(-b[:, None] * x).mean(axis=1)
    profile = n * (np.log(-b / k) - k - 1)
    with np.errstate(over="ignore"):  # a far-off grid point's weight is 1 / inf = 0
        weight = 1 / np.exp(profile - profile[:, None]).sum(axis=1)
    keep = weight >= 10 * np.finfo(float).eps
    weight, b = weight[keep], b[keep]
    weight /= weight.sum()
    b_post = float(np.sum(b * weight))
    k_post = float(np.log1p(-b_post * x).mean())
    return (n * k_post + _PRIOR_COUNT * _PRIOR_K) / (n + _PRIOR_COUNT)
