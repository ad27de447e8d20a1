"""Golden tests of ``--help``: the text of ``belwar --help`` and of each command's, colour off,
at 80 and 120 columns, as tests/golden/help/<command>-<columns>.txt. Set BELWAR_UPDATE_GOLDENS=1
to rewrite them after changing a command's help (a new command or option changes them: read
every diff before committing). The rules every help text keeps are checked on their own too, so
a rewritten golden cannot hide a cut example or a type label."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.main import get_command

from belwar import cli
from belwar.cli.app import COMMANDS
from belwar.cli.app import app as typer_app

from .conftest import TESTS
from .test_terminal import _run_all

GOLDEN = TESTS / "golden" / "help"
WIDTHS = (80, 120)
PAGES = ["", *(name for name, _, _ in COMMANDS)]


def _help(
    page: str, columns: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert cli.run([page, "--help"] if page else ["--help"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("page", PAGES, ids=[p or "belwar" for p in PAGES])
def test_help_text(
    page: str, columns: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _help(page, columns, monkeypatch, capsys)
    expected = GOLDEN / f"{page or 'belwar'}-{columns}.txt"
    if os.environ.get("BELWAR_UPDATE_GOLDENS"):
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(text)
    assert text == expected.read_text()


@pytest.mark.parametrize("page", PAGES, ids=[p or "belwar" for p in PAGES])
def test_help_reads_cleanly_at_80_columns(
    page: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Within 80 columns, no padding after a line, no type label (<path>, <list[str]>) or
    braced argument ({SCENARIO}), nothing cut with an ellipsis, and worked examples."""
    text = _help(page, 80, monkeypatch, capsys)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert not [line for line in lines if line != line.rstrip()]
    assert not re.search(r"<[a-z][a-z\[\]]*>", text)
    assert not re.search(r"\{[A-Z_]+\}", text)
    assert "…" not in text
    assert " Examples:" in lines, "give the command's docstring an Examples: section"
    examples = lines[lines.index(" Examples:") + 1 :]
    commands = [line.strip() for line in examples if line.strip().startswith("belwar")]
    assert 1 <= len(commands) <= 4


@pytest.mark.parametrize("name", [name for name, _, _ in COMMANDS])
def test_every_example_is_a_command_that_parses(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each example, joined across its backslashes, names the command it documents and parses
    as that command's arguments and options (click parses it, and converts every value, without
    running it)."""
    text = _help(name, 120, monkeypatch, capsys)
    examples = text.split(" Examples:\n", 1)[1].replace(" \\\n", " ")
    group = get_command(typer_app)
    command = group.commands[name]  # type: ignore[attr-defined]
    for line in (line.strip() for line in examples.splitlines()):
        if not line.startswith("belwar "):
            continue
        argv = line.split()[1:]
        assert argv[0] == name
        context = command.make_context(name, argv[1:])
        assert not context.args, line


def test_the_goldens_cover_every_command_and_nothing_else() -> None:
    wanted = {f"{page or 'belwar'}-{columns}.txt" for page in PAGES for columns in WIDTHS}
    assert {path.name for path in GOLDEN.glob("*.txt")} == wanted


def test_help_at_a_100_column_terminal_is_coloured_and_whole(tmp_path: Path) -> None:
    """At a real terminal (a pty, 100 columns, colour on) help is styled, fits, and keeps its
    examples whole."""
    pages = [("", ()), *((name, (name,)) for name, _, _ in COMMANDS)]
    runs = [(name or "belwar", (*argv, "--help"), 100) for name, argv in pages]
    done = _run_all(runs, tmp_path)
    for key, _, _ in runs:
        text = done[key].output.decode("utf-8", "replace")
        assert done[key].code == 0, text
        assert "\x1b[" in text, key
        plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r\n", "\n")
        assert max(len(line) for line in plain.splitlines()) <= 100, plain
        assert "…" not in plain, plain
        assert "Examples:" in plain, plain
