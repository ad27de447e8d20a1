"""Golden tests of the tables a person reads: the exact text of ``belwar run`` and ``belwar diff``
at 80 and 120 columns, colour off, in tests/golden/text/ (set BELWAR_UPDATE_GOLDENS=1 to rewrite
them, then read every diff before committing). The run's timing and the library versions in its
footer are fixed first, so the text depends on the tables alone; trailing spaces are not part of
what a reader sees and are not compared. Then a real pseudo-terminal at 100 columns, colour on.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from dataclasses import replace
from typing import Any

import pytest

from belwar import cli
from belwar.run import simulation

from .conftest import ROOT, TESTS

GOLDEN = TESTS / "golden" / "text"
BASELINE = "scenarios/baseline.yaml"
EVERY_MONTH = ",".join(str(m) for m in range(1, 13))
CASES = {
    "run-baseline": ("run", BASELINE, "-n", "20000"),
    "run-12-months": ("run", BASELINE, "-n", "20000", "--months", EVERY_MONTH),
    "diff-kremlin-squeeze": ("diff", BASELINE, "scenarios/kremlin-squeeze.yaml", "-n", "20000"),
    "diff-breakthrough-all": (
        "diff",
        BASELINE,
        "scenarios/russian-breakthrough.yaml",
        "-n",
        "20000",
        "--all",
    ),
}
WIDTHS = (80, 120)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


@pytest.fixture
def fixed_footer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs report no time taken and placeholder versions (the footer would otherwise change
    with every run and every release)."""
    summarise = simulation.summarise

    def fixed(*args: Any, **kwargs: Any) -> Any:
        result = summarise(*args, **kwargs)
        meta = replace(result.metadata, seconds=0.0, belwar="VERSION", numpy="VERSION")
        return replace(result, metadata=meta)

    monkeypatch.setattr(simulation, "summarise", fixed)


def _shown(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


@pytest.mark.usefixtures("fixed_footer")
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_table_text(
    name: str, width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", str(width))
    code = cli.run(list(CASES[name]))
    out, err = capsys.readouterr()
    assert code == 0, err
    text = _shown(out)
    expected = GOLDEN / f"{name}@{width}.txt"
    if os.environ.get("BELWAR_UPDATE_GOLDENS"):
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(text)
    assert text == expected.read_text()
    # what the layouts promise at any width: nothing wider than the terminal, no number cut
    assert max(len(line) for line in text.splitlines()) <= width
    if name.startswith("run"):
        assert "…" not in text


def test_every_golden_has_its_case() -> None:
    names = {f"{n}@{w}.txt" for n in CASES for w in WIDTHS}
    commands = {name.split("-")[0] for name in CASES}  # the folder also holds other commands'
    assert {p.name for p in GOLDEN.glob("*.txt") if p.name.split("-")[0] in commands} == names


def _at_a_terminal(argv: list[str], columns: int) -> tuple[int, str]:
    """Run belwar on a pseudo-terminal ``columns`` wide (stdin, stdout and stderr), colour on;
    its exit code and everything it wrote."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    drop = {"NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"}
    env = {k: v for k, v in os.environ.items() if k not in drop} | {"TERM": "xterm-256color"}
    process = subprocess.Popen(
        [sys.executable, "-m", "belwar", *argv],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    os.close(slave)
    output = bytearray()
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 120)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the command closed its terminal
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
        code = process.wait()
    return code, output.decode("utf-8", "replace")


def test_run_at_a_100_column_terminal_in_colour() -> None:
    code, text = _at_a_terminal(["run", BASELINE, "-n", "20000"], 100)
    assert code == 0, text
    assert "\x1b[" in text, "no colour at a terminal"
    plain = ANSI.sub("", text)
    assert "Highest rung reached by month 12" in plain
    assert "Monte Carlo standard error below" in plain
    # a progress bar redraws its line after a carriage return: each drawing is measured
    widest = max(len(line) for line in re.split(r"[\r\n]", plain))
    assert widest <= 100, f"a line is {widest} columns wide:\n{plain}"
