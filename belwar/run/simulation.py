"""``simulate``: a scenario in, a :class:`~belwar.results.run.Result` out (compile the model, run
its blocks, summarise)."""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from belwar import __version__
from belwar.core import engine, streams
from belwar.core.model import Model
from belwar.errors import input_error
from belwar.results.run import Cell, Highest, InputSummary, Metadata, Result, Samples
from belwar.run import execution, options
from belwar.run.conditioned import conditioned, summarise_conditioned
from belwar.run.given import Given, forecast_start, givens, with_given
from belwar.run.options import RunOptions, merged
from belwar.run.paths import summarise_paths
from belwar.spec.compile import compile_model
from belwar.spec.history import History
from belwar.spec.history_loader import LoadedHistory
from belwar.spec.scenario import Scenario, suggest

SPREAD = (0.05, 0.5, 0.95)


def simulate(
    scenario: Scenario,
    *,
    options: RunOptions | None = None,
    samples: int | None = None,
    seed: int | None = None,
    months: Sequence[int] | None = None,
    keep_samples: bool = False,
    workers: int | None = None,
    dask: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    history: History | LoadedHistory | None = None,
    given: Sequence[Given | str] = (),
) -> Result:
    """Run ``scenario`` and return its escalation-likelihood tables.

    Given a ``history`` (:func:`belwar.load_history`) the run is conditioned on it exactly:
    the tables are the forecast for the months after the history's ``through``, and the
    result's ``conditioning`` holds the diagnostics and the inputs' posteriors. ``given``
    (``"reservist_callup@1"``, :class:`~belwar.run.given.Given`) conditions it also on an
    event beginning or an indicator being seen in a month from the forecast start.

    ``samples``, ``seed`` and ``months`` (report months, within the horizon) default to the
    scenario's ``simulation`` section. ``keep_samples`` attaches the per-sample arrays.
    ``workers`` run the blocks (default: every core; threads below a million samples, else
    processes), or the Dask cluster at ``dask`` ("local" for an embedded one); the result is
    bit-identical either way. ``progress(done, total)`` is called as blocks complete.
    ``options`` (a :class:`~belwar.run.options.RunOptions`) gives them all at once, in place
    of the keywords.
    """
    chosen = merged(
        options,
        samples=samples,
        seed=seed,
        months=months,
        keep_samples=keep_samples,
        workers=workers,
        dask=dask,
        progress=progress,
    )
    model = with_options(compile_model(scenario), chosen)
    if history is not None:
        model = conditioned(model, scenario, history)
    model = with_given(model, givens(given), as_of=forecast_start(scenario))
    started = time.perf_counter()
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if chosen.progress is not None:
            chosen.progress(done, model.samples)

    totals = execution.run(
        model,
        workers=chosen.workers,
        dask=chosen.dask,
        keep_samples=chosen.keep_samples,
        progress=tick,
    )
    result = summarise(model, totals, seconds=time.perf_counter() - started)
    return replace(result, scenario=scenario.resolved())


def with_options(model: Model, chosen: RunOptions) -> Model:
    """``model`` with the samples, seed and months of ``chosen``, checked by
    :mod:`belwar.run.options` (``None``: the model's own)."""
    if chosen.samples is not None:
        model = replace(model, samples=options.check_samples(chosen.samples))
    if chosen.seed is not None:
        model = replace(model, seed=options.check_seed(chosen.seed))
    if chosen.months is not None:
        model = replace(model, months=options.check_months(chosen.months, model.horizon))
    return model


