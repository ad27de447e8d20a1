"""Which inputs move the target probability most.

The tornado comes from one run: for every uncertain input (drivers, hazard bases, odds ratios,
event probabilities, momentum), the mean target probability of the samples whose input lies in
its bottom tenth and of those in its top tenth (the swing between them, with its Monte Carlo
error), and the rank correlation between the input and the per-sample target.

``method="sobol"`` adds first-order and total Sobol indices. The design (Saltelli's A, B and AB
matrices from a scrambled Sobol' sequence) is evaluated by the engine itself, event paths paired
row by row, and the indices are scipy's (``scipy.stats.sobol_indices``: Saltelli 2010 for the
first order, Jansen for the total), with percentile bootstrap intervals from
``scipy.stats.bootstrap`` under a seeded generator, so the same call gives the same intervals.
scipy is already a dependency and its estimators are the ones SALib uses by default, so SALib
would add a dependency and nothing else.
With correlated drivers the indices belong to the independent factors behind them (in Cholesky
order); the tornado describes the drivers as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from belwar.core import engine, streams
from belwar.core.model import Model
from belwar.errors import input_error
from belwar.results.run import Result
from belwar.results.sensitivity import Influence, Sensitivity
from belwar.run import execution
from belwar.run import options as check
from belwar.run.conditioned import conditioned
from belwar.run.defaults import DEFAULT_METHOD, DEFAULT_RESAMPLES, DEFAULT_SOBOL_SAMPLES
from belwar.run.options import RunOptions, merged
from belwar.run.simulation import resolve_target, summarise, with_options
from belwar.run.weighted_tornado import weighted_influences
from belwar.spec.compile import compile_model
from belwar.spec.history import History
from belwar.spec.history_loader import LoadedHistory
from belwar.spec.scenario import Scenario, suggest

Array = NDArray[np.float64]
TENTH = 0.1
MAX_RESAMPLES = 100_000  # bootstrap resamples of the Sobol intervals
MIN_SAMPLES = 100  # a tenth at each end holds ten samples, enough for a mean and its error
MAX_KEPT_VALUES = 1 << 28  # 2 GiB of float64: the most draws a sensitivity keeps at once


def sensitivity(
    scenario: Scenario,
    *,
    options: RunOptions | None = None,
    target: str | None = None,
    month: int | None = None,
    samples: int | None = None,
    seed: int | None = None,
    method: str = DEFAULT_METHOD,
    sobol_samples: int = DEFAULT_SOBOL_SAMPLES,
    resamples: int = DEFAULT_RESAMPLES,
    workers: int | None = None,
    dask: str | None = None,
    history: History | LoadedHistory | None = None,
) -> Sensitivity:
    """Rank the scenario's uncertain inputs by how much they move the probability of reaching
    ``target`` (default: the top rung) by ``month`` (default: the horizon). ``options`` (a
    :class:`~belwar.run.options.RunOptions`) gives samples, seed, workers and dask at once, in
    place of the keywords. Given a ``history`` the tornado is the conditioned run's (the
    posterior's tenths, weighted means; :mod:`belwar.run.weighted_tornado`) and ``month``
    counts from the history's end; Sobol indices are not given then."""
    chosen = merged(options, samples=samples, seed=seed, workers=workers, dask=dask)
    if method not in ("tornado", "sobol"):
        raise input_error(
            f"unknown method '{method}'{suggest(method, ['tornado', 'sobol'])}", key="method"
        )
    if method == "sobol" and history is not None:
        raise input_error(
            "Sobol indices are not given for a run conditioned on a history: use the tornado",
            key="method",
        )
    if method == "sobol":
        sobol_samples = check.check_sobol_samples(sobol_samples)
    resamples = check.check_samples(resamples, key="resamples", cap=MAX_RESAMPLES)
    workers, dask = check.check_workers(chosen.workers), check.check_dask(chosen.dask)
    target, month = resolve_target(scenario, target, month)
    model = with_options(compile_model(scenario), replace(chosen, months=(month,)))
    if history is not None:
        model = conditioned(model, scenario, history)
    check_kept(model, sobol_samples if method == "sobol" else 0)
    totals = execution.run(model, keep_samples=True, workers=workers, dask=dask)
    result = summarise(model, totals, seconds=0.0)
    if model.observed is not None:
        influences = weighted_influences(model, result, target, month)
    else:
        influences = _influences(model, result, target, month)
    if method == "sobol":
        seed = result.metadata.seed
        influences = _with_sobol(
            model, influences, target, month, seed, sobol_samples, resamples, workers, dask
        )
    used = sobol_samples if method == "sobol" else 0
    ranked = _ranked(scenario, result, target, month, method, influences, used)
    c = result.conditioning
    if c is None:
        return ranked
    named = {"id": c.history_id, "fingerprint": c.fingerprint, "through": c.through}
    return replace(ranked, history=named)


def tornado_of(
    scenario: Scenario, model: Model, result: Result, target: str, month: int
) -> Sensitivity:
    """The tornado of ``target`` by ``month`` from a run of ``model`` (of ``scenario``) that
    kept its samples and reports ``month`` among others: what :func:`sensitivity` gives with
    the same samples and seed, without running the scenario again. Check the run with
    :func:`check_kept` before making it."""
    influences = _influences(model, result, target, month)
    return _ranked(scenario, result, target, month, DEFAULT_METHOD, influences, 0)


