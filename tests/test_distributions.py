"""Distributions: fitted ci90 forms hit their percentiles, closed forms match, truncation holds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from belwar.core import distributions, estimative, inverse
from belwar.core.distributions import Distribution, FitError, fit_beta_ci90
from belwar.core.inverse import TABLE_TOLERANCE, TAIL_SHARE, _miss, inverse_cdf
from belwar.core.zscores import Z90, Z95
from belwar.spec.compile import compile_model, resolve
from belwar.spec.loader import load_scenario
from belwar.spec.scenario import Beta, Estimative, LogNormal, Normal, Pert, Triangular, Uniform

from .conftest import SCENARIOS

PERCENTILES = np.array([0.05, 0.95])
TOLERANCE = 1e-4  # the bound on fitted percentiles


@st.composite
def unit_intervals(draw: st.DrawFn) -> tuple[float, float]:
    low = draw(st.floats(1e-4, 0.98))
    high = draw(st.floats(low + 0.005, 0.9999))
    return low, high


@settings(max_examples=300, deadline=None)
@given(unit_intervals())
def test_beta_ci90_puts_percentiles_on_bounds(bounds: tuple[float, float]) -> None:
    dist = resolve(Beta(type="beta", ci90=bounds))
    got = dist.ppf(PERCENTILES)
    assert np.max(np.abs(got - bounds)) < TOLERANCE
    # independently of our ppf: scipy's own beta with the fitted parameters
    a, b, *_ = dist.params
    assert np.max(np.abs(stats.beta(a, b).ppf(PERCENTILES) - bounds)) < TOLERANCE


@pytest.mark.parametrize("term", list(estimative.BANDS))
def test_estimative_terms_are_their_bands(term: str) -> None:
    got = resolve(Estimative(type="estimative", term=term)).ppf(PERCENTILES)  # type: ignore[arg-type]
    assert np.max(np.abs(got - estimative.band(term))) < TOLERANCE


@settings(max_examples=100, deadline=None)
@given(st.floats(-1e3, 1e3), st.floats(1e-3, 1e3))
def test_normal_ci90(low: float, width: float) -> None:
    bounds = (low, low + width)
    got = resolve(Normal(type="normal", ci90=bounds)).ppf(PERCENTILES)
    assert np.max(np.abs(got - bounds)) < TOLERANCE * max(1.0, width)


@settings(max_examples=100, deadline=None)
@given(st.floats(1e-3, 1e3), st.floats(1.01, 100))
def test_lognormal_ci90(low: float, ratio: float) -> None:
    bounds = (low, low * ratio)
    got = resolve(LogNormal(type="lognormal", ci90=bounds)).ppf(PERCENTILES)
    assert np.max(np.abs(got / bounds - 1)) < TOLERANCE


def test_beta_mean_sd_matches_moments() -> None:
    dist = resolve(Beta(type="beta", mean=0.2, sd=0.05))
    a, b, *_ = dist.params
    assert stats.beta(a, b).mean() == pytest.approx(0.2, rel=1e-12)
    assert stats.beta(a, b).std() == pytest.approx(0.05, rel=1e-12)


def test_pert_mean_is_the_classic_formula() -> None:
    dist = resolve(Pert(type="pert", min=0.2, mode=0.5, max=0.9))
    a, b, loc, scale = dist.params
    assert loc + scale * a / (a + b) == pytest.approx((0.2 + 4 * 0.5 + 0.9) / 6)


def test_triangular_matches_scipy() -> None:
    dist = resolve(Triangular(type="triangular", min=1.0, mode=2.0, max=5.0))
    u = np.linspace(0.001, 0.999, 101)
    expected = stats.triang(c=0.25, loc=1.0, scale=4.0).ppf(u)
    np.testing.assert_allclose(dist.ppf(u), expected, rtol=1e-12)


def test_uniform_is_linear() -> None:
    dist = resolve(Uniform(type="uniform", low=2.0, high=4.0))
    np.testing.assert_allclose(dist.ppf(np.array([0.0, 0.25, 1.0])), [2.0, 2.5, 4.0])


def test_truncation_keeps_values_in_range_and_inverts_cdf() -> None:
    dist = resolve(Normal(type="normal", mean=0.5, sd=0.4), (0.0, 1.0))
    u = np.linspace(0.0, 1.0, 1001)
    x = dist.ppf(u)
    assert x.min() >= 0.0
    assert x.max() <= 1.0
    np.testing.assert_allclose(dist.cdf(x[1:-1]), u[1:-1], atol=1e-9)
    # the truncated median is the untruncated one here (the range is symmetric about the mean)
    assert float(dist.ppf(np.array([0.5]))[0]) == pytest.approx(0.5, abs=1e-12)


def test_range_without_mass_is_refused() -> None:
    with pytest.raises(FitError, match="no probability"):
        resolve(Normal(type="normal", mean=5, sd=0.1), (0.0, 1.0))


def test_beta_fit_rejects_bounds_outside_unit_interval() -> None:
    with pytest.raises(FitError):
        fit_beta_ci90(0.5, 1.0)


def test_z_constants() -> None:
    """Z90 bounds a two-sided 90% interval (a ci90), Z95 a two-sided 95% one (a band of MCSE)."""
    assert float(stats.norm.ppf(0.95)) == pytest.approx(Z90, abs=1e-15)
    assert float(stats.norm.ppf(0.975)) == pytest.approx(Z95, abs=1e-15)
    assert math.isfinite(Z90)


@pytest.mark.parametrize(
    ("a", "b", "loc", "scale", "bounds"),
    [
        (4.48, 162.8, 0.0, 1.0, None),  # almost_no_chance: skewed, tight
        (0.35, 0.35, 0.0, 1.0, None),  # U-shaped, unbounded density at both ends
        (134.8, 134.8, 0.0, 1.0, None),  # roughly_even_chance: very concentrated
        (2.0, 30.0, 0.0, 1.0, None),
        (3.0, 2.0, 0.2, 0.7, (0.3, 0.8)),  # a PERT-like scaled beta, truncated to a range
    ],
)
def test_tabulated_inverse_meets_its_documented_bound(
    a: float, b: float, loc: float, scale: float, bounds: tuple[float, float] | None
) -> None:
    lower, upper = bounds or (-math.inf, math.inf)
    dist = Distribution("beta", (a, b, loc, scale), lower, upper)
    fast = inverse_cdf(dist)
    assert fast.table is not None  # the beta family is tabulated
    u = np.random.default_rng(0).random(1_000_000)
    u[:4] = [0.0, 1e-12, 1 - 1e-12, 0.999999]  # the ends, where the table hands over to exact
    error = np.max(np.abs(fast(u) - dist.ppf(u)))
    assert error <= TABLE_TOLERANCE * scale
    # the tails' own tables, densely: from the smallest uniforms up to where the middle takes over
    low = np.exp(np.linspace(-41.0, math.log(2 * TAIL_SHARE), 20_001))
    tails = np.concatenate([low, 1.0 - low[low > 1e-15]])
    assert np.max(np.abs(fast(tails) - dist.ppf(tails))) <= TABLE_TOLERANCE * scale


def test_tabulated_inverse_is_evaluated_exactly_only_where_it_must_be() -> None:
    """The shipped betas read nearly every draw from their tables: a piece the tolerance sends
    to the exact inverse costs 2 to 4 microseconds a value (scipy's betaincinv, measured on
    the shipped betas), a hundred times the table's cost."""

    model = compile_model(load_scenario(SCENARIOS / "baseline.yaml"))
    tables = [i.inverse.table for i in model.inputs() if i.inverse.table is not None]
    assert len(tables) >= 10
    for table in tables:
        share = table.exact.mean() + table.tail_exact.mean() * 2 * TAIL_SHARE
        assert share < 1e-3


