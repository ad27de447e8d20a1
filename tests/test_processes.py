"""Drivers that move (``process:``) against closed forms and an independent path-by-path
simulation written here, and the contracts: a process with sd 0 is the static driver bit for
bit, adding one leaves every other input's draws alone, the digits do not depend on workers or
the cluster, and a dated measurement reads its month's value."""

from __future__ import annotations

import json
import math
import tracemalloc
from datetime import date
from typing import Any

import numpy as np
import pytest
from scipy import stats

from belwar.core import engine, streams
from belwar.core.calendar import add_months
from belwar.render.report import run_markdown
from belwar.results.run import Result
from belwar.results.saved import from_dict
from belwar.run.sensitivities import sensitivity
from belwar.run.simulation import simulate
from belwar.run.sweeps import sweep
from belwar.spec import limits
from belwar.spec.compile import compile_model
from belwar.spec.history_loader import history_from_data
from belwar.spec.loader import scenario_from_data
from belwar.spec.scenario import Scenario

SINCE = date(2022, 4, 15)
MONTHS = [1, 4, 9, 12]


def _scenario(drivers: dict[str, Any], hazards: dict[str, Any], **extra: Any) -> Scenario:
    data: dict[str, Any] = {
        "id": "moving",
        "title": "A moving scenario",
        "as_of": SINCE,
        "simulation": {"samples": 40_000, "seed": 5, "horizon_months": 12, "report_months": MONTHS},
        "ladder": {"rungs": [{"id": r, "label": r.title()} for r in ("start", "one", "two")]},
        "drivers": drivers,
        "hazards": hazards,
        **extra,
    }
    return scenario_from_data(data)


def _rich(process: dict[str, Any] | None = None) -> Scenario:
    """Bounded and unbounded drivers, a copula, an event and momentum; ``process`` on
    ``share``."""
    share: dict[str, Any] = {
        "label": "Share",
        "range": [0, 1],
        "reference": 0.4,
        "dist": {"type": "beta", "ci90": [0.2, 0.7]},
    }
    if process is not None:
        share["process"] = process
    drivers = {
        "share": share,
        "level": {
            "label": "Level",
            "reference": 0.0,
            "dist": {"type": "normal", "mean": 0, "sd": 1},
        },
    }
    hazards = {
        "one": {
            "base": {"type": "beta", "ci90": [0.02, 0.08]},
            "odds_ratios": {
                "share": {"per": 0.1, "dist": {"type": "lognormal", "ci90": [1.1, 1.6]}},
                "level": {"per": 1, "dist": {"type": "lognormal", "ci90": [0.7, 1.2]}},
                "shock": {"dist": {"type": "lognormal", "ci90": [2, 5]}},
            },
        },
        "two": {
            "base": 0.01,
            "odds_ratios": {"share": {"per": 0.1, "dist": 1.3}},
        },
    }
    return _scenario(
        drivers,
        hazards,
        correlations=[{"between": ["share", "level"], "rho": 0.4}],
        events={"shock": {"label": "Shock", "monthly": 0.05, "lasts_months": 2}},
        momentum={"dist": {"type": "lognormal", "ci90": [1, 2]}},
    )


def _tables(result: Result) -> tuple[Any, ...]:
    return tuple(result.cells), tuple(result.highest)


# --- Contracts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "process",
    [
        {"type": "random_walk", "monthly_sd": 0},
        {"type": "ar1", "monthly_sd": 0, "reversion": {"type": "uniform", "low": 0, "high": 1}},
    ],
)
def test_a_process_with_sd_0_gives_the_static_digits_bit_for_bit(process: dict[str, Any]) -> None:
    static = simulate(_rich(), workers=1)
    moving = simulate(_rich(process), workers=1)
    assert _tables(moving) == _tables(static)
    assert [p.mean for p in moving.paths if p.month == 12] == pytest.approx(
        [static.inputs[0].mean], abs=0.0
    )


