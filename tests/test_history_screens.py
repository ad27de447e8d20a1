"""What diff, sweep, sensitivity and run-many say when they are conditioned on a history or a
``--given``, and the table of what a history taught, at the command line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from belwar import cli
from belwar.render.conditions import weights_notes
from belwar.results.conditions import Weights
from belwar.results.run import Conditioning, Result
from belwar.results.saved import load_result
from belwar.run.simulation import simulate
from belwar.spec.history_loader import read_history
from belwar.spec.loader import load_register, load_scenario

from .conftest import TESTS

N = ["--register", "data/register", "-n", "4000", "--quiet"]
MANY = N[:-1]  # run-many draws no progress bar: it has no --quiet
HISTORY = ["--history", "data/history.yaml"]
LINE = "as of 2023-04-15, given small_record (months counted from 2023-04-15)"
GIVEN = "given staged_incident seen in month 1"
BOTH = (
    "as of 2023-04-15, given small_record and staged_incident seen in month 1 (months counted "
    "from 2023-04-15)"
)
COMMANDS = {
    "diff": ["diff", "data/valid.yaml", "data/valid-higher.yaml"],
    "sweep": ["sweep", "data/valid.yaml", "--vary", "kremlin_pressure=0.2:0.8:2"],
    "sensitivity": ["sensitivity", "data/valid.yaml"],
}


@pytest.fixture(autouse=True)
def _here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert cli.run(list(args)) == 0
    return capsys.readouterr().out


def _flat(text: str) -> str:
    """The text with its lines joined (a terminal wraps a long line; markdown escapes ``_``)."""
    return " ".join(text.replace("\\_", "_").split())


def _weights(history: bool = True, given: tuple[str, ...] = ()) -> Conditioning:
    """The conditioning of valid.yaml's run given the history (or not) and ``given``."""
    found = _run(history, given).conditioning
    assert found is not None
    return found


