"""Spec -> core: the one place the scenario's pydantic models meet the numeric core.

:func:`resolve` turns a distribution's form (``ci90``, mean and sd, PERT, an estimative
term...) into a plain :class:`~belwar.core.distributions.Distribution`; :func:`compile_model`
turns a validated scenario into the frozen :class:`~belwar.core.model.Model` the engine runs.
Every random input gets its stream key (``driver:kremlin_pressure``, ``hazard:full_entry``,
``odds:full_entry:public_opposition``, ``event:staged_incident``, ``momentum``). Ladder states
are counted from the start rung: state 0 is the start, state ``k`` the ``k``-th rung above it.
Nothing downstream of this module sees pydantic.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from belwar.core import copula, estimative, streams
from belwar.core.distributions import (
    Distribution,
    FitError,
    fit_beta_ci90,
    truncate,
)
from belwar.core.inverse import inverse_cdf
from belwar.core.model import (
    LOG_ODDS_SAFE,
    DriverTerm,
    EventTerm,
    Input,
    Model,
    reach,
)
from belwar.core.processes import DriverProcess
from belwar.core.zscores import Z90
from belwar.spec.entries import PROCESS_KINDS, Entry, entries
from belwar.spec.indicators import compile_indicators
from belwar.spec.scenario import (
    Beta,
    DistModel,
    Estimative,
    LogNormal,
    Normal,
    Pert,
    Point,
    Process,
    Scenario,
    Triangular,
    Uniform,
)


def resolve(spec: DistModel, bounds: tuple[float, float] | None = None) -> Distribution:
    """The :class:`Distribution` a scenario's spec describes, truncated to ``bounds`` if given.

    Raises :class:`FitError` when a ``ci90`` cannot be fitted or the range holds no probability.
    """
    return truncate(_resolve(spec), bounds)


def _resolve(spec: DistModel) -> Distribution:
    match spec:
        case Point(value=v):
            return Distribution("point", (v,))
        case Uniform(low=lo, high=hi):
            return Distribution("uniform", (lo, hi))
        case Normal(ci90=(lo, hi)):
            return Distribution("normal", ((lo + hi) / 2, (hi - lo) / (2 * Z90)))
        case Normal(mean=float() | int() as mean, sd=float() | int() as sd):
            return Distribution("normal", (mean, sd))
        case LogNormal(ci90=(lo, hi)):
            return Distribution(
                "lognormal", ((math.log(lo) + math.log(hi)) / 2, math.log(hi / lo) / (2 * Z90))
            )
        case LogNormal(median=float() | int() as median, sigma=float() | int() as sigma):
            return Distribution("lognormal", (math.log(median), sigma))
        case Beta(ci90=(lo, hi)):
            return Distribution("beta", (*fit_beta_ci90(lo, hi), 0.0, 1.0))
        case Beta(mean=float() | int() as m, sd=float() | int() as sd):
            # divided twice, not by sd**2, which underflows to 0 below sd = 1e-162 (the limits
            # on alpha and beta then refuse the infinite concentration)
            k = m * (1 - m) / sd / sd - 1
            return Distribution("beta", (m * k, (1 - m) * k, 0.0, 1.0))
        case Beta(alpha=float() | int() as a, beta=float() | int() as b):
            return Distribution("beta", (a, b, 0.0, 1.0))
        case Pert(min=lo, mode=mode, max=hi):
            width = hi - lo
            a, b = 1 + 4 * (mode - lo) / width, 1 + 4 * (hi - mode) / width
            return Distribution("beta", (a, b, lo, width))
        case Triangular(min=lo, mode=mode, max=hi):
            return Distribution("triangular", (lo, mode, hi))
        case Estimative(term=term):
            return Distribution("beta", (*fit_beta_ci90(*estimative.band(term)), 0.0, 1.0))
    raise FitError(f"cannot resolve {spec!r}")  # pragma: no cover - validation rules this out


def _input(entry: Entry) -> Input:
    dist = resolve(entry.dist, entry.bounds)
    return Input(
        entry.stream,
        entry.kind,
        entry.name,
        entry.label,
        dist,
        inverse_cdf(dist),
        len(entry.evidence),
        entry.unit,
    )


def _no_hazard(rung: str, label: str) -> Input:
    """The base of a rung the scenario gives no hazard: 0, in the hazard's own stream."""
    dist = resolve(Point(type="point", value=0.0))
    return Input(
        f"hazard:{rung}", "hazard", rung, label, dist, inverse_cdf(dist), 0, "monthly hazard"
    )


Terms = tuple[list[Input], list[Input], list[DriverTerm], list[EventTerm]]


