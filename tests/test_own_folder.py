"""Working from a folder of one's own (issue 13, items 10 and 11): extending a shipped scenario by
name (``extends: belwar:baseline.yaml``) from outside the repository, the register its citations
resolve in, the path rules that still hold, and hindsight warnings."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tomllib
import warnings
from pathlib import Path

import pytest

from belwar import cli
from belwar.errors import HindsightWarning, InputError
from belwar.spec import shipped
from belwar.spec.evidence import Fact, Source
from belwar.spec.hindsight import fact_date
from belwar.spec.loader import load_register, load_scenario

from .conftest import ROOT, SCENARIOS, TESTS

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _own_folder(tmp_path: Path) -> Path:
    """An analyst's folder outside the repository, with a register of its own (one source,
    none of the shipped ones), so the nearest ``seeds/`` is not belwar's."""
    folder = tmp_path / "analysis"
    (folder / "seeds").mkdir(parents=True)
    shutil.copy(TESTS / "data" / "register" / "test-source.yaml", folder / "seeds")
    return folder


def _records(out: str) -> list[object]:
    return list(json.loads(out)["records"])


# --- extends: belwar:NAME ------------------------------------------------------------------------


def test_a_shipped_scenario_extended_from_ones_own_folder_runs_to_its_digits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _own_folder(tmp_path)
    (folder / "mine.yaml").write_text(
        "extends: belwar:baseline.yaml\nid: mine\ntitle: My copy of the baseline\n"
    )
    monkeypatch.chdir(folder)
    code, out, err = _cli(capsys, "validate", "mine.yaml")
    assert (code, err) == (0, ""), out  # the baseline's citations resolve in the shipped register
    run = ["run", "-n", "3000", "-f", "json", "-q", "--workers", "1"]
    code, mine, err = _cli(capsys, *run, "mine.yaml")
    assert code == 0, err
    code, parent, err = _cli(capsys, *run, str(SCENARIOS / "baseline.yaml"))
    assert code == 0, err
    assert _records(mine) == _records(parent)


def test_ones_own_citations_and_the_shipped_ones_resolve_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _own_folder(tmp_path)
    (folder / "mine.yaml").write_text(
        "extends: belwar:kremlin-squeeze.yaml\nid: mine\ntitle: Mine\n"
        "drivers:\n  kremlin_pressure:\n    evidence: [test-source/pressure, test-source/nope]\n"
    )
    monkeypatch.chdir(folder)
    # by default and with the register given: only the one citation that is in neither register
    # is refused, at its place in mine.yaml
    for register in (None, load_register("seeds")):
        with pytest.raises(InputError) as caught:
            load_scenario("mine.yaml", register=register)
        [problem] = caught.value.problems
        assert (problem.file, problem.line, problem.key) == (
            "mine.yaml",
            6,
            "drivers.kremlin_pressure.evidence[1]",
        )
    # a register given is exact for a scenario that extends no shipped one
    Path("own.yaml").write_text(
        "id: own\ntitle: Own\nladder: {rungs: [{id: a, label: A}, {id: b, label: B}]}\n"
        "drivers:\n  x: {label: X, dist: 0.5, evidence: [ecfr-2022-03/chatham-poll]}\n"
    )
    load_scenario("own.yaml")  # the shipped register stands under one's own by default
    with pytest.raises(InputError, match="there is no source 'ecfr-2022-03'"):
        load_scenario("own.yaml", register=load_register("seeds"))


def test_a_shipped_scenario_by_name_keeps_the_path_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_own_folder(tmp_path))
    for ref, message in [
        ("belwar:basline.yaml", "did you mean 'belwar:baseline.yaml'?"),
        ("belwar:../seeds/ecfr-2022-03.yaml", "must name a shipped scenario file"),
        ("belwar:/etc/passwd", "must name a shipped scenario file"),
        ("belwar:..", "must name a shipped scenario file"),
        ("belwar:schema.json", "no shipped scenario"),
    ]:
        Path("x.yaml").write_text(f'extends: "{ref}"\nid: x\ntitle: x\n')
        with pytest.raises(InputError, match=re.escape(message)) as caught:
            load_scenario("x.yaml")
        assert [(p.line, p.key) for p in caught.value.problems] == [(1, "extends")]


def test_a_shipped_scenario_that_links_out_of_the_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site" / "belwar"
    scenarios = package / "_data" / "scenarios"
    scenarios.mkdir(parents=True)
    shutil.copy(SCENARIOS / "baseline.yaml", scenarios)
    outside = tmp_path / "outside.yaml"
    outside.write_text("id: outside\ntitle: Not shipped\n")
    (scenarios / "linked.yaml").symlink_to(outside)
    monkeypatch.setattr(shipped, "PACKAGE", package)
    folder = _own_folder(tmp_path)
    (folder / "x.yaml").write_text("extends: belwar:linked.yaml\nid: x\ntitle: x\n")
    with pytest.raises(
        InputError, match=re.escape("'belwar:linked.yaml' leaves belwar's scenarios")
    ):
        load_scenario(folder / "x.yaml")


