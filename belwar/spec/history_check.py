"""A history against the scenario conditioned on it: the same ``as_of``, names the scenario
defines, observations that agree with the ladder's order, readings inside their drivers'
ranges; and the history compiled for the engine (:class:`~belwar.core.conditioning.Observed`).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from belwar.core.conditioning import Measurement, Observed, ladder_masks, onset_path
from belwar.core.model import Model
from belwar.spec.history import Count, History, Reading
from belwar.spec.scenario import Scenario
from belwar.spec.words import listing, number, suggest


def _above_start(scenario: Scenario) -> list[str]:
    ids = [r.id for r in scenario.ladder.rungs]
    return ids[ids.index(scenario.ladder.start_id) + 1 :]


def against(history: History, scenario: Scenario) -> list[tuple[str, str]]:
    """``(key, message)`` for every way ``history`` disagrees with ``scenario``."""
    found: list[tuple[str, str]] = []
    if scenario.as_of != history.since:
        as_of = scenario.as_of.isoformat() if scenario.as_of else "not set"
        found.append(
            (
                "since",
                f"{history.since.isoformat()} is not the as_of of scenario "
                f"'{scenario.id}' ({as_of}): a history must start where its scenario does",
            )
        )
    found += _ladder(history, scenario)
    for event in history.events:
        if event not in scenario.events:
            found.append(
                (
                    f"events.{event}",
                    f"scenario '{scenario.id}' has no event '{event}'"
                    f"{suggest(event, scenario.events)} (its events: {listing(scenario.events)})",
                )
            )
    for driver, readings in history.measurements.items():
        found += _readings(scenario, driver, readings)
    for name in history.indicators:
        if name not in scenario.indicators:
            found.append(
                (
                    f"indicators.{name}",
                    f"scenario '{scenario.id}' has no indicator '{name}'"
                    f"{suggest(name, scenario.indicators)} "
                    f"(its indicators: {listing(scenario.indicators)})",
                )
            )
    return found


def _ladder(history: History, scenario: Scenario) -> list[tuple[str, str]]:
    """Names and order: a rung reached implies every lower rung was reached no later."""
    found: list[tuple[str, str]] = []
    above = _above_start(scenario)
    ids = [r.id for r in scenario.ladder.rungs]
    seen: list[tuple[int, str, int | None]] = []
    for rung, obs in history.ladder.items():
        key = f"ladder.{rung}"
        if rung not in ids:
            found.append(
                (
                    key,
                    f"scenario '{scenario.id}' has no rung '{rung}'{suggest(rung, ids)} "
                    f"(rungs above the start: {listing(above)})",
                )
            )
        elif rung not in above:
            found.append(
                (
                    key,
                    f"'{rung}' is not above the start rung '{scenario.ladder.start_id}': it "
                    "holds from month 0 and cannot be observed",
                )
            )
        else:
            month = history.month(obs.reached) if obs.reached is not None else None
            seen.append((above.index(rung), rung, month))
    seen.sort()
    for i, (_, low, low_month) in enumerate(seen):
        for _, high, high_month in seen[i + 1 :]:
            if high_month is None or (low_month is not None and low_month <= high_month):
                continue
            when = "never" if low_month is None else f"only in month {low_month}"
            found.append(
                (
                    f"ladder.{low}.reached",
                    f"'{high}' was reached in month {high_month} but the lower rung '{low}' "
                    f"{when}: reaching a rung reaches every rung below it",
                )
            )
    return found


def _readings(
    scenario: Scenario, driver: str, readings: tuple[Reading | Count, ...]
) -> list[tuple[str, str]]:
    key = f"measurements.{driver}"
    spec = scenario.drivers.get(driver)
    if spec is None:
        return [
            (
                key,
                f"scenario '{scenario.id}' has no driver '{driver}'"
                f"{suggest(driver, scenario.drivers)} (its drivers: {listing(scenario.drivers)})",
            )
        ]
    found: list[tuple[str, str]] = []
    low, high = spec.range if spec.range is not None else (-math.inf, math.inf)
    for i, reading in enumerate(readings):
        if isinstance(reading, Count):
            if low < 0 or high > 1:
                found.append(
                    (
                        f"{key}[{i}]",
                        f"a count of successes reads a share in [0, 1], but driver "
                        f"'{driver}' has no range inside [0, 1]",
                    )
                )
        elif not low <= reading.value <= high:
            found.append(
                (
                    f"{key}[{i}].value",
                    f"{number(reading.value)} lies outside driver "
                    f"'{driver}''s range [{number(low)}, {number(high)}]",
                )
            )
    return found


def observed(history: History, model: Model) -> Observed:
    """``history`` compiled for ``model`` (a history already checked against its scenario)."""
    states = model.rungs
    T = history.months
    reached = {
        states.index(rung): (history.month(obs.reached) if obs.reached is not None else None)
        for rung, obs in history.ladder.items()
    }
    events = {e.name: i for i, e in enumerate(model.events)}
    drivers = {d.name: i for i, d in enumerate(model.drivers)}
    measurements = []
    for driver, readings in history.measurements.items():
        for r in readings:
            if isinstance(r, Reading):
                reading = Measurement(drivers[driver], "normal", r.value, r.sd)
            else:
                reading = Measurement(drivers[driver], "binomial", r.successes, r.trials)
            measurements.append(replace(reading, month=history.month(r.date)))
    return Observed(
        history_id=history.id,
        fingerprint=history.fingerprint(),
        through=history.through.isoformat(),
        months=T,
        masks=ladder_masks(reached, T, len(states)),
        events=tuple(
            (events[name], onset_path([history.month(d) for d in obs.onsets], T))
            for name, obs in history.events.items()
        ),
        measurements=tuple(measurements),
        signals=tuple(
            (
                [i.name for i in model.indicators].index(name),
                onset_path([history.month(d) for d in obs.onsets], T).astype(np.int8),
            )
            for name, obs in history.indicators.items()
        ),
    )