def _climbs(
    scenario: Scenario, listed: list[Entry], rungs: tuple[str, ...], labels: tuple[str, ...]
) -> Terms:
    """Each state's base hazard and odds ratios, and the terms that tie the odds ratios to the
    drivers and events they count."""
    hazards = {e.name: e for e in listed if e.kind == "hazard"}
    ratios: dict[str, list[Entry]] = {}
    for entry in listed:
        if entry.kind == "odds":
            ratios.setdefault(entry.name.partition(":")[0], []).append(entry)
    driver_index = {name: i for i, name in enumerate(scenario.drivers)}
    event_names = list(scenario.events)
    bases: list[Input] = []
    odds: list[Input] = []
    driver_terms: list[DriverTerm] = []
    event_terms: list[EventTerm] = []
    for state, rung in enumerate(rungs[1:], start=1):
        base = hazards.get(rung)
        bases.append(_input(base) if base is not None else _no_hazard(rung, labels[state]))
        for entry in ratios.get(rung, []):
            j = len(odds)
            odds.append(_input(entry))
            name = entry.name.partition(":")[2]
            if name in driver_index:
                # validated: an odds ratio on a driver has a `per` and the driver a `reference`
                reference, per = scenario.drivers[name].reference, getattr(entry.spec, "per", None)
                assert reference is not None
                assert per is not None
                driver_terms.append(DriverTerm(state, driver_index[name], j, reference, per))
            else:
                event_terms.append(EventTerm(state, event_names.index(name), j))
    return bases, odds, driver_terms, event_terms


def _processes(
    scenario: Scenario, listed: list[Entry], driver_index: dict[str, int]
) -> tuple[tuple[Input, ...], tuple[DriverProcess, ...]]:
    """The process parameters as inputs (each driver's monthly sd, then its reversion), and
    each moving driver's process."""
    params = [e for e in listed if e.kind in PROCESS_KINDS]
    rows = {e.name: i for i, e in enumerate(params)}
    processes = []
    for name, driver in scenario.drivers.items():
        if driver.process is None:
            continue
        process = DriverProcess(
            driver=driver_index[name],
            key=streams.path_key(f"driver:{name}"),
            sd=rows[f"{name}:monthly_sd"],
            reversion=rows.get(f"{name}:reversion"),
            bounds=driver.range,
        )
        if driver.range is None:
            centre, scale = _report_scale(scenario, driver.dist, driver.process)
            process = replace(process, centre=centre, scale=scale)
        processes.append(process)
    return tuple(_input(e) for e in params), tuple(processes)


def _report_scale(scenario: Scenario, dist: DistModel, process: Process) -> tuple[float, float]:
    """Where an unbounded moving driver's reported percentiles are binned: centred on its
    month-0 median, in units of a tenth of its reach (the month-0 90% interval widened by a
    walk at the 95th percentile of its sd over the horizon), so that two reaches either side
    fall inside the histograms and a percentile is off by at most 2.5e-4 reaches."""
    start = resolve(dist)
    low, centre, high = (float(v) for v in start.ppf(np.array([0.05, 0.5, 0.95])))
    sd = float(resolve(process.monthly_sd).ppf(np.array([0.95]))[0])
    reach = high - low + 2 * Z90 * sd * math.sqrt(scenario.simulation.horizon_months)
    return centre, reach / 10 if reach > 0 else 1.0


def compile_model(scenario: Scenario) -> Model:
    """Compile a validated scenario. Assumes :func:`belwar.spec.loader.validate_scenario` passed."""
    ids = [r.id for r in scenario.ladder.rungs]
    start = ids.index(scenario.ladder.start_id)
    rungs = tuple(ids[start:])
    labels = tuple(r.label for r in scenario.ladder.rungs[start:])
    listed = list(entries(scenario))
    drivers = tuple(_input(e) for e in listed if e.kind == "driver")
    events = tuple(_input(e) for e in listed if e.kind == "event")
    momentum = next((_input(e) for e in listed if e.kind == "momentum"), None)
    driver_index = {d.name: i for i, d in enumerate(drivers)}
    bases, odds, driver_terms, event_terms = _climbs(scenario, listed, rungs, labels)
    process_inputs, processes = _processes(scenario, listed, driver_index)

    correlated: tuple[int, ...] = ()
    cholesky = None
    if scenario.correlations:
        names = [d.name for d in drivers if any(d.name in c.between for c in scenario.correlations)]
        pairs = [(c.between[0], c.between[1], c.rho) for c in scenario.correlations]
        cholesky = np.linalg.cholesky(copula.normal_matrix(names, pairs))
        correlated = tuple(driver_index[n] for n in names)

    sim = scenario.simulation
    model = Model(
        scenario_id=scenario.name,
        title=scenario.title,
        fingerprint=scenario.fingerprint(),
        rungs=rungs,
        rung_labels=labels,
        horizon=sim.horizon_months,
        months=sim.months,
        samples=sim.samples,
        seed=sim.seed,
        drivers=drivers,
        correlated=correlated,
        cholesky=cholesky,
        bases=tuple(bases),
        odds=tuple(odds),
        driver_terms=tuple(driver_terms),
        events=events,
        lasts=tuple(e.lasts_months for e in scenario.events.values()),
        event_terms=tuple(event_terms),
        momentum=momentum,
        processes=processes,
        process_inputs=process_inputs,
        indicators=compile_indicators(scenario, listed, rungs, _input),
    )
    return replace(model, may_overflow=max(reach(model), default=0.0) > LOG_ODDS_SAFE)
