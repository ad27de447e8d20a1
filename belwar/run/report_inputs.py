"""What the HTML report shows, computed once: the run of a scenario, the tornado of its top rung,
its paired comparison with each other scenario and what to watch for next month, for
:mod:`belwar.render.html_report` to lay out (it never computes).

The scenario runs once, keeping its samples, through the execution layer (threads, processes
or Dask, as asked), and the tornado and the comparisons are read from those samples; each other
scenario runs once with the same samples and seed, so the draws pair. Given a history (or
``--given``), the run and the tornado are the conditioned ones and each comparison is
:func:`~belwar.run.diff.compare`'s, both sides conditioned. Every number is the one
``simulate``, ``sensitivity``, ``compare`` and ``watch`` give on their own, bit for bit.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from belwar.results.comparison import Change, Comparison
from belwar.results.run import Result
from belwar.results.sensitivity import Sensitivity
from belwar.results.watch import Watch
from belwar.run import execution
from belwar.run.conditioned import conditioned, conditions_of
from belwar.run.diff import assumption_changes, compare, paired_from_runs
from belwar.run.given import Given, forecast_start, givens, with_given
from belwar.run.options import RunOptions
from belwar.run.sensitivities import check_kept, tornado_of
from belwar.run.simulation import resolve_target, summarise, with_options
from belwar.run.watch import watch
from belwar.spec.compile import compile_model
from belwar.spec.history import History
from belwar.spec.history_loader import LoadedHistory
from belwar.spec.scenario import Scenario


@dataclass(frozen=True, kw_only=True)
class ReportInputs:
    """The computed results one report shows."""

    scenario: Scenario
    result: Result  # the run, as ``simulate`` gives it (without its samples)
    tornado: Sensitivity  # of the target rung (default: the top) by its month (the horizon)
    comparisons: tuple[Comparison, ...]  # with each other scenario, paired
    extends: str | None = None  # the parent, as the scenario names it
    from_parent: tuple[Change, ...] = ()  # every setting that differs from the parent's
    watch: Watch | None = None  # its signposts next month (None: it has no event or indicator)
    given: tuple[Given, ...] = ()  # what the run is conditioned on besides any history


def report_inputs(
    scenario: Scenario,
    others: Sequence[Scenario] = (),
    *,
    options: RunOptions | None = None,
    target: str | None = None,
    month: int | None = None,
    parent: tuple[str, Scenario] | None = None,
    history: History | LoadedHistory | None = None,
    given: Sequence[Given | str] = (),
) -> ReportInputs:
    """Run ``scenario`` once (and each of ``others`` once) with ``options`` (samples, seed,
    months, workers, dask, progress) and derive everything the report shows from those runs;
    the tornado reads ``target`` (default: the top rung) by ``month`` (default: the horizon);
    ``parent`` is what the scenario extends (as it names it, and loaded), compared without a
    run. ``history`` and ``given`` condition every run (the months then count from the
    history's end, or the scenario's ``as_of``)."""
    chosen = options or RunOptions()
    target, month = resolve_target(scenario, target, month)
    model = with_options(compile_model(scenario), chosen)
    horizon = model.horizon
    shown = model.months
    # the tornado reads its month, which the report's months may leave out
    model = replace(model, months=tuple(sorted({*shown, month})))
    check_kept(replace(model, months=(month,)))
    if history is not None:
        model = conditioned(model, scenario, history)
    known = givens(given)
    as_of = forecast_start(scenario)
    model = with_given(model, known, as_of=as_of)
    started = time.perf_counter()
    totals = execution.run(model, keep_samples=True, workers=chosen.workers, dask=chosen.dask)
    seconds = time.perf_counter() - started
    run = replace(summarise(model, totals, seconds=seconds), scenario=scenario.resolved())
    tornado = tornado_of(scenario, model, run, target, month, conditions_of(history, known))
    comparisons = []
    for other in others if model.observed is None else ():
        months = tuple(m for m in shown if m <= min(horizon, other.simulation.horizon_months))
        other_model = replace(
            with_options(compile_model(other), RunOptions(months=months)),
            samples=model.samples,
            seed=model.seed,
        )
        other_totals = execution.run(
            other_model, keep_samples=True, workers=chosen.workers, dask=chosen.dask
        )
        other_run = summarise(other_model, other_totals, seconds=0.0)
        other_run = replace(other_run, scenario=other.resolved())
        comparisons.append(paired_from_runs(scenario, other, run, other_run))
    if model.observed is not None:  # conditioned: both sides weighted, paired sample by sample
        paired = replace(chosen, months=shown, samples=model.samples, seed=model.seed)
        for other in others:
            months = tuple(m for m in shown if m <= other.simulation.horizon_months)
            found = compare(
                scenario,
                other,
                options=replace(paired, months=months),
                history=history,
                given=known,
            )
            comparisons.append(found)
    signposts = None
    if scenario.indicators or scenario.events:
        signposts = watch(
            scenario,
            history=history,
            target=target,
            month=month,
            options=replace(chosen, samples=model.samples, seed=model.seed, progress=None),
            given=known,
            now=run,
        )
    cells = tuple(c for c in run.cells if c.month in shown)
    result = replace(run, months=shown, cells=cells, samples=None)
    return ReportInputs(
        scenario=scenario,
        result=result,
        tornado=tornado,
        comparisons=tuple(comparisons),
        watch=signposts,
        given=known,
        extends=None if parent is None else parent[0],
        from_parent=()
        if parent is None
        else assumption_changes(parent[1].resolved(), scenario.resolved()),
    )
