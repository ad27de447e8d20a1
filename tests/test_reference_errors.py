"""Golden tests of a reference forecast's error text: one small bad file per mistake in
tests/reference_errors/ (YAML and CSV), and beside it the exact message a user sees. Set
BELWAR_UPDATE_GOLDENS=1 to rewrite the expectations (then read every diff before committing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from belwar.errors import InputError
from belwar.spec.reference import load_reference

from .conftest import TESTS

CASES = sorted(p for p in (TESTS / "reference_errors").iterdir() if p.suffix != ".txt")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_reference_error_text(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS)
    with pytest.raises(InputError) as caught:
        load_reference(f"reference_errors/{case.name}")
    text = caught.value.render() + "\n"
    expected = case.with_name(case.name + ".txt")
    if os.environ.get("BELWAR_UPDATE_GOLDENS"):
        expected.write_text(text)
    assert text == expected.read_text()


def test_there_are_enough_reference_cases() -> None:
    assert len(CASES) >= 8
    assert all(c.with_name(c.name + ".txt").exists() for c in CASES)