def test_an_installed_wheel_finds_what_it_ships(tmp_path: Path) -> None:
    """A wheel holds the scenarios and the register in belwar/_data/ (pyproject's force-include),
    and that folder is looked in first; a source checkout has them beside the package."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included == {"seeds": "belwar/_data/seeds", "scenarios": "belwar/_data/scenarios"}
    package = tmp_path / "belwar"
    for kind in ("scenarios", "seeds"):
        (package / "_data" / kind).mkdir(parents=True)
        (package / "_data" / kind / "a.yaml").write_text("id: a\n")
        (tmp_path / kind).mkdir()
        (tmp_path / kind / "b.yaml").write_text("id: b\n")
        assert shipped.shipped_folder(kind, package) == (package / "_data" / kind).resolve()
        shutil.rmtree(package / "_data" / kind)
        assert shipped.shipped_folder(kind, package) == (tmp_path / kind).resolve()
    assert shipped.shipped_register() == (ROOT / "seeds").resolve()  # this checkout
    assert shipped.shipped_names() == [p.name for p in SHIPPED]


# --- Hindsight -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_shipped_scenarios_cite_nothing_from_after_their_date(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_scenario(path)
    assert [str(w.message) for w in caught] == []
    code, _, err = _cli(capsys, "validate", str(path))
    assert (code, err) == (0, "")


HINDSIGHT = (
    "x.yaml:6:{col}: drivers.public_opposition.evidence[{i}]: warning: hindsight: "
    "'essay-2022-05/polls-six-to-eleven' dates from May 2022, after as_of 2022-04-15"
)


def test_a_citation_from_after_as_of_warns_at_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_own_folder(tmp_path))
    # a fact dated by its own date before as_of (the letter of 5 April) is no hindsight, even
    # from a source published later
    Path("x.yaml").write_text(
        "extends: belwar:baseline.yaml\nid: x\ntitle: x\ndrivers:\n  public_opposition:\n"
        "    evidence: [essay-2022-05/makei-letter, essay-2022-05/polls-six-to-eleven]\n"
    )
    expected = HINDSIGHT.format(col=44, i=1)
    code, out, err = _cli(capsys, "validate", "x.yaml")
    assert code == 0
    assert out.startswith("x.yaml: ok")
    assert err.splitlines()[0] == expected
    assert err.count("warning:") == 1
    code, out, err = _cli(capsys, "run", "x.yaml", "-n", "2000", "-q", "-f", "json")
    assert code == 0
    assert json.loads(out)["records"]
    assert err.splitlines()[0] == expected
    with pytest.warns(HindsightWarning) as caught:
        load_scenario("x.yaml")
    [warning] = [w.message for w in caught]
    assert isinstance(warning, HindsightWarning)
    assert (warning.problem.line, warning.problem.column) == (6, 44)
    # the same citation in a scenario dated after it is no hindsight
    Path("x.yaml").write_text(Path("x.yaml").read_text() + "as_of: 2022-05-20\n")
    code, _, err = _cli(capsys, "validate", "x.yaml")
    assert (code, err) == (0, "")


def _source(published: dt.date, precision: str) -> Source:
    return Source(
        id="s",
        title="t",
        outlet="o",
        author=None,
        published=published,
        date_precision=precision,  # type: ignore[arg-type]
        date_basis="b",
        seed_file="f",
        summary="s",
        facts=(Fact(id="f", claim="A claim of ten or more.", direction="context"),),
    )


@pytest.mark.parametrize(
    ("published", "precision", "earliest", "shown"),
    [
        (dt.date(2022, 11, 15), "quarter", dt.date(2022, 10, 1), "Q4 2022"),
        (dt.date(2022, 5, 15), "month", dt.date(2022, 5, 1), "May 2022"),
        (dt.date(2022, 4, 13), "day", dt.date(2022, 4, 13), "2022-04-13"),
    ],
)
def test_a_facts_date_is_the_earliest_day_its_source_date_can_mean(
    published: dt.date, precision: str, earliest: dt.date, shown: str
) -> None:
    source = _source(published, precision)
    assert fact_date(source, source.facts[0]) == (earliest, shown)
    dated = source.facts[0].model_copy(update={"date": dt.date(2022, 1, 2)})
    assert fact_date(source, dated) == (dt.date(2022, 1, 2), "2022-01-02")
