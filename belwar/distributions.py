"""Distributions as the engine uses them: parameters resolved from the scenario's forms (fitting
the ``ci90`` forms), truncated to a driver's range, and sampled by inverse CDF from uniforms.

A :class:`Distribution` is frozen plain data. ``ppf`` maps an array of uniforms of any shape to
values of the same shape; nothing here draws random numbers itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from belwar import estimative
from belwar.scenario import (
    Beta,
    DistModel,
    Estimative,
    LogNormal,
    Normal,
    Pert,
    Point,
    Triangular,
    Uniform,
)

Array = NDArray[np.float64]
Family = Literal["point", "uniform", "normal", "lognormal", "beta", "triangular"]

Z95 = 1.6448536269514722  # the standard normal's 95th percentile
CI90_TOLERANCE = 1e-6  # fitted ci90 percentiles land this close to the bounds, or the fit fails


class FitError(ValueError):
    """No distribution of the family matches the stated parameters."""


@dataclass(frozen=True)
class Distribution:
    """A resolved distribution, possibly truncated to ``[lower, upper]``.

    ``params`` by family: point ``(value,)``; uniform ``(low, high)``; normal ``(mean, sd)``;
    lognormal ``(mu, sigma)`` of the log; beta ``(alpha, beta, loc, scale)`` on
    ``[loc, loc + scale]``; triangular ``(min, mode, max)``.
    """

    family: Family
    params: tuple[float, ...]
    lower: float = -math.inf
    upper: float = math.inf

    def raw_cdf(self, x: Array) -> Array:
        """The untruncated CDF at ``x``."""
        from scipy import special

        x = np.asarray(x, dtype=np.float64)
        p = self.params
        match self.family:
            case "point":
                return (x >= p[0]).astype(np.float64)
            case "uniform":
                return np.clip((x - p[0]) / (p[1] - p[0]), 0.0, 1.0)
            case "normal":
                return np.asarray(special.ndtr((x - p[0]) / p[1]))
            case "lognormal":
                with np.errstate(divide="ignore"):
                    z = (np.log(np.maximum(x, 0.0)) - p[0]) / p[1]
                return np.asarray(special.ndtr(z))
            case "beta":
                t = np.clip((x - p[2]) / p[3], 0.0, 1.0)
                return np.asarray(special.betainc(p[0], p[1], t))
            case "triangular":
                lo, mode, hi = p
                left = np.where(x <= mode, (x - lo) ** 2 / ((hi - lo) * (mode - lo) or 1.0), 0.0)
                right = np.where(
                    x > mode, 1 - (hi - x) ** 2 / ((hi - lo) * (hi - mode) or 1.0), 0.0
                )
                return np.clip(np.where(x <= mode, left, right), 0.0, 1.0)
        raise AssertionError(self.family)  # pragma: no cover

    def raw_ppf(self, u: Array) -> Array:
        """The untruncated inverse CDF at ``u``."""
        from scipy import special

        u = np.asarray(u, dtype=np.float64)
        p = self.params
        match self.family:
            case "point":
                return np.full_like(u, p[0])
            case "uniform":
                return p[0] + u * (p[1] - p[0])
            case "normal":
                return p[0] + p[1] * np.asarray(special.ndtri(u))
            case "lognormal":
                return np.exp(p[0] + p[1] * np.asarray(special.ndtri(u)))
            case "beta":
                return p[2] + p[3] * np.asarray(special.betaincinv(p[0], p[1], u))
            case "triangular":
                lo, mode, hi = p
                cut = (mode - lo) / (hi - lo)
                left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
                right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
                return np.where(u < cut, left, right)
        raise AssertionError(self.family)  # pragma: no cover

    def support(self) -> tuple[float, float]:
        """The closed hull of the untruncated distribution's support."""
        p = self.params
        match self.family:
            case "point":
                return (p[0], p[0])
            case "uniform":
                return (p[0], p[1])
            case "normal":
                return (-math.inf, math.inf)
            case "lognormal":
                return (0.0, math.inf)
            case "beta":
                return (p[2], p[2] + p[3])
            case "triangular":
                return (p[0], p[2])
        raise AssertionError(self.family)  # pragma: no cover

    @property
    def truncated(self) -> bool:
        """Whether a range cuts the distribution's support."""
        return math.isfinite(self.lower) or math.isfinite(self.upper)

    def mass(self) -> float:
        """The probability the untruncated distribution puts inside ``[lower, upper]``."""
        if self.family == "point":
            return 1.0 if self.lower <= self.params[0] <= self.upper else 0.0
        lo, hi = self.raw_cdf(np.array([self.lower, self.upper]))
        return float(hi - lo)

    def ppf(self, u: Array) -> Array:
        """Values at uniforms ``u`` (any shape), truncated to ``[lower, upper]`` if set."""
        if not self.truncated or self.family == "point":
            return self.raw_ppf(u)
        f_lo, f_hi = self.raw_cdf(np.array([self.lower, self.upper]))
        values = self.raw_ppf(f_lo + np.asarray(u) * (f_hi - f_lo))
        return np.clip(values, self.lower, self.upper)

    def cdf(self, x: Array) -> Array:
        """The CDF (of the truncated distribution, when a range is set)."""
        if not self.truncated or self.family == "point":
            return self.raw_cdf(x)
        f_lo, f_hi = self.raw_cdf(np.array([self.lower, self.upper]))
        inside = np.clip(np.asarray(x, dtype=np.float64), self.lower, self.upper)
        return np.asarray((self.raw_cdf(inside) - f_lo) / (f_hi - f_lo))