def summarise(model: Model, totals: engine.Totals, *, seconds: float) -> Result:
    """Turn merged block statistics into a :class:`Result` (given a history, the weighted
    tables are :func:`~belwar.run.conditioned.summarise_conditioned`'s)."""
    if model.observed is not None:
        return summarise_conditioned(model, totals, _prior_only(model, totals, seconds))
    n, mean, deviations = engine.merge_moments(totals.exceed)
    mcse = _mcse(deviations, n)
    assert totals.histogram is not None
    spread = engine.percentiles(totals.histogram, SPREAD)
    rungs = model.rungs[1:]
    cells = tuple(
        Cell(
            rung=rung,
            month=month,
            p=float(mean[k, m]),
            mcse=float(mcse[k, m]),
            p05=float(spread[k, m, 0]),
            p50=float(spread[k, m, 1]),
            p95=float(spread[k, m, 2]),
        )
        for k, rung in enumerate(rungs)
        for m, month in enumerate(model.months)
    )
    _, highest_mean, highest_deviations = engine.merge_moments(totals.highest)
    highest_mcse = _mcse(highest_deviations, n)
    highest = tuple(
        Highest(rung, float(highest_mean[s]), float(highest_mcse[s]))
        for s, rung in enumerate(model.rungs)
    )
    paths = summarise_paths(model, totals)
    return replace(_prior_only(model, totals, seconds), cells=cells, highest=highest, paths=paths)


def _prior_only(model: Model, totals: engine.Totals, seconds: float) -> Result:
    """A result with the metadata, the inputs as drawn and any kept samples, but no tables."""
    n = totals.n
    inputs = _input_summaries(model, engine.merge_means(totals.inputs, n))
    samples = None
    if totals.samples:
        samples = Samples(
            exceed=totals.gathered("exceed"),
            highest=totals.gathered("highest"),
            inputs=totals.gathered("inputs"),
            input_keys=tuple(i.key for i in model.inputs()),
            log_weights=totals.gathered("log_weights") if model.observed is not None else None,
        )
    metadata = Metadata(
        belwar=__version__,
        numpy=np.__version__,
        python=platform.python_version(),
        seed=model.seed,
        samples=n,
        block_size=streams.BLOCK_SIZE,
        scenario_id=model.scenario_id,
        title=model.title,
        fingerprint=model.fingerprint,
        seconds=round(seconds, 4),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return Result(
        start=model.rungs[0],
        rungs=model.rungs[1:],
        rung_labels=model.rung_labels[1:],
        months=model.months,
        cells=(),
        highest=(),
        inputs=tuple(inputs),
        metadata=metadata,
        samples=samples,
    )


def _input_summaries(model: Model, input_means: np.ndarray) -> list[InputSummary]:
    """Each input as sampled: its mean over the run and its 5th, 50th and 95th percentiles."""
    inputs = []
    for i, item in enumerate(model.inputs()):
        q05, q50, q95 = item.dist.ppf(np.array(SPREAD))
        inputs.append(
            InputSummary(
                item.key,
                item.kind,
                item.name,
                item.label,
                float(input_means[i]),
                float(q05),
                float(q50),
                float(q95),
                item.evidence,
                item.unit,
            )
        )
    return inputs


def _mcse(deviations: np.ndarray, n: int) -> np.ndarray:
    """Standard error of the mean, sqrt(sample variance / n), from the summed squared
    deviations. One sample has no sample variance; every quantity averaged here is a
    probability, whose standard deviation is at most 1/2, so a single sample reports that
    bound (0.5): finite, and never smaller than the error it stands for."""
    if n < 2:
        return np.full_like(deviations, 0.5)
    return np.sqrt(deviations / (n - 1) / n)


def resolve_target(scenario: Scenario, target: str | None, month: int | None) -> tuple[str, int]:
    """The rung and month an analysis reads: ``target`` must be a rung above the start
    (default: the top rung), ``month`` within the horizon (default: the horizon)."""
    rungs = [r.id for r in scenario.ladder.rungs]
    above = rungs[rungs.index(scenario.ladder.start_id) + 1 :]
    target = above[-1] if target is None else target
    if target not in above:
        raise input_error(
            f"unknown target rung '{target}'{suggest(target, above)} (rungs above the start: "
            f"{', '.join(above)})",
            key="target",
        )
    horizon = scenario.simulation.horizon_months
    return target, horizon if month is None else options.check_month(month, horizon)
