"""Rules across the fields of a scenario, as ``(key path, message)`` pairs for the loader to place
in the file: a ladder that can be climbed, names that resolve, odds ratios that count from
somewhere, distinct correlated pairs, reported months inside the horizon.

Numeric rules that need the distributions themselves (mass inside a driver's range, a positive
definite correlation matrix) are :mod:`belwar.spec.numeric`'s.
"""

from __future__ import annotations

from collections.abc import Callable

from belwar.spec.dists import DistModel, Pert, Point, Triangular, Uniform, support
from belwar.spec.entries import Kind, entries
from belwar.spec.indicators import indicator_problems
from belwar.spec.scenario import Driver, Ladder, Scenario, Simulation
from belwar.spec.words import listing, number, suggest

Found = list[tuple[str, str]]


def check(scenario: Scenario) -> Found:
    """Rules that span fields, as ``(key path, message)`` pairs; empty when the scenario holds.

    Numeric rules that need the distributions themselves (mass inside a driver's range, a
    positive definite correlation matrix) are checked where the model is compiled.
    """
    problems = _check_ladder(scenario.ladder)
    if problems and problems[-1][0] == "ladder.start":
        return problems  # every later rule needs to know where the ladder starts
    problems += _check_names(scenario)
    problems += [
        found
        for entry in entries(scenario)
        if entry.kind in ENTRY_RULES
        for found in _entry_rule(entry.kind, entry.dist_path, entry.dist)
    ]
    problems += _check_hazards(scenario)
    problems += indicator_problems(scenario)
    problems += _check_correlations(scenario)
    problems += _check_simulation(scenario.simulation)
    return problems


def _check_ladder(ladder: Ladder) -> Found:
    problems: Found = []
    ids = [r.id for r in ladder.rungs]
    for i, rung in enumerate(ladder.rungs):
        first = ids.index(rung.id)
        if first != i:
            problems.append(
                (
                    f"ladder.rungs[{i}].id",
                    f"duplicate rung id '{rung.id}' (first at rungs[{first}])",
                )
            )
    start = ladder.start_id
    if start not in ids:
        message = f"unknown rung '{start}'{suggest(start, ids)} (rungs: {listing(ids)})"
        problems.append(("ladder.start", message))
    elif start == ids[-1]:
        problems.append(
            ("ladder.start", f"'{start}' is the top rung: there is nothing to climb to")
        )
    return problems


def _check_names(scenario: Scenario) -> Found:
    problems: Found = [
        (f"events.{name}", f"'{name}' is also a driver: drivers and events need different names")
        for name in sorted(set(scenario.drivers) & set(scenario.events))
    ]
    for name, driver in scenario.drivers.items():
        problems += _check_process(name, driver)
        if driver.range is not None and driver.reference is not None:
            lo, hi = driver.range
            if not lo <= driver.reference <= hi:
                shown = f"[{number(lo)}, {number(hi)}]"
                message = f"{number(driver.reference)} lies outside the range {shown}"
                problems.append((f"drivers.{name}.reference", message))
    return problems


def _check_process(name: str, driver: Driver) -> Found:
    """An AR(1) needs its reversion; a random walk has none."""
    process, at = driver.process, f"drivers.{name}.process"
    if process is None:
        return []
    if process.type == "ar1" and process.reversion is None:
        return [(at, "an ar1 process needs `reversion`: the share of the gap closed each month")]
    if process.type == "random_walk" and process.reversion is not None:
        message = "a random_walk does not revert: drop `reversion` or make the type ar1"
        return [(f"{at}.reversion", message)]
    return []


