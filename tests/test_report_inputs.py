"""The HTML report is laid out from results computed once, honouring --workers and --dask."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from belwar import cli
from belwar.core import engine
from belwar.core.model import Model
from belwar.run.diff import compare
from belwar.run.options import RunOptions
from belwar.run.report_inputs import report_inputs
from belwar.run.sensitivities import sensitivity
from belwar.run.simulation import simulate
from belwar.spec.loader import load_scenario

from .conftest import SCENARIOS

BASE = SCENARIOS / "baseline.yaml"
OTHERS = [SCENARIOS / "kremlin-squeeze.yaml", SCENARIOS / "regime-crisis.yaml"]


def _report(out: Path, *flags: str) -> str:
    argv = ["report", str(BASE), *[f"--compare={o}" for o in OTHERS], "-n", "3000", "-o", str(out)]
    assert cli.run([*argv, *flags]) == 0
    return out.read_text()


def _without_run_stamps(html: str) -> str:
    """The page without what differs from one run to the next: the time it was created, and
    the ids matplotlib draws at random for an SVG's clip paths and markers."""
    html = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", "<created>", html)
    return re.sub(r'(id="|#)[mp][0-9a-f]{10}', r"\1<id>", html)


def test_the_report_on_two_workers_is_the_serial_report(tmp_path: Path) -> None:
    serial = _report(tmp_path / "one.html", "-j", "1")
    parallel = _report(tmp_path / "two.html", "--workers", "2")
    assert "<created>" in _without_run_stamps(serial)
    assert _without_run_stamps(parallel) == _without_run_stamps(serial)


def test_the_report_runs_the_base_scenario_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every block of the base scenario is drawn once unconditioned (it was three times: the
    run, the tornado and the comparison; and the watch section reuses it), and every block of
    each other scenario once. What is watched adds two conditioned runs per signpost (seen
    next month, and not), and nothing more."""
    blocks: Counter[tuple[str, int, int]] = Counter()
    watched: Counter[tuple[str, int]] = Counter()
    original = engine.run_block

    def counted(model: Model, block: int, n: int, **kwargs: Any) -> engine.BlockStats:
        if model.observed is None:
            blocks[model.scenario_id, model.seed, block] += 1
        else:
            watched[model.observed.history_id, block] += 1
        return original(model, block, n, **kwargs)

    monkeypatch.setattr(engine, "run_block", counted)
    _report(tmp_path / "report.html", "-j", "1")
    ids = {load_scenario(path).id for path in [BASE, *OTHERS]}
    assert {scenario for scenario, _, _ in blocks} == ids
    assert set(blocks.values()) == {1}
    base = load_scenario(BASE)
    signposts = {*base.indicators, *base.events}
    assert {label for label, _ in watched} == {
        f"{name}@1{mark}" for name in signposts for mark in ("", " not seen")
    }
    assert set(watched.values()) == {1}


@pytest.mark.parametrize("months", [None, (3, 6)], ids=["scenario-months", "horizon-left-out"])
def test_report_inputs_are_what_each_analysis_gives_on_its_own(
    months: tuple[int, ...] | None,
) -> None:
    base = load_scenario(BASE)
    others = [load_scenario(path) for path in OTHERS]
    chosen = RunOptions(samples=3000, seed=9, months=months, workers=1)
    found = report_inputs(base, others, options=chosen)
    alone = simulate(base, options=chosen).to_dict()
    together = found.result.to_dict()
    for data in (alone, together):
        data["metadata"] = {
            k: v for k, v in data["metadata"].items() if k not in {"seconds", "created"}
        }
    assert together == alone
    assert found.tornado == sensitivity(
        base, target=found.result.rungs[-1], options=replace(chosen, months=None)
    )
    assert [c.to_dict() for c in found.comparisons] == [
        compare(base, other, options=chosen).to_dict() for other in others
    ]
