"""``report --history`` and ``report --given``, and the report's watch section: every number on
the page is the one the conditioned analyses give on their own, at the same samples and seed."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from belwar import cli
from belwar.run.diff import compare
from belwar.run.options import RunOptions
from belwar.run.pools import pool
from belwar.run.report_inputs import report_inputs
from belwar.run.sensitivities import sensitivity
from belwar.run.simulation import simulate
from belwar.run.watch import watch
from belwar.spec.history_loader import read_history
from belwar.spec.loader import load_register, load_scenario

from .conftest import SCENARIOS, TESTS

BASE = SCENARIOS / "baseline.yaml"
SQUEEZE = SCENARIOS / "kremlin-squeeze.yaml"
PANEL = SCENARIOS / "pools" / "panel.yaml"
RECORD = SCENARIOS / "history" / "belarus-2022-2025.yaml"
REGISTER = TESTS / "data" / "register"
CHOSEN = RunOptions(samples=3000, seed=11, workers=1)


def _stable(data: dict[str, Any]) -> dict[str, Any]:
    data["metadata"] = {
        k: v for k, v in data["metadata"].items() if k not in {"seconds", "created"}
    }
    return data


def test_a_conditioned_report_is_each_conditioned_analysis_on_its_own() -> None:
    base, squeeze, record = load_scenario(BASE), load_scenario(SQUEEZE), read_history(RECORD)
    found = report_inputs(base, [squeeze], options=CHOSEN, history=record)
    alone = simulate(base, options=CHOSEN, history=record)
    assert _stable(found.result.to_dict()) == _stable(alone.to_dict())
    assert found.result.conditioning is not None
    assert found.result.conditioning.through == "2025-12-31"
    assert found.tornado == sensitivity(
        base, target=alone.rungs[-1], options=replace(CHOSEN, months=None), history=record
    )
    assert found.tornado.conditions is not None
    assert found.tornado.conditions.history_id == "belarus_2022_2025"
    assert found.tornado.weights is not None
    assert [c.to_dict() for c in found.comparisons] == [
        compare(base, squeeze, options=CHOSEN, history=record).to_dict()
    ]
    assert found.watch is not None
    assert found.watch.to_dict() == watch(base, history=record, options=CHOSEN).to_dict()


def test_a_report_given_a_signpost_is_the_run_given_it() -> None:
    base = load_scenario(BASE)
    given = ("reservist_callup@1",)
    found = report_inputs(base, options=CHOSEN, given=given)
    alone = simulate(base, options=CHOSEN, given=given)
    assert _stable(found.result.to_dict()) == _stable(alone.to_dict())
    assert found.watch is not None
    # the signpost given for next month is known, so it is not watched; the rest are, given it
    names = [s.name for s in found.watch.signposts]
    assert "reservist_callup" not in names
    assert sorted(names) == sorted({*base.indicators, *base.events} - {"reservist_callup"})
    assert found.watch.p == alone.cell(alone.rungs[-1], alone.months[-1]).p


def test_the_watch_section_reuses_the_report_run_bit_for_bit() -> None:
    """Handing watch the report's run gives what watch computes on its own."""
    base = load_scenario(BASE)
    found = report_inputs(base, options=CHOSEN)
    assert found.watch is not None
    assert found.watch.to_dict() == watch(base, options=CHOSEN).to_dict()
    # the law of total probability, signpost by signpost: exact for an indicator (its chance
    # is computed from each sample's ladder); for an event, whose path each sample draws, the
    # seen and unseen runs replace the drawn path, so it holds within the Monte Carlo error
    cell = found.result.cell(found.watch.target, found.watch.month)
    for s in found.watch.signposts:
        total = s.p_seen * s.if_seen + (1 - s.p_seen) * s.if_not
        tolerance = 1e-12 if s.kind == "indicator" else 4 * cell.mcse
        assert total == pytest.approx(found.watch.p, abs=tolerance), s.name


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_report_history_at_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "now.html"
    argv = ["report", str(BASE), "-o", str(out), "-n", "3000", "--seed", "11", "-q"]
    assert cli.run([*argv, "--history", str(RECORD), "--compare", str(SQUEEZE)]) == 0
    page = _text(out.read_text())
    assert "as of 2025-12-31, given belarus_2022_2025" in page
    assert "months counted from 2025-12-31" in page
    assert "What the history taught" in page
    assert "effective samples" in page
    assert "What to watch for next month" in page
    alone = simulate(load_scenario(BASE), options=CHOSEN, history=read_history(RECORD))
    c = alone.conditioning
    assert c is not None
    assert f"{c.ess:,.0f} effective samples of 3,000" in page


def test_report_given_at_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "given.html"
    argv = ["report", str(BASE), "-o", str(out), "-n", "3000", "-q"]
    assert cli.run([*argv, "--given", "reservist_callup@1"]) == 0
    page = _text(out.read_text())
    assert "given reservist_callup@1" in page
    assert "What the conditions taught" in page


def test_a_report_without_signposts_has_no_watch_section(tmp_path: Path) -> None:
    text = (TESTS / "data" / "valid.yaml").read_text()
    events = text[text.index("events:") : text.index("hazards:")]
    incident = "      staged_incident: {dist: {type: lognormal, ci90: [2, 8]}}\n"
    assert events
    assert incident in text
    bare_file = tmp_path / "bare.yaml"
    bare_file.write_text(text.replace(events, "").replace(incident, ""))
    register = load_register(REGISTER)
    bare = load_scenario(bare_file, register=register)
    assert not bare.indicators
    assert not bare.events
    assert report_inputs(bare, options=CHOSEN).watch is None
    signposted = load_scenario(TESTS / "data" / "valid.yaml", register=register)
    found = report_inputs(signposted, options=CHOSEN).watch
    assert found is not None
    assert [s.name for s in found.signposts] == ["staged_incident"]


def test_a_bad_history_leaves_no_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(RECORD.read_text().replace("through: 2025-12-31", "through: 2019-01-01"))
    out = tmp_path / "never.html"
    code = cli.run(["report", str(BASE), "-o", str(out), "-n", "3000", "--history", str(broken)])
    assert code == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert str(broken) in err
    assert "Traceback" not in err


def test_a_pool_report_on_a_history_shows_its_prior_and_posterior_weights(tmp_path: Path) -> None:
    out = tmp_path / "panel.html"
    argv = ["report", str(PANEL), "-o", str(out), "-n", "3000", "--seed", "11", "-q"]
    assert cli.run([*argv, "--history", str(RECORD)]) == 0
    page = _text(out.read_text())
    assert "as of 2025-12-31, given belarus_2022_2025" in page
    assert "re-weighted by its evidence" in page
    updated = pool(PANEL, options=CHOSEN, history=read_history(RECORD))
    for m in updated.members:
        assert f"{m.prior_weight:.3f}" in page
        assert f"{m.weight:.3f}" in page
    assert any(abs(m.weight - m.prior_weight) > 0.01 for m in updated.members)


@pytest.mark.parametrize("command", ["run", "report", "diff"])
def test_pools_refuse_given_instead_of_ignoring_it(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [command, str(PANEL), "--given", "reservist_callup@1", "-n", "2000"]
    if command == "report":
        argv += ["-o", str(tmp_path / "never.html")]
    if command == "diff":
        argv += [str(BASE)]
    assert cli.run(argv) == 2
    assert "--given is not built for pools" in capsys.readouterr().err
    assert not (tmp_path / "never.html").exists()
