"""Saved results: the versioned JSON round-trips and bad files are refused cleanly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from belwar.errors import InputError
from belwar.loader import load_register, load_scenario
from belwar.results import Result, load_result
from belwar.simulation import simulate

from .conftest import TESTS


@pytest.fixture(scope="module")
def result() -> Result:
    scenario = load_scenario(
        TESTS / "data" / "valid.yaml", register=load_register(TESTS / "data" / "register")
    )
    return simulate(scenario, samples=5000)


def test_round_trip(result: Result, tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    result.save(path)
    loaded = load_result(path)
    assert loaded.to_dict() == result.to_dict()
    assert loaded.probability("full_entry", 12) == result.probability("full_entry", 12)


def test_records_are_tidy(result: Result) -> None:
    data = json.loads(result.to_json())
    assert data["format"] == "belwar-result"
    assert data["version"] == 1
    assert len(data["records"]) == len(result.rungs) * len(result.months)
    assert set(data["records"][0]) == {"rung", "month", "p", "mcse", "p05", "p50", "p95", "words"}
    for key in ("seed", "samples", "block_size", "fingerprint", "numpy", "belwar", "seconds"):
        assert key in data["metadata"]


def test_unknown_cell_names_what_exists(result: Result) -> None:
    with pytest.raises(KeyError, match="rungs: deeper_integration"):
        result.probability("no_such_rung", 12)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a belwar result"),
        ('{"format": "something-else"}', "belwar-result"),
        ('{"format": "belwar-result", "version": 99}', "version 99"),
        ('{"format": "belwar-result", "version": 1}', "not a belwar result"),
    ],
)
def test_bad_result_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_result(path)
