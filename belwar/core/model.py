"""The compiled model: frozen plain data the engine can run (:mod:`belwar.spec.compile` builds
it from a validated scenario).

Every random input becomes an :class:`Input` with its stream key (``driver:kremlin_pressure``,
``hazard:full_entry``, ``odds:full_entry:public_opposition``, ``event:staged_incident``,
``momentum``) and a fast inverse CDF. Ladder states are counted from the start rung: state 0 is
the start, state ``k`` the ``k``-th rung above it. Nothing downstream of this module sees pydantic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from belwar.core import distributions
from belwar.core.conditioning import Observed
from belwar.core.distributions import ODDS_MAX, Distribution
from belwar.core.inverse import InverseCDF
from belwar.core.processes import DriverProcess

if TYPE_CHECKING:
    from belwar.core.indicators import Indicator

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
    observed: Observed | None = None  # a history to condition on (None: unconditioned)
    # drivers that move month by month, and their processes' parameters (inputs of their own)
    processes: tuple[DriverProcess, ...] = ()
    process_inputs: tuple[Input, ...] = ()
    # what can be watched for (drawn only when observed; never among the inputs)
    indicators: tuple[Indicator, ...] = ()

    @property
    def states(self) -> int:
        """Number of ladder states from the start rung up."""
        return len(self.rungs)

    def inputs(self) -> tuple[Input, ...]:
        """Every random input, in a fixed order."""
        tail = (self.momentum,) if self.momentum is not None else ()
        return (
            *self.drivers,
            *self.bases,
            *self.odds,
            *self.events,
            *self.process_inputs,
            *tail,
        )


# exp overflows above 709.78; the margin leaves room for the base hazard and rounding
LOG_ODDS_SAFE = 700.0


def reach(model: Model) -> list[float]:
    """For each rung above the start, a bound on ``|log M|`` for its odds multiplier ``M``:
    the drivers' terms (as clipped by the engine, at most ``LOG_ODDS_SAFE``), plus every
    event's odds ratio and the momentum at their extremes (see
    :func:`belwar.core.distributions.extremes`)."""

    def log_reach(item: Input) -> float:
        lo, hi = distributions.log_extremes(item.dist)
        bound = math.log(ODDS_MAX)  # the engine holds these draws within the limits
        return min(max(abs(lo), abs(hi)), bound)

    odds = [log_reach(o) for o in model.odds]
    drive = [0.0] * (model.states - 1)
    # a moving driver reaches its range, or (unbounded) anywhere: a huge finite span, so that
    # an odds ratio fixed at 1 still contributes 0
    moving = {p.driver: p.bounds or (-1e300, 1e300) for p in model.processes}
    for term in model.driver_terms:
        lo, hi = moving.get(term.driver) or distributions.extremes(model.drivers[term.driver].dist)
        span = max(abs(lo - term.reference), abs(hi - term.reference)) / term.per
        drive[term.rung - 1] += span * odds[term.odds]
    moved = [min(d, LOG_ODDS_SAFE) for d in drive]
    for event_term in model.event_terms:
        moved[event_term.rung - 1] += odds[event_term.odds]
    momentum = log_reach(model.momentum) if model.momentum is not None else 0.0
    return [m + momentum for m in moved]
