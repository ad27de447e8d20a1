"""The README's "Scoring forecasts and tracking them in git" section shows what ``score`` and
``track`` print: each command is run and every line shown must appear, in order (lines left
out are marked "..."; ``track`` may list later revisions of the shipped scenarios below)."""

from __future__ import annotations

import re
import shlex

import pytest

from belwar import cli

from .conftest import TESTS

README = (TESTS.parent / "README.md").read_text()
START = README.index("## Scoring forecasts and tracking them in git")
SECTION = README[START : README.index("\n## ", START + 1)]
SHOWN = re.findall(r"```sh\n(.*?)\n```\n\n```text\n(.*?)```", SECTION, flags=re.DOTALL)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip() and line != "..."]


def test_the_section_shows_score_and_track() -> None:
    assert [c.split()[1] for c, _ in SHOWN] == ["score", "track"]


@pytest.mark.parametrize("shown", SHOWN, ids=[c.split()[1] for c, _ in SHOWN])
def test_the_readme_shows_what_score_and_track_print(
    shown: tuple[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(TESTS.parent)
    monkeypatch.setenv("COLUMNS", "80")  # as the README shows them
    command, printed = shown
    assert cli.run([*shlex.split(command)[1:], "--quiet"]) == 0
    out = _lines(capsys.readouterr().out)
    at = 0
    for line in _lines(printed):
        assert line in out[at:], line
        at = out.index(line, at) + 1