def test_table_check_measures_a_miss_in_x() -> None:
    """The build checks each piece by the forward CDF: ``|F(x) - u| / pdf(x)`` must be the
    distance from ``x`` to the exact quantile, here for known misses of 1e-7 and 1e-5."""

    a, b = 2.23, 3.77
    u = np.linspace(0.01, 0.99, 99)
    exact = special.betaincinv(a, b, u)
    for miss in (1e-7, -1e-5):
        assert np.allclose(_miss(a, b, exact + miss, u), abs(miss), rtol=1e-3)


def test_pieces_that_miss_the_tolerance_are_evaluated_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A tolerance no cubic can meet flags pieces in the middle and the tails; the flagged ones
    are then evaluated exactly, so the inverse meets the stricter bound everywhere."""

    strict = 1e-14
    monkeypatch.setattr(inverse, "TABLE_TOLERANCE", strict)
    monkeypatch.setattr(inverse, "_TABLES", {})
    dist = distributions.Distribution("beta", (2.0, 30.0, 0.0, 1.0))
    fast = inverse.inverse_cdf(dist)
    assert fast.table is not None
    assert 0 < fast.table.exact.sum() < fast.table.exact.size
    assert fast.table.tail_exact.any()
    low = np.exp(np.linspace(-41.0, -1.0, 2_001))
    u = np.concatenate([np.random.default_rng(1).random(100_000), low, 1.0 - low])
    assert np.max(np.abs(fast(u) - dist.ppf(u))) <= strict


def test_beta_tables_cache_keeps_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long series of distinct shapes (a sweep over a beta's parameters) keeps at most
    BETA_TABLES_KEPT tables, the most recently used ones, and a kept one is not rebuilt."""
    monkeypatch.setattr(inverse, "BETA_TABLES_KEPT", 5)
    monkeypatch.setattr(inverse, "_TABLES", {})

    def tails(a: float, b: float) -> object:  # the cached unit table's own arrays
        table = inverse.inverse_cdf(Distribution("beta", (a, b, 0.0, 1.0))).table
        assert table is not None
        return table.tails

    first = tails(2.0, 3.0)
    for i in range(12):
        tails(2.0 + i / 8, 5.0)
        assert len(inverse._TABLES) <= 5
        assert tails(2.0, 3.0) is first  # used every round: never the least recent, never dropped
    assert len(inverse._TABLES) == 5
    assert (2.0 + 11 / 8, 5.0) in inverse._TABLES
    assert (2.0, 5.0) not in inverse._TABLES  # the oldest of the series is gone
