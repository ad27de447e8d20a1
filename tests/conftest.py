"""Shared fixtures: paths into the repository, a fixed-width terminal for golden output, and the
hypothesis profiles (``ci``: the same examples on every run; ``dev``: fresh ones each run)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SCENARIOS = ROOT / "scenarios"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"

# No deadlines anywhere: a deadline is a timing assertion, and timing belongs in benchmarks/.
# In CI the examples are derived from each test's name (derandomize) and no example database is
# read or written, so a landing never fails on an example no earlier run saw; locally every run
# draws new ones, which is how defects are found (keep each one found as an @example).
# Both start from hypothesis's own defaults, not from whatever it picked for this environment
# (it switches to a "ci" profile of its own when it sees CI set).
_DEFAULTS = settings.get_profile("default")
settings.register_profile(
    "ci", _DEFAULTS, derandomize=True, database=None, deadline=None, print_blob=True
)
settings.register_profile("dev", _DEFAULTS, derandomize=False, deadline=None, print_blob=True)


def hypothesis_profile(environ: Mapping[str, str]) -> str:
    """The profile for an environment: ``HYPOTHESIS_PROFILE`` if set, else ``ci`` when ``CI``
    is set to anything but false (``.ci/run`` runs with ``CI=true``), else ``dev``."""
    if environ.get("HYPOTHESIS_PROFILE"):
        return environ["HYPOTHESIS_PROFILE"]
    ci = environ.get("CI", "").strip().lower()
    return "ci" if ci not in {"", "0", "false", "no"} else "dev"


settings.load_profile(hypothesis_profile(os.environ))


@pytest.fixture(autouse=True)
def _fixed_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rich reads these: golden text and tables must not depend on who runs the tests.
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
