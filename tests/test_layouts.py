"""The run and diff layouts and the text helpers under them: how numbers are rounded, how a
table chooses between its wide and narrow layouts, how assumption changes are grouped, and what
every backend of a run shows."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from belwar.render import report
from belwar.render.changes import dist_text, grouped
from belwar.render.run_layouts import run_likelihood
from belwar.render.tables import Column, Table, own, table, to_csv, to_rich
from belwar.render.text import error_bound, key_lines, points, spread, two_figures
from belwar.results.comparison import Change
from belwar.results.run import Result
from belwar.run.diff import compare
from belwar.run.simulation import simulate
from belwar.spec.loader import load_scenario

from .conftest import SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"


def _drawn(items: Sequence[object], width: int) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, record=True)
    for item in items:
        console.print(item)
    return console.export_text()


@pytest.fixture(scope="module")
def result() -> Result:
    return simulate(load_scenario(BASELINE), samples=4000, months=list(range(1, 13)))


# --- numbers -------------------------------------------------------------------------------------


def test_two_figures_keeps_its_trailing_zeros() -> None:
    # the precision of a Monte Carlo error never wanders: 0.005 and 0.038 are both two figures
    assert [two_figures(v) for v in (0.005, 0.0381, 0.1, 0.123, 1.0, 9.96, 12.4, 0)] == [
        "0.0050",
        "0.038",
        "0.10",
        "0.12",
        "1.0",
        "10",
        "12",
        "0",
    ]


def test_points_carry_their_unit() -> None:
    assert points(0.000094) == "±0.0094 points"


@given(st.floats(min_value=1e-9, max_value=0.5))
def test_error_bound_is_above_the_error_and_within_two_figures(mcse: float) -> None:
    bound = float(error_bound([mcse / 2, mcse]))
    value = 100 * mcse
    assert bound >= value * (1 - 1e-9)
    # rounded up at the second significant figure: never more than one unit of it above
    assert bound <= value + 10 ** (math.floor(math.log10(value)) - 1) * (1 + 1e-9)


def test_spread_ends_have_two_figures_or_their_complement_does() -> None:
    assert spread(0.029, 0.153) == "2.9\u201315%"
    assert spread(0.00034, 0.0133) == "0.034\u20131.3%"
    assert spread(0.308, 0.870) == "31\u201387%"
    assert spread(0.9, 0.995) == "90\u201399.50%"  # 0.50 from 100: two figures
    assert spread(0.0, 1.0) == "0\u2013100%"
    assert spread(0.00001, 0.99999) == "<0.01\u2013>99.99%"


# --- a table chooses its layout by its width -----------------------------------------------------


def _two_layouts() -> Table:
    narrow = table([Column("x")], [[own("narrow one")]])
    return table(
        [Column(h, wrap=False) for h in ("a", "b")],
        [[own("w" * 30), own("v" * 30)]],
        narrow=narrow,
    )


def test_the_wide_layout_where_it_fits_else_the_narrow() -> None:
    model = _two_layouts()
    assert "w" * 30 in _drawn(to_rich(model), 80)
    text = _drawn(to_rich(model), 50)
    assert "narrow one" in text
    assert "w" * 30 not in text
    # the other backends have the width: they draw the wide layout
    assert to_csv(model).startswith("a,b\n")


def test_too_narrow_for_any_layout_the_table_says_so_and_folds() -> None:
    text = " ".join(_drawn(to_rich(_two_layouts()), 8).split())
    # the narrow layout's narrowest: its longest word, "narrow", and the table's edges
    assert "needs 10 columns, the terminal has 8" in text
    assert "narr ow one" in text  # folded over lines, nothing cut


def test_a_wrapping_column_fits_by_its_longest_word() -> None:
    words = " ".join(["word"] * 30)
    wide = table([Column("a")], [[own(words)]], narrow=table(["n"], [[own("narrow")]]))
    assert "word word" in _drawn(to_rich(wide), 40)


# --- the run tables ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 100, 120, 200, 300])
def test_run_table_is_never_cut_short(result: Result, width: int) -> None:
    text = _drawn(report.run_tables(result), width)
    assert "…" not in text
    assert max(map(len, text.splitlines())) <= width
    for cell in result.cells:  # every probability is printed whole
        assert report.percent(cell.p) in text


def test_four_months_are_columns_at_120_and_rows_at_80(result: Result) -> None:
    four = replace(
        result,
        months=(1, 3, 6, 12),
        cells=tuple(c for c in result.cells if c.month in (1, 3, 6, 12)),
    )
    assert "by month 12" in _drawn(to_rich(run_likelihood(four)), 120)
    narrow = _drawn(to_rich(run_likelihood(four)), 80)
    assert "by month 12" not in narrow
    assert "90% spread" in narrow


def test_every_rung_label_is_shown_whole(result: Result) -> None:
    text = " ".join(_drawn(report.run_tables(result), 80).split())
    for label in result.rung_labels:
        assert label in text


def test_run_markdown_has_one_line_cells_and_the_error_with_its_unit(result: Result) -> None:
    text = report.run_markdown(result)
    cell = result.cell("full_entry", 12)
    assert f"**{report.percent(cell.p)}** ({spread(cell.p05, cell.p95)}), {cell.words}" in text
    assert "<br>" not in text.split("Highest rung")[0]
    assert text.count("percentage points") == 2  # under both tables
    assert "±" not in text


def test_run_csv_keeps_its_machine_columns(result: Result) -> None:
    head = report.run_csv(result).splitlines()[0]
    assert head == "rung,month,p,mcse,p05,p50,p95,words"


def test_run_html_shows_the_error_in_a_footer(result: Result) -> None:
    html = report.run_html(result)
    assert html.count("<tfoot>") == 2
    assert "Monte Carlo standard error below" in html


# --- assumption changes --------------------------------------------------------------------------


def test_a_distribution_is_one_setting_and_facts_are_ids() -> None:
    a = {
        "drivers": {
            "d": {
                "dist": {"type": "pert", "min": 0.5, "mode": 0.7, "max": 0.9},
                "evidence": ["s/kept", "s/gone"],
            }
        },
        "title": "old",
    }
    b = {
        "drivers": {
            "d": {
                "dist": {"type": "pert", "min": 0.6, "mode": 0.8, "max": 1.0},
                "evidence": ["s/kept", "meduza-2022-10/x"],
            }
        },
        "title": "new",
    }
    changes = [
        Change("drivers.d.dist.max", 0.9, 1.0),
        Change("drivers.d.dist.min", 0.5, 0.6),
        Change("drivers.d.dist.mode", 0.7, 0.8),
        Change("drivers.d.evidence", a["drivers"]["d"]["evidence"], b["drivers"]["d"]["evidence"]),  # type: ignore[index]
        Change("title", "old", "new"),
    ]
    groups = grouped(changes, a, b)
    assert [g.input for g in groups] == ["drivers.d", "scenario"]
    dist, evidence = groups[0].settings
    assert (dist.key, dist.old, dist.new) == (
        "drivers.d.dist",
        "PERT(0.5, 0.7, 0.9)",
        "PERT(0.6, 0.8, 1.0)",
    )
    assert (evidence.removed, evidence.added) == (("s/gone",), ("meduza-2022-10/x",))
    assert groups[1].settings[0].name == "title"


def test_a_change_of_distribution_type_is_one_setting_too() -> None:
    a = {"events": {"e": {"monthly": {"type": "beta", "ci90": [0.01, 0.08]}}}}
    b = {"events": {"e": {"monthly": {"type": "estimative", "term": "unlikely"}}}}
    changes = [
        Change("events.e.monthly.ci90", [0.01, 0.08], None),
        Change("events.e.monthly.term", None, "unlikely"),
        Change("events.e.monthly.type", "beta", "estimative"),
    ]
    (group,) = grouped(changes, a, b)
    (setting,) = group.settings
    assert (setting.old, setting.new) == ("beta(90% in [0.01, 0.08])", "estimative(unlikely)")


def test_an_odds_ratio_is_an_input_of_its_own() -> None:
    odds = {"dist": {"type": "lognormal", "ci90": [0.7, 0.95]}, "note": "x"}
    a = {"hazards": {"h": {"odds_ratios": {"d": odds}, "note": "n"}}}
    b = {"hazards": {"h": {"odds_ratios": {"d": {**odds, "note": "y"}}, "note": "m"}}}
    changes = [
        Change("hazards.h.note", "n", "m"),
        Change("hazards.h.odds_ratios.d.note", "x", "y"),
    ]
    assert [(g.input, [s.name for s in g.settings]) for g in grouped(changes, a, b)] == [
        ("hazards.h", ["note"]),
        ("hazards.h.odds_ratios.d", ["note"]),
    ]


def test_numbers_are_never_rounded_in_a_distribution() -> None:
    assert dist_text({"type": "normal", "mean": 0.123456789, "sd": 2}) == (
        "normal(mean 0.123456789, sd 2)"
    )


@given(
    st.lists(
        st.from_regex(r"[a-z]{1,30}(_[a-z]{1,12}){0,3}", fullmatch=True), min_size=1, max_size=4
    )
)
def test_key_lines_break_only_after_separators(parts: list[str]) -> None:
    key = ".".join(parts)
    shown = key_lines(key, 20)
    assert "".join(shown) == key  # nothing lost, nothing added
    for line in shown[:-1]:
        assert line.endswith((".", "_"))
    for line in shown:  # wider than the width only where it is one word
        word = line.rstrip("._")
        assert len(line) <= 20 or ("_" not in word and "." not in word)


def test_diff_tables_at_80_columns_break_no_fact_id() -> None:
    comparison = compare(BASELINE, SCENARIOS / "russian-breakthrough.yaml", samples=2000)
    text = _drawn(report.diff_tables(comparison, show_all=True), 80)
    assert max(map(len, text.splitlines())) <= 80
    for change in comparison.changes:
        if change.key.endswith(".evidence"):
            for fact in set(change.old or []) ^ set(change.new or []):
                assert fact in text
    assert "PERT(0.05, 0.25, 0.7) → PERT(0.45, 0.75, 0.95)" in text
    assert "Changes that are not material" in text
    assert "very unlikely → unlikely" in " ".join(text.split())