def _check_hazards(scenario: Scenario) -> Found:
    problems: Found = []
    ids = [r.id for r in scenario.ladder.rungs]
    start = scenario.ladder.start_id
    above = ids[ids.index(start) + 1 :]
    drivers, events = scenario.drivers, scenario.events
    known = [*drivers, *events]
    for rung, hazard in scenario.hazards.items():
        where = f"hazards.{rung}"
        if rung not in ids:
            hint = suggest(rung, above)
            problems.append(
                (where, f"unknown rung '{rung}'{hint} (rungs above the start: {listing(above)})")
            )
        elif rung not in above:
            problems.append(
                (where, f"'{rung}' is not above the start rung '{start}': it cannot be climbed to")
            )
        for name, ratio in hazard.odds_ratios.items():
            at = f"{where}.odds_ratios.{name}"
            if name in drivers:
                driver = drivers[name]
                if ratio.per is None:
                    step = driver.unit or "its units"
                    problems.append(
                        (at, f"an odds ratio on driver '{name}' needs `per`: the step in {step}")
                    )
                if driver.reference is None:
                    problems.append(
                        (at, f"driver '{name}' has no `reference` for its odds ratio to count from")
                    )
            elif name in events:
                if ratio.per is not None:
                    problems.append(
                        (
                            f"{at}.per",
                            f"'{name}' is an event: its odds ratio applies while it is active, "
                            "without `per`",
                        )
                    )
            else:
                problems.append(
                    (
                        at,
                        f"unknown driver or event '{name}'{suggest(name, known)} "
                        f"(defined: {listing(known)})",
                    )
                )
    return problems


def _check_correlations(scenario: Scenario) -> Found:
    problems: Found = []
    drivers = scenario.drivers
    pairs: dict[frozenset[str], int] = {}
    for i, corr in enumerate(scenario.correlations):
        a, b = corr.between
        for j, name in enumerate((a, b)):
            if name not in drivers:
                problems.append(
                    (
                        f"correlations[{i}].between[{j}]",
                        f"unknown driver '{name}'{suggest(name, drivers)} "
                        f"(drivers: {listing(drivers)})",
                    )
                )
        if a == b:
            problems.append(
                (f"correlations[{i}].between", f"a driver cannot be correlated with itself ('{a}')")
            )
        key = frozenset((a, b))
        if key in pairs:
            problems.append(
                (
                    f"correlations[{i}]",
                    f"the pair {a}, {b} is already correlated at correlations[{pairs[key]}]",
                )
            )
        pairs.setdefault(key, i)
    return problems


def _check_simulation(sim: Simulation) -> Found:
    problems: Found = []
    if sim.report_months == ():
        message = "list at least one month, or leave report_months out for the default months"
        problems.append(("simulation.report_months", message))
    for i, month in enumerate(sim.report_months or ()):
        at = f"simulation.report_months[{i}]"
        if month > sim.horizon_months:
            problems.append(
                (at, f"month {month} is beyond the horizon ({sim.horizon_months} months)")
            )
        if month in (sim.report_months or ())[:i]:
            problems.append((at, f"month {month} is listed twice"))
    return problems


def within_unit(path: str, dist: DistModel, what: str) -> Found:
    """``dist`` must lie on [0, 1]."""
    lo, hi = support(dist)
    if lo < 0 or hi > 1:
        reach = f"[{number(lo)}, {number(hi)}]"
        return [(path, f"{what} must lie on [0, 1], but this {dist.type} reaches {reach}")]
    return []


def positive(path: str, dist: DistModel, what: str) -> Found:
    """``dist`` must stay above 0 (a point, uniform, PERT or triangular may not touch it)."""
    lo, _ = support(dist)
    if lo < 0 or (lo == 0 and isinstance(dist, Point | Uniform | Pert | Triangular)):
        return [(path, f"{what} must be positive, but this {dist.type} reaches {number(lo)}")]
    return []


def non_negative(path: str, dist: DistModel, what: str) -> Found:
    """``dist`` must stay at or above 0."""
    lo, _ = support(dist)
    if lo < 0:
        return [(path, f"{what} must not be negative, but this {dist.type} reaches {number(lo)}")]
    return []


Rule = Callable[[str, DistModel, str], Found]
# What each kind of input must keep, and what it is called in the message.
ENTRY_RULES: dict[Kind, tuple[Rule, str]] = {
    "monthly_sd": (non_negative, "a monthly sd"),
    "reversion": (within_unit, "a reversion share"),
    "event": (within_unit, "a monthly probability"),
    "hazard": (within_unit, "a monthly hazard"),
    "odds": (positive, "an odds ratio"),
    "momentum": (positive, "momentum"),
    "indicator": (within_unit, "an indicator's monthly chance"),
    "indicator_odds": (positive, "an odds ratio"),
}


def _entry_rule(kind: Kind, path: str, dist: DistModel) -> Found:
    """The rule of ``kind`` (see :data:`ENTRY_RULES`) asked of ``dist`` at ``path``."""
    rule, what = ENTRY_RULES[kind]
    return rule(path, dist, what)
