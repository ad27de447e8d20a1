"""What an observed history says about one sample, as array functions: which ladder states each
observed month allows, and the likelihood of observed events and measurements.

Ladder states count from the start rung (0) up; rung ``k`` is state ``k``. The state ``S_t`` is
the highest rung reached by month ``t`` and never goes down, so "rung ``k`` first reached in
month ``r``" says ``S_t >= k`` exactly for ``t >= r``, and "not reached through month ``T``"
says ``S_t < k`` for every ``t <= T``. The forward pass multiplies each month's state
distribution by that month's mask: the mass left after month ``T`` is the sample's likelihood
of the observed ladder, exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from scipy import special

Array = NDArray[np.float64]
NOT_REACHED = None


def ladder_masks(reached: Mapping[int, int | None], months: int, states: int) -> NDArray[np.bool_]:
    """``(months, states)``: whether state ``s`` agrees with the observations after month
    ``t + 1``. ``reached`` maps an observed rung (1..states-1) to the month it was first
    reached in (1..months), or to ``None`` for not reached through ``months``; rungs left out
    are unobserved. Raises ValueError for a rung or month out of bounds."""
    masks = np.ones((months, states), dtype=bool)
    state = np.arange(states)
    t = np.arange(1, months + 1)[:, None]
    for rung, month in reached.items():
        if not 1 <= rung < states:
            raise ValueError(f"rung {rung} is not a state above the start (1..{states - 1})")
        if month is not None and not 1 <= month <= months:
            raise ValueError(f"month {month} lies outside the observed months 1..{months}")
        since = math.inf if month is None else month
        masks &= (state[None, :] >= rung) == (t >= since)
    return masks


def consistent(reached: Mapping[int, int | None], months: int, states: int) -> bool:
    """Whether some path of the ladder agrees with every observation (each month allows at
    least one state, and the allowed states can be climbed in order)."""
    masks = ladder_masks(reached, months, states)
    lowest = 0
    for allowed in masks:
        above = np.flatnonzero(allowed[lowest:])
        if above.size == 0:
            return False
        lowest += int(above[0])
    return True


def event_log_likelihood(monthly: Array, onsets: int, months: int) -> Array:
    """``onsets log q + (months - onsets) log(1 - q)`` per sample for an event observed over
    ``months`` months with ``onsets`` months of onset, ``q`` its monthly chance ``(n,)``.
    Minus infinity where the observations are impossible (q = 0 with an onset, q = 1
    without)."""
    q = np.asarray(monthly, dtype=np.float64)
    quiet = months - onsets
    with np.errstate(divide="ignore"):
        on = onsets * np.log(q) if onsets else np.zeros_like(q)
        off = quiet * np.log1p(-q) if quiet else np.zeros_like(q)
    return np.asarray(on + off)


def normal_log_likelihood(values: Array, reading: float, sd: float) -> Array:
    """The log density of a reading ``N(value, sd^2)`` at each sample's driver value ``(n,)``."""
    z = (reading - np.asarray(values, dtype=np.float64)) / sd
    return np.asarray(-0.5 * z * z - math.log(sd) - 0.5 * math.log(2 * math.pi))


def binomial_log_likelihood(values: Array, successes: int, trials: int) -> Array:
    """The log probability of ``successes`` of ``trials`` at each sample's driver value, a
    probability ``(n,)``."""
    x = np.asarray(values, dtype=np.float64)
    log_choose = (
        special.gammaln(trials + 1)
        - special.gammaln(successes + 1)
        - special.gammaln(trials - successes + 1)
    )
    return np.asarray(
        log_choose + special.xlogy(successes, x) + special.xlog1py(trials - successes, -x)
    )


