"""Result records in a notebook or a REPL: short reprs, derived scenarios named by their
overrides (and the name never reaching the numbers), a sweep's crossings readable and tidy."""

from __future__ import annotations

import dataclasses

import pytest

from belwar.results.sweep import Crossing, Sweep
from belwar.run.diff import compare
from belwar.run.sensitivities import sensitivity
from belwar.run.simulation import simulate
from belwar.run.sweeps import parse_vary, sweep
from belwar.spec.loader import load_register, load_scenario
from belwar.spec.scenario import Scenario

from .conftest import TESTS

REGISTER = load_register(TESTS / "data" / "register")
HARDER = {"drivers.kremlin_pressure.dist.mode": 0.8}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(TESTS / "data" / "valid.yaml", register=REGISTER)


def test_result_repr_is_a_few_lines_with_the_headline_cell(scenario: Scenario) -> None:
    result = simulate(scenario, samples=3000)
    text = repr(result)
    top, last = result.rungs[-1], result.months[-1]
    cell = result.cell(top, last)
    lines = text.splitlines()
    assert len(lines) == 4
    assert max(len(line) for line in lines) <= 80  # reads in an 80-column terminal
    assert len(text) < 400  # the dataclass repr of the same record runs to kilobytes
    assert lines[0] == f"<belwar.Result {scenario.id}"
    assert lines[1].startswith(f"  3,000 samples, seed {scenario.simulation.seed};")
    assert f"{top} by month {last}: {100 * cell.p:.1f}%" in text


def test_derived_scenario_is_named_by_its_overrides(scenario: Scenario) -> None:
    harder = scenario.with_overrides(HARDER, register=REGISTER)
    assert harder.id == scenario.id  # still an identifier: it names result files
    assert harder.name == f"{scenario.id} + drivers.kremlin_pressure.dist.mode=0.8"
    again = harder.with_overrides(["simulation.samples = 4000"], register=REGISTER)
    assert again.name == f"{harder.name} + simulation.samples = 4000"
    comparison = compare(scenario, harder, samples=3000)
    assert (comparison.a, comparison.b) == (scenario.id, harder.name)
    assert repr(comparison).startswith(f"<belwar.Comparison {scenario.id} -> {harder.name}\n")
    assert [c.key for c in comparison.changes] == ["drivers.kremlin_pressure.dist.mode"]
    assert simulate(harder, samples=2000).metadata.scenario_id == harder.name


def test_the_name_never_reaches_the_numbers(scenario: Scenario) -> None:
    """Stream keys come from the inputs' names, not the scenario's: the derived scenario and
    the same change loaded from the file give the same fingerprint and the same digits."""
    named = scenario.with_overrides(HARDER, register=REGISTER)
    loaded = load_scenario(TESTS / "data" / "valid.yaml", overrides=HARDER, register=REGISTER)
    assert loaded.name == loaded.id != named.name
    assert named.fingerprint() == loaded.fingerprint()
    a, b = simulate(named, samples=3000), simulate(loaded, samples=3000)
    assert a.cells == b.cells
    assert a.highest == b.highest


def test_sweep_repr_and_crossings_frame(scenario: Scenario) -> None:
    curve = sweep(
        scenario,
        [parse_vary("kremlin_pressure=0.2:0.9:4", scenario)],
        target="deeper_integration",
        threshold=0.7,
        samples=3000,
        workers=1,
    )
    (crossing,) = curve.crossings
    assert crossing.value is not None
    assert crossing.low is not None
    assert crossing.high is not None
    assert repr(crossing) == (
        f"<belwar.Crossing at {crossing.value:.4g} (95% Monte Carlo: {crossing.low:.4g} to "
        f"{crossing.high:.4g}), going {crossing.direction}>"
    )
    assert repr(crossing) in repr(curve)
    assert "threshold 70.0%: crossed on 1 of 1 curve(s)" in repr(curve)
    frame = curve.crossings_frame()
    assert list(frame.columns) == ["value", "low", "high", "direction"]
    assert frame.iloc[0].value == crossing.value


def test_grid_crossings_frame_names_the_second_axis(scenario: Scenario) -> None:
    grid = Sweep(
        "x",
        "deeper_integration",
        12,
        (),
        (),
        100,
        1,
        threshold=0.5,
        crossings=(Crossing(0.1, 0.3, 0.25, 0.35, "up"), Crossing(0.2, None)),
    )
    axes = (
        parse_vary("kremlin_pressure=0.2:0.9:2", scenario),
        parse_vary("public_opposition=0.1:0.2:2", scenario),
    )
    grid = dataclasses.replace(grid, axes=axes)
    frame = grid.crossings_frame()
    assert list(frame.columns) == ["public_opposition", "value", "low", "high", "direction"]
    assert list(frame.public_opposition) == [0.1, 0.2]
    assert repr(grid.crossings[1]) == (
        "<belwar.Crossing: not crossed within the range where the second axis is 0.2>"
    )
    assert "crossed on 1 of 2 curve(s)" in repr(grid)


def test_sensitivity_repr_names_the_widest_inputs_by_label(scenario: Scenario) -> None:
    analysis = sensitivity(scenario, samples=3000, workers=1)
    lines = repr(analysis).splitlines()
    assert len(lines) == 3 + min(3, len(analysis.influences))
    assert max(len(line) for line in lines) <= 80
    top = analysis.influences[0]
    assert lines[3].strip().startswith(f"{top.label}: {100 * top.low:.1f}% -> ")


def test_scenario_prints_as_a_few_lines(scenario: Scenario) -> None:
    harder = scenario.with_overrides(HARDER, register=REGISTER)
    for text in (repr(harder), str(harder)):
        assert text.startswith(f"<belwar.Scenario {harder.name}: {scenario.title!r}")
        assert len(text.splitlines()) == 3
        assert f"{len(scenario.drivers)} drivers" in text