def resolve(spec: DistModel, bounds: tuple[float, float] | None = None) -> Distribution:
    """The :class:`Distribution` a scenario's spec describes, truncated to ``bounds`` if given.

    Raises :class:`FitError` when a ``ci90`` cannot be fitted or the range holds no probability.
    """
    dist = _resolve(spec)
    if bounds is None:
        return dist
    lower, upper = bounds
    if dist.family == "point":
        if not lower <= dist.params[0] <= upper:
            raise FitError(
                f"the value {dist.params[0]:g} lies outside the range [{lower:g}, {upper:g}]"
            )
        return dist
    low, high = dist.support()
    if lower <= low and high <= upper:
        return dist  # the range already holds all of it: nothing to cut
    truncated = Distribution(dist.family, dist.params, lower, upper)
    if truncated.mass() < 1e-9:
        raise FitError(
            f"the distribution puts no probability inside the range [{lower:g}, {upper:g}]"
        )
    return truncated


def _resolve(spec: DistModel) -> Distribution:
    match spec:
        case Point(value=v):
            return Distribution("point", (v,))
        case Uniform(low=lo, high=hi):
            return Distribution("uniform", (lo, hi))
        case Normal(ci90=(lo, hi)):
            return Distribution("normal", ((lo + hi) / 2, (hi - lo) / (2 * Z95)))
        case Normal(mean=float() | int() as mean, sd=float() | int() as sd):
            return Distribution("normal", (mean, sd))
        case LogNormal(ci90=(lo, hi)):
            return Distribution(
                "lognormal", ((math.log(lo) + math.log(hi)) / 2, math.log(hi / lo) / (2 * Z95))
            )
        case LogNormal(median=float() | int() as median, sigma=float() | int() as sigma):
            return Distribution("lognormal", (math.log(median), sigma))
        case Beta(ci90=(lo, hi)):
            return Distribution("beta", (*fit_beta_ci90(lo, hi), 0.0, 1.0))
        case Beta(mean=float() | int() as m, sd=float() | int() as sd):
            k = m * (1 - m) / sd**2 - 1
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


def fit_beta_ci90(low: float, high: float) -> tuple[float, float]:
    """``(alpha, beta)`` of the beta whose 5th and 95th percentiles are ``low`` and ``high``.

    Solves the two CDF equations in log-parameters by damped Newton steps (a finite-difference
    Jacobian, halving a step until the residual falls), starting from the logit-normal with the
    same interval; the answer is then checked on the quantile scale. Plain Newton keeps
    scipy.optimize, and the half second its import costs, out of every run.
    """
    from scipy import special

    if not 0 < low < high < 1:
        raise FitError("a beta's ci90 needs 0 < low < high < 1")
    logit_lo, logit_hi = math.log(low / (1 - low)), math.log(high / (1 - high))
    mid = 1 / (1 + math.exp(-(logit_lo + logit_hi) / 2))
    spread = (logit_hi - logit_lo) / (2 * Z95) * mid * (1 - mid)
    concentration = max(mid * (1 - mid) / spread**2 - 1, 0.5)
    targets = np.array([0.05, 0.95])
    bounds = np.array([low, high])

    def residual(x: Array) -> Array:
        a, b = np.exp(x)
        values: Array = np.asarray(special.betainc(a, b, bounds)) - targets
        return values

    starts = [np.log([mid * concentration, (1 - mid) * concentration]), np.zeros(2)]
    for start in starts:
        x = start
        r = residual(x)
        for _ in range(200):
            if np.max(np.abs(r)) < 1e-13:
                break
            step = 1e-7
            jacobian = np.column_stack(
                [(residual(x + step * e) - residual(x - step * e)) / (2 * step) for e in np.eye(2)]
            )
            try:
                delta = np.linalg.solve(jacobian, -r)
            except np.linalg.LinAlgError:
                break
            scale = 1.0
            while scale > 1e-6:
                trial = x + scale * delta
                trial_r = residual(trial)
                if np.all(np.isfinite(trial_r)) and np.max(np.abs(trial_r)) < np.max(np.abs(r)):
                    x, r = trial, trial_r
                    break
                scale /= 2
            else:
                break
        a, b = (float(v) for v in np.exp(x))
        got = special.betaincinv(a, b, targets)
        if np.all(np.isfinite(got)) and np.max(np.abs(got - bounds)) < CI90_TOLERANCE:
            return a, b
    raise FitError(f"no beta has its 90% interval at [{low:g}, {high:g}]")


