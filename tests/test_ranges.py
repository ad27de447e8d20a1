"""Range tests: every value a shipped scenario may declare runs. Each driver at either end of its
range and anywhere inside it, hazards of 0 and 1, the longest horizons the format allows: every
probability stays in [0, 1] and every output is finite.

Also the engine's own guarantees behind them: per-sample P(S >= k) never passes 1 through
rounding, a single sample reports a finite MCSE, hazards whose odds overflow a float are 1, and
the memory a block needs is what :func:`belwar.spec.limits.block_bytes` says."""

from __future__ import annotations

import copy
import json
import math
import tracemalloc
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from belwar import cli
from belwar.core import engine
from belwar.errors import InputError
from belwar.results.run import Result
from belwar.run import options
from belwar.run.simulation import simulate
from belwar.spec import limits
from belwar.spec.compile import compile_model
from belwar.spec.loader import load_scenario, scenario_from_data
from belwar.spec.scenario import Scenario

from .conftest import SCENARIOS

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
NAMES = [p.stem for p in SHIPPED]


@cache
def shipped(name: str) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.yaml")


def assert_sound(result: Result) -> None:
    """Every probability in [0, 1], every number finite, the horizon's states summing to 1."""
    for cell in result.cells:
        values = (cell.p, cell.mcse, cell.p05, cell.p50, cell.p95)
        assert all(math.isfinite(v) for v in values), cell
        assert all(0.0 <= v <= 1.0 for v in (cell.p, cell.p05, cell.p50, cell.p95)), cell
        assert 0.0 <= cell.mcse <= 0.5, cell
    assert all(math.isfinite(h.p) and 0.0 <= h.p <= 1.0 for h in result.highest)
    assert math.isclose(sum(h.p for h in result.highest), 1.0, abs_tol=1e-9)
    for item in result.inputs:
        assert all(math.isfinite(v) for v in (item.mean, item.p05, item.p50, item.p95)), item
    if result.samples is not None:
        assert np.all((result.samples.exceed >= 0.0) & (result.samples.exceed <= 1.0))
        assert np.all((result.samples.highest >= 0.0) & (result.samples.highest <= 1.0))
        assert np.all(np.isfinite(result.samples.inputs))


def run(scenario: Scenario, overrides: dict[str, object], samples: int) -> Result:
    varied = scenario.with_overrides(overrides, check_citations=False)
    return simulate(varied, samples=samples, workers=1, keep_samples=True)


