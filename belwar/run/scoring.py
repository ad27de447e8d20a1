"""``score``: forecasts (scenarios run here, saved results, plain reference probabilities)
scored against an observed history as the record stood on a date.

A forecast made as of ``d`` counts its months from ``d``; a history observes the months after
its ``since``. So a forecast is scored against a history only when it was made as of the
history's ``since`` (a scenario's ``as_of``; a result conditioned on an earlier record counts
from that record's ``through``): then forecast month ``m`` is the record's month ``m``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from belwar.core import scores
from belwar.core.calendar import add_months
from belwar.core.settle import settled_outcomes, settled_states
from belwar.errors import input_error
from belwar.results.run import Result
from belwar.results.saved import load_result
from belwar.results.score import CellScore, ForecastScore, MonthScore, Scores
from belwar.run.options import RunOptions
from belwar.run.pools import pool
from belwar.run.simulation import simulate
from belwar.spec.evidence import Register
from belwar.spec.history import History, RungSeen
from belwar.spec.history_loader import LoadedHistory, read_history
from belwar.spec.loader import load_scenario
from belwar.spec.pool import is_pool_file
from belwar.spec.reference import Reference, load_reference
from belwar.spec.scenario import Scenario

Forecast = Scenario | Result | str | os.PathLike[str]


def score(
    forecasts: Sequence[Forecast],
    history: History | LoadedHistory | str | os.PathLike[str],
    *,
    at: date | str | None = None,
    reference: Reference | str | os.PathLike[str] | None = None,
    options: RunOptions | None = None,
    register: Register | None = None,
    names: Sequence[str] | None = None,
) -> Scores:
    """Score each forecast on every cell ``history`` settles, as the record stood on ``at``
    (default: its ``through``; observations after ``at`` are ignored). A scenario (or a path to
    one) is run at its own seed and samples unless ``options`` gives them; a path ending in
    ``.json`` is a saved result. ``reference`` (plain probabilities, :func:`load_reference`) is
    scored beside, on the ladder of the first forecast."""
    if not forecasts:
        raise input_error("give at least one forecast to score", key="forecasts")
    record = _history(history, register)
    when = _date(at) if at is not None else record.through
    if when < record.since:
        raise input_error(
            f"{when.isoformat()} is before the history's since ({record.since.isoformat()})",
            key="at",
        )
    record = as_it_stood(record, when)
    runs = _named([_forecast(f, options, register) for f in forecasts], names)
    scored = [_scored_result(name, kind, run, record) for name, kind, run in runs]
    if reference is not None:
        ref = reference if isinstance(reference, Reference) else load_reference(reference)
        scored.append(_scored_reference(ref, runs[0][2], record))
    return Scores(
        history_id=record.id,
        fingerprint=record.fingerprint(),
        since=record.since.isoformat(),
        through=record.through.isoformat(),
        at=when.isoformat(),
        observed_months=record.months,
        forecasts=tuple(scored),
    )


def as_it_stood(history: History, when: date) -> History:
    """``history`` as it stood on ``when``: ``through`` no later than ``when``, and a rung
    reached after ``when`` not reached yet (the other observations do not settle cells)."""
    if when >= history.through:
        return history
    ladder = {
        rung: seen
        if seen.reached is None or seen.reached <= when
        else RungSeen(reached=None, evidence=seen.evidence, note=seen.note)
        for rung, seen in history.ladder.items()
    }
    return history.model_copy(update={"through": when, "ladder": ladder})


def outcomes(history: History, rungs: Sequence[str], months: Sequence[int]) -> np.ndarray:
    """``1[S_m >= k]`` per rung above the start and month, NaN where ``history`` does not
    settle it (see :mod:`belwar.core.settle`)."""
    reached: dict[int, int | None] = {}
    for rung, seen in history.ladder.items():
        if rung not in rungs:
            raise input_error(
                f"history '{history.id}' observes rung '{rung}', which is not above the start of "
                f"the forecast's ladder ({', '.join(rungs)})",
                key="history",
            )
        reached[rungs.index(rung) + 1] = (
            None if seen.reached is None else history.month(seen.reached)
        )
    return settled_outcomes(reached, history.months, len(rungs), months)


def _history(
    given: History | LoadedHistory | str | os.PathLike[str], register: Register | None
) -> History:
    if isinstance(given, History):
        return given
    if isinstance(given, LoadedHistory):
        return given.history
    return read_history(given, register=register).history


def _date(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise input_error(f"expected a date such as 2023-06-30; got '{value}'", key="at") from None


def _forecast(
    given: Forecast, options: RunOptions | None, register: Register | None
) -> tuple[str, str, Result]:
    """The forecast's name, kind and result (a scenario is run here)."""
    if isinstance(given, Result):
        return given.metadata.scenario_id, "result", given
    if isinstance(given, Scenario):
        return given.id, "scenario", simulate(given, options=options)
    path = os.fspath(given)
    if Path(path).suffix.lower() == ".json":
        result = load_result(path)
        return f"{result.metadata.scenario_id}\0{path}", "result", result
    if is_pool_file(path):
        return _pooled(path, options, register)
    scenario = load_scenario(path, register=register)
    return f"{scenario.id}\0{path}", "scenario", simulate(scenario, options=options)


