"""Pools at the command line (``pool``, ``run POOL.yaml``, ``diff`` with a pool, ``--history``)
and the paired comparison of a pool, against closed forms computed here from the members."""

from __future__ import annotations

import json
import math
import re
import shlex
from pathlib import Path

import pytest

from belwar import cli
from belwar.run.diff import compare
from belwar.run.options import RunOptions
from belwar.run.pool_diff import compare_pools
from belwar.spec.loader import load_scenario
from belwar.spec.pool import pool_of

from .conftest import SCENARIOS

N = ["-n", "3000", "-j", "1"]
BASELINE, SQUEEZE = str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "kremlin-squeeze.yaml")
PANEL = str(SCENARIOS / "pools" / "panel.yaml")
HISTORY = str(SCENARIOS / "history" / "belarus-2022-2025.yaml")
OPTIONS = RunOptions(samples=3000, workers=1)


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert cli.run([*args, *N, "-f", "json"]) == 0
    data: dict = json.loads(capsys.readouterr().out)  # type: ignore[type-arg]
    return data


# --- diff ----------------------------------------------------------------------------------------


def test_a_scenario_against_a_linear_pool_is_paired_and_exact() -> None:
    base, squeeze = load_scenario(BASELINE), load_scenario(SQUEEZE)
    mixed = pool_of([("b", base), ("s", squeeze)], weights=[0.7, 0.3])
    pooled = compare_pools(base, mixed, options=OPTIONS)
    plain = compare(base, squeeze, options=OPTIONS)
    assert pooled.paired
    for d, e in zip(pooled.deltas, plain.deltas, strict=True):
        # B - A = 0.7 p_b + 0.3 p_s - p_b = 0.3 (p_s - p_b), sample by sample
        assert abs(d.delta - 0.3 * e.delta) <= 1e-12
        assert d.mcse == pytest.approx(0.3 * e.mcse, rel=1e-9)
    assert {c.key for c in pooled.changes} >= {"pool.weights.baseline", "scenario"}


def test_a_log_odds_pool_is_compared_unpaired() -> None:
    base, squeeze = load_scenario(BASELINE), load_scenario(SQUEEZE)
    odds = pool_of([("b", base), ("s", squeeze)], method="log_odds")
    compared = compare_pools(base, odds, options=OPTIONS)
    assert not compared.paired
    for d in compared.deltas:
        a, b = compared.result_a.cell(d.rung, d.month), compared.result_b.cell(d.rung, d.month)
        assert d.mcse == pytest.approx((a.mcse**2 + b.mcse**2) ** 0.5, rel=1e-12)


def test_diff_takes_a_pool_file(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "diff", BASELINE, PANEL)
    assert data["paired"] is True
    assert cli.run(["diff", PANEL, BASELINE, *N]) == 0
    assert "paired: same seed, common random numbers" in capsys.readouterr().out
    assert cli.run(["diff", PANEL, "--set", "simulation.seed=3", *N]) == 2
    assert "give B" in capsys.readouterr().err


# --- pool and run --------------------------------------------------------------------------------


def test_pool_states_the_weights_and_the_members(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "pool", BASELINE, SQUEEZE, "--weights", "7,3")
    assert [m["weight"] for m in data["members"]] == pytest.approx([0.7, 0.3])
    assert [m["stated"] for m in data["members"]] == [7.0, 3.0]
    assert cli.run(["pool", BASELINE, SQUEEZE, "--weights", "7,3", *N]) == 0
    out = capsys.readouterr().out
    assert "linear pool: each probability the weighted mean" in out
    assert "The pool beside its members" in out
    assert "sd (points)" in out


def test_a_log_odds_pool_says_it_pools_the_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["pool", BASELINE, SQUEEZE, "--method", "log_odds", "--extremize", "1.73", *N]
    assert cli.run(args) == 0
    assert "log-odds pool of the outputs" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weights", "1"], "--weights: 1 weight for 2 members"),
        (["--weights", "1,x"], "--weights: expected numbers separated by commas"),
        (["--weights", "1,-1"], "--weights: every weight must be positive"),
        (["--method", "average"], "--method: unknown method 'average'"),
        (["--extremize", "2"], "--extremize: extremize applies to a log_odds pool only"),
    ],
)
def test_pool_refuses_bad_flags(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.run(["pool", BASELINE, SQUEEZE, *args, *N]) == 2
    assert message in capsys.readouterr().err


def test_run_takes_a_pool_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = _json(capsys, "run", PANEL)
    assert data["format"] == "belwar-pool"
    assert len(data["members"]) == 5
    assert sum(m["weight"] for m in data["members"]) == pytest.approx(1, abs=1e-12)
    same = _json(capsys, "pool", PANEL)
    assert same["records"] == data["records"]
    assert cli.run(["run", PANEL, "--set", "id=x", *N]) == 2
    assert "--set" in capsys.readouterr().err
    chart = tmp_path / "pool.png"
    assert cli.run(["run", PANEL, *N, "-q", "--plot", str(chart)]) == 0
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_a_pool_on_a_history_shows_prior_and_posterior(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _json(capsys, "run", PANEL, "--history", HISTORY)
    members = data["members"]
    assert [m["prior_weight"] for m in members] == pytest.approx([0.35, 0.2, 0.15, 0.15, 0.15])
    logs = [m["log_evidence"] for m in members]
    top = max(logs)
    raw = [m["prior_weight"] * math.exp(e - top) for m, e in zip(members, logs, strict=True)]
    assert [m["weight"] for m in members] == pytest.approx([r / sum(raw) for r in raw], rel=1e-9)
    assert cli.run(["run", PANEL, "--history", HISTORY, *N]) == 0
    out = capsys.readouterr().out
    assert "posterior" in out
    assert "proportional to prior x evidence" in out


def test_report_takes_a_pool_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "panel.html"
    assert cli.run(["report", PANEL, "-o", str(page), *N, "-q"]) == 0
    html = page.read_text()
    for heading in ("Members and weights", "The members beside the pool", "Reproducing"):
        assert f"<h2>{heading}" in html
    assert "<svg" in html
    assert "linear pool" in html
    assert cli.run(["report", PANEL, "-o", str(page), "--compare", BASELINE, *N]) == 2
    assert "--compare is for a scenario's report" in capsys.readouterr().err


README = (SCENARIOS.parent / "README.md").read_text()
SECTION = README[README.index("## Pools") : README.index("## What happened since")]
SHOWN = re.findall(r"```sh\n(.*?)\n```\n\n```text\n(.*?)```", SECTION, flags=re.DOTALL)


@pytest.mark.parametrize("shown", SHOWN, ids=["run", "run-history"])
def test_the_readme_shows_what_pools_print(
    shown: tuple[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SCENARIOS.parent)
    monkeypatch.setenv("COLUMNS", "80")
    command, printed = shown
    assert cli.run([*shlex.split(command)[1:], "--quiet"]) == 0
    out = [line.rstrip() for line in capsys.readouterr().out.splitlines() if line.strip()]
    at = 0
    for line in (line.rstrip() for line in printed.splitlines() if line.strip()):
        if line == "...":  # the README leaves some lines out
            continue
        assert line in out[at:], line
        at = out.index(line, at) + 1
    assert len(SHOWN) == 2
