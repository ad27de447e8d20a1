"""Shared fixtures: paths into the repository, a fixed-width terminal for golden output, and the
hypothesis profiles (``ci``: the same examples on every run; ``dev``: fresh ones each run)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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


# --- No test leaves a process behind ---------------------------------------------------------
# A process a test started (a worker, a Dask nanny, a kernel, a browser helper) that outlives the
# run would hold the output of whoever ran the suite open, and CI would wait for it. The session
# makes itself the subreaper of everything it starts, so orphans come back to it instead of to
# init, and at the end it ends any still alive and names them. Linux only (prctl and /proc).

_PR_SET_CHILD_SUBREAPER = 36
_LEFT_BEHIND: list[str] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _children(pid: int) -> dict[int, str]:
    """The live (not zombie) children of ``pid``, each with its command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found[int(entry.name)] = command.strip()
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if sys.platform != "linux":
        return
    # multiprocessing's own helpers end by themselves when this process does.
    helpers = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")
    left = {
        pid: command
        for pid, command in _children(os.getpid()).items()
        if not any(helper in command for helper in helpers)
    }
    for pid, command in left.items():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _LEFT_BEHIND.append(f"{pid}: {command[:200]}")
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG) != (0, 0):
            pass


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _LEFT_BEHIND:
        terminalreporter.section("processes the tests left behind (ended now)")
        for line in _LEFT_BEHIND:
            terminalreporter.write_line(line)
