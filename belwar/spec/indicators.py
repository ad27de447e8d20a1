"""The rules an indicator obeys against its scenario: a name of its own, and odds ratios on a
driver (with `per`, counted from the driver's `reference`), on an event (without `per`), or on
`state_at_least:<rung>` for a rung above the start (without `per`).

What an indicator is, and how it is conditioned on, is :mod:`belwar.core.indicators`'s; the
pydantic model is :class:`belwar.spec.scenario.Indicator`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from belwar.core.indicators import Indicator, SignalTerm
from belwar.core.model import Input
from belwar.spec.entries import Entry
from belwar.spec.scenario import STATE_TERM, OddsRatio, Scenario
from belwar.spec.words import listing, suggest

Found = list[tuple[str, str]]


def indicator_problems(scenario: Scenario) -> Found:
    """``(key path, message)`` for every indicator rule ``scenario`` breaks."""
    problems: Found = []
    taken = {
        **dict.fromkeys(scenario.drivers, "a driver"),
        **dict.fromkeys(scenario.events, "an event"),
    }
    for name, indicator in scenario.indicators.items():
        where = f"indicators.{name}"
        if name in taken:
            problems.append(
                (
                    where,
                    f"'{name}' is also {taken[name]}: an indicator needs a name of its own "
                    "(--given and histories name it)",
                )
            )
        for term, ratio in indicator.odds_ratios.items():
            problems += _term(scenario, f"{where}.odds_ratios.{term}", term, ratio)
    return problems


def _term(scenario: Scenario, at: str, term: str, ratio: OddsRatio) -> Found:
    drivers, events = scenario.drivers, scenario.events
    if term.startswith(STATE_TERM):
        rung = term.removeprefix(STATE_TERM)
        ids = [r.id for r in scenario.ladder.rungs]
        above = ids[ids.index(scenario.ladder.start_id) + 1 :]
        if rung not in above:
            return [
                (
                    at,
                    f"'{rung}' is not a rung above the start{suggest(rung, above)} "
                    f"(rungs above the start: {listing(above)})",
                )
            ]
        return _no_per(at, ratio, f"'{term}' holds or not at the month's end")
    if term in drivers:
        driver = drivers[term]
        found: Found = []
        if ratio.per is None:
            step = driver.unit or "its units"
            found.append((at, f"an odds ratio on driver '{term}' needs `per`: the step in {step}"))
        if driver.reference is None:
            found.append(
                (at, f"driver '{term}' has no `reference` for its odds ratio to count from")
            )
        return found
    if term in events:
        return _no_per(
            at, ratio, f"'{term}' is an event: its odds ratio applies while it is active"
        )
    known = [*drivers, *events, *(f"{STATE_TERM}{r.id}" for r in scenario.ladder.rungs)]
    return [
        (
            at,
            f"unknown driver, event or state '{term}'{suggest(term, known)} "
            f"(defined: {listing(known)})",
        )
    ]


def _no_per(at: str, ratio: OddsRatio, why: str) -> Found:
    if ratio.per is None:
        return []
    return [(f"{at}.per", f"{why}, without `per`")]


def compile_indicators(
    scenario: Scenario,
    listed: Sequence[Entry],
    rungs: Sequence[str],
    make: Callable[[Entry], Input],
) -> tuple[Indicator, ...]:
    """The scenario's indicators for the engine, each input made by ``make`` (the compiler's
    own); ``rungs`` are the states from the start up."""
    drivers = list(scenario.drivers)
    events = list(scenario.events)
    bases = {e.name: e for e in listed if e.kind == "indicator"}
    odds: dict[str, list[Entry]] = {}
    for entry in listed:
        if entry.kind == "indicator_odds":
            odds.setdefault(entry.name.partition(":")[0], []).append(entry)
    found = []
    for name, spec in scenario.indicators.items():
        terms = []
        for j, entry in enumerate(odds.get(name, [])):
            term = entry.name.partition(":")[2]
            if term.startswith(STATE_TERM):
                terms.append(SignalTerm("state", rungs.index(term.removeprefix(STATE_TERM)), j))
            elif term in scenario.drivers:
                reference, per = scenario.drivers[term].reference, getattr(entry.spec, "per", None)
                assert reference is not None  # validated
                assert per is not None
                terms.append(SignalTerm("driver", drivers.index(term), j, reference, per))
            else:
                terms.append(SignalTerm("event", events.index(term), j))
        found.append(
            Indicator(
                name,
                spec.label,
                make(bases[name]),
                tuple(make(e) for e in odds.get(name, [])),
                tuple(terms),
            )
        )
    return tuple(found)
