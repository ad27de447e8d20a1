"""Shared fixtures: paths into the repository and a fixed-width terminal for golden output."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SCENARIOS = ROOT / "scenarios"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(autouse=True)
def _fixed_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rich reads these: golden text and tables must not depend on who runs the tests.
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
