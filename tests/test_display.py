"""The display mixin of result records: every record type shows in a notebook, a rich console,
pandas and matplotlib exactly what its renderers in belwar.render draw when called directly."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
import pytest
from rich.console import Console, RenderableType

from belwar.render import charts, display, report
from belwar.results.comparison import Comparison
from belwar.results.display import Display
from belwar.results.run import RECORD_FIELDS, Result
from belwar.results.saved import load_result
from belwar.results.sensitivity import Sensitivity
from belwar.results.sweep import Sweep
from belwar.run.diff import compare
from belwar.run.sensitivities import sensitivity
from belwar.run.simulation import simulate
from belwar.run.sweeps import parse_vary, sweep
from belwar.spec.loader import load_register, load_scenario

from .conftest import TESTS

matplotlib.use("Agg")


@dataclass(frozen=True)
class Expected:
    """What each display method must equal: the renderers called by hand."""

    html: Callable[[Any], str]
    markdown: Callable[[Any], str]
    tables: Callable[[Any], list[RenderableType]]
    frame: Callable[[Any], pd.DataFrame]
    plot: Callable[[Any], Any]


EXPECTED: dict[type, Expected] = {
    Result: Expected(
        report.run_html,
        report.run_markdown,
        report.run_tables,
        lambda r: report.frame([c.record() for c in r.cells], list(RECORD_FIELDS)),
        charts.fan_chart,
    ),
    Comparison: Expected(
        report.diff_html,
        lambda c: report.diff_markdown(c, show_all=True),
        lambda c: report.diff_tables(c, show_all=True),
        lambda c: report.frame(c.to_dict()["records"], list(report.DIFF_FIELDS)),
        charts.diff_chart,
    ),
    Sweep: Expected(
        report.sweep_html,
        lambda s: report.sweep_text(s, "markdown"),
        report.sweep_tables,
        lambda s: report.frame(report.sweep_records(s)),
        charts.sweep_chart,
    ),
    Sensitivity: Expected(
        report.sensitivity_html,
        lambda s: report.sensitivity_text(s, "markdown"),
        report.sensitivity_tables,
        lambda s: report.frame([asdict(i) for i in s.influences]),
        charts.tornado_chart,
    ),
}


@pytest.fixture(scope="module")
def records() -> dict[type, Display]:
    register = load_register(TESTS / "data" / "register")
    scenario = load_scenario(TESTS / "data" / "valid.yaml", register=register)
    harder = scenario.with_overrides({"drivers.kremlin_pressure.dist.mode": 0.8}, register=register)
    curve = sweep(
        scenario,
        [parse_vary("kremlin_pressure=0.2:0.9:4", scenario)],
        target="deeper_integration",
        threshold=0.7,
        samples=1000,
        workers=1,
    )
    return {
        Result: simulate(scenario, samples=1000),
        Comparison: compare(scenario, harder, samples=1000, workers=1),
        Sweep: curve,
        Sensitivity: sensitivity(scenario, samples=1000, workers=1),
    }


KINDS = list(EXPECTED)
IDS = [kind.__name__ for kind in KINDS]


def _text(renderable: Any) -> str:
    console = Console(file=io.StringIO(), width=120, color_system=None, record=True)
    console.print(renderable)
    return console.export_text()


def _pixels(figure: Any) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="rgba")  # raw pixels: no metadata that differs between saves
    return out.getvalue()


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_notebook_views_are_the_renderers_output(records: dict[type, Display], kind: type) -> None:
    record, expected = records[kind], EXPECTED[kind]
    assert type(record) is kind
    assert record._repr_html_() == expected.html(record)
    assert record._repr_markdown_() == expected.markdown(record)
    assert _text(record) == _text(record.__rich__())  # a console uses __rich__
    assert _text(record.__rich__()) == "".join(_text(t) for t in expected.tables(record))


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_frame_and_plot_are_the_renderers_output(records: dict[type, Display], kind: type) -> None:
    record, expected = records[kind], EXPECTED[kind]
    frame = record.to_pandas()
    assert len(frame) > 0
    pd.testing.assert_frame_equal(frame, expected.frame(record))
    mine = _pixels(record.plot())
    assert len(mine) > 0
    assert mine == _pixels(expected.plot(record))


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_save_writes_the_records_json(
    records: dict[type, Display], kind: type, tmp_path: Path
) -> None:
    record = records[kind]
    path = tmp_path / "saved.json"
    record.save(path)
    text = path.read_text(encoding="utf-8")
    assert text == record.to_json()
    data = json.loads(text)
    assert list(data)[:2] == ["format", "version"]
    assert data["version"] == 1
    if isinstance(record, Result):
        assert load_result(path).to_dict() == record.to_dict()


def test_the_text_formats_print_the_records_json(records: dict[type, Display]) -> None:
    result, comparison = records[Result], records[Comparison]
    assert isinstance(result, Result)
    assert isinstance(comparison, Comparison)
    assert report.run_text(result, "json") == result.to_json()
    assert report.diff_text(comparison, "json") == comparison.to_json()
    swept, ranked = records[Sweep], records[Sensitivity]
    assert isinstance(swept, Sweep)
    assert isinstance(ranked, Sensitivity)
    assert report.sweep_text(swept, "json") == swept.to_json()
    assert json.loads(swept.to_json())["format"] == "belwar-sweep"
    assert report.sensitivity_text(ranked, "json") == ranked.to_json()
    assert json.loads(ranked.to_json())["format"] == "belwar-sensitivity"


def test_an_unregistered_record_names_itself() -> None:
    @dataclass(frozen=True)
    class Stray(Display):
        value: int

    with pytest.raises(TypeError, match="no renderers are registered for Stray"):
        Stray(1)._repr_html_()
    with pytest.raises(NotImplementedError, match="Stray must define to_dict"):
        Stray(1).to_json()


def test_a_subclass_of_a_record_shows_as_its_base(records: dict[type, Display]) -> None:
    result = records[Result]
    assert isinstance(result, Result)

    class Annotated(Result):
        pass

    fields = {name: getattr(result, name) for name in Result.__dataclass_fields__}
    assert Annotated(**fields)._repr_markdown_() == report.run_markdown(result)
    assert display.views(Annotated(**fields)) is display.VIEWS[Result]


def test_records_load_no_renderer_until_shown() -> None:
    modules = (
        "belwar.results.run",
        "belwar.results.saved",
        "belwar.results.comparison",
        "belwar.results.sweep",
        "belwar.results.sensitivity",
    )
    code = (
        f"import sys\nfor m in {modules!r}: __import__(m)\n"
        "print(sorted(m for m in sys.modules if m.startswith('belwar.render') or m == 'rich'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
