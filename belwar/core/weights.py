"""Weighted reductions that merge exactly: what a block of importance-weighted samples
contributes, and the estimates drawn from all blocks together.

A sample's weight is ``w = exp(l)`` for its log-likelihood ``l`` of an observed history. Each
block keeps its largest log weight ``m`` and sums of weights scaled by ``exp(-m)``, so no sum
overflows or underflows; blocks merge by rescaling to the largest ``m`` of all of them and
summing each element exactly rounded (``math.fsum``), so the order of blocks, workers and
clusters cannot change a bit. With every log weight 0 each estimate is the unweighted one.

Shapes: per-sample values ``p`` are ``(..., n)``, samples on the last axis; weights ``(n,)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from belwar.core.reductions import fsum_arrays

Array = NDArray[np.float64]


@dataclass(frozen=True)
class WeightedSums:
    """Sums over samples of ``w``, ``w^2``, ``w p``, ``w^2 p`` and ``w^2 p^2``, each weight
    scaled by ``exp(-shift)``."""

    n: int
    shift: float
    w: float
    w2: float
    wp: Array
    w2p: Array
    w2p2: Array

    @classmethod
    def of(cls, log_weights: Array, values: Array) -> WeightedSums:
        """The sums of one block: ``log_weights`` ``(n,)``, ``values`` ``(..., n)``."""
        shift = float(np.max(log_weights)) if log_weights.size else 0.0
        if not math.isfinite(shift):  # every sample contradicts the history
            shift = 0.0
        w = np.exp(log_weights - shift)
        w2 = w * w
        return cls(
            n=int(log_weights.size),
            shift=shift,
            w=math.fsum(w),
            w2=math.fsum(w2),
            # einsum's own loops: a BLAS matmul's bits may depend on the library and threads
            wp=np.einsum("...n,n->...", values, w),
            w2p=np.einsum("...n,n->...", values, w2),
            w2p2=np.einsum("...n,n->...", values * values, w2),
        )


@dataclass(frozen=True)
class Estimates:
    """What the weighted samples say: the self-normalised means of the values with their
    delta-method standard errors, the effective sample size and the log evidence
    ``log mean(w)`` with its standard error (on the log scale)."""

    n: int
    mean: Array
    mcse: Array
    ess: float
    log_evidence: float
    log_evidence_mcse: float


def merge(parts: Sequence[WeightedSums]) -> Estimates:
    """The estimates of every block together; exact whatever their order."""
    n = sum(p.n for p in parts)
    shift = max(p.shift for p in parts)
    scale = [math.exp(p.shift - shift) for p in parts]
    w = math.fsum(p.w * s for p, s in zip(parts, scale, strict=True))
    w2 = math.fsum(p.w2 * s * s for p, s in zip(parts, scale, strict=True))
    wp = fsum_arrays([p.wp * s for p, s in zip(parts, scale, strict=True)])
    w2p = fsum_arrays([p.w2p * s * s for p, s in zip(parts, scale, strict=True)])
    w2p2 = fsum_arrays([p.w2p2 * s * s for p, s in zip(parts, scale, strict=True)])
    if w <= 0:
        nan = np.full_like(wp, math.nan)
        return Estimates(n, nan, nan, 0.0, -math.inf, math.nan)
    mean = wp / w
    # sum of w^2 (p - mean)^2, expanded: the expansion cancels, so what is left within its
    # rounding error (a few ulps of w^2 p^2, or below zero) is no spread at all (a p held at
    # 1 by every sample has MCSE 0, not 1e-11)
    spread = w2p2 - 2 * mean * w2p + mean * mean * w2
    spread[spread <= 16 * np.finfo(float).eps * np.abs(w2p2)] = 0.0
    mcse = np.sqrt(spread) / w
    mean_w = w / n
    var_w = max(w2 / n - mean_w * mean_w, 0.0)
    return Estimates(
        n=n,
        mean=mean,
        mcse=mcse,
        ess=w * w / w2,
        log_evidence=shift + math.log(mean_w),
        log_evidence_mcse=math.sqrt(var_w / n) / mean_w,
    )
