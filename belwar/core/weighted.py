"""What a block of samples conditioned on a history contributes, and all blocks together:
weighted sums (:class:`~belwar.core.weights.WeightedSums`) of every per-sample figure, weighted
histograms for percentiles, and the largest log weights for the Pareto ``k``.

Exact whatever the workers: the sums merge by ``math.fsum`` after rescaling to the largest
block shift, and the histograms are kept per block and added in block order (a block's
histogram of its rungs and report months is ``rungs x months x HIST_SLOTS`` floats, about a
megabyte for the baseline, which :func:`held_bytes` counts so that a run's memory can be
capped).

Shapes: ``exceed`` ``(rungs, months, n)``, ``highest`` ``(states, n)``, inputs ``(inputs, n)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from belwar.core import pareto
from belwar.core.reductions import HIST_SLOTS, fsum_arrays, weighted_histogram
from belwar.core.weights import Estimates, WeightedSums, merge

Array = NDArray[np.float64]

# Posterior percentiles of an input are read from a weighted histogram of the prior quantiles
# (the uniforms) it was drawn from, in this many bins: within 1/UBINS of the exact quantile.
UBINS = 4096


@dataclass(frozen=True, eq=False)
class WeightedBlock:
    """One block's weighted statistics: ``sums`` of exceed, highest and inputs stacked in that
    order on one axis, the exceed histogram and the inputs' quantile histogram (weights scaled
    by ``exp(-sums.shift)``), and the block's largest log weights."""

    sums: WeightedSums
    histogram: Array
    quantiles: Array
    top: Array


def reduce_block(  # noqa: PLR0917 - the arrays of one evaluation, in its order
    exceed: Array, highest: Array, values: Array, uniforms: Array, log_weights: Array, total: int
) -> WeightedBlock:
    """Reduce one conditioned block; ``total`` is the run's sample count (how many largest
    weights the Pareto fit needs)."""
    stacked = np.concatenate([exceed.reshape(-1, exceed.shape[-1]), highest, values])
    sums = WeightedSums.of(log_weights, stacked)
    w = np.exp(log_weights - sums.shift)
    slots = np.minimum((uniforms * UBINS).astype(np.intp), UBINS - 1)
    slots += (np.arange(uniforms.shape[0]) * UBINS)[:, None]
    every = np.broadcast_to(w, uniforms.shape).ravel()
    size = uniforms.shape[0] * UBINS
    quantiles = np.bincount(slots.ravel(), weights=every, minlength=size).astype(np.float64)
    keep = min(len(log_weights), pareto.tail_size(total) + 1)
    top = np.sort(log_weights)[len(log_weights) - keep :]
    return WeightedBlock(
        sums=sums,
        histogram=weighted_histogram(exceed, w),
        quantiles=quantiles.reshape(uniforms.shape[0], UBINS),
        top=top,
    )


def reduce_paths(values: Array, shares: Array, log_weights: Array) -> WeightedBlock:
    """A conditioned block's moving drivers in the reported months ``(moving, months, n)``:
    their weighted sums and the weighted histogram of their ``shares`` (see
    :func:`belwar.core.processes.shares`); no quantiles and no tail (the run's own block
    holds those)."""
    sums = WeightedSums.of(log_weights, values.reshape(-1, values.shape[-1]))
    w = np.exp(log_weights - sums.shift)
    return WeightedBlock(
        sums=sums,
        histogram=weighted_histogram(shares, w),
        quantiles=np.zeros((0, UBINS)),
        top=np.zeros(0),
    )


def merge_paths(blocks: Mapping[int, WeightedBlock]) -> tuple[Estimates, Array]:
    """:func:`reduce_paths` blocks merged exactly (as :func:`merge_blocks`): the weighted
    estimates and the histogram rescaled to one shift."""
    parts = [blocks[b] for b in sorted(blocks)]
    shift = max(p.sums.shift for p in parts)
    histogram = np.zeros_like(parts[0].histogram)
    for part in parts:  # in block order: the same bits however the blocks were grouped
        histogram += part.histogram * math.exp(part.sums.shift - shift)
    return merge([p.sums for p in parts]), histogram


def held_bytes(rungs: int, months: int, inputs: int) -> int:
    """Bytes a conditioned run holds per block until it merges (the two histograms)."""
    return 8 * (rungs * months * HIST_SLOTS + inputs * UBINS)


@dataclass(frozen=True)
class Merged:
    """Every block together: the weighted estimates (means and MCSE of the stacked figures,
    ESS, log evidence), the histograms (weights rescaled to one shift) and the Pareto ``k``."""

    estimates: Estimates
    histogram: Array
    quantiles: Array
    pareto_k: float


def merge_blocks(blocks: Mapping[int, WeightedBlock]) -> Merged:
    """Merge blocks (keyed by block index) exactly, whatever order they were computed in."""
    order = sorted(blocks)
    parts = [blocks[b] for b in order]
    estimates = merge([p.sums for p in parts])
    shift = max(p.sums.shift for p in parts)
    histogram = np.zeros_like(parts[0].histogram)
    quantiles = np.zeros_like(parts[0].quantiles)
    for part in parts:  # in block order: the same bits however the blocks were grouped
        scale = math.exp(part.sums.shift - shift)
        histogram += part.histogram * scale
        quantiles += part.quantiles * scale
    n = estimates.n
    k = pareto.pareto_k(np.concatenate([p.top for p in parts]), n)
    return Merged(estimates, histogram, quantiles, k)


