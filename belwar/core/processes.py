"""Drivers that move: a driver's value month by month, for one block of samples.

A driver with a process starts from its own draw (month 0) and takes one step a month on the
logit scale of its range ``[lo, hi]`` (``y = logit((x - lo) / (hi - lo))``; the value itself when
it has no range): ``y_t = y_(t-1) + sd z_t`` for a random walk, and ``y_t = y_(t-1) + r (y_0 -
y_(t-1)) + sd z_t`` for an AR(1) that reverts towards the month-0 draw, with ``z_t`` standard
normal from the stream ``driver:<name>:path`` (month-major, ``n`` uniforms a month). Month ``t``
uses the value after ``t`` steps. Innovations are independent across drivers and months; a
copula correlates the drivers' month-0 draws only.

The value is ``x_t = x_0 + (g(y_t) - g(y_0))`` with ``g`` the inverse of the scale, held within
the range: a sample whose sd is 0 keeps ``x_0`` bit for bit, so a process with ``monthly_sd`` 0
gives exactly the static driver's digits. Only the current month is held: ``(moving, n)``
arrays, never the whole path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy import special

from belwar.core.conditioning import Observed, observe_month

if TYPE_CHECKING:  # the model holds DriverProcess records: imported for types only
    from belwar.core.model import DriverTerm, Model

Array = NDArray[np.float64]
LOGIT_CAP = 40.0  # the logistic of 40 is 1 in doubles: a month-0 draw on a bound stays there
_HALF_ULP = 2.0**-54  # uniforms are k 2^-53: the midpoint keeps ndtri finite and symmetric


@dataclass(frozen=True)
class DriverProcess:
    """How driver ``driver`` (an index into ``Model.drivers``) moves: its innovations' stream,
    the rows of its monthly sd and (AR(1) only) reversion in ``Model.process_inputs``, and its
    range (``None``: unbounded, the identity scale)."""

    driver: int
    key: str
    sd: int
    reversion: int | None
    bounds: tuple[float, float] | None
    # an unbounded driver's values are reported through the share expit((x - centre) / scale)
    centre: float = 0.0
    scale: float = 1.0


MonthUniforms = Callable[[int], Array]


class Paths:
    """The moving drivers' values in the current month, advanced by :meth:`step`.

    ``x0`` are the month-0 values ``(moving, n)``, ``params`` the process inputs' draws
    ``(process inputs, n)``, ``months[i](t)`` month ``t``'s uniforms ``(n,)`` for process
    ``i``; :meth:`record` keeps the values of the ``reported`` months ``(moving, reported,
    n)``."""

    def __init__(
        self,
        processes: Sequence[DriverProcess],
        x0: Array,
        params: Array,
        months: Sequence[MonthUniforms],
        *,
        reported: int = 0,
    ) -> None:
        self.processes = tuple(processes)
        self.x0 = x0
        self.params = params
        self.months = tuple(months)
        self.y0 = np.stack([_to_scale(p, x) for p, x in zip(processes, x0, strict=True)])
        self.g0 = np.stack([_from_scale(p, y) for p, y in zip(processes, self.y0, strict=True)])
        self.y = self.y0.copy()
        self.values = x0.copy()
        self._scratch = np.empty(x0.shape[1])
        self.row = {p.driver: i for i, p in enumerate(processes)}
        self.reported = np.empty((len(self.processes), reported, x0.shape[1]))

    def record(self, column: int) -> None:
        """Keep this month's values as reported month ``column``."""
        self.reported[:, column] = self.values

    def step(self, t: int) -> None:
        """Advance every moving driver to month ``t + 1`` (``t`` counts from 0)."""
        z = self._scratch
        for i, process in enumerate(self.processes):
            u = self.months[i](t)
            np.add(u, _HALF_ULP, out=z)
            special.ndtri(z, out=z)
            z *= self.params[process.sd]
            y = self.y[i]
            if process.reversion is not None:
                gap = self.y0[i] - y
                gap *= self.params[process.reversion]
                y += gap
            y += z
            moved = _from_scale(process, y)
            moved -= self.g0[i]
            np.add(self.x0[i], moved, out=self.values[i])
            if process.bounds is not None:
                np.clip(self.values[i], *process.bounds, out=self.values[i])

    def current(self, drivers: Array, out: Array) -> Array:
        """Every driver's value this month ``(drivers, n)`` into ``out``: the moving ones' paths,
        the others as drawn."""
        np.copyto(out, drivers)
        for d, i in self.row.items():
            out[d] = self.values[i]
        return out

    def driver(self, d: int, static: Array) -> Array:
        """Driver ``d``'s value this month: its path if it moves, else ``static``."""
        i = self.row.get(d)
        return static if i is None else self.values[i]


