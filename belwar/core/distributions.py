"""Distributions as the engine uses them: plain parameters (a beta fitted to a ``ci90``),
truncated to a driver's range, and sampled by inverse CDF from uniforms. The scenario's forms are
translated into these by :mod:`belwar.spec.compile`; their fast inverse CDFs are
:mod:`belwar.core.inverse`.

A :class:`Distribution` is frozen plain data. ``ppf`` maps an array of uniforms of any shape to
values of the same shape; nothing here draws random numbers itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from belwar.core.zscores import Z90

Array = NDArray[np.float64]
Family = Literal["point", "uniform", "normal", "lognormal", "beta", "triangular"]

# The uniforms the engine draws lie on [0, 1) in steps of 2**-53: after 0 the smallest is U_LOW,
# the largest U_HIGH. U = 0 has no normal quantile (it is minus infinity); the engine takes the
# one at U_LOW instead, so every draw of a normal or a log-normal is finite.
U_LOW = 2.0**-53
U_HIGH = 1.0 - 2.0**-53
Z_FLOOR = -8.209536151601387  # special.ndtri(U_LOW)
# Odds ratios and momentum are drawn within [ODDS_MIN, ODDS_MAX] (see belwar.spec.limits)
ODDS_MIN = 1e-100
ODDS_MAX = 1e100
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
        from scipy import special  # noqa: PLC0415 - heavy (scipy.special)

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
        from scipy import special  # noqa: PLC0415 - heavy (scipy.special)

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


def extremes(dist: Distribution) -> tuple[float, float]:
    """The smallest and largest values the engine can draw from ``dist``: at ``u = 0`` (or
    ``U_LOW`` where the quantile at 0 is infinite) and at ``U_HIGH``; exact, not tabulated."""
    with np.errstate(all="ignore"):
        lo, low, high = (float(v) for v in dist.ppf(np.array([0.0, U_LOW, U_HIGH])))
    return (lo if math.isfinite(lo) else low), high


def log_extremes(dist: Distribution) -> tuple[float, float]:
    """The natural logs of :func:`extremes` for a positive distribution, computed on the log
    scale for a log-normal (whose values may overflow where their logs do not)."""
    if dist.family == "lognormal" and not dist.truncated:
        mu, sigma = dist.params
        return mu + sigma * Z_FLOOR, mu - sigma * Z_FLOOR
    with np.errstate(all="ignore"):
        lo, hi = np.log(np.maximum(extremes(dist), 0.0))
    return float(lo), float(hi)


def truncate(dist: Distribution, bounds: tuple[float, float] | None) -> Distribution:
    """``dist`` truncated to ``bounds`` (a driver's range), or as it is if ``bounds`` is None or
    already holds all of it.

    Raises :class:`FitError` when a point lies outside the range or the range holds no probability.
    """
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


def fit_beta_ci90(low: float, high: float) -> tuple[float, float]:
    """``(alpha, beta)`` of the beta whose 5th and 95th percentiles are ``low`` and ``high``.

    Solves the two CDF equations in log-parameters by damped Newton steps (a finite-difference
    Jacobian, halving a step until the residual falls), starting from the logit-normal with the
    same interval; the answer is then checked on the quantile scale. Plain Newton keeps
    scipy.optimize, and the half second its import costs, out of every run.
    """
    from scipy import special  # noqa: PLC0415 - heavy (scipy.special)

    if not 0 < low < high < 1:
        raise FitError("a beta's ci90 needs 0 < low < high < 1")
    logit_lo, logit_hi = math.log(low / (1 - low)), math.log(high / (1 - high))
    mid = 1 / (1 + math.exp(-(logit_lo + logit_hi) / 2))
    spread = (logit_hi - logit_lo) / (2 * Z90) * mid * (1 - mid)
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
