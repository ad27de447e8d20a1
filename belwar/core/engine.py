"""The Monte Carlo engine: draws every input of a compiled model block by block, propagates each
sample's distribution over ladder states exactly, and reduces to statistics that merge exactly.

Randomness: every input has its own stream (see :mod:`belwar.core.streams`) and is drawn by
inverse CDF from uniforms; results are identical whatever order the blocks run in or how they are
grouped, and two scenarios with the same seed share their draws input by input (common random
numbers).

Arrays: per-sample arrays have the sample axis last, ``(..., n)``; month-major layouts keep a
month's draws independent of the horizon.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
from numpy.typing import NDArray

from belwar.core.conditioning import (
    Conditioned,
    Observed,
    filter_month,
    observe,
)
from belwar.core.distributions import ODDS_MAX, ODDS_MIN
from belwar.core.indicators import draw_indicator, observe_indicators
from belwar.core.ladder import Ladder
from belwar.core.model import Model
from belwar.core.processes import (
    Paths,
    advance,
    driven_base,
    driven_rungs,
    moving_drivers,
    shares,
    start_paths,
)
from belwar.core.reductions import (
    BINS,
    CHUNK,
    HIST_SLOTS,
    LOGIT_LIMIT,
    BlockStats,
    Moments,
    Totals,
    fsum_arrays,
    histogram,
    merge_means,
    merge_moments,
    percentiles,
)
from belwar.core.streams import BlockDraw, path_key
from belwar.core.weighted import reduce_block, reduce_paths

__all__ = [  # the engine, and the reductions it returns (belwar.core.reductions)
    "BINS",
    "CHUNK",
    "HIST_SLOTS",
    "LOGIT_LIMIT",
    "BlockStats",
    "Moments",
    "Totals",
    "evaluate",
    "fsum_arrays",
    "merge_means",
    "merge_moments",
    "percentiles",
    "run_block",
    "run_blocks",
]

Array = NDArray[np.float64]


def run_blocks(
    model: Model,
    work: Iterable[tuple[int, int]],
    *,
    keep_samples: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Totals:
    """Run the given ``(block, n)`` pieces serially and merge them."""
    totals = Totals()
    for block, n in work:
        totals.add(run_block(model, block, n, keep_samples=keep_samples))
        if progress is not None:
            progress(n)
    return totals


def run_block(model: Model, block: int, n: int, *, keep_samples: bool = False) -> BlockStats:
    """Simulate ``n`` samples of ``block`` and reduce them."""
    draw = BlockDraw(model.seed, block, n)
    if model.observed is not None:
        return _conditioned_block(model, draw, block, n, keep_samples=keep_samples)
    tracked: list[Array] = []
    exceed, p, inputs = evaluate(model, draw, n, tracked=tracked)
    stats = BlockStats(
        block=block,
        n=n,
        exceed=Moments.of(exceed),
        histogram=histogram(exceed),
        highest=Moments.of(p),
        inputs=inputs.sum(axis=-1),
    )
    if tracked:  # moving drivers in the reported months
        stats.paths = Moments.of(tracked[0])
        stats.paths_histogram = histogram(shares(model.processes, tracked[0]))
    if keep_samples:
        stats.samples = {"exceed": exceed, "highest": p, "inputs": inputs}
        if tracked:
            stats.samples["paths"] = tracked[0]
    return stats


Draw = Callable[..., Array]


def _conditioned_block(
    model: Model, draw: Draw, block: int, n: int, *, keep_samples: bool
) -> BlockStats:
    """A block given the model's history: the weighted statistics, and the unweighted input
    sums (the prior means). The unweighted tables are left empty: nothing reads them."""
    tracked: list[Array] = []
    found = evaluate_conditioned(model, draw, n, tracked=tracked)
    weighted = reduce_block(
        found.exceed,
        found.highest,
        found.values,
        found.uniforms,
        found.log_weights,
        model.samples,
    )
    empty = Moments(n, np.zeros(0), np.zeros(0))
    stats = BlockStats(
        block=block,
        n=n,
        exceed=empty,
        histogram=np.zeros(0, dtype=np.int64),
        highest=empty,
        inputs=found.values.sum(axis=-1),
        weighted=weighted,
    )
    if tracked:  # moving drivers in the reported months, under the weights
        shared = shares(model.processes, tracked[0])
        stats.weighted_paths = reduce_paths(tracked[0], shared, found.log_weights)
    if keep_samples:
        stats.samples = {
            "exceed": found.exceed,
            "highest": found.highest,
            "inputs": found.values,
            "log_weights": found.log_weights,
        }
    return stats


def evaluate(
    model: Model, draw: Draw, n: int, *, tracked: list[Array] | None = None
) -> tuple[Array, Array, Array]:
    """The model for ``n`` samples whose uniforms come from ``draw(key, shape)``: returns each
    sample's P(S_m >= k) ``(rungs, months, n)``, its state distribution at the horizon
    ``(states, n)`` and every input's value ``(inputs, n)`` in :meth:`Model.inputs` order.

    Every step writes into arrays made once per call: at a block's size each array is a
    quarter of a megabyte, and fresh temporaries for each of the ~2,000 operations cost more
    than the arithmetic.

    A model with moving drivers appends their values in the reported months ``(moving,
    reported, n)`` to ``tracked``, if given."""
    if not model.may_overflow:
        return _evaluate(model, draw, n, tracked=tracked)
    with np.errstate(over="ignore", invalid="ignore"):  # what overflows, the guard maps to 1
        return _evaluate(model, draw, n, tracked=tracked)


def evaluate_conditioned(
    model: Model, draw: Draw, n: int, *, tracked: list[Array] | None = None
) -> Conditioned:
    """:func:`evaluate` for a model with an observed history (``model.observed``): the forward
    filter over the observed months, the forecast after them, each sample's log weight and the
    uniforms its inputs were drawn from (see :class:`Conditioned`)."""
    found = Conditioned(np.zeros(n), np.empty((len(model.inputs()), n)))
    if not model.may_overflow:
        exceed, p, values = _evaluate(model, draw, n, found, tracked=tracked)
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            exceed, p, values = _evaluate(model, draw, n, found, tracked=tracked)
    found.exceed, found.highest, found.values = exceed, p, values
    return found


def _evaluate(
    model: Model,
    draw: Draw,
    n: int,
    found: Conditioned | None = None,
    *,
    tracked: list[Array] | None = None,
) -> tuple[Array, Array, Array]:
    values = np.empty((len(model.inputs()), n))
    rows = _rows(model, values)
    drivers, bases, odds, monthly = rows
    kept = found.uniforms if found is not None else None
    log_odds = _draw_inputs(model, draw, values, rows, kept)
    observed = model.observed if found is not None else None
    observed_months = observed.months if observed is not None else 0
    momentum = values[-1] if model.momentum is not None else None
    guard = model.may_overflow

    states, months = model.states, model.horizon + observed_months
    rungs = states - 1
    scratch = np.empty(n)
    bm = _driven_bases(model, drivers, log_odds, bases, scratch)
    stay = 1.0 - bases
    active = _active(model, draw, monthly, n, months, observed)
    paths = start_paths(model, draw, drivers, values, months) if model.processes else None
    if observed is not None and found is not None:
        observe(observed, monthly, drivers, found.log_weights, moving=moving_drivers(model))
    watch = _indicator_step(model, draw, n, observed, drivers, paths)

    # hazards of each rung (rungs, n) from the start (h0) and once above it (h1); rungs whose
    # odds move with events are recomputed month by month into h0_t and h1_t
    # without momentum h1 is h0, and the ladder's step skips the second set of products
    h0 = np.empty((rungs, n))
    h1 = np.empty((rungs, n)) if momentum is not None else h0
    for k in range(rungs):
        _hazard(bm[k], stay[k], momentum, h0[k], h1[k], scratch, guard=guard)
    driven = driven_rungs(model)
    by_rung, h0_t, h1_t = _moving(model, h0, h1, driven)
    moved = np.empty(n)

    report = {observed_months + m: i for i, m in enumerate(model.months)}
    exceed = np.empty((rungs, len(model.months), n))
    ladder = Ladder(states, n)
    p = ladder.p
    for t in range(months):
        if paths is not None:
            advance(paths, t, observed, found.log_weights if found is not None else None)
        for k, terms in by_rung.items():
            if paths is not None and k in driven:  # odds that move with a driver's path
                driven_base(driven[k], paths, drivers, log_odds, bases[k], moved, scratch)
            else:
                np.copyto(moved, bm[k])
            for e, j in terms:
                # exact, and twice as fast as a masked multiply (where=)
                moved *= np.where(active[e, t], odds[j], 1.0)
            _hazard(moved, stay[k], momentum, h0_t[k], h1_t[k], scratch, guard=guard)
        p = ladder.step(h0_t, h1_t)
        if observed is not None and found is not None and t < observed_months:
            filter_month(p, observed.masks[t], found.log_weights, scratch)
        if watch is not None and found is not None:
            watch(t, p, active, found.log_weights, scratch)
        if t + 1 in report:
            column = report[t + 1]
            if paths is not None:
                paths.record(column)
            _exceedance(p, exceed[:, column])
    np.minimum(p, 1.0, out=p)
    if paths is not None and tracked is not None:
        tracked.append(paths.reported)
    return exceed, p, values


def _exceedance(p: Array, out: Array) -> None:
    """``P(S >= k)`` for ``k = 1..rungs`` into ``out`` ``(rungs, n)`` from the states' shares
    ``p``: running sums from the top, held at 1 (the shares sum to 1 only up to rounding)."""
    rungs = out.shape[0]
    out[-1] = p[-1]
    for k in range(rungs - 1, 0, -1):
        np.add(out[k], p[k], out=out[k - 1])
    np.minimum(out, 1.0, out=out)


def _indicator_step(  # noqa: PLR0917 - a private helper of the month loop
    model: Model, draw: Draw, n: int, observed: Observed | None, drivers: Array, paths: Paths | None
) -> Callable[[int, Array, NDArray[np.bool_], Array, Array], None] | None:
    """What conditions a month on the indicators observed in it (None when none is): their
    draws are made once, here; an indicator's odds on a driver read the driver's value in the
    month (its path, if it moves)."""
    signals = observed.signals if observed is not None else ()
    if not signals:
        return None
    drawn = [draw_indicator(i, draw, n) for i in model.indicators]
    now = np.empty_like(drivers) if paths is not None else drivers

    def step(
        t: int, p: Array, active: NDArray[np.bool_], log_weights: Array, scratch: Array
    ) -> None:
        current = drivers if paths is None else paths.current(drivers, now)
        observe_indicators(
            model.indicators, drawn, signals, t, p, current, active, log_weights, scratch
        )

    return step


def _moving(
    model: Model, h0: Array, h1: Array, driven: Mapping[int, object]
) -> tuple[dict[int, list[tuple[int, int]]], Array, Array]:
    """The event terms of each rung whose odds move with events or with ``driven`` drivers'
    paths (``rung: [(event, odds)]``), and the month's hazards ``h0_t``, ``h1_t``: copies of
    ``h0``, ``h1`` to recompute into when some rung moves (``h1`` stays ``h0`` without
    momentum), else ``h0``, ``h1``."""
    by_rung: dict[int, list[tuple[int, int]]] = {}
    for event_term in model.event_terms:
        by_rung.setdefault(event_term.rung - 1, []).append((event_term.event, event_term.odds))
    for k in driven:
        by_rung.setdefault(k, [])
    if not by_rung:
        return by_rung, h0, h1
    h0_t = h0.copy()
    return by_rung, h0_t, (h1.copy() if h1 is not h0 else h0_t)


def _driven_bases(
    model: Model, drivers: Array, log_odds: Array, bases: Array, scratch: Array
) -> Array:
    """The drivers' odds multiplier of each rung, times its base hazard: ``(rungs, n)``."""
    bm = np.zeros(bases.shape)
    for term in model.driver_terms:
        np.subtract(drivers[term.driver], term.reference, out=scratch)
        scratch /= term.per
        scratch *= log_odds[term.odds]
        bm[term.rung - 1] += scratch
    np.clip(bm, -700.0, 700.0, out=bm)
    np.exp(bm, out=bm)
    bm *= bases
    return bm