def _pooled(
    path: str, options: RunOptions | None, register: Register | None
) -> tuple[str, str, Result]:
    """A pool file's pooled forecast, made as of its members' shared ``as_of`` (the pooled
    tables record no scenario of their own)."""
    pooled = pool(path, options=options, register=register)
    as_of = (pooled.members[0].result.scenario or {}).get("as_of")
    result = replace(pooled.pooled, scenario={"id": pooled.pool_id, "as_of": as_of})
    return f"{pooled.pool_id}\0{path}", "pool", result


def _named(
    runs: list[tuple[str, str, Result]], names: Sequence[str] | None
) -> list[tuple[str, str, Result]]:
    """Each forecast named by its scenario id, or by the path it was given (or its entry of
    ``names``) when two share an id: one scenario at two revisions, say."""
    ids = [name.split("\0")[0] for name, _, _ in runs]
    out = []
    for i, (name, kind, run) in enumerate(runs):
        shown, _, path = name.partition("\0")
        if ids.count(shown) > 1:
            shown = names[i] if names is not None else (path or f"{shown} ({i + 1})")
        out.append((shown, kind, run))
    return out


def made_as_of(result: Result) -> str | None:
    """The date a result's months count from: its scenario's ``as_of``, moved on by the whole
    months observed when the result is conditioned on a record (its forecast months follow
    them); None when the result does not record its scenario."""
    as_of = (result.scenario or {}).get("as_of")
    if as_of is None:
        return None
    start = date.fromisoformat(str(as_of))
    if result.conditioning is not None:
        start = add_months(start, result.conditioning.observed_months)
    return start.isoformat()


def _scored_result(name: str, kind: str, result: Result, history: History) -> ForecastScore:
    as_of = made_as_of(result)
    if as_of != history.since.isoformat():
        raise input_error(
            f"{name} is a forecast made as of {as_of or 'an unknown date'}, but history "
            f"'{history.id}' records what happened after {history.since.isoformat()}: score a "
            "forecast made as of the history's since (months count from it)",
            key="forecasts",
        )
    exceed = np.array([[result.probability(r, m) for m in result.months] for r in result.rungs])
    return _scored(name, kind, as_of, result, exceed, history)


def _scored_reference(ref: Reference, first: Result, history: History) -> ForecastScore:
    rungs, months = list(first.rungs), sorted({m for ps in ref.probabilities.values() for m in ps})
    unknown = [r for r in ref.probabilities if r not in rungs]
    if unknown:
        raise input_error(
            f"reference '{ref.name}' gives rung(s) {', '.join(unknown)}, not above the start of "
            f"the forecasts' ladder ({', '.join(rungs)})",
            key="reference",
        )
    exceed = np.array(
        [[ref.probabilities.get(r, {}).get(m, np.nan) for m in months] for r in rungs]
    )
    shape = (first.start, tuple(rungs), tuple(months))
    return _scored(ref.name, "reference", history.since.isoformat(), shape, exceed, history)


def _scored(  # noqa: PLR0917 - private; two callers
    name: str,
    kind: str,
    as_of: str,
    source: Result | tuple[str, tuple[str, ...], tuple[int, ...]],
    exceed: np.ndarray,
    history: History,
) -> ForecastScore:
    """Scores of the exceedance probabilities ``exceed`` ``(rungs, months)`` (NaN: not given)."""
    if isinstance(source, Result):
        start, rungs, months = source.start, source.rungs, source.months
        samples, seed = source.metadata.samples, source.metadata.seed
    else:
        (start, rungs, months), samples, seed = source, None, None
    truth = outcomes(history, rungs, months)
    cells = [
        CellScore(
            rung=rung,
            month=month,
            p=float(exceed[k, j]),
            outcome=None if np.isnan(truth[k, j]) else int(truth[k, j]),
            brier=None if np.isnan(truth[k, j]) else float(scores.brier(exceed[k, j], truth[k, j])),
        )
        for k, rung in enumerate(rungs)
        for j, month in enumerate(months)
        if not np.isnan(exceed[k, j])
    ]
    states = (start, *rungs)
    scored_months = [
        MonthScore(
            month=month,
            state=states[s],
            rps=scores.rps(exceed[:, j], s),
            rps_normalised=scores.rps_normalised(exceed[:, j], s),
            log=scores.log_score(exceed[:, j], s),
            baseline=scores.baseline_score(exceed[:, j], s),
        )
        for j, (month, s) in enumerate(zip(months, settled_states(truth), strict=True))
        if s is not None and not np.isnan(exceed[:, j]).any()
    ]
    return ForecastScore(
        name=name,
        kind=kind,
        as_of=as_of,
        samples=samples,
        seed=seed,
        cells=tuple(cells),
        months=tuple(scored_months),
    )
