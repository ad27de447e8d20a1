"""The compiled model: a validated scenario turned into frozen plain data the engine can run.

Every random input becomes an :class:`Input` with its stream key (``driver:kremlin_pressure``,
``hazard:full_entry``, ``odds:full_entry:public_opposition``, ``event:staged_incident``,
``momentum``) and a fast inverse CDF. Ladder states are counted from the start rung: state 0 is
the start, state ``k`` the ``k``-th rung above it. Nothing downstream of this module sees pydantic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from belwar import copula, distributions, limits
from belwar.distributions import Distribution, InverseCDF
from belwar.scenario import Point, Scenario

MOMENTUM_KEY = "momentum"


@dataclass(frozen=True, eq=False)
class Input:
    """One random input: its stream key, what it is, and how to draw it from uniforms."""

    key: str
    kind: str  # driver, hazard, odds, event or momentum
    name: str
    label: str
    dist: Distribution
    inverse: InverseCDF
    evidence: int  # how many facts its scenario entry cites
    unit: str = ""


@dataclass(frozen=True)
class DriverTerm:
    """Odds of climbing to ``rung`` times ``odds ** ((driver - reference) / per)``."""

    rung: int  # 1-based state of the rung
    driver: int  # index into Model.drivers
    odds: int  # index into Model.odds
    reference: float
    per: float


@dataclass(frozen=True)
class EventTerm:
    """Odds of climbing to ``rung`` times ``odds`` while ``event`` is active."""

    rung: int
    event: int  # index into Model.events
    odds: int


@dataclass(frozen=True, eq=False)
class Model:
    """A scenario compiled for the engine.

    ``rungs`` lists the start rung and those above it (state 0 is the start); ``bases`` holds
    one input per rung above the start. ``cholesky`` is the lower factor of the normal-scale
    correlation matrix of the drivers listed in ``correlated`` (indices into ``drivers``).
    ``may_overflow`` says whether some rung's odds multiplier can reach beyond ``e**700`` (or
    below its inverse), so that the engine must guard its hazards against inf / inf and 0 / 0
    (see :func:`reach`).
    """

    scenario_id: str
    title: str
    fingerprint: str
    rungs: tuple[str, ...]
    rung_labels: tuple[str, ...]
    horizon: int
    months: tuple[int, ...]
    samples: int
    seed: int
    drivers: tuple[Input, ...]
    correlated: tuple[int, ...]
    cholesky: np.ndarray | None
    bases: tuple[Input, ...]
    odds: tuple[Input, ...]
    driver_terms: tuple[DriverTerm, ...]
    events: tuple[Input, ...]
    lasts: tuple[int, ...]
    event_terms: tuple[EventTerm, ...]
    momentum: Input | None
    may_overflow: bool = False

    @property
    def states(self) -> int:
        """Number of ladder states from the start rung up."""
        return len(self.rungs)

    def inputs(self) -> tuple[Input, ...]:
        """Every random input, in a fixed order."""
        tail = (self.momentum,) if self.momentum is not None else ()
        return (*self.drivers, *self.bases, *self.odds, *self.events, *tail)


def _input(  # noqa: PLR0917 - a private constructor with one caller per kind
    key: str, kind: str, name: str, label: str, dist: Distribution, cites: int, unit: str = ""
) -> Input:
    return Input(key, kind, name, label, dist, distributions.inverse_cdf(dist), cites, unit)


def compile_model(scenario: Scenario) -> Model:
    """Compile a validated scenario. Assumes :func:`belwar.loader.validate_scenario` passed."""
    ids = [r.id for r in scenario.ladder.rungs]
    start = ids.index(scenario.ladder.start_id)
    rungs = tuple(ids[start:])
    labels = tuple(r.label for r in scenario.ladder.rungs[start:])

    drivers = tuple(
        _input(
            f"driver:{name}",
            "driver",
            name,
            d.label,
            distributions.resolve(d.dist, d.range),
            len(d.evidence),
            d.unit,
        )
        for name, d in scenario.drivers.items()
    )
    driver_index = {d.name: i for i, d in enumerate(drivers)}
    event_names = list(scenario.events)

    bases: list[Input] = []
    odds: list[Input] = []
    driver_terms: list[DriverTerm] = []
    event_terms: list[EventTerm] = []
    for state, rung in enumerate(rungs[1:], start=1):
        hazard = scenario.hazards.get(rung)
        spec = hazard.base if hazard is not None else Point(type="point", value=0.0)
        cites = len(hazard.evidence) if hazard is not None else 0
        bases.append(
            _input(
                f"hazard:{rung}",
                "hazard",
                rung,
                labels[state],
                distributions.resolve(spec),
                cites,
                "monthly hazard",
            )
        )
        for name, ratio in (hazard.odds_ratios if hazard is not None else {}).items():
            j = len(odds)
            odds.append(
                _input(
                    f"odds:{rung}:{name}",
                    "odds",
                    f"{rung}:{name}",
                    f"odds ratio of {name} on {rung}",
                    distributions.resolve(ratio.dist),
                    len(ratio.evidence),
                    f"odds multiplier per {ratio.per:g}" if ratio.per else "odds multiplier",
                )
            )
            if name in driver_index:
                driver = scenario.drivers[name]
                assert driver.reference is not None  # validated: odds on a driver need both
                assert ratio.per is not None
                driver_terms.append(
                    DriverTerm(state, driver_index[name], j, driver.reference, ratio.per)
                )
            else:
                event_terms.append(EventTerm(state, event_names.index(name), j))

    events = tuple(
        _input(
            f"event:{name}",
            "event",
            name,
            e.label,
            distributions.resolve(e.monthly),
            len(e.evidence),
            "monthly probability",
        )
        for name, e in scenario.events.items()
    )
    momentum = None
    if scenario.momentum is not None:
        momentum = _input(
            MOMENTUM_KEY,
            "momentum",
            "momentum",
            "momentum once above the start",
            distributions.resolve(scenario.momentum.dist),
            len(scenario.momentum.evidence),
            "odds multiplier",
        )

    correlated: tuple[int, ...] = ()
    cholesky = None
    if scenario.correlations:
        names = [d.name for d in drivers if any(d.name in c.between for c in scenario.correlations)]
        pairs = [(c.between[0], c.between[1], c.rho) for c in scenario.correlations]
        cholesky = np.linalg.cholesky(copula.normal_matrix(names, pairs))
        correlated = tuple(driver_index[n] for n in names)

    sim = scenario.simulation
    model = Model(
        scenario_id=scenario.id,
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
    )
    return replace(model, may_overflow=max(reach(model), default=0.0) > LOG_ODDS_SAFE)


# exp overflows above 709.78; the margin leaves room for the base hazard and rounding
LOG_ODDS_SAFE = 700.0


def reach(model: Model) -> list[float]:
    """For each rung above the start, a bound on ``|log M|`` for its odds multiplier ``M``:
    the drivers' terms (as clipped by the engine, at most ``LOG_ODDS_SAFE``), plus every
    event's odds ratio and the momentum at their extremes (see
    :func:`belwar.distributions.extremes`)."""

    def log_reach(item: Input) -> float:
        lo, hi = distributions.log_extremes(item.dist)
        bound = math.log(limits.ODDS_MAX)  # the engine holds these draws within the limits
        return min(max(abs(lo), abs(hi)), bound)

    odds = [log_reach(o) for o in model.odds]
    drive = [0.0] * (model.states - 1)
    for term in model.driver_terms:
        lo, hi = distributions.extremes(model.drivers[term.driver].dist)
        span = max(abs(lo - term.reference), abs(hi - term.reference)) / term.per
        drive[term.rung - 1] += span * odds[term.odds]
    moved = [min(d, LOG_ODDS_SAFE) for d in drive]
    for event_term in model.event_terms:
        moved[event_term.rung - 1] += odds[event_term.odds]
    momentum = log_reach(model.momentum) if model.momentum is not None else 0.0
    return [m + momentum for m in moved]
