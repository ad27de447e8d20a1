"""The text of ``belwar sweep`` and ``belwar sensitivity`` (tornado and Sobol) at 80 and 120
columns with colour off, pinned: a change to what an analyst reads shows up here as a diff of
the screen. The files were written from the output after reading it at a real terminal;
rewrite them on purpose with ``BELWAR_UPDATE_TEXT=1`` and read the diff before committing.

Trailing spaces are not compared: rich pads piped lines to the width, and whether it should is
the terminal layer's business (issue 13, item 9), not what these screens say."""

from __future__ import annotations

import os

import pytest

from belwar import cli

from .conftest import SCENARIOS, TESTS

TEXT = TESTS / "golden" / "text"
WIDTHS = (80, 120)

COMMANDS: dict[str, list[str]] = {
    "sweep-curve": [
        "sweep",
        "baseline.yaml",
        "--vary",
        "kremlin_pressure=0.25:0.95:8",
        "--threshold",
        "0.08",
        "-n",
        "4000",
    ],
    "sweep-grid": [
        "sweep",
        "baseline.yaml",
        "--vary",
        "kremlin_pressure=0.25:0.95:4",
        "--vary",
        "public_opposition=0.5:0.9:3",
        "--threshold",
        "0.05",
        "-n",
        "2000",
    ],
    "sensitivity-tornado": ["sensitivity", "baseline.yaml", "-n", "4000"],
    "sensitivity-sobol": [
        "sensitivity",
        "baseline.yaml",
        "-n",
        "2000",
        "--method",
        "sobol",
        "--sobol-samples",
        "256",
    ],
}


def _screen(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_analysis_text(
    name: str,
    columns: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(SCENARIOS)
    monkeypatch.setenv("COLUMNS", str(columns))
    code = cli.run([*COMMANDS[name], "-q", "--workers", "1"])
    out, err = capsys.readouterr()
    assert code == 0, err
    path = TEXT / f"{name}@{columns}.txt"
    if os.environ.get("BELWAR_UPDATE_TEXT"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_screen(out))
    assert _screen(out) == path.read_text()
    assert max(len(line) for line in out.splitlines()) <= columns


def test_golden_texts_are_all_used() -> None:
    expected = {f"{name}@{w}.txt" for name in COMMANDS for w in WIDTHS}
    assert {
        p.name for p in TEXT.glob("*.txt") if p.name.startswith(("sweep-", "sensitivity-"))
    } == expected
