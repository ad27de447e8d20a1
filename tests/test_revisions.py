"""``REV:PATH``: a scenario and everything it extends read at a git revision, in a repository
built here; errors name the revision; a real file with a colon in its name is still itself;
nothing reaches a shell."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from belwar import cli
from belwar.errors import InputError
from belwar.spec.dists import Point
from belwar.spec.loader import load_scenario
from belwar.spec.scenario import Scenario

from .gitrepo import SMALL, Repo, write_yaml


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """Two commits: a parent and a child that extends it; then the parent's war hazard
    doubles."""
    made = Repo(tmp_path)
    child = {"extends": "base.yaml", "id": "child", "title": "A child"}
    made.commit("first", {"stories/base.yaml": SMALL, "stories/child.yaml": child})
    later: Any = copy.deepcopy(SMALL)
    later["hazards"]["war"]["base"] = 0.008
    made.commit("the war hazard doubles", {"stories/base.yaml": later})
    monkeypatch.chdir(tmp_path)
    return made


def test_a_parent_is_read_at_the_same_revision(repo: Repo) -> None:
    then = load_scenario("HEAD~1:stories/child.yaml")
    now = load_scenario("stories/child.yaml")
    assert then.id == now.id == "child"
    assert _war(then) == 0.004
    assert _war(now) == 0.008
    repo.git("tag", "v1", "HEAD~1")
    assert _war(load_scenario("v1:stories/child.yaml")) == 0.004


def _war(scenario: Scenario) -> float:
    base = scenario.hazards["war"].base
    assert isinstance(base, Point)
    return base.value


def test_diff_shows_what_the_last_commit_did(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["diff", "HEAD~1:stories/child.yaml", "stories/child.yaml", "-f", "json", "-q"]
    assert cli.run(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["a"] == "HEAD~1:stories/child.yaml"
    assert [(c["key"], c["old"], c["new"]) for c in data["changes"]] == [
        ("hazards.war.base.value", 0.004, 0.008)
    ]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("nope:stories/child.yaml", "nope:stories/child.yaml: unknown git revision 'nope'"),
        ("HEAD:stories/none.yaml", "no file 'stories/none.yaml' at revision 'HEAD'"),
        ("-x:stories/child.yaml", "'-x' is not a git revision (it begins with '-')"),
    ],
)
def test_errors_name_the_revision(repo: Repo, given: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_scenario(given)


def test_a_parent_missing_at_the_revision_is_placed(repo: Repo) -> None:
    repo.commit("an orphan", {"stories/orphan.yaml": {"extends": "gone.yaml", "id": "o"}})
    with pytest.raises(InputError) as caught:
        load_scenario("HEAD:stories/orphan.yaml")
    (problem,) = caught.value.problems
    assert problem.file == "HEAD:stories/orphan.yaml"
    assert (problem.line, problem.key) == (1, "extends")
    assert "parent scenario 'gone.yaml' not found" in problem.message


def test_no_shell_sees_the_revision(repo: Repo, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown git revision"):
        load_scenario("$(touch hacked);touch hacked2:stories/child.yaml")
    assert not list(tmp_path.glob("hacked*"))


def test_a_real_file_with_a_colon_is_itself(repo: Repo, tmp_path: Path) -> None:
    odd: Any = copy.deepcopy(SMALL)
    odd["id"] = "odd"
    write_yaml(tmp_path / "HEAD:odd.yaml", odd)
    assert load_scenario("HEAD:odd.yaml").id == "odd"


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with pytest.raises(InputError, match="not in a git repository"):
        load_scenario("HEAD:x.yaml")