def quantile_of(quantiles: Array, q: float) -> Array:
    """The ``q`` quantile of each input's prior quantile under the weights ``(inputs,)``, read
    from the weighted histogram ``(inputs, UBINS)`` by linear interpolation in a bin."""
    cumulative = np.cumsum(quantiles, axis=1)
    out = np.empty(quantiles.shape[0])
    for i, row in enumerate(cumulative):
        total = row[-1]
        if not total > 0:
            out[i] = math.nan
            continue
        target = q * total
        slot = int(np.searchsorted(row, target, side="left"))
        slot = min(slot, UBINS - 1)
        before = row[slot - 1] if slot else 0.0
        inside = quantiles[i, slot]
        fraction = (target - before) / inside if inside > 0 else 0.5
        out[i] = (slot + fraction) / UBINS
    return out


def paired_log_ratio(log_a: Array, log_b: Array) -> tuple[float, float]:
    """``log mean(w_a) - log mean(w_b)`` over the same samples (common random numbers) and
    its delta-method standard error: the log Bayes factor of story ``a`` against ``b``."""
    a = np.exp(log_a - np.max(log_a))
    b = np.exp(log_b - np.max(log_b))
    ma, mb = float(np.mean(a)), float(np.mean(b))
    if not (ma > 0 and mb > 0):
        return math.nan, math.nan
    value = float(np.max(log_a) - np.max(log_b)) + math.log(ma) - math.log(mb)
    d = a / ma - b / mb
    return value, float(np.std(d, ddof=1) / math.sqrt(len(d))) if len(d) > 1 else math.nan


@dataclass(frozen=True, eq=False)
class CrossSums:
    """One block's sums over samples of ``w_a w_b``, ``w_a w_b p_a``, ``w_a w_b p_b`` and
    ``w_a w_b p_a p_b`` for two weighted runs on the same draws, the weights scaled by
    ``exp(-shift_a - shift_b)`` (each side's block shift): the covariance of their
    self-normalised means, for the paired error of a change."""

    shift_a: float
    shift_b: float
    ww: float
    wwp_a: Array
    wwp_b: Array
    wwpp: Array

    @classmethod
    def of(
        cls, log_a: Array, log_b: Array, p_a: Array, p_b: Array, shifts: tuple[float, float]
    ) -> CrossSums:
        """The sums of one block: log weights ``(n,)``, values ``(rows, n)`` of each side."""
        ww = np.exp(log_a - shifts[0]) * np.exp(log_b - shifts[1])
        return cls(
            shift_a=shifts[0],
            shift_b=shifts[1],
            ww=math.fsum(ww),
            wwp_a=np.einsum("rn,n->r", p_a, ww),
            wwp_b=np.einsum("rn,n->r", p_b, ww),
            wwpp=np.einsum("rn,n->r", p_a * p_b, ww),
        )


def paired_mcse(
    blocks_a: Mapping[int, WeightedBlock],
    blocks_b: Mapping[int, WeightedBlock],
    cross: Mapping[int, CrossSums],
    rows_a: Array,
    rows_b: Array,
) -> Array:
    """The delta-method standard error of ``mean_b - mean_a`` for the stacked rows
    ``rows_a`` of A and ``rows_b`` of B (``(rows,)`` index arrays), paired sample by sample:
    ``sqrt(var_a + var_b - 2 cov)``, every sum merged exactly in block order."""
    order = sorted(cross)
    merged_a, merged_b = merge_blocks(blocks_a), merge_blocks(blocks_b)
    shift_a = max(blocks_a[b].sums.shift for b in order)
    shift_b = max(blocks_b[b].sums.shift for b in order)
    w_a = math.fsum(blocks_a[b].sums.w * math.exp(blocks_a[b].sums.shift - shift_a) for b in order)
    w_b = math.fsum(blocks_b[b].sums.w * math.exp(blocks_b[b].sums.shift - shift_b) for b in order)
    scale = [math.exp(cross[b].shift_a - shift_a + cross[b].shift_b - shift_b) for b in order]
    ww = math.fsum(cross[b].ww * s for b, s in zip(order, scale, strict=True))
    wwp_a = fsum_arrays([cross[b].wwp_a * s for b, s in zip(order, scale, strict=True)])
    wwp_b = fsum_arrays([cross[b].wwp_b * s for b, s in zip(order, scale, strict=True)])
    wwpp = fsum_arrays([cross[b].wwpp * s for b, s in zip(order, scale, strict=True)])
    mean_a, mean_b = merged_a.estimates.mean[rows_a], merged_b.estimates.mean[rows_b]
    cov = (wwpp - mean_a * wwp_b - mean_b * wwp_a + mean_a * mean_b * ww) / (w_a * w_b)
    var = merged_a.estimates.mcse[rows_a] ** 2 + merged_b.estimates.mcse[rows_b] ** 2 - 2 * cov
    error: Array = np.sqrt(np.maximum(var, 0.0))
    return error
