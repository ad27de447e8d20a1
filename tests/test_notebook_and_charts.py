"""Notebook display, data frames and charts: checked for content, not only for existence."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from rich.console import Console

from belwar import cli
from belwar.render.charts import LABEL_WIDTH
from belwar.render.sensitivity_layouts import input_label
from belwar.results.run import Result
from belwar.run.diff import compare
from belwar.run.sensitivities import sensitivity
from belwar.run.simulation import simulate
from belwar.run.sweeps import parse_vary, sweep
from belwar.spec.loader import load_register, load_scenario
from belwar.spec.scenario import Scenario

from .conftest import TESTS

matplotlib.use("Agg")

REGISTER = load_register(TESTS / "data" / "register")
HARDER = {"drivers.kremlin_pressure.dist.mode": 0.8}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(TESTS / "data" / "valid.yaml", register=REGISTER)


@pytest.fixture(scope="module")
def result(scenario: Scenario) -> Result:
    return simulate(scenario, samples=4000)


def test_result_frame_is_tidy(result: Result) -> None:
    df = result.to_pandas()
    assert list(df.columns) == ["rung", "month", "p", "mcse", "p05", "p50", "p95", "words"]
    assert len(df) == len(result.rungs) * len(result.months)
    row = df[(df.rung == "full_entry") & (df.month == 12)].iloc[0]
    assert row.p == result.probability("full_entry", 12)


def test_html_display_escapes_names(scenario: Scenario) -> None:
    tricky = scenario.with_overrides(
        {"title": "<script>alert(1)</script> & co", "ladder.rungs[1].label": "<b>bold</b>"},
        register=REGISTER,
    )
    html = simulate(tricky, samples=1000)._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_markdown_and_rich_display(result: Result) -> None:
    assert "| rung |" in result._repr_markdown_()
    console = Console(width=120, record=True, color_system=None)
    console.print(result)
    assert "Highest rung reached" in console.export_text()


def test_fan_chart_plots_the_cells(result: Result) -> None:
    figure = result.plot()
    (ax,) = figure.axes
    assert ax.get_xlabel() == "month"
    assert "probability" in ax.get_ylabel()
    lines = ax.get_lines()
    assert len(lines) == len(result.rungs)
    for line, rung in zip(lines, result.rungs, strict=True):
        assert list(line.get_xdata()) == list(result.months)
        expected = [result.probability(rung, m) for m in result.months]
        np.testing.assert_allclose(line.get_ydata(), expected)
        assert rung in line.get_label()


def test_tornado_chart_bars_span_bottom_to_top_tenth(scenario: Scenario) -> None:
    analysis = sensitivity(scenario, samples=4000, workers=1)
    figure = analysis.plot()
    (ax,) = figure.axes
    bars = ax.patches
    assert len(bars) == len(analysis.influences)
    top = analysis.influences[0]
    widest = max(bars, key=lambda b: b.get_width())
    assert widest.get_width() == pytest.approx(abs(top.swing))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    by_key = {i.key: i for i in analysis.influences}
    assert labels[-1] == textwrap.fill(input_label(top, by_key), LABEL_WIDTH)  # widest on top
    assert top.label in labels[-1].replace("\n", " ")
    colours = {matplotlib.colors.to_hex(b.get_facecolor()[:3]).upper() for b in bars}
    assert colours <= {"#D55E00", "#0072B2"}  # Okabe-Ito vermillion raises, blue lowers


def test_sweep_chart_marks_threshold_and_tipping_point(scenario: Scenario) -> None:
    curve = sweep(
        scenario,
        [parse_vary("kremlin_pressure=0.2:0.9:4", scenario)],
        target="deeper_integration",
        threshold=0.7,
        samples=3000,
        workers=1,
    )
    (ax,) = curve.plot().axes
    (crossing,) = curve.crossings
    assert crossing.value is not None
    xs = [p.at[0] for p in curve.points]
    drawn = ax.get_lines()[0].get_xdata()  # the grid and the runs bracketing the crossing
    assert set(xs) <= set(drawn)
    assert crossing.bracket is not None
    assert {p.at[0] for p in crossing.bracket} <= set(drawn)
    np.testing.assert_allclose(ax.get_lines()[1].get_xdata(), xs)  # the grid's markers
    horizontal = [ln for ln in ax.get_lines() if list(ln.get_ydata()) == [0.7, 0.7]]
    vertical = [ln for ln in ax.get_lines() if list(ln.get_xdata()) == [crossing.value] * 2]
    assert horizontal
    assert vertical
    assert ax.get_xlabel() == "kremlin_pressure"


def test_diff_chart_has_a_bar_per_change(scenario: Scenario) -> None:
    harder = scenario.with_overrides({"drivers.kremlin_pressure.dist.mode": 0.8}, register=REGISTER)
    comparison = compare(scenario, harder, samples=3000)
    (ax,) = comparison.plot().axes
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(comparison.deltas)
    first = comparison.deltas[0]
    label = dict(zip(comparison.result_a.rungs, comparison.result_a.rung_labels, strict=True))
    shown = labels[-1].replace("\n", " ").replace("\u00a0", " ")
    assert shown == f"{label[first.rung]}, by month {first.month}"
    assert ax.get_xlabel().replace("\n", " ").startswith(f"{comparison.b} minus {comparison.a}")
    assert comparison.to_pandas().shape == (len(comparison.deltas), 7)


def test_plot_option_writes_a_real_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png, svg = tmp_path / "fan.png", tmp_path / "fan.svg"
    argv = [
        "run",
        str(TESTS / "data" / "valid.yaml"),
        "--register",
        str(TESTS / "data" / "register"),
    ]
    assert cli.run([*argv, "-n", "2000", "--plot", str(png), "-q"]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert cli.run([*argv, "-n", "2000", "--plot", str(svg), "-q"]) == 0
    assert "<svg" in svg.read_text()
    assert cli.run([*argv, "-n", "2000", "--plot", str(tmp_path / "fan.gif")]) == 2
    capsys.readouterr()


def test_chart_titles_stay_inside_their_figures(scenario: Scenario) -> None:
    """A long title is wrapped over the whole figure, never cut at either edge (an axes title
    centred over a plot with wide tick labels ran off both sides): the fan and diff charts."""
    long = scenario.with_overrides(
        {"title": "A deliberately long scenario title that would never fit on one line " * 2},
        register=REGISTER,
    )
    comparison = compare(scenario, long.with_overrides(HARDER, register=REGISTER), samples=2000)
    for figure in (simulate(long, samples=2000).plot(), comparison.plot()):
        canvas = FigureCanvasAgg(figure)
        canvas.draw()  # type: ignore[no-untyped-call]
        renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        frame = figure.bbox
        for text in (figure.texts[0], figure.axes[0].xaxis.label):
            box = text.get_window_extent(renderer)
            assert frame.x0 <= box.x0
            assert box.x1 <= frame.x1
            assert box.y1 <= frame.y1
        for label in figure.axes[0].get_yticklabels():
            assert label.get_window_extent(renderer).x0 >= frame.x0