def _active(  # noqa: PLR0917 - a private kernel
    model: Model, draw: Draw, monthly: Array, n: int, months: int, observed: Observed | None
) -> NDArray[np.bool_]:
    """Which events are active in each month: ``(events, months, n)``. An observed event's
    onsets in the observed months are what happened; its stream is drawn all the same (for
    every month, month-major), so common random numbers hold."""
    active = np.empty((len(model.events), months, n), dtype=bool)
    for e, event in enumerate(model.events):
        np.less(draw(path_key(event.key), (months, n)), monthly[e], out=active[e])
    if observed is not None:
        for e, onsets in observed.events:
            active[e, : observed.months] = onsets[:, None]
        for e, month, began in observed.given_events:
            active[e, month - 1] = began
    for e, lasts in enumerate(model.lasts):
        _spread(active[e], lasts)
    return active


def _spread(active: NDArray[np.bool_], lasts: int) -> None:
    """Onsets ``(months, n)`` made active for ``lasts`` months each, in place."""
    months = active.shape[0]
    if lasts <= 1 or months <= 1:
        return
    occurs = active.copy()
    for lag in range(1, min(lasts, months)):  # active for `lasts` months from each onset
        active[lag:] |= occurs[:-lag]


def _rows(model: Model, values: Array) -> tuple[Array, Array, Array, Array]:
    """Views of ``values`` by kind: drivers, hazard bases, odds ratios, events' chances."""
    ends = np.cumsum([len(model.drivers), len(model.bases), len(model.odds), len(model.events)])
    drivers, bases, odds, monthly, _ = np.split(values, ends)
    return drivers, bases, odds, monthly