def _to_scale(process: DriverProcess, x: Array) -> Array:
    if process.bounds is None:
        return x.copy()
    lo, hi = process.bounds
    y: Array = special.logit((x - lo) / (hi - lo))
    np.clip(y, -LOGIT_CAP, LOGIT_CAP, out=y)
    return y


def _from_scale(process: DriverProcess, y: Array) -> Array:
    if process.bounds is None:
        return y.copy()
    lo, hi = process.bounds
    x: Array = special.expit(y)
    x *= hi - lo
    x += lo
    return x


def shares(processes: Sequence[DriverProcess], values: Array) -> Array:
    """Values ``(moving, ...)`` as shares in [0, 1] (what the engine's log-odds histograms
    bin): the place in the range, or for an unbounded driver ``expit((x - centre) /
    scale)``."""
    out = np.empty_like(values)
    for i, process in enumerate(processes):
        if process.bounds is not None:
            lo, hi = process.bounds
            np.subtract(values[i], lo, out=out[i])
            out[i] /= hi - lo
        else:
            np.subtract(values[i], process.centre, out=out[i])
            out[i] /= process.scale
            special.expit(out[i], out=out[i])
    return out


def from_shares(process: DriverProcess, share: Array) -> Array:
    """The values whose shares (:func:`shares`) are ``share``."""
    s = np.asarray(share, dtype=np.float64)
    if process.bounds is not None:
        lo, hi = process.bounds
        out: Array = lo + (hi - lo) * s
        return out
    with np.errstate(divide="ignore"):
        logits: Array = special.logit(s)
    return process.centre + process.scale * logits


def month_uniforms(draw: Callable[..., Array], key: str, months: int, n: int) -> MonthUniforms:
    """Month ``t``'s uniforms of stream ``key``: drawn month by month when ``draw`` can hand
    out the stream itself (``draw.stream(key)``, a generator: the same numbers as one
    ``(months, n)`` draw, row by row), else rows of one ``(months, n)`` draw."""
    stream = getattr(draw, "stream", None)
    if stream is not None:
        generator = stream(key)
        return lambda _t: np.asarray(generator.random(n))
    whole = draw(key, (months, n))
    return lambda t: np.asarray(whole[t])


def driven_base(  # noqa: PLR0917 - a private kernel, its buffers passed in
    terms: Sequence[DriverTerm],
    paths: Paths,
    drivers: Array,
    log_odds: Array,
    base: Array,
    out: Array,
    scratch: Array,
) -> None:
    """One rung's base hazard times its drivers' odds multiplier this month, into ``out``: the
    same operations in the same order as the engine's static ``_driven_bases``, so a driver
    that has not moved gives the same bits."""
    out.fill(0.0)
    for term in terms:
        np.subtract(paths.driver(term.driver, drivers[term.driver]), term.reference, out=scratch)
        scratch /= term.per
        scratch *= log_odds[term.odds]
        out += scratch
    np.clip(out, -700.0, 700.0, out=out)
    np.exp(out, out=out)
    out *= base


def moving_drivers(model: Model) -> frozenset[int]:
    """The indices of the model's drivers that move."""
    return frozenset(p.driver for p in model.processes)


def driven_rungs(model: Model) -> dict[int, list[DriverTerm]]:
    """Each rung (0-based above the start) whose odds move with some driver's path: all its
    driver terms, in the model's order."""
    moving = moving_drivers(model)
    rungs = {t.rung - 1 for t in model.driver_terms if t.driver in moving}
    return {k: [t for t in model.driver_terms if t.rung - 1 == k] for k in sorted(rungs)}


def start_paths(
    model: Model, draw: Callable[..., Array], drivers: Array, values: Array, months: int
) -> Paths:
    """The moving drivers' paths from their month-0 draws ``drivers`` ``(drivers, n)``, their
    processes' parameters read from the model's inputs ``values`` ``(inputs, n)`` (after the
    events, before the momentum), over ``months`` months."""
    n = values.shape[1]
    start = len(values) - len(model.process_inputs) - (model.momentum is not None)
    params = values[start : start + len(model.process_inputs)]
    x0 = np.stack([drivers[p.driver] for p in model.processes])
    monthly = [month_uniforms(draw, p.key, months, n) for p in model.processes]
    return Paths(model.processes, x0, params, monthly, reported=len(model.months))


def advance(paths: Paths, t: int, observed: Observed | None, log_weights: Array | None) -> None:
    """Moving drivers to month ``t + 1`` (``t`` counts from 0), and given a history the log
    likelihood of the readings of moving drivers dated in that month added to
    ``log_weights``."""
    paths.step(t)
    if observed is not None and log_weights is not None:
        observe_month(observed, t + 1, paths, log_weights)