def _run(history: bool = True, given: tuple[str, ...] = ()) -> Result:
    register = load_register("data/register")
    scenario = load_scenario("data/valid.yaml", register=register)
    found = read_history("data/history.yaml", register=register) if history else None
    return simulate(scenario, history=found, given=given, samples=4000, workers=1)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("flags", "line"),
    [(HISTORY, LINE), (["--given", "staged_incident@1"], GIVEN)],
    ids=["history", "given"],
)
def test_each_analysis_says_what_it_is_conditioned_on(
    command: str, flags: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [*COMMANDS[command], *flags, *N]
    for fmt in ("table", "markdown"):
        assert line in _flat(_out(capsys, *args, "-f", fmt)), fmt
    assert "months counted" not in _flat(_out(capsys, *COMMANDS[command], *N))
    history = json.loads(_out(capsys, *args, "-f", "json"))["history"]
    if flags == HISTORY:
        assert history["id"] == "small_record"
        assert history["through"] == "2023-04-15"
        assert (
            history["fingerprint"]
            == read_history(
                "data/history.yaml", register=load_register("data/register")
            ).history.fingerprint()
        )
        assert history["given"] == []
    else:
        assert history["id"] is None
        assert history["given"] == [{"name": "staged_incident", "month": 1, "seen": True}]


def test_a_history_and_a_given_are_named_together(capsys: pytest.CaptureFixture[str]) -> None:
    args = [*COMMANDS["diff"], *HISTORY, "--given", "staged_incident@1", *N]
    assert BOTH in _flat(_out(capsys, *args))


def test_a_conditioned_diff_gives_each_sides_weights(capsys: pytest.CaptureFixture[str]) -> None:
    args = [*COMMANDS["diff"], *HISTORY, *N]
    data = json.loads(_out(capsys, *args, "-f", "json"))["history"]
    # side A is the run of valid.yaml given the history: the same draws, the same weights
    run = _weights()
    assert data["a"]["ess"] == run.ess
    assert data["a"]["pareto_k"] == run.pareto_k
    assert data["b"]["ess"] != data["a"]["ess"]  # B's hazards differ, so do its weights
    out = _flat(_out(capsys, *args))
    assert f"weights of A: {data['a']['ess']:,.0f} effective samples of 4,000" in out
    assert f"weights of B: {data['b']['ess']:,.0f} effective samples of 4,000" in out


def test_a_sweep_records_each_points_weights(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_out(capsys, *COMMANDS["sweep"], *HISTORY, *N, "-f", "json"))
    ess = [r["ess"] for r in data["records"]]
    ks = [r["pareto_k"] for r in data["records"]]
    assert data["history"]["ess_min"] == min(ess)
    assert data["history"]["pareto_k_max"] == max(ks)
    out = _flat(_out(capsys, *COMMANDS["sweep"], *HISTORY, *N))
    assert f"weights of every point: at least {min(ess):,.0f} effective samples of 4,000" in out


def test_a_sensitivity_gives_its_runs_weights(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_out(capsys, *COMMANDS["sensitivity"], *HISTORY, *N, "-f", "json"))
    assert data["history"]["ess"] == _weights().ess
    args = [*COMMANDS["sensitivity"], "--given", "staged_incident@1", *N, "-f", "json"]
    given = json.loads(_out(capsys, *args))
    assert given["history"]["ess"] == _weights(False, ("staged_incident@1",)).ess
    assert given["p"] != json.loads(_out(capsys, *COMMANDS["sensitivity"], *N, "-f", "json"))["p"]


def test_weights_too_degenerate_to_trust_are_warned_of() -> None:
    good = Weights(ess=900.0, pareto_k=0.3, samples=1000)
    bad = Weights(ess=12.0, pareto_k=0.9, samples=1000)
    notes = [n.text for n in weights_notes([("A", good), ("B", bad)])]
    assert notes[0] == "weights of A: 900 effective samples of 1,000 (90.0%), Pareto k 0.30"
    assert notes[1] == (
        "weights of B: 12 effective samples of 1,000 (1.2%), Pareto k 0.90 (too high)"
    )
    assert notes[2].startswith("Pareto k above 0.7 for B: the history is too surprising")
    assert len(weights_notes([("A", good)])) == 1


# --- run-many ------------------------------------------------------------------------------------


def test_run_many_conditions_every_scenario_as_a_run_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = ["data/valid.yaml", "data/valid-higher.yaml"]
    args = ["run-many", *files, "-o", str(tmp_path), *HISTORY, "--workers", "2", *MANY]
    out = _flat(_out(capsys, *args))
    assert "given small_record, as of 2023-04-15 (months counted from there)" in out
    register = load_register("data/register")
    history = read_history("data/history.yaml", register=register)
    for file in files:
        scenario = load_scenario(file, register=register)
        saved = load_result(tmp_path / f"{scenario.id}.json")
        run = simulate(scenario, history=history, samples=4000, workers=1)
        assert saved.conditioning is not None
        assert saved.conditioning.history_id == "small_record"
        assert saved.conditioning.fingerprint == history.history.fingerprint()
        assert [c.record() for c in saved.cells] == [c.record() for c in run.cells]
        assert saved.highest == run.highest
        assert saved.conditioning == run.conditioning
        c = run.conditioning
        assert c is not None
        assert f"% {c.ess:,.0f} {c.pareto_k:.2f}" in out  # the row's last columns: ESS, k


def test_run_many_given_an_event_conditions_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["run-many", "data/valid.yaml", "-o", str(tmp_path), "--given", "staged_incident@1"]
    out = _flat(_out(capsys, *args, *MANY))
    assert "given staged_incident@1" in out
    saved = load_result(tmp_path / "example.json")
    run = _run(False, ("staged_incident@1",))
    assert [c.record() for c in saved.cells] == [c.record() for c in run.cells]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_run_many_names_the_file_a_history_does_not_fit(
    workers: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    later = tmp_path / "later.yaml"
    text = (TESTS / "data" / "valid.yaml").read_text()
    later.write_text(
        text.replace("as_of: 2022-04-15", "as_of: 2022-06-01").replace("id: example", "id: later")
    )
    out = tmp_path / "out"
    args = ["run-many", "data/valid.yaml", str(later), "-o", str(out), *HISTORY]
    assert cli.run([*args, "--workers", workers, *MANY]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "data/history.yaml:3:8: since: 2022-04-15 is not the as_of of scenario 'later' "
        f"(2022-06-01): a history must start where its scenario does (scenario file {later})\n"
    )
    assert "data/valid.yaml" not in err  # the scenario that fits is not blamed
    assert not out.exists()  # found before any work: nothing made


# --- what the history taught ---------------------------------------------------------------------


def test_the_taught_table_names_inputs_by_label_sorted_by_how_far_they_moved(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(TESTS.parent)
    args = ["run", "scenarios/baseline.yaml"]
    args += ["--history", "scenarios/history/belarus-2022-2025.yaml", "-n", "4000", "-q"]
    data = json.loads(_out(capsys, *args, "-f", "json"))
    inputs = {i["key"]: i for i in data["inputs"]}
    posterior = data["history"]["posterior"]
    assert [p["key"] for p in posterior] == list(inputs)  # JSON keeps the inputs' order
    for p in posterior:
        assert p["moved"] == pytest.approx(
            (p["mean"] - inputs[p["key"]]["mean"]) / p["prior_sd"], rel=1e-12
        )
    ranked = sorted(posterior, key=lambda p: -abs(p["moved"]))
    moved = [f"{p['moved']:+.2f} sd" for p in ranked]
    # the terminal: the ten that moved most, in order, and how many more there are
    out = _out(capsys, *args)
    taught = out[out.index("What the history taught") :]
    assert [line.split()[-2] + " sd" for line in taught.splitlines() if line.endswith(" sd")] == (
        moved[:10]
    )
    assert f"{len(posterior) - 10} more inputs moved less (-f json or -f markdown" in taught
    assert "driver:" not in taught
    assert "hazard:" not in taught
    assert "Share of adults opposed" in taught
    # markdown lists every one, in the same order
    md = _out(capsys, *args, "-f", "markdown")
    rows = [line for line in md.splitlines() if line.endswith(" sd** |")]
    assert [row.rsplit("**", 2)[-2] for row in rows] == moved


def test_a_prior_sd_is_the_distributions_own(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_out(capsys, "run", "data/valid.yaml", *HISTORY, *N, "-f", "json"))
    by_key = {p["key"]: p for p in data["history"]["posterior"]}
    # momentum: lognormal with 90% interval [1, 3], sd sqrt((e^s2 - 1) e^(2 mu + s2))
    sigma = math.log(3) / (2 * 1.6448536269514722)
    mu = math.log(3) / 2
    sd = math.sqrt((math.exp(sigma**2) - 1) * math.exp(2 * mu + sigma**2))
    assert by_key["momentum"]["prior_sd"] == pytest.approx(sd, rel=3e-3)
    # a fixed hazard has no spread and cannot move
    assert by_key["hazard:full_entry"]["prior_sd"] == 0.0
    assert by_key["hazard:full_entry"]["moved"] == 0.0
    assert np.isfinite([p["moved"] for p in by_key.values()]).all()
