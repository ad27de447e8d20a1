"""What the sweep and sensitivity screens say, checked against the results they show: tipping
points rounded to their Monte Carlo interval and placed in the driver's own distribution,
crossings in the CSV, Sobol intervals that read as intervals, labels, --top, bars and progress."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import numpy as np
import pytest

from belwar import cli
from belwar.render.sensitivity_layouts import headline, sobol_text, tornado_layout
from belwar.render.sweep_layouts import decimals, tipping_text
from belwar.results.sweep import Sweep
from belwar.run.options import RunOptions
from belwar.run.sensitivities import sensitivity
from belwar.run.simulation import simulate
from belwar.run.sweeps import sweep
from belwar.spec.loader import load_scenario

from .conftest import SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"


@pytest.fixture(scope="module")
def curve() -> Sweep:
    return sweep(
        load_scenario(BASELINE),
        ["kremlin_pressure=0.25:0.95:8"],
        threshold=0.08,
        samples=4000,
        workers=1,
    )


def test_decimals_follow_the_first_significant_digit_of_the_half_width() -> None:
    assert decimals(0.0017) == 3
    assert decimals(0.017) == 2
    assert decimals(0.1) == 1
    assert decimals(0.25) == 1
    assert decimals(3.0) == 0
    assert decimals(float("inf")) == 4


def test_a_tipping_point_is_rounded_labelled_and_placed(curve: Sweep) -> None:
    (crossing,) = curve.crossings
    assert crossing.value is not None
    assert crossing.low is not None
    assert crossing.high is not None
    assert crossing.percentile is not None
    text = tipping_text(curve, crossing)
    places = decimals((crossing.high - crossing.low) / 2)
    assert f"kremlin_pressure = {crossing.value:.{places}f} " in text
    assert f"Monte Carlo only: {crossing.low:.{places}f} to {crossing.high:.{places}f}" in text
    assert "baseline's own" in text
    assert "percentile of kremlin_pressure" in text


def test_the_percentile_is_the_share_of_the_drivers_draws_below_the_value(curve: Sweep) -> None:
    """Against the driver's draws in a run of the scenario itself: the share below the tipping
    point, within 4 binomial standard errors."""
    (crossing,) = curve.crossings
    run = simulate(load_scenario(BASELINE), samples=40_000, keep_samples=True, workers=1)
    assert run.samples is not None
    draws = run.samples.inputs[run.samples.input_keys.index("driver:kremlin_pressure")]
    share = float(np.mean(draws < crossing.value))
    se = np.sqrt(share * (1 - share) / draws.size)
    assert crossing.percentile == pytest.approx(share, abs=4 * se)
    assert curve.axes[0].spread is not None
    low, high = curve.axes[0].spread
    assert np.mean(draws < low) == pytest.approx(0.05, abs=0.005)
    assert np.mean(draws < high) == pytest.approx(0.95, abs=0.005)


def test_csv_carries_the_points_and_the_crossings(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sweep", str(BASELINE), "--vary", "kremlin_pressure=0.25:0.95:4", "-n", "2000"]
    argv += ["--vary", "public_opposition=0.5:0.9:3", "--threshold", "0.05", "-f", "csv"]
    assert cli.run([*argv, "-q", "--workers", "1"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    points = [r for r in rows if r["kind"] == "point"]
    crossings = [r for r in rows if r["kind"] == "crossing"]
    assert len(points) == 12
    assert crossings, "the grid crosses 5% on some line"
    for row in crossings:
        assert float(row["p"]) == 0.05
        assert float(row["low"]) < float(row["kremlin_pressure"]) < float(row["high"])
        assert row["public_opposition"] in {"0.5", "0.7", "0.9"}
        assert row["direction"] in {"up", "down"}
        assert 0 <= float(row["percentile"]) <= 1
    assert all(r["low"] == r["direction"] == "" for r in points)


def test_sobol_intervals_read_as_intervals() -> None:
    assert sobol_text(0.1234, 0.1001, 0.1449) == "0.12 [0.10, 0.14]"
    assert sobol_text(-0.004, -0.02, 0.013) == "0.00 [0.00, 0.01]"  # never (-0.00-0.01)
    assert sobol_text(1.02, 0.97, 1.1) == "1.00 [0.97, 1.00]"


def _table(capsys: pytest.CaptureFixture[str], *extra: str) -> list[str]:
    argv = ["sensitivity", str(BASELINE), "-n", "4000", "-q", "--workers", "1", *extra]
    assert cli.run(argv) == 0
    return capsys.readouterr().out.splitlines()


def test_tornado_rows_by_label_top_ten_and_no_bar_for_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = sensitivity(load_scenario(BASELINE), samples=4000, workers=1)
    lines = _table(capsys)
    assert lines[0].startswith("Share of adults opposed to sending Belarusian troops moves it")
    assert not any("driver:" in line for line in lines)
    assert f"{len(result.influences) - 10} more inputs move it less" in "\n".join(lines)
    every = _table(capsys, "--all")
    rows = [line for line in every if "→" in line and "%" in line]
    assert len(rows) == len(result.influences)
    for line, item in zip(rows, result.influences, strict=True):
        nothing = f"{100 * item.swing:+.2f}" in ("+0.00", "-0.00")
        assert ("█" in line) != nothing, line
    # a swing that rounds to nothing draws no bar, whatever its sign
    tiny = [replace(result.influences[-1], swing=s) for s in (4e-5, -4e-5)]
    drawn = tornado_layout(replace(result, influences=(*result.influences[:2], *tiny)))
    assert [row[-1].text == "" for row in drawn.rows] == [False, False, True, True]
    keyed = _table(capsys, "--top", "3", "--keys")
    assert keyed[0].startswith("driver:public_opposition moves it most")
    assert sum("driver:" in line or "hazard:" in line for line in keyed) == 4  # headline + 3


def test_sobol_mode_ranks_groups_by_their_first_order_index() -> None:
    result = sensitivity(
        load_scenario(BASELINE),
        samples=2000,
        method="sobol",
        sobol_samples=256,
        resamples=99,
        workers=1,
    )
    firsts = [g.first_order for g in result.groups]
    assert firsts == sorted(firsts, reverse=True)
    top = result.groups[0]
    first = next(i.label for i in result.influences if i.key == top.keys[0])
    assert len(top.keys) == 3  # the baseline's public-opposition block
    assert headline(result).startswith(f"{first}, with the 2 drivers correlated with it, explains")
    assert sum(len(g.keys) for g in result.groups) == len(result.influences)


def test_sweep_and_sensitivity_report_progress_to_the_end() -> None:
    seen: list[tuple[int, int]] = []
    options = RunOptions(samples=2000, workers=1, progress=lambda d, t: seen.append((d, t)))
    sweep(
        load_scenario(BASELINE), ["kremlin_pressure=0.25:0.95:3"], threshold=0.05, options=options
    )
    assert seen[-1][0] == seen[-1][1] == 3 + 12  # the points, then every refinement step
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    seen.clear()
    sensitivity(
        load_scenario(BASELINE),
        options=replace(options, samples=1000),
        method="sobol",
        sobol_samples=64,
        resamples=9,
    )
    done, total = seen[-1]
    assert done == total > 1000
