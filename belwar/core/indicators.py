"""Indicators: what an analyst can watch for each month, and the exact update on seeing it.

An indicator is seen in month ``t`` with chance ``b M / (1 - b + b M)``: ``b`` its base, ``M``
the product of its odds ratios on the drivers (per ``per`` units from the reference), on the
events active in month ``t``, and on ``state_at_least:<rung>`` for the ladder state at the end of
month ``t``. It depends on the ladder only through that month's state, so the forward pass stays
exact: observing it (seen or not) multiplies each state's probability by its chance of that in
that state, and the mass left is the observation's likelihood.

Indicators draw from streams of their own (``indicator:x``, ``indicator_odds:x:term``), and only
when some indicator is observed: a scenario's other draws never change.

Arrays: ``(states, n)`` or ``(n,)``, samples last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from belwar.core.model import Input

Array = NDArray[np.float64]
Draw = Callable[..., Array]
LOG_CLIP = 700.0  # as the hazards' drivers: exp stays finite


@dataclass(frozen=True)
class SignalTerm:
    """One odds ratio of an indicator: ``kind`` "driver" (``index`` a driver, counted from
    ``reference`` per ``per``), "event" (``index`` an event, while active) or "state"
    (``index`` the ladder state it needs at least); ``odds`` indexes the indicator's odds."""

    kind: str
    index: int
    odds: int
    reference: float = 0.0
    per: float = 1.0


@dataclass(frozen=True, eq=False)
class Indicator:
    """An indicator compiled for the engine."""

    name: str
    label: str
    base: Input
    odds: tuple[Input, ...]
    terms: tuple[SignalTerm, ...]


@dataclass(frozen=True, eq=False)
class Drawn:
    """One block's draws of an indicator: its base ``(n,)`` and log odds ratios ``(odds, n)``."""

    base: Array
    log_odds: Array


def draw_indicator(indicator: Indicator, draw: Draw, n: int) -> Drawn:
    """The indicator's inputs for ``n`` samples, by inverse CDF from their own streams."""
    base = np.clip(indicator.base.inverse(draw(indicator.base.key, n)), 0.0, 1.0)
    log_odds = np.empty((len(indicator.odds), n))
    odds = np.empty(n)
    for item, log in zip(indicator.odds, log_odds, strict=True):
        item.inverse.with_logs(draw(item.key, n), odds, log)
    return Drawn(base, log_odds)


def seen_chance(
    indicator: Indicator,
    drawn: Drawn,
    drivers: Array,
    active: NDArray[np.bool_],
    states: int,
) -> Array:
    """P(seen in the month | state at its end) ``(states, n)``, given the drivers ``(drivers,
    n)`` and which events are active that month ``(events, n)``."""
    n = drawn.base.shape[0]
    log_m = np.zeros(n)
    by_state = np.zeros((states, n))
    for term in indicator.terms:
        log = drawn.log_odds[term.odds]
        if term.kind == "driver":
            log_m += (drivers[term.index] - term.reference) / term.per * log
        elif term.kind == "event":
            log_m += np.where(active[term.index], log, 0.0)
        else:
            by_state[term.index :] += log
    by_state += log_m
    np.clip(by_state, -LOG_CLIP, LOG_CLIP, out=by_state)
    bm = np.exp(by_state) * drawn.base
    with np.errstate(over="ignore", invalid="ignore"):
        chance = bm / (1.0 - drawn.base + bm)
    return np.fmin(chance, 1.0)  # b = 1 with a huge multiplier: inf / inf, and the chance is 1


def weigh_month(p: Array, chance: Array, log_weights: Array, scratch: Array) -> None:
    """One observation in the forward filter: multiply the state distribution ``p`` ``(states,
    n)`` by the chance ``(states, n)`` of what was observed in each state, add the log of the
    mass left to ``log_weights`` and renormalise (a sample with no mass left keeps zeros)."""
    p *= chance
    np.sum(p, axis=0, out=scratch)
    with np.errstate(divide="ignore"):
        log_weights += np.log(scratch)
    np.divide(p, scratch, out=p, where=scratch > 0)


def observe_indicators(  # noqa: PLR0917 - a private kernel of the engine's month loop
    indicators: Sequence[Indicator],
    drawn: Sequence[Drawn],
    signals: Sequence[tuple[int, NDArray[np.int8]]],
    month: int,
    p: Array,
    drivers: Array,
    active: NDArray[np.bool_],
    log_weights: Array,
    scratch: Array,
) -> None:
    """Condition month ``month`` (0-based) on every indicator observed in it: ``signals`` holds
    ``(indicator, path)`` with ``path[t]`` 1 for seen, 0 for not seen, -1 for not observed."""
    for i, path in signals:
        if month >= path.shape[0] or path[month] < 0:
            continue
        chance = seen_chance(indicators[i], drawn[i], drivers, active[:, month], p.shape[0])
        if path[month] == 0:
            np.subtract(1.0, chance, out=chance)
        weigh_month(p, chance, log_weights, scratch)
