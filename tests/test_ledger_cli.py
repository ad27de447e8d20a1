"""``belwar score`` and ``belwar track`` at the command line: what they print, in each format,
and their refusals (exit 2, the flag named)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from belwar import cli

from .conftest import TESTS

ROOT = TESTS.parent
RECORD = str(ROOT / "scenarios" / "history" / "belarus-2022-2025.yaml")
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
SQUEEZE = str(ROOT / "scenarios" / "kremlin-squeeze.yaml")


def test_score_json_names_ranks_and_settles(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["score", BASELINE, SQUEEZE, "--history", RECORD, "-n", "2000", "-f", "json", "-q"]
    assert cli.run(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "belwar-score"
    assert sorted(data["ranking"]) == ["baseline", "kremlin_squeeze"]
    assert data["history"]["observed_months"] == 44
    first = data["forecasts"][0]
    # every cell of months 1, 3, 6 and 12 is settled by 44 months observed
    assert (first["settled_cells"], first["unsettled_cells"], first["settled_months"]) == (12, 0, 4)
    reached = {(c["rung"], c["month"]): c["outcome"] for c in first["cells"]}
    assert reached["deeper_integration", 3] == 0
    assert reached["deeper_integration", 6] == 1  # 2022-10-10 is in month 6


def test_score_table_lists_the_unsettled_cells(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["score", BASELINE, "--history", RECORD, "-n", "2000", "--at", "2022-09-01", "-q"]
    assert cli.run(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "as the record stood on 2022-09-01" in out
    assert "Not yet settled (scored nowhere): deeper_integration by month 6" in out
    assert "month 1 ends 2022-05-15" in out


def test_score_with_a_reference_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    crowd = tmp_path / "crowd.csv"
    crowd.write_text("rung,month,p\ndeeper_integration,12,0.5\n")
    args = ["score", BASELINE, "--history", RECORD, "-n", "2000", "--reference", str(crowd)]
    assert cli.run([*args, "-f", "csv", "-q"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "forecast,rung,month,p,outcome,brier"
    assert rows[-1] == "crowd,deeper_integration,12,0.5,1,0.25"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--at", "2021-01-01"], "--at: 2021-01-01 is before the history's since (2022-04-15)"),
        (["--at", "soon"], "--at: expected a date such as 2023-06-30; got 'soon'"),
        (["--set", "as_of=2022-05-01"], "a forecast made as of 2022-05-01"),
        (["-f", "xlsx"], "unknown format 'xlsx'"),
    ],
)
def test_score_refusals(extra: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["score", BASELINE, "--history", RECORD, "-n", "200", "-q", *extra]) == 2
    assert message in capsys.readouterr().err


def test_one_scenario_at_two_revisions_is_named_by_its_paths(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    given = ["HEAD:scenarios/baseline.yaml", "scenarios/baseline.yaml"]
    args = ["score", *given, "--history", RECORD, "-n", "500", "-f", "markdown", "-q"]
    assert cli.run(args) == 0
    out = capsys.readouterr().out
    assert "| HEAD:scenarios/baseline.yaml |" in out
    assert "| scenarios/baseline.yaml |" in out
    assert "Months count from the history's since (2022-04-15)" in out
