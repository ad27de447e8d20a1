"""Comparing assumption sets: diff (paired and unpaired), sweeps and tipping points, sensitivity
and Sobol indices, each against an independent computation."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ruamel.yaml import YAML

from belwar import cli
from belwar.errors import InputError
from belwar.results.sweep import Axis
from belwar.run.diff import compare, flatten
from belwar.run.sensitivities import sensitivity, sobol_matrices, sobol_with_intervals
from belwar.run.simulation import simulate
from belwar.run.sweeps import parse_vary, sweep
from belwar.spec.loader import scenario_from_data
from belwar.spec.scenario import Scenario


def scenario(**changes: Any) -> Scenario:
    data: dict[str, Any] = {
        "id": "base",
        "title": "A comparison test",
        "simulation": {
            "samples": 40_000,
            "seed": 4,
            "horizon_months": 12,
            "report_months": [6, 12],
        },
        "ladder": {"rungs": [{"id": r, "label": r} for r in ("calm", "step", "war")]},
        "drivers": {
            "pressure": {
                "label": "Pressure",
                "range": [0, 1],
                "reference": 0.5,
                "dist": {"type": "pert", "min": 0.1, "mode": 0.5, "max": 0.9},
            },
            "noise": {"label": "Noise", "dist": {"type": "normal", "mean": 0, "sd": 1}},
        },
        "events": {"shock": {"label": "Shock", "monthly": {"type": "beta", "ci90": [0.01, 0.1]}}},
        "hazards": {
            "step": {
                "base": {"type": "beta", "ci90": [0.02, 0.08]},
                "odds_ratios": {
                    "pressure": {"per": 0.1, "dist": {"type": "lognormal", "ci90": [1.2, 1.6]}}
                },
            },
            "war": {
                "base": {"type": "beta", "ci90": [0.002, 0.01]},
                "odds_ratios": {"shock": {"dist": {"type": "lognormal", "ci90": [2, 5]}}},
            },
        },
    }
    data.update(changes)
    return scenario_from_data(data)


# --- diff ---------------------------------------------------------------------------------------


def test_diff_with_itself_is_empty() -> None:
    base = scenario()
    comparison = compare(base, base)
    assert comparison.paired
    assert comparison.changes == ()
    assert not comparison.material
    assert all(d.delta == 0.0 and d.mcse == 0.0 for d in comparison.deltas)


def test_paired_diff_finds_the_change_and_its_error_is_the_paired_one() -> None:
    base = scenario()
    harder = base.with_overrides({"drivers.pressure.dist.mode": 0.8}, check_citations=False)
    comparison = compare(base, harder)
    assert [c.key for c in comparison.changes] == ["drivers.pressure.dist.mode"]
    assert comparison.material
    # Independent: the per-sample differences of two kept runs with the same seed.
    a = simulate(base, keep_samples=True)
    b = simulate(harder, keep_samples=True)
    assert a.samples is not None
    assert b.samples is not None
    gaps = b.samples.exceed - a.samples.exceed
    for delta in comparison.deltas:
        k, m = a.rungs.index(delta.rung), a.months.index(delta.month)
        values = gaps[k, m]
        assert delta.delta == pytest.approx(values.mean(), abs=1e-12)
        assert delta.mcse == pytest.approx(values.std(ddof=1) / math.sqrt(values.size), rel=1e-8)
        assert delta.mcse < delta.unpaired_mcse / 3  # common random numbers pay off
    step = next(d for d in comparison.deltas if d.rung == "step" and d.month == 12)
    assert step.material


def test_saved_results_are_compared_unpaired_with_assumptions(tmp_path: Path) -> None:
    base = scenario()
    other = base.with_overrides({"drivers.pressure.dist.mode": 0.8}, check_citations=False)
    simulate(base).save(tmp_path / "a.json")
    simulate(other).save(tmp_path / "b.json")
    comparison = compare(tmp_path / "a.json", tmp_path / "b.json")
    assert not comparison.paired
    assert [c.key for c in comparison.changes] == ["drivers.pressure.dist.mode"]
    for d in comparison.deltas:
        a, b = comparison.result_a.cell(d.rung, d.month), comparison.result_b.cell(d.rung, d.month)
        assert d.mcse == pytest.approx(math.hypot(a.mcse, b.mcse))


def test_flatten_makes_dotted_keys_and_keeps_lists_whole() -> None:
    assert flatten({"a": {"b": 1, "c": [1, 2]}, "d": {}}) == {"a.b": 1, "a.c": [1, 2], "d": {}}


def _write(path: Path, base: Scenario, **overrides: Any) -> Path:
    data = base.with_overrides(overrides, check_citations=False).model_dump(
        mode="json", exclude_none=True
    )
    with path.open("w") as handle:
        YAML(typ="safe").dump(data, handle)
    return path


def test_diff_command_exit_codes_and_tidy_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = scenario()
    a = _write(tmp_path / "a.yaml", base)
    b = _write(tmp_path / "b.yaml", base, **{"drivers.pressure.dist.mode": 0.8})
    assert cli.run(["diff", str(a), str(a), "--exit-code", "-n", "5000"]) == 0
    assert cli.run(["diff", str(a), str(b), "--exit-code", "-n", "20000"]) == 1
    capsys.readouterr()
    assert cli.run(["diff", str(a), str(b), "-n", "20000", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["paired"] is True
    assert set(data["records"][0]) == {"rung", "month", "p_a", "p_b", "delta", "mcse", "material"}
    assert data["changes"][0]["key"] == "drivers.pressure.dist.mode"
    assert cli.run(["diff", str(a), str(b), "-n", "20000", "-f", "csv", "--all"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "rung,month,p_a,p_b,delta,mcse,material"
    assert len(lines) == 1 + 2 * 2


# --- sweep --------------------------------------------------------------------------------------


def tipping_scenario() -> Scenario:
    """One rung; its odds scale by 1.5 per 0.1 of pressure above 0.5; nothing else random."""
    return scenario_from_data(
        {
            "id": "tip",
            "title": "A tipping point with a closed form",
            "simulation": {"samples": 4096, "seed": 1, "horizon_months": 12},
            "ladder": {"rungs": [{"id": "calm", "label": "Calm"}, {"id": "war", "label": "War"}]},
            "drivers": {
                "pressure": {
                    "label": "Pressure",
                    "range": [0, 1],
                    "reference": 0.5,
                    "dist": {"type": "uniform", "low": 0, "high": 1},
                }
            },
            "hazards": {
                "war": {"base": 0.01, "odds_ratios": {"pressure": {"per": 0.1, "dist": 1.5}}}
            },
        }
    )


def test_tipping_point_matches_the_closed_form() -> None:
    threshold, months, base, ratio = 0.2, 12, 0.01, 1.5
    # P(war by 12) = 1 - (1 - h)^12 = threshold  =>  h*, then odds multiplier M*, then x*
    h = 1 - (1 - threshold) ** (1 / months)
    multiplier = h * (1 - base) / (base * (1 - h))
    expected = 0.5 + 0.1 * math.log(multiplier) / math.log(ratio)
    s = tipping_scenario()
    result = sweep(s, [parse_vary("pressure=0:1:6", s)], threshold=threshold, workers=1)
    (crossing,) = result.crossings
    assert crossing.found
    assert crossing.direction == "up"
    assert crossing.value == pytest.approx(expected, abs=1e-6)
    assert crossing.low is not None
    assert crossing.high is not None
    assert crossing.low <= expected <= crossing.high


def test_sweep_reports_no_crossing_when_there_is_none() -> None:
    s = tipping_scenario()
    result = sweep(s, [parse_vary("pressure=0:0.3:4", s)], threshold=0.9, workers=1)
    assert not result.crossings[0].found


def test_sweep_is_identical_on_every_core_and_serially() -> None:
    s = scenario(simulation={"samples": 5000, "seed": 2, "horizon_months": 12})
    axes = [parse_vary("pressure=0.2:0.8:3", s), parse_vary("hazards.war.base=0.002:0.01:2", s)]
    serial = sweep(s, axes, workers=1)
    parallel = sweep(s, axes, workers=2)
    assert serial.points == parallel.points
    assert len(serial.points) == 6
    assert axes[0].driver == "pressure"
    assert axes[1].driver is None


def test_sweep_points_share_random_numbers() -> None:
    s = scenario(simulation={"samples": 5000, "seed": 2, "horizon_months": 12})
    result = sweep(s, [parse_vary("hazards.war.base=0.004:0.006:3", s)], target="war", workers=1)
    ps = [p.p for p in result.points]
    assert ps == sorted(ps)  # monotone despite noise: the same draws at every point


def test_bad_vary_is_refused() -> None:
    s = tipping_scenario()
    with pytest.raises(InputError, match="PATH=START:STOP:N"):
        parse_vary("pressure=0:1", s)
    with pytest.raises(InputError, match="did you mean 'pressure'"):
        parse_vary("drivers.presure=0:1:3", s)
    with pytest.raises(InputError, match="outside the range"):
        sweep(s, [Axis("pressure", (0.5, 2.0), driver="pressure")], workers=1)


# --- sensitivity --------------------------------------------------------------------------------


def dominated() -> Scenario:
    """War's odds hinge on pressure (a strong odds ratio over a wide range); the rest barely
    matters."""
    return scenario(
        hazards={
            "step": {"base": {"type": "beta", "ci90": [0.02, 0.03]}},
            "war": {
                "base": {"type": "beta", "ci90": [0.009, 0.011]},
                "odds_ratios": {
                    "pressure": {"per": 0.1, "dist": 2.0},
                    "shock": {"dist": {"type": "lognormal", "ci90": [1.05, 1.1]}},
                },
            },
        },
        drivers={
            "pressure": {
                "label": "Pressure",
                "range": [0, 1],
                "reference": 0.5,
                "dist": {"type": "uniform", "low": 0, "high": 1},
            },
        },
    )


def test_dominant_input_tops_the_tornado_and_the_sobol_ranking() -> None:
    result = sensitivity(
        dominated(), method="sobol", samples=20_000, sobol_samples=1024, resamples=200, workers=1
    )
    top = result.influences[0]
    assert top.key == "driver:pressure"
    assert top.rank_correlation > 0.9
    assert top.first_order is not None
    by_total = max(result.influences, key=lambda i: i.total_order or 0.0)
    by_first = max(result.influences, key=lambda i: i.first_order or 0.0)
    assert by_total.key == by_first.key == "driver:pressure"
    assert top.first_order > 0.8


def test_tornado_swing_matches_an_independent_computation() -> None:
    s = dominated()
    result = sensitivity(s, samples=20_000, month=12, workers=1)
    run = simulate(s, samples=20_000, months=[12], keep_samples=True)
    assert run.samples is not None
    x = run.samples.inputs[run.samples.input_keys.index("driver:pressure")]
    y = run.samples.exceed[run.rungs.index("war"), 0]
    order = np.argsort(x)
    tenth = x.size // 10
    swing = y[order[-tenth:]].mean() - y[order[:tenth]].mean()
    top = result.influences[0]
    assert top.swing == pytest.approx(swing, abs=4 * top.swing_mcse)


def test_sobol_estimator_reproduces_the_ishigami_indices() -> None:
    a, b = 7.0, 0.1

    def ishigami(u: np.ndarray) -> np.ndarray:
        x = -np.pi + 2 * np.pi * u
        y: np.ndarray = np.sin(x[0]) + a * np.sin(x[1]) ** 2 + b * x[2] ** 4 * np.sin(x[0])
        return y

    A, B, AB = sobol_matrices(3, 4096, seed=3)
    first, total, first_ci, total_ci = sobol_with_intervals(
        ishigami(A), ishigami(B), np.stack([ishigami(page) for page in AB]), seed=1
    )
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * np.pi**8 / 225
    variance = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    analytic_first = [v1 / variance, v2 / variance, 0.0]
    analytic_total = [(v1 + v13) / variance, v2 / variance, v13 / variance]
    for i in range(3):
        assert first_ci[0, i] <= analytic_first[i] <= first_ci[1, i]
        assert total_ci[0, i] <= analytic_total[i] <= total_ci[1, i]
    assert first == pytest.approx(analytic_first, abs=0.05)
    assert total == pytest.approx(analytic_total, abs=0.05)