@st.composite
def declared_values(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    """A shipped scenario with its drivers at ends of or inside their ranges, some hazards at
    0 or 1, and a horizon of 12, 60 or 240 months."""
    name = draw(st.sampled_from(NAMES))
    scenario = shipped(name)
    overrides: dict[str, object] = {}
    for driver_name, driver in scenario.drivers.items():
        assert driver.range is not None  # every shipped driver declares one
        low, high = driver.range
        value = draw(
            st.one_of(
                st.none(),
                st.sampled_from([low, high]),
                st.floats(low, high, allow_nan=False, allow_infinity=False),
            )
        )
        if value is not None:
            overrides[f"drivers.{driver_name}.dist"] = value
    for rung in scenario.hazards:
        base = draw(st.sampled_from([None, 0.0, 1.0]))
        if base is not None:
            overrides[f"hazards.{rung}.base"] = base
    horizon = draw(st.sampled_from([12, 60, 240]))
    overrides["simulation.horizon_months"] = horizon
    overrides["simulation.report_months"] = None
    return name, overrides


@settings(max_examples=40, deadline=None)
@given(declared_values(), st.integers(1, 300))
def test_every_declared_value_runs(case: tuple[str, dict[str, object]], samples: int) -> None:
    name, overrides = case
    assert_sound(run(shipped(name), overrides, samples))


def _ends(scenario: Scenario, end: int) -> dict[str, object]:
    overrides: dict[str, object] = {}
    for name, driver in scenario.drivers.items():
        assert driver.range is not None
        overrides[f"drivers.{name}.dist"] = driver.range[end]
    return overrides


@pytest.mark.parametrize("horizon", [60, 240])
@pytest.mark.parametrize("end", [0, 1], ids=["low", "high"])
@pytest.mark.parametrize("name", NAMES)
def test_every_driver_at_one_end_over_a_long_horizon(name: str, end: int, horizon: int) -> None:
    scenario = shipped(name)
    overrides = {
        **_ends(scenario, end),
        "simulation.horizon_months": horizon,
        "simulation.report_months": None,
    }
    assert_sound(run(scenario, overrides, 2_000))


@pytest.mark.parametrize(
    "overrides",
    [
        {"drivers.public_opposition.dist": 0.0},
        {"drivers.public_opposition.dist": 1.0},
        {"simulation.horizon_months": 60, "simulation.report_months": None},
        {"simulation.horizon_months": 240, "simulation.report_months": None},
        {"hazards.full_entry.base": {"type": "uniform", "low": 0.0, "high": 1.0}},
        {"hazards.deeper_integration.base": 1.0},
        {"hazards.full_entry.base": 1.0, "hazards.limited_involvement.base": 0.0},
    ],
    ids=[
        "opposition-0",
        "opposition-1",
        "60-months",
        "240-months",
        "uniform-base",
        "base-1",
        "0-1",
    ],
)
def test_the_cases_that_once_crashed(overrides: dict[str, object]) -> None:
    # each of these gave a per-sample P(S >= k) of 1 + 2 ulp and a crash in the histogram
    assert_sound(run(shipped("baseline"), overrides, 40_000))


def test_probabilities_do_not_pass_one_through_rounding() -> None:
    # the running sums from the top of the ladder reach 1 + 2 ulp here before they are held
    result = run(shipped("baseline"), {"drivers.public_opposition.dist": 0.0}, 40_000)
    assert result.samples is not None
    exceed = result.samples.exceed
    assert exceed.max() == 1.0
    assert np.all(exceed[:-1] >= exceed[1:])  # P(S >= k) falls with k, sample by sample


def test_hazards_that_overflow_a_float_are_one() -> None:
    # base 1 and five event odds of 1e99 (within the limits) on two rungs, momentum 1e99: the
    # product b M overflows to infinity, and b M / (1 - b + b M) would be inf / inf
    scenario = shipped("baseline")
    overrides: dict[str, object] = {"momentum.dist": 1e99, "hazards.limited_involvement.base": 1}
    for rung in ("limited_involvement", "full_entry"):
        for event in scenario.hazards[rung].odds_ratios:
            if event in scenario.events:
                overrides[f"hazards.{rung}.odds_ratios.{event}.dist"] = 1e99
    varied = scenario.with_overrides(overrides, check_citations=False)
    assert compile_model(varied).may_overflow
    result = simulate(varied, samples=3_000, workers=1, keep_samples=True)
    assert_sound(result)
    # from month 1 every sample is at limited involvement or above: its base hazard is 1
    above = [c.p for c in result.cells if c.rung in {"deeper_integration", "limited_involvement"}]
    assert above == pytest.approx([1.0] * len(above), abs=1e-12)


def test_the_shipped_scenarios_skip_the_overflow_guard() -> None:
    # the guard costs a pass per hazard per month: models that cannot overflow do without it
    assert not any(compile_model(shipped(name)).may_overflow for name in NAMES)


def test_one_sample_reports_a_finite_bound_as_its_error() -> None:
    result = simulate(shipped("baseline"), samples=1, workers=1)
    assert {c.mcse for c in result.cells} == {0.5}
    assert_sound(result)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "{baseline}", "--set", "drivers.public_opposition.dist=0", "--samples", "20000"],
        ["sweep", "{baseline}", "--vary", "public_opposition=0:1:3", "--samples", "20000"],
        ["run", "{baseline}", "--set", "simulation.horizon_months=240", "--samples", "5000"],
        ["run", "{baseline}", "--set", "hazards.full_entry.base=1", "--samples", "20000"],
        ["run", "{baseline}", "--set", "simulation.samples=1"],
    ],
    ids=["driver-at-end", "sweep-whole-range", "240-months", "base-1", "one-sample"],
)
def test_the_command_line_runs_declared_extremes(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [a.replace("{baseline}", str(SCENARIOS / "baseline.yaml")) for a in argv]
    code = cli.run([*args, "-f", "json", "-q"])
    out, err = capsys.readouterr()
    assert code == 0, err
    json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in the JSON output"))


# --- Memory -------------------------------------------------------------------------------------


def _grown(events: int, drivers: int, horizon: int, every_month: bool) -> Scenario:
    data = shipped("baseline").to_data()
    data["simulation"] = {"samples": 1_000, "seed": 1, "horizon_months": horizon}
    if every_month:
        data["simulation"]["report_months"] = list(range(1, horizon + 1))
    odds = data["hazards"]["full_entry"]["odds_ratios"]
    for i in range(events):
        data["events"][f"e{i}"] = copy.deepcopy(data["events"]["staged_incident"])
        odds[f"e{i}"] = {"dist": {"type": "lognormal", "ci90": [1.1, 2.0]}}
    for i in range(drivers):
        data["drivers"][f"d{i}"] = copy.deepcopy(data["drivers"]["kremlin_pressure"])
        odds[f"d{i}"] = {"per": 0.1, "dist": {"type": "lognormal", "ci90": [1.0, 1.1]}}
    return scenario_from_data(data, origin="grown")


@pytest.mark.parametrize(
    ("events", "drivers", "horizon", "every_month"),
    [(0, 0, 12, False), (0, 0, 240, True), (20, 0, 120, False), (0, 60, 12, False)],
    ids=["baseline", "every-month-of-240", "20-more-events", "60-more-drivers"],
)
def test_block_bytes_covers_what_a_block_holds(
    events: int, drivers: int, horizon: int, every_month: bool
) -> None:
    scenario = _grown(events, drivers, horizon, every_month)
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
    )
    estimate = sum(need.values())
    assert peak <= estimate <= 1.5 * peak + 2**20


def test_a_block_too_big_for_the_budget_is_refused_with_the_budget_named() -> None:
    with pytest.raises(InputError, match=r"needs 1\.\d+ GiB .* must be at most 512 MiB"):
        _grown(150, 0, 240, False)


def test_samples_have_a_cap_the_command_line_can_share() -> None:
    assert options.check_samples(1) == 1
    assert options.check_samples(limits.MAX_SAMPLES) == limits.MAX_SAMPLES
    for bad in (0, -4, limits.MAX_SAMPLES + 1):
        with pytest.raises(InputError) as caught:
            options.check_samples(bad)
        (problem,) = caught.value.problems
        assert problem.key == "samples"
        assert f"{bad:,}" in problem.message
