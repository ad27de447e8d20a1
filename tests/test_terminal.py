"""Every command at a real terminal: stdin, stdout and stderr all a pseudo-terminal, 80 and 120
columns, colours on (the way a person runs belwar, which the rest of the suite never does).

Each command runs as the real executable on its own pseudo-terminal; the runs go in parallel,
once for the module, and each test reads its own. A run must exit with its code, print no
traceback, show colours, and, where it has one, show its progress bar.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import SCENARIOS, TESTS

REGISTER = TESTS / "data" / "register"
BASELINE = str(SCENARIOS / "baseline.yaml")
COMMANDS = ("run", "run-many", "report", "diff", "sweep", "sensitivity", "validate", "schema")
WIDTHS = (80, 120)
DEADLINE = 120.0  # seconds for the whole batch; a hang fails the tests instead of blocking them


@dataclass(frozen=True)
class Job:
    name: str
    argv: tuple[str, ...]
    progress: bool = False  # the command shows a progress bar while it works
    colour: bool = True  # the command prints styled text (tables, help)
    whole: bool = False  # no figure may be cut short with an ellipsis at any width
    shows: str = ""  # text the output must hold, once colours are taken out
    exit: int = 0


def _jobs(tmp: Path) -> list[Job]:
    jobs = [
        Job("run", ("run", BASELINE, "-n", "20000"), progress=True, shows="Highest rung reached"),
        Job("run-quiet", ("run", BASELINE, "-n", "20000", "-q")),
        Job("run-many", ("run-many", str(SCENARIOS), "-o", str(tmp / "many"), "-n", "2000")),
        Job("report", ("report", BASELINE, "-n", "2000", "-o", str(tmp / "r.html")), colour=False),
        Job("diff", ("diff", BASELINE, str(SCENARIOS / "kremlin-squeeze.yaml"), "-n", "5000")),
        Job(
            "sweep",
            ("sweep", BASELINE, "--vary", "kremlin_pressure=0.2:0.9:3", "-n", "2000"),
            progress=True,
        ),
        Job("sensitivity", ("sensitivity", BASELINE, "-n", "5000"), progress=True),
        Job(
            "sobol",
            ("sensitivity", BASELINE, "-n", "2000", "--method", "sobol", "--sobol-samples", "64"),
            progress=True,
            whole=True,
        ),
        Job("validate", ("validate", *map(str, sorted(SCENARIOS.glob("*.yaml")))), colour=False),
        Job("validate-bad", ("validate", str(tmp / "missing.yaml")), colour=False, exit=1),
        Job("schema", ("schema",), colour=False),
        Job("sources", ("sources", "--register", str(REGISTER))),
        Job("help", ("--help",)),
    ]
    jobs += [
        Job(f"{command}-help", (command, "--help"))
        for command in (*COMMANDS, "sources")
        if command != "run"
    ]
    # a docstring's own line breaks must not survive into the help (ragged at 80 columns)
    jobs.append(Job("run-help", ("run", "--help"), shows="its 90% spread across the"))
    return jobs


@dataclass
class Done:
    code: int | None
    output: bytes


def _env(columns: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"}
    }
    env |= {"COLUMNS": str(columns), "LINES": "40", "TERM": "xterm-256color"}
    return env


def _start(argv: tuple[str, ...], columns: int, cwd: Path) -> tuple[subprocess.Popen[bytes], int]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "belwar", *argv],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=_env(columns),
        cwd=cwd,
        start_new_session=True,
    )
    os.close(slave)
    return process, master


def _run_all(runs: list[tuple[str, tuple[str, ...], int]], cwd: Path) -> dict[str, Done]:
    """Run every ``(key, argv, columns)`` on its own pseudo-terminal, a few at a time, reading
    each terminal as it writes (a full terminal buffer would block the command)."""
    pending = list(runs)
    live: dict[int, tuple[str, subprocess.Popen[bytes]]] = {}
    output: dict[str, bytearray] = {}
    done: dict[str, Done] = {}
    parallel = max(2, os.cpu_count() or 2)
    deadline = time.monotonic() + DEADLINE
    try:
        while pending or live:
            while pending and len(live) < parallel:
                key, argv, columns = pending.pop(0)
                process, master = _start(argv, columns, cwd)
                live[master] = (key, process)
                output[key] = bytearray()
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select(list(live), [], [], left)
            for master in ready:
                key, process = live[master]
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the command closed its terminal
                    chunk = b""
                if chunk:
                    output[key] += chunk
                    continue
                os.close(master)
                del live[master]
                done[key] = Done(
                    process.wait(timeout=max(1.0, deadline - time.monotonic())), bytes(output[key])
                )
    finally:
        for master, (key, process) in live.items():
            process.kill()
            process.wait()
            os.close(master)
            done[key] = Done(None, bytes(output[key]))
    return done


@pytest.fixture(scope="module")
def terminal_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    tmp = tmp_path_factory.mktemp("terminal")
    runs = [(f"{job.name}@{w}", job.argv, w) for job in _jobs(tmp) for w in WIDTHS]
    return _run_all(runs, tmp)


CASES = [(job, w) for job in _jobs(Path("/unused")) for w in WIDTHS]


@pytest.mark.parametrize(("job", "columns"), CASES, ids=[f"{j.name}@{w}" for j, w in CASES])
def test_command_at_a_terminal(job: Job, columns: int, terminal_runs: dict[str, Done]) -> None:
    done = terminal_runs[f"{job.name}@{columns}"]
    text = done.output.decode("utf-8", "replace")
    shown = text if len(text) < 6000 else text[:3000] + "\n...\n" + text[-3000:]
    assert done.code is not None, f"still running after {DEADLINE} s:\n{shown}"
    assert done.code == job.exit, shown
    assert "Traceback" not in text, shown
    assert "internal error" not in text, shown
    if job.colour:
        assert "\x1b[" in text, f"no colour at a terminal:\n{shown}"
    if job.shows:
        assert job.shows in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text), shown
    if job.whole:
        assert "…" not in text, shown
    if job.progress:
        assert "simulating" in text, f"no progress bar:\n{shown}"
    else:
        assert "simulating" not in text, shown


def test_quiet_run_shows_no_progress(terminal_runs: dict[str, Done]) -> None:
    """--quiet at a terminal prints the tables and no bar (the bar test above can fail)."""
    text = terminal_runs["run-quiet@80"].output.decode("utf-8", "replace")
    assert "Highest rung" in text
    assert "simulating" not in text