# --- Fast inverse CDFs ---------------------------------------------------------------------------

TABLE_INTERVALS = 2048
# Largest error of a tabulated inverse, as a share of the support's width: far below the Monte
# Carlo error of any reported probability (an MCSE of 1e-7 would take ~1e13 samples).
TABLE_TOLERANCE = 1e-7


@dataclass(frozen=True, eq=False)
class InverseCDF:
    """A fast inverse CDF of one distribution: exact where the exact one is cheap (closed forms,
    the normal quantile), tabulated where it is not (the beta family, including PERT).

    The table is a cubic Hermite interpolant of the exact inverse on a uniform grid of
    ``TABLE_INTERVALS`` intervals in u, with the exact slopes ``1 / pdf``. Every interval is
    checked against the exact inverse at its quarter points when the table is built; intervals
    that miss ``TABLE_TOLERANCE`` (times the support's width), and the first and last intervals,
    where the inverse's slope may be unbounded, are evaluated exactly instead. So the error
    bound holds by construction at the checked points and, the interpolant being smooth, in
    between (tested against the exact inverse on a million uniforms).
    """

    dist: Distribution
    coefficients: Array | None = None  # (4, TABLE_INTERVALS): the cubic in t on each interval
    exact: NDArray[np.bool_] | None = None  # (TABLE_INTERVALS,): intervals evaluated exactly

    def __call__(self, u: Array) -> Array:
        """Values at uniforms ``u`` (any shape)."""
        if self.coefficients is None or self.exact is None:
            return self.dist.ppf(u)
        u = np.asarray(u, dtype=np.float64)
        dist = self.dist
        if dist.truncated:
            f_lo, f_hi = dist.raw_cdf(np.array([dist.lower, dist.upper]))
            u = f_lo + u * (f_hi - f_lo)
        scaled = u * TABLE_INTERVALS
        index = np.minimum(scaled.astype(np.intp), TABLE_INTERVALS - 1)
        t = scaled - index
        c0, c1, c2, c3 = (np.take(row, index) for row in self.coefficients)
        x: Array = c0 + t * (c1 + t * (c2 + t * c3))
        slow = np.take(self.exact, index)
        if slow.any():
            x[slow] = dist.raw_ppf(u[slow])
        if dist.truncated:
            np.clip(x, dist.lower, dist.upper, out=x)
        return x


def inverse_cdf(dist: Distribution) -> InverseCDF:
    """The fastest accurate inverse CDF for ``dist`` (see :class:`InverseCDF`)."""
    if dist.family != "beta":
        return InverseCDF(dist)
    a, b, loc, scale = dist.params
    unit, exact = _beta_table(a, b)
    coefficients = scale * unit  # x = loc + scale * y: the cubic scales, its constant shifts
    coefficients[0] += loc
    return InverseCDF(dist, coefficients, exact)


_TABLES: dict[tuple[float, float], tuple[Array, NDArray[np.bool_]]] = {}


def _beta_table(a: float, b: float) -> tuple[Array, NDArray[np.bool_]]:
    """Cubic coefficients of the standard beta(a, b) inverse on each interval, and which
    intervals must be evaluated exactly. Cached: a run builds each table once."""
    key = (a, b)
    if key in _TABLES:
        return _TABLES[key]
    from scipy import special

    n = TABLE_INTERVALS
    knots = np.linspace(0.0, 1.0, n + 1)
    x = special.betaincinv(a, b, knots)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        log_pdf = (a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - special.betaln(a, b)
        slope = np.exp(-log_pdf) / n  # dx/dt with t in [0, 1] across one interval
    x0, x1, d0, d1 = x[:-1], x[1:], slope[:-1], slope[1:]
    coefficients = np.stack([x0, d0, 3 * (x1 - x0) - 2 * d0 - d1, 2 * (x0 - x1) + d0 + d1], axis=-1)
    exact = ~np.all(np.isfinite(coefficients), axis=-1)
    exact[0] = exact[-1] = True
    coefficients[exact] = 0.0
    for t in (0.25, 0.5, 0.75):
        u = (np.arange(n) + t) / n
        approx = coefficients @ np.array([1.0, t, t * t, t**3])
        exact |= np.abs(approx - special.betaincinv(a, b, u)) > TABLE_TOLERANCE
    _TABLES[key] = (np.ascontiguousarray(coefficients.T), exact)
    return _TABLES[key]
