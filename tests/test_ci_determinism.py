"""CI is deterministic: hypothesis draws the same examples on every CI run."""

from __future__ import annotations

import os
import subprocess
import sys

from hypothesis import settings

from .conftest import ROOT, hypothesis_profile


def test_ci_runs_the_derandomized_profile() -> None:
    assert hypothesis_profile({"CI": "true"}) == "ci"
    assert hypothesis_profile({"CI": "1"}) == "ci"
    assert hypothesis_profile({}) == "dev"
    assert hypothesis_profile({"CI": "false"}) == "dev"
    assert hypothesis_profile({"CI": "true", "HYPOTHESIS_PROFILE": "dev"}) == "dev"
    ci = settings.get_profile("ci")
    assert ci.derandomize
    assert ci.database is None
    assert ci.deadline is None
    assert settings.get_profile("dev").deadline is None


DRAWS = """
from hypothesis import given, settings, strategies as st
seen = []
@settings(database=None)
@given(st.floats(-1e9, 1e9), st.text(max_size=20))
def probe(x, s):
    seen.append((x, s))
probe()
import hashlib
print(len(seen), hashlib.sha256(repr(seen).encode()).hexdigest())
"""


def test_ci_profile_draws_the_same_examples_every_run() -> None:
    """Two fresh interpreters under the ci profile draw the very same examples, whatever their
    hash seeds; under the dev profile two runs differ (so the probe is not trivially fixed)."""

    def draws(profile: str, hash_seed: str) -> str:
        code = "import tests.conftest\nfrom hypothesis import settings\n"
        code += f"settings.load_profile({profile!r})\n{DRAWS}"
        env = {k: v for k, v in os.environ.items() if k not in {"CI", "HYPOTHESIS_PROFILE"}}
        env["PYTHONHASHSEED"] = hash_seed
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
        return done.stdout

    assert draws("ci", "1") == draws("ci", "2")
    assert draws("dev", "1") != draws("dev", "2")
