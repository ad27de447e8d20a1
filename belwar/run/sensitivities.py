"""Which inputs move the target probability most.

The tornado comes from one run: for every uncertain input (drivers, hazard bases, odds ratios,
event probabilities, momentum), the mean target probability of the samples whose input lies in
its bottom tenth and of those in its top tenth (the swing between them, with its Monte Carlo
error), and the rank correlation between the input and the per-sample target.

``method="sobol"`` adds first-order and total Sobol indices (:mod:`belwar.run.sobol`): of each
input that is independent of the others, and of each block of correlated drivers taken together
as one group (the indices of the drivers named, not of the copula's independent factors). The
tornado describes every input as it is, correlated or not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from belwar.core.model import Model
from belwar.errors import input_error
from belwar.results.conditions import Conditions, weights_of
from belwar.results.run import Result
from belwar.results.sensitivity import Influence, Sensitivity, SobolGroup
from belwar.run import execution
from belwar.run import options as check
from belwar.run.conditioned import conditioned, conditions_of
from belwar.run.defaults import DEFAULT_METHOD, DEFAULT_RESAMPLES, DEFAULT_SOBOL_SAMPLES
from belwar.run.given import Given, forecast_start, givens, with_given
from belwar.run.options import RunOptions, merged
from belwar.run.simulation import resolve_target, summarise, with_options
from belwar.run.sobol import (
    SobolRun,
    design_groups,
    sobol_matrices,
    sobol_with_intervals,
    with_sobol,
)
from belwar.run.weighted_tornado import weighted_influences
from belwar.spec.compile import compile_model
from belwar.spec.history import History
from belwar.spec.history_loader import LoadedHistory
from belwar.spec.scenario import Scenario, suggest

__all__ = ["check_kept", "sensitivity", "sobol_matrices", "sobol_with_intervals", "tornado_of"]

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
    given: Sequence[Given | str] = (),
) -> Sensitivity:
    """Rank the scenario's uncertain inputs by how much they move the probability of reaching
    ``target`` (default: the top rung) by ``month`` (default: the horizon). ``options`` (a
    :class:`~belwar.run.options.RunOptions`) gives samples, seed, workers and dask at once, in
    place of the keywords. Given a ``history`` the tornado is the conditioned run's (the
    posterior's tenths, weighted means; :mod:`belwar.run.weighted_tornado`) and ``month``
    counts from the history's end; ``given`` (``"e@1"``, :mod:`belwar.run.given`) conditions
    the run on an event or indicator too. Sobol indices are not given for a conditioned run."""
    chosen = merged(options, samples=samples, seed=seed, workers=workers, dask=dask)
    if method not in ("tornado", "sobol"):
        raise input_error(
            f"unknown method '{method}'{suggest(method, ['tornado', 'sobol'])}", key="method"
        )
    also = givens(given)
    if method == "sobol" and (history is not None or also):
        raise input_error(
            "Sobol indices are not given for a run conditioned on a history or --given: use "
            "the tornado",
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
    as_of = forecast_start(scenario)
    model = with_given(model, also, as_of=as_of)
    check_kept(model, sobol_samples if method == "sobol" else 0)
    tick = _Ticker(chosen.progress, model.samples)
    totals = execution.run(model, keep_samples=True, workers=workers, dask=dask, progress=tick)
    result = summarise(model, totals, seconds=0.0)
    if model.observed is not None:
        influences = weighted_influences(model, result, target, month)
    else:
        influences = _influences(model, result, target, month)
    groups: tuple[SobolGroup, ...] = ()
    if method == "sobol":
        _, groups_run = design_groups(model, [i.key for i in influences])
        tick.more(sobol_samples * (len(groups_run) + 2))
        how = SobolRun(
            target=target,
            month=month,
            seed=result.metadata.seed,
            n=sobol_samples,
            resamples=resamples,
            workers=workers,
            dask=dask,
            tick=tick,
        )
        influences, groups = with_sobol(model, influences, how)
    used = sobol_samples if method == "sobol" else 0
    ranked = _ranked(scenario, result, target, month, method, influences, used, groups)
    return _named(ranked, result, conditions_of(history, also))


def tornado_of(  # noqa: PLR0917 - the run and what it is read at
    scenario: Scenario,
    model: Model,
    result: Result,
    target: str,
    month: int,
    conditions: Conditions | None = None,
) -> Sensitivity:
    """The tornado of ``target`` by ``month`` from a run of ``model`` (of ``scenario``, perhaps
    conditioned on a history and givens, as ``conditions`` records) that kept its samples and
    reports ``month`` among others: what :func:`sensitivity` gives with the same samples, seed
    and conditions, without running the scenario again. Check the run with :func:`check_kept`
    before making it."""
    if model.observed is not None:
        influences = weighted_influences(model, result, target, month)
    else:
        influences = _influences(model, result, target, month)
    ranked = _ranked(scenario, result, target, month, DEFAULT_METHOD, influences, 0)
    return _named(ranked, result, conditions)


def _named(ranked: Sensitivity, result: Result, conditions: Conditions | None) -> Sensitivity:
    """``ranked`` with what its run was conditioned on and what its weights say, if anything."""
    if conditions is None:
        return ranked
    return replace(ranked, conditions=conditions, weights=weights_of(result))


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
                key=item.key,
                kind=item.kind,
                name=item.name,
                label=item.label,
                low=float(low.mean()),
                high=float(high.mean()),
                swing=float(high.mean() - low.mean()),
                swing_mcse=error,
                rank_correlation=rho,
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
    groups: tuple[SobolGroup, ...] = (),
) -> Sensitivity:
    meta = result.metadata
    return Sensitivity(
        scenario.name,
        target,
        month,
        meta.samples,
        meta.seed,
        result.probability(target, month),
        method,
        tuple(sorted(influences, key=lambda i: -abs(i.swing))),
        sobol_samples,
        groups,
    )


class _Ticker:
    """Counts the samples evaluated for ``progress(done, total)``; ``more`` raises the total
    when the Sobol design is known to follow the run."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress, self.done, self.total = progress, 0, total

    def __call__(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, self.total)

    def more(self, n: int) -> None:
        self.total += n


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
