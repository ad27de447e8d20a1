"""``track`` on a repository built here: three commits, each changing one assumption. Its rows
are separate runs of each version, and each change is put down to the assumption its commit
changed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from belwar import cli
from belwar.render.tables import to_csv
from belwar.render.track_layouts import SHOWN_ALSO, track_layout
from belwar.results.track import Track, TrackRow
from belwar.run.simulation import simulate
from belwar.run.tracking import group, track
from belwar.spec.loader import scenario_from_data

from .gitrepo import SMALL, Repo


def _versions() -> list[dict[str, Any]]:
    first: Any = copy.deepcopy(SMALL)
    second: Any = copy.deepcopy(first)
    second["drivers"]["pressure"]["dist"]["mode"] = 0.7  # commit 2: the driver
    third: Any = copy.deepcopy(second)
    third["hazards"]["war"]["base"] = 0.02  # commit 3: the war hazard
    return [first, second, third]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    made = Repo(tmp_path)
    versions = _versions()
    made.commit("first", {"s/small.yaml": versions[0]})
    made.commit("not this file", {"s/other.yaml": versions[0]})
    made.commit("more pressure", {"s/small.yaml": versions[1]})
    made.commit("war likelier", {"s/small.yaml": versions[2]})
    monkeypatch.chdir(tmp_path)
    return made


def test_rows_are_runs_of_each_version_and_name_what_moved(repo: Repo) -> None:
    found = track("s/small.yaml", target="step", month=12)
    assert [r.date[:10] for r in found.rows] == ["2024-01-01", "2024-01-03", "2024-01-04"]
    for row, version in zip(found.rows, _versions(), strict=True):
        alone = simulate(scenario_from_data(version)).cell("step", 12)
        assert (row.p, row.p05, row.p95) == (alone.p, alone.p05, alone.p95)
    first, second, third = found.rows
    assert first.change is None
    assert first.moved == ()
    assert second.change == pytest.approx(second.p - first.p, abs=1e-15)
    assert [m.key for m in second.moved] == ["drivers.pressure"]
    # one change alone, at the same seed: its paired effect is the whole change
    assert second.moved[0].delta == pytest.approx(second.change, abs=1e-12)
    assert second.moved[0].mcse > 0
    assert [m.key for m in third.moved] == ["hazards.war.base"]


def test_the_top_rung_and_a_history_score(repo: Repo, tmp_path: Path) -> None:
    record = tmp_path / "record.yaml"
    record.write_text(
        "id: record\ntitle: t\nsince: 2022-04-15\nthrough: 2023-06-01\n"
        "ladder: {step: {reached: null}}\n"
    )
    found = track("s/small.yaml", history=record)
    assert (found.target, found.month) == ("war", 12)
    assert found.history is not None
    assert [m.key for m in found.rows[2].moved] == ["hazards.war.base"]
    assert found.rows[2].moved[0].delta > 0.05  # 0.004 -> 0.02 a month over 12 months
    briers = [row.mean_brier for row in found.rows]
    assert None not in briers
    # a likelier war is a worse forecast of a record where nothing happened
    assert (briers[2] or 0) > (briers[1] or 0)


def test_track_at_the_command_line(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["track", "s/small.yaml", "--target", "step", "-f", "json", "-q"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "belwar-track"
    assert [r["moved"][0]["key"] for r in data["rows"][1:]] == [
        "drivers.pressure",
        "hazards.war.base",
    ]
    assert cli.run(["track", "s/small.yaml", "--target", "step", "-q"]) == 0
    out = capsys.readouterr().out
    assert "drivers.pressure" in out
    assert "Every revision is as of 2022-04-15" in " ".join(out.split())


def test_track_draws_its_chart(repo: Repo, tmp_path: Path) -> None:
    chart = tmp_path / "track.png"
    assert cli.run(["track", "s/small.yaml", "--plot", str(chart), "-f", "json", "-q"]) == 0
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_a_file_never_committed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    (repo.folder / "s" / "new.yaml").write_text("id: x\n")
    assert cli.run(["track", "s/new.yaml", "-q"]) == 2
    assert "no file 's/new.yaml' at revision 'HEAD'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("drivers.pressure.dist.mode", "drivers.pressure"),
        ("hazards.war.base.value", "hazards.war.base"),
        ("hazards.step.odds_ratios.pressure.dist.ci90", "hazards.step.odds_ratios.pressure"),
        ("events.protest.monthly.value", "events.protest"),
        ("momentum.dist.ci90", "momentum"),
        ("drivers.pressure.note", None),
        ("simulation.seed", None),
        ("title", None),
    ],
)
def test_changes_are_grouped_by_assumption(key: str, expected: str | None) -> None:
    assert group(key) == expected


def test_what_else_changed_is_named_by_entry_not_by_every_key() -> None:
    signs = range(SHOWN_ALSO + 2)
    keys = (*(f"indicators.sign_{i}.{f}" for i in signs for f in ("base", "note")), "title")
    row = TrackRow(
        commit="0" * 40,
        short="0000000",
        date="2026-12-01T00:00:00+00:00",
        as_of="2022-04-15",
        scenario_id="x",
        samples=100,
        seed=1,
        p=0.1,
        mcse=0.01,
        p05=0.0,
        p95=0.2,
        change=0.0,
        moved=(),
        unattributed=keys,
    )
    found = Track(path="x.yaml", target="r1", month=1, history=None, rows=(row,))
    drawn = to_csv(track_layout(found))
    assert "indicators.sign_0 (2 fields)" in drawn
    assert f"indicators.sign_{SHOWN_ALSO - 1} (2 fields)" in drawn
    assert f"indicators.sign_{SHOWN_ALSO} " not in drawn
    assert "and 3 more" in drawn  # two indicators and the title left unnamed
    assert found.to_dict()["rows"][0]["unattributed"] == list(keys)  # the JSON keeps every key