@dataclass(frozen=True)
class Measurement:
    """One reading of driver ``driver`` (an index into the model's drivers): ``kind`` "normal"
    (``a`` the value, ``b`` its sd) or "binomial" (``a`` successes of ``b`` trials)."""

    driver: int
    kind: str
    a: float
    b: float
    month: int = 0  # the month it falls in (1..T): a moving driver is read in that month

    def log_likelihood(self, values: Array) -> Array:
        """Its log likelihood at each sample's driver value ``(n,)``."""
        if self.kind == "normal":
            return normal_log_likelihood(values, self.a, self.b)
        return binomial_log_likelihood(values, int(self.a), int(self.b))


@dataclass(frozen=True, eq=False)
class Observed:
    """An observed history compiled for the engine: ``months`` (``T``) observed months,
    ``masks`` ``(T, states)`` from :func:`ladder_masks`, each observed event's onsets
    ``(event index, (T,) bools)``, and the measurements. Forecast months count from ``T``."""

    history_id: str
    fingerprint: str
    through: str
    months: int
    masks: NDArray[np.bool_]
    events: tuple[tuple[int, NDArray[np.bool_]], ...]
    measurements: tuple[Measurement, ...]
    # indicators observed: (indicator, (months,) 1 seen, 0 not seen, -1 not observed), months
    # counted from as_of and reaching past T for a --given one
    signals: tuple[tuple[int, NDArray[np.int8]], ...] = ()
    # events given after the history (--given): (event, month counted from as_of, began or not)
    given_events: tuple[tuple[int, int, bool], ...] = ()


def onset_path(months: Sequence[int], observed: int) -> NDArray[np.bool_]:
    """``(observed,)``: whether an event began in each month, from its onset months (1-based)."""
    path = np.zeros(observed, dtype=bool)
    path[np.asarray(list(months), dtype=np.intp) - 1] = True
    return path


class Conditioned:
    """What a conditioned evaluation returns: ``exceed`` ``(rungs, months, n)`` and
    ``highest`` ``(states, n)`` as :func:`evaluate` gives them, but given the history and for
    the months after it; ``values`` ``(inputs, n)``; ``log_weights`` ``(n,)`` each sample's
    log likelihood of the history; ``uniforms`` ``(inputs, n)`` the prior quantile of each
    drawn input (what its posterior percentiles are read from)."""

    def __init__(self, log_weights: Array, uniforms: Array) -> None:
        self.log_weights = log_weights
        self.uniforms = uniforms
        self.exceed = self.highest = self.values = np.empty(0)


def observe(
    observed: Observed,
    monthly: Array,
    drivers: Array,
    log_weights: Array,
    *,
    moving: frozenset[int] = frozenset(),
) -> None:
    """Add the log likelihood of each observed event's onsets, of every measurement of a
    driver that holds (not in ``moving``) and of every event given after the history (one
    month each), to ``log_weights``."""
    for e, onsets in observed.events:
        log_weights += event_log_likelihood(monthly[e], int(onsets.sum()), observed.months)
    for m in observed.measurements:
        if m.driver not in moving:
            log_weights += m.log_likelihood(drivers[m.driver])
    for e, _, began in observed.given_events:
        log_weights += event_log_likelihood(monthly[e], int(began), 1)


class _Current(Protocol):
    def driver(self, d: int, static: Array) -> Array: ...

    row: dict[int, int]


def observe_month(observed: Observed, month: int, paths: _Current, log_weights: Array) -> None:
    """Add the log likelihood of the measurements of moving drivers (``paths.row``) dated in
    ``month``, read at the drivers' values in that month."""
    for m in observed.measurements:
        if m.month == month and m.driver in paths.row:
            log_weights += m.log_likelihood(paths.driver(m.driver, np.empty(0)))


def filter_month(p: Array, allowed: NDArray[np.bool_], log_weights: Array, scratch: Array) -> None:
    """One month of the forward filter: zero the states the month's observations rule out,
    add the log of the mass left to ``log_weights`` and renormalise what is left (a sample
    with no mass left keeps zeros: its weight is 0)."""
    p[~allowed] = 0.0
    np.sum(p, axis=0, out=scratch)
    with np.errstate(divide="ignore"):
        log_weights += np.log(scratch)
    np.divide(p, scratch, out=p, where=scratch > 0)
