"""Pooling members' forecasts, as array functions: the members on the first axis ``(members,
...)``, their weights ``(members,)`` positive and summing to 1.

Where every member agrees exactly on a value, the pool is that value, bit for bit (a weighted
mean of equal numbers is that number only up to rounding): a pool of one member, or of
identical members, is the member.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from belwar.core.reductions import LOGIT_LIMIT, percentiles

Array = NDArray[np.float64]

# log odds are taken of probabilities clipped to the histogram's range (about 2e-9 from 0 and 1)
_EDGE = 1.0 / (1.0 + math.exp(LOGIT_LIMIT))


def agreed(values: Array, pooled: Array) -> Array:
    """``pooled``, except where every member's value is the same: there that value."""
    same = np.all(values == values[:1], axis=0)
    return np.where(same, values[0], pooled)


def linear(values: Array, weights: Array) -> Array:
    """The weighted mean of the members' values, each element an exactly rounded sum
    (``math.fsum``) of the weighted values."""
    weighted = values * weights.reshape((-1,) + (1,) * (values.ndim - 1))
    flat = weighted.reshape(len(weights), -1)
    sums = np.array([math.fsum(flat[:, i]) for i in range(flat.shape[1])])
    return agreed(values, sums.reshape(values.shape[1:]))


def log_odds(values: Array, weights: Array, extremize: float = 1.0) -> Array:
    """``logistic(extremize * sum_i w_i logit p_i)`` of the members' probabilities (clipped
    about 2e-9 from 0 and 1 first, so a member's 0 or 1 stays finite). Monotone in every
    member's probability."""
    p = np.clip(values, _EDGE, 1.0 - _EDGE)
    logits = np.log(p) - np.log1p(-p)
    pooled = extremize * linear(logits, weights)
    out = 1.0 / (1.0 + np.exp(-pooled))
    return agreed(values, out) if extremize == 1.0 else out


def log_odds_mcse(values: Array, errors: Array, weights: Array, extremize: float) -> Array:
    """The Monte Carlo error of :func:`log_odds` by the delta method, its members' errors
    added in absolute value (an upper bound: the members' errors are positively correlated
    under common random numbers, at most perfectly)."""
    p = np.clip(values, _EDGE, 1.0 - _EDGE)
    pooled = log_odds(values, weights, extremize)
    w = weights.reshape((-1,) + (1,) * (values.ndim - 1))
    slope = pooled * (1.0 - pooled) * extremize * w / (p * (1.0 - p))
    return agreed(errors, np.sum(np.abs(slope) * errors, axis=0))


def mixture_percentiles(
    histograms: Array, weights: Array, member_percentiles: Array, quantiles: tuple[float, ...]
) -> Array:
    """Percentiles of the weighted mixture of the members' distributions, read from their
    histograms ``(members, ..., slots)`` each normalised to sum to 1 per cell; shape ``(...,
    len(quantiles))``. Where every member has the same percentile, the mixture has it too."""
    totals = histograms.sum(axis=-1, keepdims=True)
    shares = histograms / np.where(totals > 0, totals, 1.0)
    w = weights.reshape((-1,) + (1,) * (histograms.ndim - 1))
    mixed = np.sum(shares * w, axis=0)
    return agreed(member_percentiles, percentiles(mixed, quantiles))


def monotone(exceed: Array) -> Array:
    """``exceed`` ``(rungs, months)`` made non-increasing up the rungs and non-decreasing over
    the months, as every member's table is: a pool of monotone tables is monotone but for the
    rounding of its sums, which this removes (a change of a few units in the last place)."""
    out = np.maximum.accumulate(exceed, axis=1)
    return np.minimum.accumulate(out, axis=0)


def disagreement(values: Array, weights: Array) -> tuple[Array, Array, Array]:
    """The lowest and highest member value and the weighted standard deviation of the
    members' values about their weighted mean, per element."""
    mean = linear(values, weights)
    w = weights.reshape((-1,) + (1,) * (values.ndim - 1))
    sd = np.sqrt(np.sum(w * (values - mean) ** 2, axis=0))
    return values.min(axis=0), values.max(axis=0), sd


def posterior_weights(prior: Array, log_evidence: Array) -> Array:
    """Member weights after a history: proportional to prior weight times evidence
    ``exp(log_evidence)``, normalised (computed on the log scale, so no evidence underflows)."""
    logs = np.log(prior) + log_evidence
    scaled = np.exp(logs - logs.max())
    return np.asarray(scaled / scaled.sum(), dtype=np.float64)