def test_a_static_scenario_keeps_its_fingerprint_and_reports_no_paths() -> None:
    static = _rich()
    assert "process" not in static.resolved()["drivers"]["share"]
    result = simulate(static, samples=1000, workers=1)
    assert result.paths == ()
    assert "paths" not in result.to_dict()


def test_adding_a_process_leaves_every_other_draw_unchanged() -> None:
    process = {"type": "ar1", "monthly_sd": 0.5, "reversion": 0.2}
    static = simulate(_rich(), samples=5000, keep_samples=True, workers=1)
    moving = simulate(_rich(process), samples=5000, keep_samples=True, workers=1)
    assert static.samples is not None
    assert moving.samples is not None
    keys = list(moving.samples.input_keys)
    assert keys[-3:] == ["driver:share:monthly_sd", "driver:share:reversion", "momentum"]
    for row, key in enumerate(static.samples.input_keys):
        assert np.array_equal(moving.samples.inputs[keys.index(key)], static.samples.inputs[row])
    assert _tables(moving) != _tables(static)  # and the path does move the ladder


def test_a_path_drawn_month_by_month_is_the_one_draw_row_by_row() -> None:
    generator = streams.generator(3, "driver:x:path", 2)
    rows = np.stack([generator.random(100) for _ in range(12)])
    assert np.array_equal(rows, streams.uniforms(3, "driver:x:path", 2, (12, 100)))


def _numbers(result: Result) -> dict[str, Any]:
    data = result.to_dict()
    for volatile in ("seconds", "created"):
        data["metadata"].pop(volatile)
    return data


def test_moving_drivers_are_bit_identical_on_workers_and_dask() -> None:
    scenario = _rich(
        {"type": "random_walk", "monthly_sd": {"type": "uniform", "low": 0, "high": 1}}
    )
    samples = 2 * streams.BLOCK_SIZE + 11
    serial = _numbers(simulate(scenario, samples=samples, workers=1))
    assert serial["paths"]
    assert _numbers(simulate(scenario, samples=samples, workers=2)) == serial
    assert _numbers(simulate(scenario, samples=samples, dask="local")) == serial


# --- Closed forms ----------------------------------------------------------------------------


def _paths(scenario: Scenario) -> np.ndarray:
    """The engine's moving-driver values in the reported months ``(moving, months, n)``."""
    model = compile_model(scenario)
    totals = engine.run_blocks(model, streams.blocks(model.samples), keep_samples=True)
    return totals.gathered("paths")


def _unbounded(process: dict[str, Any]) -> Scenario:
    drivers = {"x": {"label": "X", "reference": 0.0, "dist": 0.0, "process": process}}
    hazards = {"one": {"base": 0.02, "odds_ratios": {"x": {"per": 1, "dist": 2.0}}}}
    return _scenario(drivers, hazards)


def _sd_within(values: np.ndarray, sd: float) -> None:
    """The sample sd of normal ``values`` against ``sd``, within 4 of its standard errors
    (``sd / sqrt(2 (n - 1))``), and the mean against 0 within 4 of its own."""
    n = values.size
    assert abs(values.mean()) <= 4 * sd / math.sqrt(n)
    assert abs(values.std(ddof=1) - sd) <= 4 * sd / math.sqrt(2 * (n - 1)), (values.std(), sd)


def test_a_random_walk_from_a_point_spreads_as_the_square_root_of_the_months() -> None:
    found = _paths(_unbounded({"type": "random_walk", "monthly_sd": 0.1}))
    for m, month in enumerate(MONTHS):
        _sd_within(found[0, m], 0.1 * math.sqrt(month))


def test_an_ar1_from_a_point_has_the_closed_form_variance() -> None:
    sigma, r = 0.1, 0.2
    found = _paths(_unbounded({"type": "ar1", "monthly_sd": sigma, "reversion": r}))
    for m, month in enumerate(MONTHS):
        variance = sigma**2 * (1 - (1 - r) ** (2 * month)) / (1 - (1 - r) ** 2)
        _sd_within(found[0, m], math.sqrt(variance))