def _draw_inputs(
    model: Model,
    draw: Draw,
    values: Array,
    rows: tuple[Array, Array, Array, Array],
    kept: Array | None = None,
) -> Array:
    """Fill ``values`` with every input drawn by inverse CDF from its stream, correlated
    drivers through the Gaussian copula (and ``kept``, if given, with the uniforms each was
    drawn from); return the natural logs of the odds ratios, exact for log-normal ones (they
    are drawn on the log scale)."""
    from scipy import special  # noqa: PLC0415 - heavy (scipy.special)

    n = values.shape[1]
    drivers, bases, odds, monthly = rows
    u_drivers = [draw(d.key, n) for d in model.drivers]
    if model.cholesky is not None:
        z = special.ndtri(np.stack([u_drivers[i] for i in model.correlated]))
        correlated = special.ndtr(_lower_times(model.cholesky, z), out=z)
        for row, i in enumerate(model.correlated):
            u_drivers[i] = correlated[row]
    row = 0

    def keep(u: Array) -> Array:
        nonlocal row
        if kept is not None:
            kept[row] = u
        row += 1
        return u

    for d, u, out in zip(model.drivers, u_drivers, drivers, strict=True):
        d.inverse(keep(u), out=out)
    for b, out in zip(model.bases, bases, strict=True):
        b.inverse(keep(draw(b.key, n)), out=out)
        np.clip(out, 0.0, 1.0, out=out)  # a tabulated inverse may stray past 0 or 1 by an ulp
    log_odds = np.empty_like(odds)
    for o, out, log in zip(model.odds, odds, log_odds, strict=True):
        o.inverse.with_logs(keep(draw(o.key, n)), out, log)
    for e, out in zip(model.events, monthly, strict=True):
        e.inverse(keep(draw(e.key, n)), out=out)
    start = len(values) - len(model.process_inputs) - (model.momentum is not None)
    for i, item in enumerate(model.process_inputs, start=start):
        item.inverse(keep(draw(item.key, n)), out=values[i])
    if model.momentum is not None:
        model.momentum.inverse(keep(draw(model.momentum.key, n)), out=values[-1])
        np.clip(values[-1], ODDS_MIN, ODDS_MAX, out=values[-1])
    return log_odds


