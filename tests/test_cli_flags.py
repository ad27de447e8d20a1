"""The command line's shared flags and what commands say: numbers as people write them, --set on
diff and report, report's run flags, messages about what was written or applied, unpadded piped
output, the sources listing, shell completion, and --format xlsx read back cell by cell."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl
import pytest
import typer

from belwar import cli
from belwar.cli.options import complete_scenario, parse_count, parse_probability, shared
from belwar.render.sources_listing import LEGEND
from belwar.run.diff import compare
from belwar.run.options import RunOptions
from belwar.run.report_inputs import report_inputs
from belwar.run.sensitivities import sensitivity
from belwar.spec.loader import load_register, load_scenario

from .conftest import TESTS

REGISTER = str(TESTS / "data" / "register")
VALID = str(TESTS / "data" / "valid.yaml")
CHANGE = "drivers.kremlin_pressure.dist.mode=0.8"
SMALL = ("--register", REGISTER, "-n", "2000")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- numbers as people write them ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("200000", 200_000),
        ("200_000", 200_000),
        ("200k", 200_000),
        ("1e6", 10**6),
        ("2M", 2 * 10**6),
        ("1_000_000", 10**6),
        ("1.5k", 1500),
        ("-4", -4),
    ],
)
def test_counts(text: str, value: int) -> None:
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["1.5", "abc", "1e-3", "10 k", "k", ""])
def test_bad_counts(text: str) -> None:
    with pytest.raises(typer.BadParameter):
        parse_count(text)


@pytest.mark.parametrize(
    ("text", "value"), [("10%", 0.1), ("0.1", 0.1), ("0.5%", 0.005), ("2", 2.0)]
)
def test_probabilities(text: str, value: float) -> None:
    assert parse_probability(text) == pytest.approx(value, rel=1e-15)


def test_bad_numbers_are_usage_errors_naming_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "run", VALID, "--register", REGISTER, "--samples", "1.5")
    assert (code, out) == (2, "")
    assert "Invalid value for '--samples' / '-n': expected a whole number; '1.5' is 1.5" in err
    code, _, err = run(capsys, "diff", VALID, "--set", CHANGE, "--tolerance", "five")
    assert code == 2
    assert "Invalid value for '--tolerance': expected a probability such as 0.1 or 10%" in err
    code, _, err = run(capsys, "run", VALID, "--register", REGISTER, "-n", "-4")
    assert (code, err) == (2, "--samples: must be at least 1, got -4\n")  # the library's check


def test_written_samples_and_percent_threshold_mean_the_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sweep = ["sweep", VALID, "--vary", "kremlin_pressure=0.2:0.9:3", "-f", "json", *SMALL[:2]]
    _, percent, _ = run(capsys, *sweep, "-n", "2k", "--threshold", "10%")
    _, plain, _ = run(capsys, *sweep, "-n", "2000", "--threshold", "0.1")
    assert json.loads(percent) == json.loads(plain)
    assert (json.loads(plain)["samples"], json.loads(plain)["threshold"]) == (2000, 0.1)


def test_a_misspelt_shared_flag_is_refused_where_the_command_is_defined() -> None:
    with pytest.raises(ValueError, match="not shared flags: sample"):
        shared("samples", "sample")


# --- --set on diff, and report's flags -----------------------------------------------------------


def test_diff_of_one_scenario_with_set_is_against_itself_changed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "diff", VALID, "--set", CHANGE, *SMALL, "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["a"], data["b"]) == ("example", f"example + {CHANGE}")
    register = load_register(REGISTER)
    base = load_scenario(VALID, register=register)
    expected = compare(base, base.with_overrides([CHANGE], register=register), samples=2000)
    assert [d["delta"] for d in data["records"]] == [d.delta for d in expected.deltas]
    assert any(d.delta != 0 for d in expected.deltas)


def test_diff_of_two_scenarios_with_set_changes_the_second(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["diff", VALID, VALID, "--set", CHANGE, *SMALL, "-f", "json"]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert json.loads(out)["b"] == f"{VALID} + {CHANGE}"
    one = json.loads(run(capsys, "diff", VALID, "--set", CHANGE, *SMALL, "-f", "json")[1])
    assert json.loads(out)["records"] == one["records"]


def test_diff_needs_two_scenarios_or_set(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "diff", VALID, *SMALL)
    assert (code, err) == (2, "diff needs two scenarios (A and B), or one with --set\n")


def test_report_takes_the_run_flags(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    argv = ["report", VALID, "-o", str(page), *SMALL, "--seed", "11", "--months", "3,6"]
    code, out, err = run(capsys, *argv, "--set", CHANGE, "--target", "deeper_integration", "-q")
    assert (code, out, err) == (0, "", "")
    text = page.read_text()
    assert "seed 11" in text
    code, _, err = run(capsys, "report", VALID, "-o", str(page), *SMALL, "--month", "99")
    assert code == 2
    assert "--month" in err


def test_report_tornado_reads_target_and_month_as_sensitivity_does() -> None:
    register = load_register(REGISTER)
    scenario = load_scenario(VALID, register=register)
    options = RunOptions(samples=2000, seed=5)
    found = report_inputs(scenario, options=options, target="deeper_integration", month=6)
    alone = sensitivity(scenario, options=options, target="deeper_integration", month=6)
    assert (found.tornado.target, found.tornado.month) == ("deeper_integration", 6)
    assert found.tornado.influences == alone.influences


# --- messages ------------------------------------------------------------------------------------


def test_piped_tables_carry_no_trailing_spaces(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "run", VALID, *SMALL)
    assert code == 0
    assert out.count("\n") > 10
    assert [line for line in out.splitlines() if line != line.rstrip()] == []
    written = tmp_path / "tables.txt"
    assert run(capsys, "run", VALID, *SMALL, "-o", str(written))[0] == 0
    text = written.read_text()
    assert "Highest rung" in text
    assert [line for line in text.splitlines() if line != line.rstrip()] == []


def test_plot_says_what_it_wrote(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chart = tmp_path / "fan.svg"
    code, _, err = run(capsys, "run", VALID, *SMALL, "-f", "json", "--plot", str(chart))
    assert code == 0
    assert err == f"wrote the chart to {chart}\n"
    assert chart.read_text().lstrip().startswith("<?xml")
    assert run(capsys, "run", VALID, *SMALL, "-f", "json", "--plot", str(chart), "-q")[2] == ""


def test_validate_says_what_it_applied(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "validate",
        "--register",
        REGISTER,
        VALID,
        "--set",
        CHANGE,
        "--set",
        "simulation.seed=3",
    ]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert out.splitlines()[:2] == [f"with --set {CHANGE}", "with --set simulation.seed=3"]


# --- the sources listing -------------------------------------------------------------------------


def test_sources_at_80_columns_keeps_every_citation_whole(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "sources", "--register", REGISTER)
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    citations = [ref for ref, _, _ in load_register(REGISTER).facts()]
    assert citations
    assert all(ref in lines for ref in citations)  # each alone on its line, whole
    assert max(len(line) for line in out.splitlines()) <= 80
    assert out.replace("\n", " ").count(LEGEND.split(";")[0]) == 1


def test_sources_filters(capsys: pytest.CaptureFixture[str]) -> None:
    register = load_register(REGISTER)
    ref, _, fact = next(iter(register.facts()))
    word = fact.claim.split()[-1].strip(".").upper()
    _, out, _ = run(capsys, "sources", "--register", REGISTER, "--grep", word)
    assert ref in out
    wanted = [r for r, _, f in register.facts() if word.lower() in f.claim.lower()]
    assert f"{len(wanted)} fact" in out
    _, out, _ = run(capsys, "sources", "--register", REGISTER, "--grep", "no-such-text-anywhere")
    assert "0 facts in 0 documents." in out
    code, _, err = run(capsys, "sources", "--register", REGISTER, "--source", "nope")
    assert code == 2
    assert err.startswith("--source: no source 'nope'")
    _, out, _ = run(capsys, "sources", "--register", REGISTER, "-f", "markdown")
    assert out.rstrip().endswith(f"_{LEGEND}_")


# --- shell completion ----------------------------------------------------------------------------


def test_show_completion_prints_a_script(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # typer detects the shell from the parent processes unless told not to, and then reads the
    # shell named after the flag: without this the test would pass only under an interactive bash
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    code, out, _ = run(capsys, "--show-completion", "bash")
    assert code == 0
    assert "_BELWAR_COMPLETE=complete_bash" in out
    assert "complete -o default -F _belwar_completion belwar" in out


def test_scenarios_complete_from_yaml_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS / "data")
    assert "valid.yaml" in complete_scenario("val")
    assert "register/" in complete_scenario("reg")
    assert all(name.endswith((".yaml", ".yml", ".json", "/")) for name in complete_scenario(""))
    assert complete_scenario("no-such-folder/x") == []


# --- --format xlsx -------------------------------------------------------------------------------


def _approx(record: dict[str, object]) -> dict[str, object]:
    return {
        k: pytest.approx(v, rel=1e-15) if isinstance(v, float) else v for k, v in record.items()
    }


def test_run_workbook_holds_the_json_numbers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    book_path = tmp_path / "run.xlsx"
    code, out, err = run(capsys, "run", VALID, *SMALL, "-f", "xlsx", "-o", str(book_path))
    assert (code, out, err) == (0, "", f"wrote {book_path}\n")
    data = json.loads(run(capsys, "run", VALID, *SMALL, "-f", "json")[1])
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames[0] == "results"
    assert len(book.sheetnames) >= 3  # and each table of the run on its own sheet
    rows = list(book["results"].iter_rows(values_only=True))
    heads = list(rows[0])
    # a workbook keeps 16 significant digits (openpyxl writes them so): a relative 1e-15
    shown = [dict(zip(heads, row, strict=True)) for row in rows[1:]]
    assert shown == [_approx(record) for record in data["records"]]
    assert [p.name for p in tmp_path.iterdir()] == ["run.xlsx"]  # written atomically


def test_diff_workbook_holds_every_delta(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    book_path = tmp_path / "diff.xlsx"
    code, _, _ = run(
        capsys, "diff", VALID, "--set", CHANGE, *SMALL, "-f", "xlsx", "-o", str(book_path)
    )
    assert code == 0
    data = json.loads(run(capsys, "diff", VALID, "--set", CHANGE, *SMALL, "-f", "json")[1])
    rows = list(openpyxl.load_workbook(book_path).worksheets[0].iter_rows(values_only=True))
    deltas = [row[rows[0].index("delta")] for row in rows[1:]]
    assert deltas == [pytest.approx(record["delta"], rel=1e-15) for record in data["records"]]


def test_sweep_and_sensitivity_workbooks_hold_their_numbers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sweep = ["sweep", VALID, "--vary", "kremlin_pressure=0.2:0.9:3", *SMALL]
    assert run(capsys, *sweep, "-f", "xlsx", "-o", str(tmp_path / "s.xlsx"))[0] == 0
    points = json.loads(run(capsys, *sweep, "-f", "json")[1])["records"]
    rows = [row for row in _sheet(tmp_path / "s.xlsx", "points") if row["kind"] == "point"]
    shown = [{key: row[key] for key in point} for row, point in zip(rows, points, strict=True)]
    assert shown == [_approx(point) for point in points]
    tornado = ["sensitivity", VALID, *SMALL]
    assert run(capsys, *tornado, "-f", "xlsx", "-o", str(tmp_path / "t.xlsx"))[0] == 0
    inputs = json.loads(run(capsys, *tornado, "-f", "json")[1])["records"]
    assert _sheet(tmp_path / "t.xlsx", "inputs") == [_approx(record) for record in inputs]
    assert len(openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames) == 2


def _sheet(path: Path, name: str) -> list[dict[str, object]]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_workbook_is_refused_to_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, err = run(capsys, "run", VALID, *SMALL, "-f", "xlsx")
    assert (code, out) == (2, "")
    assert err.startswith("--output: --format xlsx writes a binary workbook")


def test_workbook_without_openpyxl_names_the_extra(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    target = tmp_path / "run.xlsx"
    code, _, err = run(capsys, "run", VALID, *SMALL, "-f", "xlsx", "-o", str(target))
    assert code == 2
    assert err == "error: openpyxl is needed for this: pip install 'belwar[xlsx]'\n"
    assert not target.exists()
