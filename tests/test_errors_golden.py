"""Golden tests of the error text: one small bad file per mistake in tests/errors/, and beside it
the exact message a user sees. Set BELWAR_UPDATE_GOLDENS=1 to rewrite the expectations (then
read every diff before committing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from belwar.errors import InputError, Problem
from belwar.spec.loader import load_register, load_scenario

from .conftest import TESTS

CASES = sorted((TESTS / "errors").glob("*.yaml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_error_text(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)
    register = load_register("data/register")
    with pytest.raises(InputError) as caught:
        load_scenario(f"errors/{case.name}", register=register)
    text = caught.value.render() + "\n"
    expected = case.with_suffix(".txt")
    if os.environ.get("BELWAR_UPDATE_GOLDENS"):
        expected.write_text(text)
    assert text == expected.read_text()


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 15
    assert all(c.with_suffix(".txt").exists() for c in CASES)


def _problems(text: str, folder: Path) -> tuple[Problem, ...]:
    """Every problem of a scenario file holding ``text`` (written beside the test, not in the
    repository), checked against the test register."""
    path = folder / "scenario.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_scenario(path, register=load_register(TESTS / "data" / "register"))
    return caught.value.problems


def test_every_problem_is_reported_at_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(TESTS)
    bad = (TESTS / "data" / "valid.yaml").read_text()
    bad = bad.replace("samples: 20000", 'samples: "20000"')
    bad = bad.replace("reference: 0.8", "referenc: 0.8").replace("base: 0.002", "base: yes")
    keys = [p.key for p in _problems(bad, tmp_path)]
    assert keys == [
        "simulation.samples",
        "drivers.public_opposition.referenc",
        "hazards.full_entry.base",
    ]


def test_schema_problems_do_not_hide_citations_and_numbers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A misspelt key keeps the scenario from validating; the reversed ci90 of another driver,
    # its impossible correlations and its unknown citation are still found in the same pass.
    monkeypatch.chdir(TESTS)
    bad = (TESTS / "errors" / "one-pass-hazard-and-correlations.yaml").read_text()
    bad = bad.replace("label: Kremlin pressure", "labl: Kremlin pressure")
    bad = bad.replace("[test-source/poll-troops]", "[test-source/nope]")
    keys = {p.key for p in _problems(bad, tmp_path)}
    assert keys >= {
        "drivers.kremlin_pressure.labl",
        "drivers.public_opposition.evidence[0]",
        "correlations",
        "hazards.full_entry.base",
    }
