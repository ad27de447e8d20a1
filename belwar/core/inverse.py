"""Fast inverse CDFs: the engine's way from uniforms to values.

A closed-form inverse is used where one exists; a beta's comes from cubic tables of its standard
inverse CDF, built once per shape (``BetaTable``) and kept for the last ``BETA_TABLES_KEPT``
shapes, accurate to ``TABLE_TOLERANCE`` of the support's width, with pieces that miss it
evaluated exactly.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from belwar.core.distributions import ODDS_MAX, ODDS_MIN, Z_FLOOR, Array, Distribution

TABLE_INTERVALS = 2048
# The tails, u below TAIL_SHARE or above 1 - TAIL_SHARE, have tables of their own on the log-log
# scale: TAIL_INTERVALS intervals in log u from TAIL_LOG_MIN (exp(-40) is 4e-18, below the
# smallest uniform above zero, 2**-53) to log TAIL_SHARE. Lower still is evaluated exactly.
TAIL_PIECES = 16  # pieces of the middle table at each end that the tail tables replace
TAIL_SHARE = TAIL_PIECES / TABLE_INTERVALS
TAIL_INTERVALS = 256
TAIL_LOG_MIN = -40.0
_TAIL_WIDTH = (math.log(TAIL_SHARE) - TAIL_LOG_MIN) / TAIL_INTERVALS
# Largest error of a tabulated inverse, as a share of the support's width: far below the Monte
# Carlo error of any reported probability (an MCSE of 1e-7 would take ~1e13 samples).
TABLE_TOLERANCE = 1e-7


@dataclass(frozen=True)
class BetaTable:
    """Cubic pieces of a standard beta's inverse CDF: ``middle`` ``(TABLE_INTERVALS, 4)`` in u,
    and ``tails`` ``(2, 4, TAIL_INTERVALS)``: log x against log u for the lower tail, and
    log(1 - x) against log(1 - u) for the upper one. ``exact`` and ``tail_exact`` flag the
    pieces that missed the tolerance, to be evaluated exactly."""

    middle: Array
    exact: NDArray[np.bool_]
    tails: Array
    tail_exact: NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class InverseCDF:
    """A fast inverse CDF of one distribution: exact where the exact one is cheap (closed forms,
    the normal quantile), tabulated where it is not (the beta family, including PERT, whose
    exact inverse costs 2 to 4 microseconds a value).

    A beta's table is a cubic Hermite interpolant of the exact inverse with the exact slopes
    ``1 / pdf``, on ``TABLE_INTERVALS`` equal intervals in u. In each tail, where the slope
    grows without bound, it is an interpolant of log x against log u instead, which the beta's
    power-law tails make nearly straight. Every piece is checked at its midpoint, where a
    Hermite cubic's error term ``t^2 (1 - t)^2`` peaks, when the table is built (by the forward
    CDF: see :func:`_miss`); pieces that miss ``TABLE_TOLERANCE`` (times the support's width)
    are evaluated exactly instead (tested against the exact inverse on a million uniforms and
    across the tails down to 1e-17).
    """

    dist: Distribution
    table: BetaTable | None = None

    def __call__(self, u: Array, out: Array | None = None) -> Array:
        """Values at uniforms ``u`` (any shape), into ``out`` if given."""
        dist = self.dist
        u = np.asarray(u, dtype=np.float64)
        if out is None:
            out = np.empty_like(u)
        if dist.family in {"normal", "lognormal"} and not dist.truncated:
            self._normal_scale(u, out)
            if dist.family == "lognormal":
                np.exp(out, out=out)
            return out
        if self.table is None:
            np.copyto(out, dist.ppf(u))
            return out
        if dist.truncated:
            f_lo, f_hi = dist.raw_cdf(np.array([dist.lower, dist.upper]))
            u = f_lo + u * (f_hi - f_lo)
        table = self.table
        scaled = u * TABLE_INTERVALS
        index = np.minimum(scaled.astype(np.intp), TABLE_INTERVALS - 1)
        t = np.subtract(scaled, index, out=scaled)
        _horner(table.middle, index, t, out)
        slow = np.take(table.exact, index)
        if slow.any():
            out[slow] = dist.raw_ppf(u[slow])
        tail = np.flatnonzero((u < TAIL_SHARE) | (u > 1.0 - TAIL_SHARE))
        if tail.size:
            out.flat[tail] = self._tails(u.flat[tail])
        if dist.truncated:
            np.clip(out, dist.lower, dist.upper, out=out)
        return out

    def _tails(self, u: Array) -> Array:
        """Values at uniforms ``u`` in either tail, from the log-log tables."""
        assert self.table is not None
        _, _, loc, scale = self.dist.params
        upper = u > 0.5
        with np.errstate(divide="ignore", invalid="ignore"):  # u = 0 goes to the exact inverse
            log_u = np.log(np.where(upper, 1.0 - u, u))
            position = (np.maximum(log_u, TAIL_LOG_MIN) - TAIL_LOG_MIN) / _TAIL_WIDTH
        index = np.minimum(position.astype(np.intp), TAIL_INTERVALS - 1)
        side = upper.astype(np.intp)  # which tail's table: 0 lower, 1 upper
        pieces = self.table.tails[side, :, index]  # (n, 4)
        t = position - index
        y = pieces[:, 0] + t * (pieces[:, 1] + t * (pieces[:, 2] + t * pieces[:, 3]))
        unit = np.where(upper, -np.expm1(y), np.exp(y))
        x: Array = loc + scale * unit
        slow = (log_u < TAIL_LOG_MIN) | self.table.tail_exact[side, index]
        if slow.any():
            x[slow] = self.dist.raw_ppf(u[slow])
        return x

    def with_logs(self, u: Array, out: Array, logs: Array) -> None:
        """Values at ``u`` into ``out`` and their natural logs into ``logs`` (odds ratios). A
        log-normal is drawn on the log scale and exponentiated, so its logs are exact; anything
        else is drawn as it is, held within ``[ODDS_MIN, ODDS_MAX]`` and its logs
        taken."""
        if self.dist.family == "lognormal" and not self.dist.truncated:
            self._normal_scale(np.asarray(u, dtype=np.float64), logs)
            np.exp(logs, out=out)
            return
        self(u, out)
        # a beta reaches 0 at u = 0: odds ratios are held inside the limits, logs finite
        np.clip(out, ODDS_MIN, ODDS_MAX, out=out)
        np.log(out, out=logs)

    def _normal_scale(self, u: Array, out: Array) -> Array:
        """``mu + sigma * z(u)``: a normal's values, a log-normal's logs."""
        from scipy import special  # noqa: PLC0415 - heavy (scipy.special)

        mu, sigma = self.dist.params
        special.ndtri(u, out=out)
        np.maximum(out, Z_FLOOR, out=out)  # u = 0: the quantile at the next uniform up
        out *= sigma
        out += mu
        return out


def _horner(pieces: Array, index: NDArray[np.intp], t: Array, out: Array) -> None:
    """``c0 + t (c1 + t (c2 + t c3))`` with the coefficients of each value's piece (rows of
    ``pieces``), into ``out``. One gather of whole rows costs less than four of columns."""
    c0, c1, c2, c3 = np.take(pieces, index, axis=0).T
    np.multiply(t, c3, out=out)
    out += c2
    out *= t
    out += c1
    out *= t
    out += c0


def inverse_cdf(dist: Distribution) -> InverseCDF:
    """The fastest accurate inverse CDF for ``dist`` (see :class:`InverseCDF`)."""
    if dist.family != "beta":
        return InverseCDF(dist)
    a, b, loc, scale = dist.params
    unit = _beta_table(a, b)
    middle = scale * unit.middle  # x = loc + scale * y: the cubic scales, its constant shifts
    middle[:, 0] += loc
    return InverseCDF(dist, BetaTable(middle, unit.exact, unit.tails, unit.tail_exact))


# The tables of the shapes used last, most recent last (a dict keeps insertion order). About 84 KB
# each: bounded, so that a long sweep of distinct shapes does not hold every table it ever built
# (2,500 points were 210 MB); a model holds its own tables, so the bound only costs a rebuild
# when a shape comes back after BETA_TABLES_KEPT others.
BETA_TABLES_KEPT = 64
_TABLES: dict[tuple[float, float], BetaTable] = {}
_TABLES_LOCK = threading.Lock()  # a program may compile models on several threads at once


def _beta_table(a: float, b: float) -> BetaTable:
    """The table of the standard beta(a, b) (see :class:`InverseCDF`), from the cache of the
    last ``BETA_TABLES_KEPT`` shapes when it is there."""
    key = (a, b)
    with _TABLES_LOCK:
        table = _TABLES.pop(key, None)
        if table is not None:
            _TABLES[key] = table  # now the most recent
            return table
    table = _build_beta_table(a, b)
    with _TABLES_LOCK:
        _TABLES[key] = table
        while len(_TABLES) > BETA_TABLES_KEPT:
            del _TABLES[next(iter(_TABLES))]  # the least recently used
    return table


def _build_beta_table(a: float, b: float) -> BetaTable:
    from scipy import special  # noqa: PLC0415 - heavy (scipy.special)

    n, tail = TABLE_INTERVALS, TAIL_PIECES
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        x = np.asarray(special.betaincinv(a, b, np.linspace(0.0, 1.0, n + 1)))
        slope = np.exp(-_beta_log_pdf(a, b, x)) / n  # dx/dt with t in [0, 1] across one interval
        middle, exact = _hermite(x, slope)
        centre = middle.T @ [1.0, 0.5, 0.25, 0.125]
        exact |= ~(_miss(a, b, centre, (np.arange(n) + 0.5) / n) <= TABLE_TOLERANCE)
        exact[:tail] = exact[-tail:] = False  # the tail tables serve these
        middle[:, :tail] = middle[:, -tail:] = 0.0

        log_u = np.linspace(TAIL_LOG_MIN, math.log(TAIL_SHARE), TAIL_INTERVALS + 1)
        tails, tail_exact = [], []
        for p, q in ((a, b), (b, a)):  # the upper tail of beta(a, b) is the lower one of (b, a)
            x = np.asarray(special.betaincinv(p, q, np.exp(log_u)))
            log_x = np.log(x)
            # d log x / d log u = u / (x pdf(x)), times the interval's width in log u
            slope = np.exp(log_u - log_x - _beta_log_pdf(p, q, x)) * _TAIL_WIDTH
            pieces, bad = _hermite(log_x, slope)
            centre = np.exp(pieces.T @ [1.0, 0.5, 0.25, 0.125])
            bad |= ~(_miss(p, q, centre, np.exp(log_u[:-1] + _TAIL_WIDTH / 2)) <= TABLE_TOLERANCE)
            pieces[:, bad] = 0.0
            tails.append(pieces)
            tail_exact.append(bad)
    return BetaTable(
        np.ascontiguousarray(middle.T),
        exact,
        np.ascontiguousarray(np.stack(tails)),
        np.stack(tail_exact),
    )


def _miss(a: float, b: float, x: Array, u: Array) -> Array:
    """How far values ``x`` lie from the beta(a, b) quantiles at ``u``: ``|F(x) - u| / pdf(x)``,
    the first-order estimate, with the forward CDF at a quarter of the inverse's cost. Where
    the pdf is smooth on the scale of the miss, as it is at 1e-7, this is the miss itself to
    within ``|pdf' / pdf|`` times its square. NaN where ``x`` is not a value of the beta."""
    from scipy import special  # noqa: PLC0415 - heavy (scipy.special)

    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.abs(special.betainc(a, b, x) - u) * np.exp(-_beta_log_pdf(a, b, x)))


def _beta_log_pdf(a: float, b: float, x: Array) -> Array:
    from scipy import special  # noqa: PLC0415 - heavy (scipy.special)

    return np.asarray((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - special.betaln(a, b))


def _hermite(x: Array, slope: Array) -> tuple[Array, NDArray[np.bool_]]:
    """Cubic Hermite pieces ``(4, intervals)`` in t through knots ``x`` with slopes ``slope``
    (per unit t), and which pieces are not finite (those are zeroed and flagged)."""
    x0, x1, d0, d1 = x[:-1], x[1:], slope[:-1], slope[1:]
    pieces = np.stack([x0, d0, 3 * (x1 - x0) - 2 * d0 - d1, 2 * (x0 - x1) + d0 + d1])
    bad = ~np.all(np.isfinite(pieces), axis=0)
    pieces[:, bad] = 0.0
    return pieces, bad
