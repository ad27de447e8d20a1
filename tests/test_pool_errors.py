"""Golden tests of a pool file's error text: one small bad pool per mistake in
tests/pool_errors/ (its members in pool_errors/members/), and beside it the exact message. Set
BELWAR_UPDATE_GOLDENS=1 to rewrite the expectations (then read every diff)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from belwar.cli.app import run
from belwar.errors import InputError
from belwar.spec.loader import load_register
from belwar.spec.pool import is_pool_file
from belwar.spec.pool_loader import load_pool
from belwar.spec.pool_schema import pool_schema, pool_schema_text

from .conftest import TESTS

CASES = sorted((TESTS / "pool_errors").glob("*.yaml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_pool_error_text(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)
    with pytest.raises(InputError) as caught:
        load_pool(f"pool_errors/{case.name}", register=load_register("data/register"))
    text = caught.value.render() + "\n"
    expected = case.with_suffix(".txt")
    if os.environ.get("BELWAR_UPDATE_GOLDENS"):
        expected.write_text(text)
    assert text == expected.read_text()


def test_every_case_has_its_text() -> None:
    assert len(CASES) >= 12
    assert all(c.with_suffix(".txt").exists() for c in CASES)


def test_pool_schema_json_is_in_step_with_the_models() -> None:
    schema = pool_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    shipped = TESTS.parent / "scenarios" / "pool.schema.json"
    assert shipped.read_text() == pool_schema_text()
    data: dict[str, Any] = {
        "id": "panel",
        "title": "A panel",
        "as_of": "2022-04-15",
        "pool": {"method": "log_odds", "members": [{"scenario": "a.yaml", "weight": 1}]},
    }
    validator = jsonschema.Draft7Validator(schema)
    assert not list(validator.iter_errors(data))
    data["pool"]["members"] = []
    assert list(validator.iter_errors(data))
    data["pool"] = {"members": [{"scenario": "a.yaml", "wieght": 1}]}
    assert list(validator.iter_errors(data))


def test_validate_takes_pool_files(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(TESTS)
    code = run(["validate", "--register", "data/register", "pool_errors/weight-zero.yaml"])
    assert code == 1
    assert "pool.members[0].weight: must be above 0, got 0" in capsys.readouterr().out
    code = run(["validate", "../scenarios/pools/panel.yaml"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "pool panel, linear, 5 members" in out


def test_a_saved_pool_result_is_not_read_as_a_pool_file(tmp_path: Path) -> None:
    text = '{"id": "panel", "title": "t", "as_of": "2022-04-15", "pool": {"members": []}}'
    (tmp_path / "saved.json").write_text(text)
    (tmp_path / "same.yaml").write_text(text)
    assert not is_pool_file(tmp_path / "saved.json")
    assert is_pool_file(tmp_path / "same.yaml")
