"""Comparing two assumption sets: what changed in the assumptions, what that did to every
probability, and whether each change is larger than Monte Carlo noise.

Two scenarios are run with the same seed and sample count, block by block, so their draws are
paired input by input (common random numbers): the error of a change is the standard error of the
per-sample differences, usually far smaller than that of either run. Saved results cannot be
paired; their changes carry the unpaired error ``hypot(mcse_a, mcse_b)``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from belwar.core import engine, streams
from belwar.core.model import Model
from belwar.core.weighted import CrossSums, paired_mcse
from belwar.errors import input_error
from belwar.results.comparison import Change, Comparison, Delta
from belwar.results.run import Result
from belwar.results.saved import load_result
from belwar.run import execution
from belwar.run import options as check
from belwar.run.conditioned import conditioned, conditions_of
from belwar.run.defaults import DEFAULT_TOLERANCE
from belwar.run.given import Given, forecast_start, givens, with_given
from belwar.run.options import RunOptions, merged
from belwar.run.simulation import simulate, summarise, with_options
from belwar.spec.compile import compile_model
from belwar.spec.evidence import Register
from belwar.spec.history import History
from belwar.spec.history_loader import LoadedHistory
from belwar.spec.loader import load_scenario
from belwar.spec.scenario import Scenario

MCSE_MULTIPLE = 3.0
_MISSING = object()


Side = Scenario | Result | str | os.PathLike[str]


def compare(
    a: Side,
    b: Side,
    *,
    options: RunOptions | None = None,
    samples: int | None = None,
    seed: int | None = None,
    months: Sequence[int] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    register: Register | None = None,
    workers: int | None = None,
    dask: str | None = None,
    history: History | LoadedHistory | None = None,
    given: Sequence[Given | str] = (),
) -> Comparison:
    """Compare two scenarios (run paired, with A's seed and sample count unless given) or two
    saved results (compared unpaired). Given a ``history`` both scenarios are conditioned on
    it and the forecasts after it are compared, still paired; ``given`` (``"e@1"``, see
    :mod:`belwar.run.given`) conditions both on what is given, too. Paths ending in ``.json`` are
    read as saved results. Runs go through the execution layer (``workers`` local threads or
    processes, or the Dask cluster ``dask``) and match a serial run bit for bit.
    ``tolerance`` is a probability in [0, 1). ``options`` (a
    :class:`~belwar.run.options.RunOptions`) gives the run's options at once, in place of the
    keywords."""
    chosen = merged(options, samples=samples, seed=seed, months=months, workers=workers, dask=dask)
    tolerance = check.check_probability(tolerance, key="tolerance", closed_low=True)
    if chosen.samples is not None:
        check.check_samples(chosen.samples)
    if chosen.seed is not None:
        check.check_seed(chosen.seed)
    check.check_workers(chosen.workers)
    check.check_dask(chosen.dask)
    name_a, side_a = _side(a, register)
    name_b, side_b = _side(b, register)
    if isinstance(side_a, Scenario) and isinstance(side_b, Scenario):
        also = givens(given)
        found = _paired(name_a, name_b, (side_a, side_b), chosen, tolerance, (history, also))
        return replace(found, conditions=conditions_of(history, also))
    if history is not None or given:
        raise input_error(
            "a saved result cannot be conditioned on a history or --given: compare scenario files",
            key="history",
        )
    runs = replace(chosen, keep_samples=False, progress=None)
    result_a = side_a if isinstance(side_a, Result) else simulate(side_a, options=runs)
    result_b = side_b if isinstance(side_b, Result) else simulate(side_b, options=runs)
    return _unpaired(name_a, name_b, result_a, result_b, tolerance)


def _side(side: Side, register: Register | None) -> tuple[str, Scenario | Result]:
    if isinstance(side, Scenario):
        return side.name, side
    if isinstance(side, Result):
        return side.metadata.scenario_id, side
    path = os.fspath(side)
    if Path(path).suffix.lower() == ".json":
        return path, load_result(path)

    return path, load_scenario(path, register=register)


def _paired(  # noqa: PLR0917 - private; one caller
    name_a: str,
    name_b: str,
    sides: tuple[Scenario, Scenario],
    chosen: RunOptions,
    tolerance: float,
    conditions: tuple[History | LoadedHistory | None, tuple[Given, ...]],
) -> Comparison:
    a, b = sides
    history, given = conditions
    model_a = with_options(compile_model(a), chosen)
    horizon = min(model_a.horizon, b.simulation.horizon_months)
    shown = chosen.months
    months = tuple(m for m in model_a.months if m <= horizon) if shown is None else shown
    model_a = with_options(model_a, RunOptions(months=months))
    model_b = replace(
        with_options(compile_model(b), RunOptions(months=months)),
        samples=model_a.samples,
        seed=model_a.seed,
    )
    if history is not None:
        model_a, model_b = conditioned(model_a, a, history), conditioned(model_b, b, history)
    if given:
        as_of = forecast_start(a)
        model_a = with_given(model_a, given, as_of=as_of)
        model_b = with_given(model_b, given, as_of=as_of)
    pairs = _common_rungs(model_a, model_b)
    job = _PairedBatch(model_a, model_b, tuple(i for i, _ in pairs), tuple(j for _, j in pairs))
    parts = execution.map_batches(job, model_a.samples, workers=chosen.workers, dask=chosen.dask)
    totals_a, totals_b = engine.Totals(), engine.Totals()
    differences: list[engine.Moments] = []
    cross: dict[int, CrossSums] = {}
    for part_a, part_b, gaps, crossed in parts:  # in block order: the serial merge
        totals_a.merge(part_a)
        totals_b.merge(part_b)
        differences += gaps
        cross.update(crossed)
    result_a = replace(summarise(model_a, totals_a, seconds=0.0), scenario=a.resolved())
    result_b = replace(summarise(model_b, totals_b, seconds=0.0), scenario=b.resolved())
    if cross:
        months_n = len(months)
        rows_a = np.array([i * months_n + m for i, _ in pairs for m in range(months_n)])
        rows_b = np.array([j * months_n + m for _, j in pairs for m in range(months_n)])
        error = paired_mcse(totals_a.weighted, totals_b.weighted, cross, rows_a, rows_b)
        paired = error.reshape(len(pairs), months_n)
    else:
        paired = _paired_errors(differences)
    return _paired_comparison((name_a, name_b), result_a, result_b, pairs, paired, tolerance)


def paired_from_runs(
    a: Scenario, b: Scenario, run_a: Result, run_b: Result, *, tolerance: float = DEFAULT_TOLERANCE
) -> Comparison:
    """What :func:`compare` gives for scenarios ``a`` and ``b`` from runs of each that kept
    their samples, made with the same samples and seed (so their draws pair): ``run_a`` may
    report more months than the comparison's, ``run_b`` reports exactly those (A's months
    within both horizons). Neither scenario runs again."""
    tolerance = check.check_probability(tolerance, key="tolerance", closed_low=True)
    assert run_a.samples is not None
    assert run_b.samples is not None
    months = run_b.months
    result_a = _within(run_a, months)
    rungs_b = list(run_b.rungs)
    pairs = [(i, rungs_b.index(r)) for i, r in enumerate(run_a.rungs) if r in rungs_b]
    rows_a, rows_b = [i for i, _ in pairs], [j for _, j in pairs]
    columns = [run_a.months.index(m) for m in months]
    exceed_a = run_a.samples.exceed[rows_a][:, columns]
    exceed_b = run_b.samples.exceed[rows_b]
    differences = []
    start = 0
    for _, n in streams.blocks(run_a.metadata.samples):  # block by block, as the paired run
        gap = exceed_b[..., start : start + n] - exceed_a[..., start : start + n]
        differences.append(engine.Moments.of(gap))
        start += n
    result_b = replace(run_b, samples=None, metadata=replace(run_b.metadata, seconds=0.0))
    paired = _paired_errors(differences)
    return _paired_comparison((a.name, b.name), result_a, result_b, pairs, paired, tolerance)


def _within(result: Result, months: tuple[int, ...]) -> Result:
    """``result`` reporting only ``months`` (a run is the same month by month whatever other
    months it reports), without its samples, as a comparison holds it."""
    cells = tuple(c for c in result.cells if c.month in months)
    metadata = replace(result.metadata, seconds=0.0)
    return replace(result, months=months, cells=cells, samples=None, metadata=metadata)


def _paired_comparison(  # noqa: PLR0917 - private; two callers
    names: tuple[str, str],
    result_a: Result,
    result_b: Result,
    pairs: list[tuple[int, int]],
    paired_mcse: np.ndarray,
    tolerance: float,
) -> Comparison:
    """The comparison of two paired runs from their summaries and the paired errors of the
    changes ``(pairs, months)`` on the rungs they share (``pairs`` of rows of A and of B)."""
    deltas = []
    for row, (i, _) in enumerate(pairs):
        rung = result_a.rungs[i]
        for m, month in enumerate(result_a.months):
            ca, cb = result_a.cell(rung, month), result_b.cell(rung, month)
            deltas.append(
                _delta(
                    ca.rung,
                    month,
                    ca.p,
                    cb.p,
                    float(paired_mcse[row, m]),
                    math.hypot(ca.mcse, cb.mcse),
                    tolerance,
                )
            )
    assert result_a.scenario is not None
    assert result_b.scenario is not None
    changes = assumption_changes(result_a.scenario, result_b.scenario)
    name_a, name_b = names
    return Comparison(name_a, name_b, True, tolerance, changes, tuple(deltas), result_a, result_b)


@dataclass(frozen=True)
class _PairedBatch:
    """Run a batch of blocks of both models on the same draws (what a worker does): each side's
    totals and, per block, the moments of the per-sample change on the rungs they share."""

    a: Model
    b: Model
    rows_a: tuple[int, ...]
    rows_b: tuple[int, ...]

    def __call__(
        self, work: list[tuple[int, int]]
    ) -> tuple[engine.Totals, engine.Totals, list[engine.Moments], dict[int, CrossSums]]:
        totals_a, totals_b = engine.Totals(), engine.Totals()
        gaps: list[engine.Moments] = []
        cross: dict[int, CrossSums] = {}
        for block, n in work:
            execution.check_stop()  # a thread worker stops here when the run is interrupted
            stats_a = engine.run_block(self.a, block, n, keep_samples=True)
            stats_b = engine.run_block(self.b, block, n, keep_samples=True)
            assert stats_a.samples is not None
            assert stats_b.samples is not None
            exceed_a = stats_a.samples["exceed"][list(self.rows_a)]
            exceed_b = stats_b.samples["exceed"][list(self.rows_b)]
            if stats_a.weighted is not None and stats_b.weighted is not None:
                # given a history the change's error needs the two sides' weights together
                shifts = (stats_a.weighted.sums.shift, stats_b.weighted.sums.shift)
                logs = (stats_a.samples["log_weights"], stats_b.samples["log_weights"])
                flat_a = exceed_a.reshape(-1, n)
                cross[block] = CrossSums.of(*logs, flat_a, exceed_b.reshape(-1, n), shifts)
            else:
                gaps.append(engine.Moments.of(exceed_b - exceed_a))
            stats_a.samples = stats_b.samples = None  # keep memory flat
            totals_a.add(stats_a)
            totals_b.add(stats_b)
        return totals_a, totals_b, gaps, cross


def _paired_errors(differences: list[engine.Moments]) -> np.ndarray:
    """The standard errors of the mean per-sample changes, from their per-block moments."""
    n, _, deviations = engine.merge_moments(differences)
    # one sample has no sample variance: a change of probability lies in [-1, 1], so its
    # standard deviation is at most 1, the finite bound reported instead (as a run reports 0.5)
    errors: np.ndarray = (deviations / (n - 1) / n) ** 0.5 if n > 1 else deviations * 0.0 + 1.0
    return errors


def _common_rungs(a: Model, b: Model) -> list[tuple[int, int]]:
    above_b = list(b.rungs[1:])
    return [(i, above_b.index(r)) for i, r in enumerate(a.rungs[1:]) if r in above_b]


def _unpaired(name_a: str, name_b: str, a: Result, b: Result, tolerance: float) -> Comparison:
    deltas = []
    for cell in a.cells:
        if cell.rung in b.rungs and cell.month in b.months:
            other = b.cell(cell.rung, cell.month)
            error = math.hypot(cell.mcse, other.mcse)
            deltas.append(_delta(cell.rung, cell.month, cell.p, other.p, error, error, tolerance))
    changes = assumption_changes(a.scenario or {}, b.scenario or {})
    return Comparison(name_a, name_b, False, tolerance, changes, tuple(deltas), a, b)


def _delta(  # noqa: PLR0917 - a private record constructor
    rung: str, month: int, p_a: float, p_b: float, mcse: float, unpaired: float, tolerance: float
) -> Delta:
    change = p_b - p_a
    material = abs(change) > tolerance and abs(change) > MCSE_MULTIPLE * mcse
    return Delta(
        rung=rung,
        month=month,
        p_a=p_a,
        p_b=p_b,
        delta=change,
        mcse=mcse,
        unpaired_mcse=unpaired,
        material=material,
    )


def assumption_changes(a: dict[str, Any], b: dict[str, Any]) -> tuple[Change, ...]:
    """Every dotted key whose value differs between two resolved scenarios (ids, titles and
    descriptions included; ``extends`` is resolved away)."""
    flat_a, flat_b = flatten(a), flatten(b)
    changes = []
    for key in sorted(flat_a.keys() | flat_b.keys()):
        old, new = flat_a.get(key, _MISSING), flat_b.get(key, _MISSING)
        if old != new:
            changes.append(
                Change(key, None if old is _MISSING else old, None if new is _MISSING else new)
            )
    return tuple(changes)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings as ``{dotted.key: leaf}``; lists are leaves (they replace, not merge)."""
    if isinstance(data, dict) and data:
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, tuple):
        data = list(data)
    return {prefix: data} if prefix else {}