def _influences(model: Model, result: Result, target: str, month: int) -> list[Influence]:
    """Each uncertain input's swing and rank correlation, in the model's order of inputs."""
    from scipy import stats  # noqa: PLC0415 - heavy (scipy.stats)

    assert result.samples is not None
    k = result.rungs.index(target)
    y = result.samples.exceed[k, result.months.index(month)]
    influences = []
    for row, item in enumerate(model.inputs()):
        x = result.samples.inputs[row]
        if not np.ptp(x) > 0:
            continue  # a fixed input cannot move anything
        low_cut, high_cut = np.quantile(x, [TENTH, 1 - TENTH])
        low, high = y[x <= low_cut], y[x >= high_cut]
        error = float(np.sqrt(low.var(ddof=1) / low.size + high.var(ddof=1) / high.size))
        # a target that never moves has no rank correlation with anything: report none
        rho = float(stats.spearmanr(x, y).statistic) if np.ptp(y) > 0 else 0.0
        influences.append(
            Influence(
                item.key,
                item.kind,
                item.name,
                item.label,
                float(low.mean()),
                float(high.mean()),
                float(high.mean() - low.mean()),
                error,
                rho,
            )
        )
    return influences


def _ranked(  # noqa: PLR0917 - private record constructor
    scenario: Scenario,
    result: Result,
    target: str,
    month: int,
    method: str,
    influences: list[Influence],
    sobol_samples: int,
) -> Sensitivity:
    meta = result.metadata
    return Sensitivity(
        scenario.id,
        target,
        month,
        meta.samples,
        meta.seed,
        result.probability(target, month),
        method,
        tuple(sorted(influences, key=lambda i: -abs(i.swing))),
        sobol_samples,
    )


def check_kept(model: Model, sobol_samples: int = 0) -> None:
    """Refuse a sensitivity run of ``model`` with too few samples for a tornado, or whose kept
    draws or Sobol design would not fit in memory (:func:`_check_memory`)."""
    if model.samples < MIN_SAMPLES:
        raise input_error(
            f"a tornado compares the top and bottom tenths of the samples: it needs at least "
            f"{MIN_SAMPLES}, got {model.samples:,}",
            key="samples",
        )
    _check_memory(model, sobol_samples)


def _check_memory(model: Model, sobol_samples: int) -> None:
    """Refuse a run whose kept draws (every sample's inputs and probabilities) or Sobol
    design would not fit in ``MAX_KEPT_VALUES`` numbers, naming the largest count that fits."""
    # its inputs, its P(S_m >= k) for every rung above the start in every report month, and
    # its state distribution at the horizon
    per_sample = len(model.inputs()) + (model.states - 1) * len(model.months) + model.states
    if model.samples * per_sample > MAX_KEPT_VALUES:
        most = MAX_KEPT_VALUES // per_sample
        raise input_error(
            f"a sensitivity keeps {per_sample} numbers a sample: at most {most:,} samples for "
            f"this scenario, got {model.samples:,}",
            key="samples",
        )
    d = len(model.inputs())
    if sobol_samples * (d + 2) * max(d, 1) > MAX_KEPT_VALUES:
        most = 1 << int(np.log2(MAX_KEPT_VALUES / ((d + 2) * max(d, 1))))
        raise input_error(
            f"the Sobol design of {d} inputs holds {d + 2} x {d} rows of N: at most {most:,} for "
            f"this scenario, got {sobol_samples:,}",
            key="sobol_samples",
        )


# --- Sobol indices -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Design:
    """Evaluates the target on columns of uniforms for the uncertain inputs (picklable)."""

    model: Model
    keys: tuple[str, ...]
    target: int
    month: int
    paths: dict[str, Array]  # each event's path uniforms (months, n), shared by every matrix

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


def sobol_matrices(d: int, n: int, seed: int) -> tuple[Array, Array, Array]:
    """Saltelli's design: A and B ``(d, n)`` from one scrambled Sobol' sequence of 2d
    dimensions, and AB ``(d, d, n)`` (A with row i taken from B on page i)."""
    from scipy.stats import qmc  # noqa: PLC0415 - heavy (scipy.stats)

    check.check_sobol_samples(n)
    both = qmc.Sobol(d=2 * d, scramble=True, seed=seed, bits=64).random(n).T
    a, b = both[:d], both[d:]
    ab = np.tile(a, (d, 1, 1))
    ab[np.arange(d), np.arange(d)] = b
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
    ``(d, n)`` (scipy's estimators), and their percentile bootstrap intervals under ``seed``.
    Returns ``(first, total, first_interval, total_interval)``; intervals are ``(2, d)``."""
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


def _with_sobol(  # noqa: PLR0917 - private; one caller
    model: Model,
    influences: list[Influence],
    target: str,
    month: int,
    seed: int,
    n: int,
    resamples: int,
    workers: int | None,
    dask: str | None,
) -> list[Influence]:
    keys = tuple(i.key for i in influences)
    model = replace(model, months=(month,), seed=seed)
    paths = {
        streams.path_key(e.key): streams.uniforms(
            seed, streams.path_key(e.key), 0, (model.horizon, n)
        )
        for e in model.events
    }
    design = _Design(model, keys, model.rungs[1:].index(target), month, paths)
    a, b, ab = sobol_matrices(len(keys), n, seed)
    tasks = [a, b, *ab]
    values = execution.map_ordered(design, tasks, workers=workers, dask=dask)
    first, total, first_ci, total_ci = sobol_with_intervals(
        values[0], values[1], np.stack(values[2:]), seed=seed, resamples=resamples
    )
    return [
        replace(
            item,
            first_order=float(first[i]),
            first_low=float(first_ci[0, i]),
            first_high=float(first_ci[1, i]),
            total_order=float(total[i]),
            total_low=float(total_ci[0, i]),
            total_high=float(total_ci[1, i]),
        )
        for i, item in enumerate(influences)
    ]