def test_reported_percentiles_of_a_walk_are_its_normal_quantiles() -> None:
    result = simulate(_unbounded({"type": "random_walk", "monthly_sd": 0.1}), workers=1)
    for path in result.paths:
        sd = 0.1 * math.sqrt(path.month)
        n = result.metadata.samples
        assert abs(path.mean) <= 4 * sd / math.sqrt(n)
        for q, value in ((0.05, path.p05), (0.5, path.p50), (0.95, path.p95)):
            exact = stats.norm.ppf(q) * sd
            # a quantile's MC error is sqrt(q (1 - q) / n) / density, plus one bin of reach
            error = math.sqrt(q * (1 - q) / n) / stats.norm.pdf(stats.norm.ppf(q)) * sd
            assert abs(value - exact) <= 4 * error + 1e-3, (path.month, q, value, exact)


def _independent_ladder(sd: float, r: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """P(S_m >= 1) by month, and its MCSE, for the bounded scenario of the next test, by an
    independent simulation: each path stepped on the logit scale with numpy's own normals,
    the three-state ladder propagated exactly per path."""
    rng = np.random.default_rng(seed)
    y0 = math.log(0.3 / 0.7)
    y = np.full(n, y0)
    p = np.zeros((3, n))
    p[0] = 1.0
    found = []
    for month in range(1, 13):
        y = y + r * (y0 - y) + sd * rng.standard_normal(n)
        x = 1 / (1 + np.exp(-y))
        odds = 1.8 ** ((x - 0.3) / 0.1)
        h1 = 0.05 * odds / (1 - 0.05 + 0.05 * odds)
        h2 = np.full(n, 0.01)
        # from the start either rung may fire (the highest wins); from rung one only rung two
        to_two = p[0] * h2 + p[1] * h2
        to_one = p[0] * h1 * (1 - h2)
        p = np.stack([p[0] - to_one - p[0] * h2, p[1] + to_one - p[1] * h2, p[2] + to_two])
        if month in MONTHS:
            at_least = p[1] + p[2]
            found.append((at_least.mean(), at_least.std(ddof=1) / math.sqrt(n)))
    means, errors = zip(*found, strict=True)
    return np.array(means), np.array(errors)


def test_a_rung_driven_by_a_path_agrees_with_an_independent_simulation() -> None:
    sd, r = 0.6, 0.1
    drivers = {
        "x": {
            "label": "X",
            "range": [0, 1],
            "reference": 0.3,
            "dist": 0.3,
            "process": {"type": "ar1", "monthly_sd": sd, "reversion": r},
        }
    }
    hazards = {
        "one": {"base": 0.05, "odds_ratios": {"x": {"per": 0.1, "dist": 1.8}}},
        "two": {"base": 0.01},
    }
    result = simulate(_scenario(drivers, hazards), workers=1)
    means, errors = _independent_ladder(sd, r, 200_000, seed=99)
    static = 1 - (0.95 * 0.99) ** 12  # the same rung with the driver held at its reference
    for m, month in enumerate(MONTHS):
        cell = result.cell("one", month)
        assert abs(cell.p - means[m]) <= 4 * math.hypot(cell.mcse, errors[m]), (month, cell.p)
    assert result.cell("one", 12).p > static + 0.01  # convexity: moving odds climb faster


# --- Inputs like any other -------------------------------------------------------------------


def test_process_parameters_are_swept_and_in_the_tornado() -> None:
    process = {
        "type": "ar1",
        "monthly_sd": {"type": "uniform", "low": 0, "high": 1},
        "reversion": 0.1,
    }
    scenario = _rich(process)
    found = sensitivity(scenario, samples=20_000, month=12, workers=1, target="one")
    keys = [i.key for i in found.influences]
    assert "driver:share:monthly_sd" in keys
    grid = sweep(
        scenario,
        ["drivers.share.process.monthly_sd=0:1:2"],
        samples=20_000,
        target="one",
        workers=1,
    )
    low, high = (p.p for p in grid.points)
    assert high > low  # a wilder share climbs more (the odds are convex in it)


# --- Histories -------------------------------------------------------------------------------


def test_a_dated_measurement_reads_the_value_of_its_month() -> None:
    # x starts at the point 0 and walks with sd 1 a month: at month 6 it is N(0, 6), so a
    # reading of 2 with sd 0.5 has marginal likelihood N(2; 0, 6 + 0.25)
    drivers = {
        "x": {
            "label": "X",
            "reference": 0.0,
            "dist": 0.0,
            "process": {"type": "random_walk", "monthly_sd": 1},
        }
    }
    scenario = _scenario(drivers, {"one": {"base": 0.02}})
    reading = {"date": date(2022, 10, 1), "value": 2.0, "sd": 0.5}  # in month 6
    history = history_from_data(
        {
            "id": "record",
            "title": "A record",
            "since": SINCE,
            "through": add_months(SINCE, 8),
            "measurements": {"x": [reading]},
        }
    )
    result = simulate(scenario, history=history, samples=100_000, workers=1)
    c = result.conditioning
    assert c is not None
    exact = stats.norm.logpdf(2.0, 0.0, math.sqrt(6.25))
    assert abs(c.log_evidence - exact) <= 4 * c.log_evidence_mcse, (c.log_evidence, exact)
    assert c.log_evidence_mcse < 0.05
    # given the reading, x_6 ~ N(1.92, 0.24); the forecast month m is month 8 + m, 2 + m more
    # steps on: N(1.92, 2.24 + m), weighted over the samples
    assert [path.month for path in result.paths] == MONTHS
    for path in result.paths:
        sd = math.sqrt(2.24 + path.month)
        error = sd / math.sqrt(c.ess)
        assert abs(path.mean - 1.92) <= 4 * error, (path.month, path.mean)
        for q, value in ((0.05, path.p05), (0.5, path.p50), (0.95, path.p95)):
            exact_q = 1.92 + stats.norm.ppf(q) * sd
            spread = math.sqrt(q * (1 - q)) / stats.norm.pdf(stats.norm.ppf(q)) * error
            assert abs(value - exact_q) <= 4 * spread + 0.01 * sd, (path.month, q, value)


def test_a_saved_result_keeps_its_paths() -> None:
    result = simulate(_unbounded({"type": "random_walk", "monthly_sd": 0.1}), samples=2000)
    assert [p.month for p in result.paths] == MONTHS
    back = from_dict(json.loads(json.dumps(result.to_dict())))
    assert back.paths == result.paths


def test_block_bytes_covers_a_block_with_moving_drivers() -> None:
    process = {"type": "ar1", "monthly_sd": 0.3, "reversion": 0.1}
    drivers = {
        f"x{i}": {"label": "X", "range": [0, 1], "reference": 0.5, "dist": 0.5, "process": process}
        for i in range(20)
    }
    odds = {name: {"per": 0.1, "dist": 1.2} for name in drivers}
    scenario = _scenario(
        drivers, {"one": {"base": 0.02, "odds_ratios": odds}, "two": {"base": 0.01}}
    )
    model = compile_model(scenario)
    n = 4_096
    engine.run_block(model, 0, 64)  # tables and caches built outside the measurement
    tracemalloc.start()
    try:
        engine.run_block(model, 0, n)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    need = limits.block_bytes(
        drivers=len(model.drivers),
        correlated=len(model.correlated),
        odds=len(model.odds),
        events=len(model.events),
        states=model.states,
        horizon=model.horizon,
        reported=len(model.months),
        n=n,
        moving=len(model.processes),
    )
    assert need["paths"] > 0
    estimate = sum(need.values())
    assert peak <= estimate <= 1.5 * peak + 2**20, (peak, estimate)


def test_a_run_shows_its_moving_drivers_by_month_and_a_static_run_does_not() -> None:
    moving = simulate(_unbounded({"type": "random_walk", "monthly_sd": 0.1}), samples=2000)
    static = simulate(_rich(), samples=2000)
    text = run_markdown(moving)
    assert "Drivers that move, by month" in text
    assert "| x | 1 |" in text.replace("\\_", "_")
    assert "Drivers that move" not in run_markdown(static)
