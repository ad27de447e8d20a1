"""``run --history``, ``evidence`` and a conditioned result's JSON, at the command line."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from belwar import cli
from belwar.results.saved import load_result
from belwar.run.simulation import simulate
from belwar.run.sweeps import parse_vary
from belwar.spec.history_loader import read_history
from belwar.spec.loader import load_register, load_scenario

from .conftest import TESTS

BASE = ["--register", "data/register", "-n", "4000"]


@pytest.fixture(autouse=True)
def _here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")


def test_run_given_a_history_titles_and_diagnoses_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["run", "data/valid.yaml", "--history", "data/history.yaml", *BASE]) == 0
    out = capsys.readouterr().out
    assert "A small worked example, as of 2023-04-15, given small_record (example)" in out
    assert "The samples' weights given the history" in out
    assert "small_record (" in out
    for row in ("observed            12 months, to 2023-04-15", "effective samples", "Pareto k"):
        assert row in out
    assert "log evidence" in out
    assert "What the history taught" in out
    assert "Share of Belarusians against" in out  # inputs by label, not key


def test_a_conditioned_result_remembers_its_history(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["run", "data/valid.yaml", "--history", "data/history.yaml", "-f", "json", *BASE]
    assert cli.run(args) == 0
    data = json.loads(capsys.readouterr().out)
    history = data["history"]
    assert history["history_id"] == "small_record"
    assert len(history["fingerprint"]) == 16
    assert history["observed_months"] == 12
    assert 0 < history["ess"] <= 4000
    assert len(history["posterior"]) == len(data["inputs"])
    assert cli.run(["run", "data/valid.yaml", "-f", "json", *BASE]) == 0
    assert "history" not in json.loads(capsys.readouterr().out)


def test_evidence_ranks_stories_with_paired_bayes_factors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["evidence", "data/valid.yaml", "data/valid.yaml", "--history", "data/history.yaml"]
    assert cli.run([*args, "-f", "json", *BASE]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "belwar-evidence"
    first, second = data["stories"]
    assert first["log_bayes_factor"] == 0.0
    assert second["log_bayes_factor"] == 0.0  # the same story, paired: exactly no evidence
    assert second["log_bayes_factor_mcse"] == 0.0
    assert cli.run([*args, *BASE]) == 0
    out = capsys.readouterr().out
    assert "Evidence of each story on history small_record, to 2023-04-15" in out
    assert "Bayes factor against example" in " ".join(out.split())


def test_a_history_that_disagrees_with_the_scenario_is_placed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["run", "data/valid.yaml", "--history", "history_errors/since-not-as-of.yaml", *BASE]
    assert cli.run(args) == 2
    err = capsys.readouterr().err
    assert "history_errors/since-not-as-of.yaml:3:8: since: 2022-05-01 is not the as_of" in err


README = (TESTS.parent / "README.md").read_text()
_START = README.index("## What happened since")
SECTION = README[_START : README.index("\n## ", _START + 1)]  # to the next section
_WATCH = README.index("## What to watch for")
SECTION += README[_WATCH : README.index("\n## ", _WATCH + 1)]  # watch runs on the record too
# a command block followed at once by what it prints (a block of commands alone is not shown)
SHOWN = re.findall(r"```sh\n([^`]*?)\n```\n\n```text\n(.*?)```", SECTION, flags=re.DOTALL)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip() and line != "..."]


@pytest.mark.parametrize("shown", SHOWN, ids=[c.split()[1] for c, _ in SHOWN])
def test_the_readme_shows_what_the_commands_print(
    shown: tuple[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(TESTS.parent)
    command, printed = shown
    assert cli.run([*shlex.split(command)[1:], "--quiet"]) == 0
    out = _lines(capsys.readouterr().out)
    expected = _lines(printed)
    # every line the README shows, in order (it leaves some out, marked "...")
    at = 0
    for line in expected:
        assert line in out[at:], line
        at = out.index(line, at) + 1


def test_the_readme_section_has_its_commands() -> None:
    assert [c.split()[1] for c, _ in SHOWN] == ["run", "evidence", "watch", "watch"]


def test_diff_given_a_history_compares_the_forecasts_after_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["diff", "data/valid.yaml", "data/valid-higher.yaml", "--history", "data/history.yaml"]
    assert cli.run([*args, "-f", "json", *BASE]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["paired"] is True
    assert data["history"]["id"] == "small_record"
    assert {r["month"] for r in data["records"]} == {3, 6, 12}
    full = [r for r in data["records"] if r["rung"] == "full_entry"]
    assert all(r["delta"] > 0 for r in full)


def test_sweep_given_a_history_conditions_every_point(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["sweep", "data/valid.yaml", "--vary", "kremlin_pressure=0.2:0.8:3", "-f", "json"]
    assert cli.run([*args, "--history", "data/history.yaml", *BASE]) == 0
    given = json.loads(capsys.readouterr().out)
    assert given["history"]["id"] == "small_record"
    assert cli.run([*args, *BASE]) == 0
    prior = json.loads(capsys.readouterr().out)
    assert "history" not in prior
    # each point is the conditioned run of the scenario with the input pinned there
    register = load_register("data/register")
    scenario = load_scenario("data/valid.yaml", register=register)
    history = read_history("data/history.yaml", register=register)
    axis = parse_vary("kremlin_pressure=0.2:0.8:3", scenario)
    for record, value in zip(given["records"], axis.values, strict=True):
        pinned = scenario.with_overrides({axis.override: value}, check_citations=False)
        run = simulate(pinned, history=history, samples=4000, months=(12,), workers=1)
        assert record["p"] == run.probability("full_entry", 12)


def test_sensitivity_given_a_history_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["sensitivity", "data/valid.yaml", "-f", "json", *BASE]
    assert cli.run([*args, "--history", "data/history.yaml"]) == 0
    given = json.loads(capsys.readouterr().out)
    assert given["history"]["id"] == "small_record"
    assert given["records"]
    assert cli.run(args) == 0
    assert "history" not in json.loads(capsys.readouterr().out)


def test_a_conditioned_result_saved_reads_back_whole(tmp_path: Path) -> None:
    path = tmp_path / "given.json"
    args = ["run", "data/valid.yaml", "--history", "data/history.yaml", "-f", "json"]
    assert cli.run([*args, "-o", str(path), "--quiet", *BASE]) == 0
    result = load_result(path)
    assert result.conditioning is not None
    assert result.conditioning.history_id == "small_record"
    assert result.to_dict() == json.loads(path.read_text())


def test_evidence_refuses_what_it_could_not_keep(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["evidence", "data/valid.yaml", "--history", "data/history.yaml"]
    assert cli.run([*args, "--register", "data/register", "-n", "90000000"]) == 2
    assert "--samples: weighing 'example' keeps" in capsys.readouterr().err
