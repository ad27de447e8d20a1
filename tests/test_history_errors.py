"""Golden tests of a history file's error text: one small bad history per mistake in
tests/history_errors/, each checked on its own and against tests/data/valid.yaml, and beside it
the exact message a user sees. Set BELWAR_UPDATE_GOLDENS=1 to rewrite the expectations (then
read every diff before committing)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from ruamel import yaml

from belwar import cli
from belwar.errors import InputError
from belwar.spec.history_loader import check_against, read_history
from belwar.spec.history_schema import history_schema, history_schema_text
from belwar.spec.loader import load_register, load_scenario

from .conftest import TESTS

CASES = sorted((TESTS / "history_errors").glob("*.yaml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_history_error_text(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)
    register = load_register("data/register")
    scenario = load_scenario("data/valid.yaml", register=register)
    with pytest.raises(InputError) as caught:
        check_against(read_history(f"history_errors/{case.name}", register=register), scenario)
    text = caught.value.render() + "\n"
    expected = case.with_suffix(".txt")
    if os.environ.get("BELWAR_UPDATE_GOLDENS"):
        expected.write_text(text)
    assert text == expected.read_text()


def test_there_are_enough_history_cases() -> None:
    assert len(CASES) >= 12
    assert all(c.with_suffix(".txt").exists() for c in CASES)


def test_the_valid_history_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)
    register = load_register("data/register")
    loaded = read_history("data/history.yaml", register=register)
    check_against(loaded, load_scenario("data/valid.yaml", register=register))
    assert loaded.history.months == 12


def test_history_schema_json_is_in_step_with_the_models() -> None:
    schema = history_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert (TESTS.parent / "scenarios" / "history.schema.json").read_text() == (
        history_schema_text()
    )
    data = yaml.YAML(typ="safe").load((TESTS / "data" / "history.yaml").read_text())
    data = json.loads(json.dumps(data, default=str))  # dates as the text they were written as
    assert not list(jsonschema.Draft7Validator(schema).iter_errors(data))
    data["ladder"]["full_entry"]["reachd"] = None
    assert list(jsonschema.Draft7Validator(schema).iter_errors(data))


def test_validate_takes_history_files(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(TESTS)
    args = ["validate", "data/valid.yaml", "data/history.yaml", "--register", "data/register"]
    assert cli.run(args) == 0
    out = capsys.readouterr().out
    assert "data/history.yaml: ok (history small_record, 12 months observed" in out
    assert "checked against 1 scenario(s)" in out
    assert cli.run([*args[:2], "history_errors/unknown-rung.yaml", *args[3:]]) == 1
    out = capsys.readouterr().out
    assert "history_errors/unknown-rung.yaml:6:3: ladder.deeper_integraton:" in out
