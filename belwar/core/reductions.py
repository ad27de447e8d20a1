"""Reductions that merge exactly: per-block moments and log-odds histograms of the per-sample
probabilities, the statistics a block contributes (:class:`BlockStats`) and their merged
:class:`Totals`, and percentiles read back from the histograms. Whatever order blocks run in or
however they are grouped, the merged numbers are the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:  # weighted builds on this module
    from belwar.core.weighted import WeightedBlock

Array = NDArray[np.float64]

# Percentiles of per-sample probabilities come from a histogram on the log-odds scale: BINS bins
# over [-LOGIT_LIMIT, LOGIT_LIMIT], plus one slot below and one above. A percentile read from it
# (interpolating within its bin) lies in the same bin as the exact sample quantile, so the two
# differ by at most one bin width, 2 * LOGIT_LIMIT / BINS in log-odds:
# |error| <= p (1 - p) * 0.00245 <= 6.2e-4 in probability.
BINS = 16_384
LOGIT_LIMIT = 20.0
HIST_SLOTS = BINS + 2
# Reductions over per-sample tables (moments, histograms) take this many values at a time, so
# their temporaries stay a few megabytes whatever the rungs and report months.
CHUNK = 1 << 20


@dataclass(frozen=True)
class Moments:
    """Sums over one block's samples of some quantities (any shape): the sum and the sum of
    squared deviations from the block's own mean (two-pass, so constants give exactly 0)."""

    n: int
    sums: Array
    deviations: Array

    @classmethod
    def of(cls, values: Array) -> Moments:
        """Moments of ``values`` ``(..., n)`` over the last axis, a few rows at a time (each
        row's sums are the same whatever rows share a pass; the deviations need a copy of
        what they cover)."""
        n = values.shape[-1]
        rows = values.reshape(-1, n)
        sums = np.empty(rows.shape[0])
        deviations = np.empty(rows.shape[0])
        step = max(1, CHUNK // n)
        for start in range(0, rows.shape[0], step):
            part = rows[start : start + step]
            part_sums = part.sum(axis=-1)
            centred = part - (part_sums / n)[:, None]
            sums[start : start + step] = part_sums
            deviations[start : start + step] = np.einsum("rn,rn->r", centred, centred)
        shape = values.shape[:-1]
        return cls(n, sums.reshape(shape), deviations.reshape(shape))


def merge_means(sums: list[Array], n: int) -> Array:
    """The mean over ``n`` samples from per-block sums, each element summed exactly rounded
    (``math.fsum``), so the order of blocks cannot matter."""
    return fsum_arrays(sums) / n


def merge_moments(parts: list[Moments]) -> tuple[int, Array, Array]:
    """``(n, mean, sum of squared deviations)`` over all parts, by Chan's parallel formula with
    every sum taken by ``math.fsum`` (see :func:`merge_means`)."""
    n = sum(p.n for p in parts)
    mean = merge_means([p.sums for p in parts], n)
    spread = [p.deviations + p.n * (p.sums / p.n - mean) ** 2 for p in parts]
    return n, mean, fsum_arrays(spread)


def fsum_arrays(arrays: list[Array]) -> Array:
    """The element-wise sum of equally shaped arrays, each element exactly rounded
    (``math.fsum``), so the order of the arrays cannot change a bit."""
    stacked = np.stack(arrays)
    flat = stacked.reshape(len(arrays), -1)
    return np.array([math.fsum(flat[:, i]) for i in range(flat.shape[1])]).reshape(
        stacked.shape[1:]
    )


@dataclass
class BlockStats:
    """What one block contributes: moments of the per-sample P(S_m >= k) ``(rungs, months)``,
    their histogram ``(rungs, months, HIST_SLOTS)``, moments of the state distribution at the
    horizon ``(states,)``, the sum of every input's draws ``(inputs,)`` (their summaries need
    only the mean); per-sample arrays if asked for."""

    block: int
    n: int
    exceed: Moments
    histogram: NDArray[np.int64]
    highest: Moments
    inputs: Array
    samples: dict[str, Array] | None = None
    weighted: WeightedBlock | None = None  # given a history: the weighted statistics
    # moving drivers in the reported months: moments (moving, months), histograms of shares
    paths: Moments | None = None
    paths_histogram: NDArray[np.int64] | None = None
    weighted_paths: WeightedBlock | None = None  # given a history: the paths' weighted sums


@dataclass
class Totals:
    """Merged block statistics: the blocks' moments and input sums (merged exactly on demand)
    and the sum of their histograms (integer counts)."""

    n: int = 0
    exceed: list[Moments] = field(default_factory=list)
    highest: list[Moments] = field(default_factory=list)
    inputs: list[Array] = field(default_factory=list)
    histogram: NDArray[np.int64] | None = None
    samples: dict[int, dict[str, Array]] = field(default_factory=dict)
    weighted: dict[int, WeightedBlock] = field(default_factory=dict)
    paths: list[Moments] = field(default_factory=list)
    paths_histogram: NDArray[np.int64] | None = None
    weighted_paths: dict[int, WeightedBlock] = field(default_factory=dict)

    def _add_paths(self, moments: list[Moments], counts: NDArray[np.int64] | None) -> None:
        self.paths += moments
        if counts is not None:
            if self.paths_histogram is None:
                self.paths_histogram = counts.copy()
            else:
                self.paths_histogram += counts

    def add(self, stats: BlockStats) -> None:
        """Fold one block in."""
        self.n += stats.n
        self.exceed.append(stats.exceed)
        self.highest.append(stats.highest)
        self.inputs.append(stats.inputs)
        if self.histogram is None:
            self.histogram = stats.histogram.copy()
        else:
            self.histogram += stats.histogram
        if stats.samples is not None:
            self.samples[stats.block] = stats.samples
        if stats.weighted is not None:
            self.weighted[stats.block] = stats.weighted
        if stats.paths is not None:
            self._add_paths([stats.paths], stats.paths_histogram)
        if stats.weighted_paths is not None:
            self.weighted_paths[stats.block] = stats.weighted_paths

    def merge(self, other: Totals) -> None:
        """Fold in another set of merged blocks (from a worker); exact, in any order."""
        self.n += other.n
        self.exceed += other.exceed
        self.highest += other.highest
        self.inputs += other.inputs
        if other.histogram is not None:
            if self.histogram is None:
                self.histogram = other.histogram.copy()
            else:
                self.histogram += other.histogram
        self.samples.update(other.samples)
        self.weighted.update(other.weighted)
        self._add_paths(other.paths, other.paths_histogram)
        self.weighted_paths.update(other.weighted_paths)

    def gathered(self, name: str) -> Array:
        """Per-sample array ``name`` from every block, in block order, samples on the last axis."""
        return np.concatenate([self.samples[b][name] for b in sorted(self.samples)], axis=-1)


def histogram(exceed: Array) -> NDArray[np.int64]:
    """Counts of per-sample probabilities ``(rungs, months, n)`` in the log-odds bins. Slot 0
    holds p below expit(-LOGIT_LIMIT) (about 2e-9, exact zeros included), the last slot p
    above expit(LOGIT_LIMIT). Taken a few months at a time (see ``CHUNK``)."""
    rungs, months, n = exceed.shape
    step = max(1, CHUNK // (rungs * n))
    if step >= months:
        return _counts(exceed)
    counts = np.empty((rungs, months, HIST_SLOTS), dtype=np.int64)
    for start in range(0, months, step):
        counts[:, start : start + step] = _counts(exceed[:, start : start + step])
    return counts


def _counts(exceed: Array) -> NDArray[np.int64]:
    rungs, months, _ = exceed.shape
    counts = np.bincount(_slots(exceed).ravel(), minlength=rungs * months * HIST_SLOTS)
    return counts.reshape(rungs, months, HIST_SLOTS)


def weighted_histogram(exceed: Array, weights: Array) -> Array:
    """:func:`histogram` with each sample counted at its weight ``(n,)``: sums of weights
    ``(rungs, months, HIST_SLOTS)``, taken a few months at a time. The sums run in a fixed
    order within the block, so a block's histogram does not depend on where it ran."""
    rungs, months, n = exceed.shape
    step = max(1, CHUNK // (rungs * n))
    out = np.empty((rungs, months, HIST_SLOTS))
    for start in range(0, months, step):
        part = exceed[:, start : start + step]
        slots = _slots(part)
        every = np.broadcast_to(weights, part.shape).ravel()
        size = rungs * part.shape[1] * HIST_SLOTS
        sums = np.bincount(slots.ravel(), weights=every, minlength=size)
        out[:, start : start + step] = sums.reshape(rungs, part.shape[1], HIST_SLOTS)
    return out


def _slots(exceed: Array) -> NDArray[np.intp]:
    """Each probability's slot in the histograms of every (rung, month) laid end to end."""
    rungs, months, _ = exceed.shape
    with np.errstate(divide="ignore", over="ignore"):
        # the odds in float64 keep p near 0 and 1 apart; float32 is ample to pick a bin
        slot = np.log((exceed / (1.0 - exceed)).astype(np.float32))
    slot *= np.float32(BINS / (2 * LOGIT_LIMIT))
    slot += np.float32(BINS / 2 + 1)
    np.floor(slot, out=slot)
    np.clip(slot, 0, BINS + 1, out=slot)
    # each (rung, month) gets its own run of slots; float32 holds integers exactly below 2**24
    size = rungs * months * HIST_SLOTS
    offsets = np.arange(rungs * months, dtype=np.float64 if size >= 2**24 else np.float32)
    slot = slot + (offsets * HIST_SLOTS).reshape(rungs, months, 1)
    slots: NDArray[np.intp] = slot.astype(np.intp)
    return slots


def percentiles(
    histogram: NDArray[np.int64] | NDArray[np.float64], quantiles: Iterable[float]
) -> Array:
    """Percentiles read from histograms ``(..., HIST_SLOTS)``, interpolating linearly on the
    log-odds scale within a bin; shape ``(..., len(quantiles))``."""
    qs = list(quantiles)
    flat = histogram.reshape(-1, HIST_SLOTS)
    out = np.empty((flat.shape[0], len(qs)))
    width = 2 * LOGIT_LIMIT / BINS
    for row, counts in enumerate(flat):
        total = counts.sum()
        cumulative = np.cumsum(counts)
        for j, q in enumerate(qs):
            target = q * total
            slot = int(np.searchsorted(cumulative, target, side="left"))
            if slot == 0:
                out[row, j] = 0.0
            elif slot == HIST_SLOTS - 1:
                out[row, j] = 1.0
            else:
                before = cumulative[slot - 1]
                inside = counts[slot]
                fraction = (target - before) / inside if inside else 0.5
                logit = -LOGIT_LIMIT + (slot - 1 + fraction) * width
                out[row, j] = 1.0 / (1.0 + math.exp(-logit))
    return out.reshape(*histogram.shape[:-1], len(qs))