def _lower_times(lower: Array, z: Array) -> Array:
    """``lower @ z`` for a lower-triangular ``lower``, summed in a fixed order by numpy's own
    loops. A BLAS matmul would give bits that depend on the library and the CPU, and OpenBLAS's
    spinning threads halve the speed of a process pool."""
    out = np.empty_like(z)
    for i in range(lower.shape[0]):
        np.multiply(z[0], lower[i, 0], out=out[i])
        for j in range(1, i + 1):
            out[i] += lower[i, j] * z[j]
    return out


def _hazard(  # noqa: PLR0917 - a private kernel, its buffers passed in
    bm: Array,
    stay: Array,
    momentum: Array | None,
    h0: Array,
    h1: Array,
    scratch: Array,
    *,
    guard: bool = False,
) -> None:
    """Hazards ``h0 = b M / (1 - b + b M)`` under odds multipliers ``M``, given ``bm = b M``
    and ``stay = 1 - b``, and ``h1`` the same under ``M`` times ``momentum`` (without momentum
    the caller passes ``h0`` again and it is not written twice). Exactly 0 for ``b = 0`` and 1
    for ``b = 1``.

    Every factor is finite and positive, so ``b M`` can only overflow to infinity (inf / inf)
    or, at ``b = 1``, underflow to 0 (0 / 0); both are NaN where the hazard is 1 (``b > 0``
    with a huge multiplier; ``b = 1``). With ``guard`` (a model whose multipliers can reach
    that far, see :attr:`Model.may_overflow`) NaN is mapped to 1; other models skip the pass."""
    np.add(stay, bm, out=scratch)
    np.divide(bm, scratch, out=h0)
    if guard:
        np.fmin(h0, 1.0, out=h0)
    if momentum is not None:
        np.multiply(bm, momentum, out=h1)
        np.add(stay, h1, out=scratch)
        np.divide(h1, scratch, out=h1)
        if guard:
            np.fmin(h1, 1.0, out=h1)
