"""Sweep and tornado charts as a reader sees them: each tipping line where its drawn curve meets
the threshold and in that curve's colour, no text cut by the figure's edge, and SVG output that
is the same bytes every time."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from belwar import cli
from belwar.render.charts import PALETTE, image, sweep_chart, tornado_chart
from belwar.results.sweep import Sweep
from belwar.run.sensitivities import sensitivity
from belwar.run.sweeps import sweep
from belwar.spec.loader import load_register, load_scenario
from belwar.spec.scenario import Scenario

from .conftest import TESTS

matplotlib.use("Agg")

THRESHOLD = 0.7


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(
        TESTS / "data" / "valid.yaml", register=load_register(TESTS / "data" / "register")
    )


@pytest.fixture(scope="module")
def grid(scenario: Scenario) -> Sweep:
    return sweep(
        scenario,
        ["kremlin_pressure=0.2:0.9:4", "public_opposition=0.5:0.9:3"],
        target="deeper_integration",
        threshold=THRESHOLD,
        samples=3000,
        workers=1,
    )


def _where_drawn_line_crosses(line: Line2D, level: float) -> float:
    """The first x at which the polyline as drawn (straight segments) reaches ``level``."""
    xs, ys = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    for i in range(len(xs) - 1):
        if (ys[i] - level) * (ys[i + 1] - level) <= 0 and ys[i] != ys[i + 1]:
            return float(xs[i] + (level - ys[i]) * (xs[i + 1] - xs[i]) / (ys[i + 1] - ys[i]))
    raise AssertionError("the drawn curve does not reach the threshold")


def test_each_tipping_line_sits_where_its_drawn_curve_crosses(grid: Sweep) -> None:
    figure = sweep_chart(grid)
    (ax,) = figure.axes
    curves = [ln for ln in ax.get_lines() if str(ln.get_label()).startswith("public_opposition =")]
    assert len(curves) == 3
    colours = [to_hex(c.get_color()) for c in curves]
    assert len(set(colours)) == 3
    assert set(colours) <= {to_hex(c) for c in PALETTE}
    tipping = [ln for ln in ax.get_lines() if str(ln.get_label()).startswith("tipping point")]
    assert len(tipping) == sum(c.found for c in grid.crossings) == 3
    for curve, crossing in zip(curves, grid.crossings, strict=True):
        assert crossing.value is not None
        (line,) = [t for t in tipping if to_hex(t.get_color()) == to_hex(curve.get_color())]
        x = np.asarray(line.get_xdata(), float)[0]
        assert x == crossing.value
        assert _where_drawn_line_crosses(curve, THRESHOLD) == pytest.approx(x, rel=1e-12)
        # the tipping value in the legend is the one the text gives, rounded alike
        assert str(line.get_label()).endswith(f"{crossing.value:.3f}")


def _overflow(figure: Figure) -> list[float]:
    """How far (in inches) what is drawn reaches past each edge of the figure: left, bottom,
    right, top; none when everything shows."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]
    drawn = figure.get_tightbbox(canvas.get_renderer())  # type: ignore[no-untyped-call]
    frame = figure.bbox_inches
    reach = [frame.x0 - drawn.x0, frame.y0 - drawn.y0, drawn.x1 - frame.x1, drawn.y1 - frame.y1]
    return [r for r in reach if r > 0.01]


def test_no_label_is_cut_by_the_figure_edge(grid: Sweep, scenario: Scenario) -> None:
    """Long names (a variant's id, an analyst's label, a hazard's path) wrap inside the
    figure, and a tipping point near the right end keeps its value in the legend."""
    named = scenario.with_overrides(
        {
            "id": "a_scenario_with_a_rather_long_identifier_for_its_variant",
            "drivers.kremlin_pressure.label": "Kremlin pressure on Minsk to commit its army to "
            "the war in Ukraine, as judged by the analysts of the team",
        },
        register=load_register(TESTS / "data" / "register"),
    )
    curve = sweep(
        named,
        ["hazards.deeper_integration.base=0.01:0.2:4"],
        target="deeper_integration",
        threshold=0.88,
        samples=3000,
        workers=1,
    )
    assert curve.crossings[0].found
    tornado = sensitivity(named, samples=4000, workers=1)
    for figure in (sweep_chart(grid), sweep_chart(curve), tornado_chart(tornado)):
        assert _overflow(figure) == []


def test_svg_output_is_the_same_bytes_every_time(grid: Sweep) -> None:
    first, second = image(sweep_chart(grid), "svg"), image(sweep_chart(grid), "svg")
    assert first == second
    assert b"<svg" in first
    assert b"<dc:date>" not in first
    figure = sweep_chart(grid)
    assert image(figure, "svg") == image(figure, "svg") == first


def test_the_reports_inline_charts_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    pages = []
    for name in ("a.html", "b.html"):
        argv = ["report", str(TESTS / "data" / "valid.yaml"), "--register"]
        argv += [str(TESTS / "data" / "register"), "-n", "2000", "-o", str(tmp_path / name)]
        assert cli.run(argv) == 0
        pages.append(re.findall(r"<svg.*?</svg>", (tmp_path / name).read_text(), re.DOTALL))
    assert len(pages[0]) >= 2
    assert pages[0] == pages[1]
