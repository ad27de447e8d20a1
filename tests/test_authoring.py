"""``belwar init`` (a scenario of one's own extending a shipped one) and ``belwar show`` (a
scenario merged with everything it extends), issue 13 item 10."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from belwar import cli
from belwar.spec.editor_schema import scenario_schema_text
from belwar.spec.loader import load_register, load_scenario

from .conftest import ROOT, SCENARIOS

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
REGISTER = str(ROOT / "seeds")
RUN = ["run", "-n", "3000", "-f", "json", "-q", "--workers", "1"]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _records(capsys: pytest.CaptureFixture[str], *argv: str) -> list[object]:
    code, out, err = _cli(capsys, *RUN, *argv)
    assert code == 0, err
    return list(json.loads(out)["records"])


def _uncommented(text: str) -> str:
    """The stub with its commented examples switched on (prose comments stay comments)."""
    return re.sub(r"(?m)^# (?=drivers:|hazards:|as_of:| )", "", text)


# --- init ----------------------------------------------------------------------------------------


def test_init_writes_a_scenario_that_validates_and_runs_as_its_parent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _cli(capsys, "init", "my-variant")
    assert (code, out) == (0, "")
    assert err == "wrote my-variant.yaml and schema.json (extends belwar:baseline.yaml)\n"
    text = Path("my-variant.yaml").read_text()
    first = text.splitlines()[0]
    schema = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert schema is not None, first
    assert (tmp_path / schema.group(1)).read_text() == scenario_schema_text()
    assert "\nextends: belwar:baseline.yaml\nid: my_variant\n" in text
    code, out, err = _cli(capsys, "validate", "--register", REGISTER, "my-variant.yaml")
    assert (code, err) == (0, "")
    assert out.startswith("my-variant.yaml: ok (my_variant, ")
    parent = _records(capsys, str(SCENARIOS / "baseline.yaml"))
    assert _records(capsys, "--register", REGISTER, "my-variant.yaml") == parent
    # its examples are the parent's own values: switched on, they validate and change nothing
    Path("on.yaml").write_text(_uncommented(text))
    on = load_scenario("on.yaml", register=load_register(REGISTER))
    assert "public_opposition" in on.drivers
    assert _records(capsys, "--register", REGISTER, "on.yaml") == parent


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_init_from_each_shipped_scenario_validates(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = _cli(capsys, "init", "mine", "--from", path.stem)
    assert code == 0, err
    on = tmp_path / "on.yaml"
    on.write_text(_uncommented((tmp_path / "mine.yaml").read_text()))
    for name in ("mine.yaml", "on.yaml"):
        code, out, err = _cli(capsys, "validate", "--register", REGISTER, name)
        assert (code, err) == (0, ""), out
    assert load_scenario(on).fingerprint() != load_scenario(path).fingerprint()  # id and title


def test_init_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("mine.yaml").write_text("mine\n")
    Path("target.txt").write_text("kept\n")
    Path("linked.yaml").symlink_to("target.txt")
    for name in ("mine", "linked.yaml"):
        code, _, err = _cli(capsys, "init", name)
        assert code == 2
        assert err == f"{Path(name).stem}.yaml: already exists: nothing was written\n"
    assert Path("mine.yaml").read_text() == "mine\n"
    assert Path("target.txt").read_text() == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linked.yaml", "mine.yaml", "target.txt"]


def test_init_keeps_a_schema_that_is_there_and_names_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("schema.json").write_text("{}\n")
    code, _, err = _cli(capsys, "init", "mine", "--from", "kremlin-squeeze.yaml")
    assert (code, err) == (0, "wrote mine.yaml (extends belwar:kremlin-squeeze.yaml)\n")
    assert Path("schema.json").read_text() == "{}\n"
    code, _, err = _cli(capsys, "init", "other", "--from", "basline")
    assert code == 2
    assert err.startswith("--from: no shipped scenario 'basline'; did you mean 'baseline'?")
    code, _, err = _cli(capsys, "init", "9lives")
    assert code == 2
    assert err.startswith("NAME: cannot make a scenario id from '9lives'")
    assert not Path("other.yaml").exists()
    assert not Path("9lives.yaml").exists()


# --- show ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_show_is_the_merged_scenario_in_one_file(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change = "drivers.kremlin_pressure.dist.mode=0.8"
    code, out, err = _cli(capsys, "show", str(path), "--set", change)
    assert (code, err) == (0, "")
    assert "\nextends:" not in out
    shown = tmp_path / "shown.yaml"  # outside the repository, with no parent beside it
    shown.write_text(out)
    register = load_register(REGISTER)
    expected = load_scenario(path, overrides=[change], register=register)
    assert load_scenario(shown, register=register).fingerprint() == expected.fingerprint()
    assert max(len(line) for line in out.splitlines() if not line.startswith("# ")) <= 100
    assert not [line for line in out.splitlines() if line != line.rstrip()]


def test_show_then_run_gives_the_digits_of_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    squeeze = str(SCENARIOS / "kremlin-squeeze.yaml")
    change = ["--set", "hazards.full_entry.base.ci90=[0.002,0.01]"]
    shown = tmp_path / "shown.yaml"
    code, _, err = _cli(capsys, "show", squeeze, *change, "--output", str(shown))
    assert (code, err) == (0, "")
    direct = _records(capsys, squeeze, *change)
    assert _records(capsys, "--register", REGISTER, str(shown)) == direct
    assert _records(capsys, squeeze) != direct  # the change is in the file shown


def test_show_from_ones_own_folder_runs_there_to_the_same_digits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a folder with a register of its own, the merged file (which extends nothing) still
    finds the shipped evidence it cites."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "test-source.yaml").write_text(
        (ROOT / "tests" / "data" / "register" / "test-source.yaml").read_text()
    )
    monkeypatch.chdir(tmp_path)
    assert _cli(capsys, "init", "mine", "--from", "regime-crisis")[0] == 0
    code, _, err = _cli(capsys, "show", "mine.yaml", "-o", "merged.yaml")
    assert (code, err) == (0, "")
    assert _records(capsys, "merged.yaml") == _records(capsys, "mine.yaml")


def test_show_keeps_a_strange_file_name_inside_its_comment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strange = tmp_path / "a\nid: injected\n.yaml"
    strange.write_text((SCENARIOS / "baseline.yaml").read_text())
    code, out, err = _cli(capsys, "show", "--register", REGISTER, str(strange))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"# {tmp_path}/a?id: injected?.yaml"
    assert "\nid: baseline\n" in out
    assert "\nid: injected" not in out
