"""Sobol indices of the target probability, for groups of inputs independent of one another.

The design (Saltelli's A, B and AB matrices from a scrambled Sobol' sequence) is evaluated by the
engine itself, event paths paired row by row, and the indices are scipy's
(``scipy.stats.sobol_indices``: Saltelli 2010 for the first order, Jansen for the total), with
percentile bootstrap intervals from ``scipy.stats.bootstrap`` under a seeded generator, so the
same call gives the same intervals. scipy is already a dependency and its estimators are the ones
SALib uses by default, so SALib would add a dependency and nothing else.

Correlated drivers are drawn through a Gaussian copula from independent normal factors (the
Cholesky factor of their correlation matrix mixes them). An index of one factor would belong to
no driver a reader knows, so the drivers of each correlated block are one **group**: page ``g``
of AB takes every column of group ``g`` from B at once, and the estimators give the group's
first-order and total indices (Jacques et al. 2006; SALib's ``groups``). A block's factors are
a one-to-one transform of its drivers and independent of every other input, so these are the
indices of the block's drivers taken together. An input outside every block is a group of its
own, and its indices are exactly the per-input ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from belwar.core import engine, streams
from belwar.core.model import Model
from belwar.results.sensitivity import Influence, SobolGroup
from belwar.run import execution
from belwar.run import options as check
from belwar.run.defaults import DEFAULT_RESAMPLES

Array = NDArray[np.float64]
Groups = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class _Design:
    """Evaluates the target on columns of uniforms for the uncertain inputs (picklable)."""

    model: Model
    keys: tuple[str, ...]
    target: int
    month: int
    paths: dict[str, Array]  # each path's uniforms (months, n), shared by every matrix

    def __call__(self, columns: Array) -> Array:
        index = {key: i for i, key in enumerate(self.keys)}
        n = columns.shape[1]

        def draw(key: str, shape: int | tuple[int, ...] = n) -> Array:
            if key in index:
                column: Array = columns[index[key]]
                return column
            if key in self.paths:
                return self.paths[key]
            return np.full(shape, 0.5)  # an input fixed at a point: any uniform gives its value

        exceed, _, _ = engine.evaluate(self.model, draw, n)
        values: Array = exceed[self.target, self.model.months.index(self.month)]
        return values


def sobol_groups(model: Model, keys: Sequence[str]) -> Groups:
    """The positions of ``keys`` (uncertain inputs of ``model``) in independent groups, each
    in order, ordered by their first member: drivers joined by a nonzero entry of the copula's
    Cholesky factor share a group (fill-in stays within a connected block of the correlation
    graph, so the groups are its blocks); every other input is a group of its own."""
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    if model.cholesky is not None:
        position = {key: i for i, key in enumerate(keys)}
        members = [position.get(model.drivers[i].key) for i in model.correlated]
        rows, cols = np.nonzero(np.tril(model.cholesky, -1))
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            a, b = members[r], members[c]
            if a is not None and b is not None:
                low, high = sorted((root(a), root(b)))
                parent[high] = low
    found: dict[int, list[int]] = {}
    for i in range(len(keys)):
        found.setdefault(root(i), []).append(i)
    return tuple(tuple(g) for g in sorted(found.values()))


def design_groups(model: Model, keys: Sequence[str]) -> tuple[tuple[str, ...], Groups]:
    """The design's columns and groups for the uncertain inputs ``keys``: the columns are
    ``keys`` and then every correlated driver fixed at a point (its normal factor still moves
    the drivers correlated with it, so it must vary as in a run, and within its block's page);
    the groups are those of :func:`sobol_groups` that hold one of ``keys`` at least."""
    extra = [model.drivers[i].key for i in model.correlated]
    columns = (*keys, *(k for k in extra if k not in keys))
    groups = tuple(g for g in sobol_groups(model, columns) if g[0] < len(keys))
    return columns, groups


def sobol_matrices(
    d: int, n: int, seed: int, groups: Groups | None = None
) -> tuple[Array, Array, Array]:
    """Saltelli's design: A and B ``(d, n)`` from one scrambled Sobol' sequence of 2d
    dimensions, and AB ``(g, d, n)``: A with the rows of group ``i`` taken from B on page
    ``i`` (``groups`` default to one row each, ``g = d``)."""
    from scipy.stats import qmc  # noqa: PLC0415 - heavy (scipy.stats)

    check.check_sobol_samples(n)
    both = qmc.Sobol(d=2 * d, scramble=True, seed=seed, bits=64).random(n).T
    a, b = both[:d], both[d:]
    groups = tuple((i,) for i in range(d)) if groups is None else groups
    ab = np.tile(a, (len(groups), 1, 1))
    for page, rows in enumerate(groups):
        ab[page, list(rows)] = b[list(rows)]
    return a, b, ab


def sobol_with_intervals(
    f_a: Array,
    f_b: Array,
    f_ab: Array,
    *,
    seed: int,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = 0.95,
) -> tuple[Array, Array, Array, Array]:
    """First-order and total indices from evaluations ``f_a``, ``f_b`` ``(n,)`` and ``f_ab``
    ``(g, n)`` (scipy's estimators; one page per input or group), and their percentile
    bootstrap intervals under ``seed``.
    Returns ``(first, total, first_interval, total_interval)``; intervals are ``(2, g)``."""
    from scipy import stats  # noqa: PLC0415 - heavy (scipy.stats)

    n = f_a.size
    d = f_ab.shape[0]

    def indices(idx: NDArray[np.intp]) -> Array:
        res = stats.sobol_indices(
            func={"f_A": f_a[None, idx], "f_B": f_b[None, idx], "f_AB": f_ab[:, None, idx]},
            n=idx.size,
        )
        return np.concatenate([np.ravel(res.first_order), np.ravel(res.total_order)])

    point = indices(np.arange(n))
    boot = stats.bootstrap(
        (np.arange(n),),
        indices,
        vectorized=False,
        n_resamples=resamples,
        confidence_level=level,
        method="percentile",  # BCa would jackknife n - 1 rows: not a power of 2
        rng=np.random.default_rng(seed),
    )
    low, high = boot.confidence_interval.low, boot.confidence_interval.high
    return point[:d], point[d:], np.stack([low[:d], high[:d]]), np.stack([low[d:], high[d:]])


@dataclass(frozen=True, kw_only=True)
class SobolRun:
    """One Sobol analysis of ``target`` by ``month``: ``n`` base rows, ``resamples`` bootstrap
    resamples, on ``workers`` or the Dask cluster ``dask``; ``tick(rows)`` as each of the
    design's matrices is evaluated."""

    target: str
    month: int
    seed: int
    n: int
    resamples: int
    workers: int | None = None
    dask: str | None = None
    tick: Callable[[int], None] | None = None


def with_sobol(
    model: Model, influences: list[Influence], how: SobolRun
) -> tuple[list[Influence], tuple[SobolGroup, ...]]:
    """The influences with the Sobol indices of those that are a group of their own, and
    every group's indices, largest first-order index first (ties: largest total)."""
    keys = tuple(i.key for i in influences)
    columns, groups = design_groups(model, keys)
    n = how.n
    model = replace(model, months=(how.month,), seed=how.seed)
    # every path (events', moving drivers') is drawn once and shared by every matrix
    drawn = [streams.path_key(e.key) for e in model.events] + [p.key for p in model.processes]
    paths = {key: streams.uniforms(how.seed, key, 0, (model.horizon, n)) for key in drawn}
    design = _Design(model, columns, model.rungs[1:].index(how.target), how.month, paths)
    a, b, ab = sobol_matrices(len(columns), n, how.seed, groups)

    def done(_: Array) -> None:
        if how.tick is not None:
            how.tick(n)

    values = execution.map_ordered(
        design, [a, b, *ab], workers=how.workers, dask=how.dask, done=done
    )
    first, total, first_ci, total_ci = sobol_with_intervals(
        values[0], values[1], np.stack(values[2:]), seed=how.seed, resamples=how.resamples
    )
    found = [
        SobolGroup(
            keys=tuple(keys[i] for i in rows if i < len(keys)),
            first_order=float(first[g]),
            first_low=float(first_ci[0, g]),
            first_high=float(first_ci[1, g]),
            total_order=float(total[g]),
            total_low=float(total_ci[0, g]),
            total_high=float(total_ci[1, g]),
        )
        for g, rows in enumerate(groups)
    ]
    alone = {rows[0]: found[g] for g, rows in enumerate(groups) if len(found[g].keys) == 1}
    filled = [
        replace(
            item,
            first_order=alone[i].first_order,
            first_low=alone[i].first_low,
            first_high=alone[i].first_high,
            total_order=alone[i].total_order,
            total_low=alone[i].total_low,
            total_high=alone[i].total_high,
        )
        if i in alone
        else item
        for i, item in enumerate(influences)
    ]
    ranked = sorted(found, key=lambda g: (-g.first_order, -g.total_order))
    return filled, tuple(ranked)
