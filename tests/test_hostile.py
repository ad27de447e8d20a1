"""Walk the hostile corpus (``tests/hostile/cases_*.py``): every case exits with its code and
shows its message, and none prints a traceback."""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

from belwar import cli

from . import hostile
from .conftest import ROOT, SCENARIOS, TESTS
from .hostile import Case

REGISTER = TESTS / "data" / "register"


def _cases() -> list[Case]:
    found: list[Case] = []
    for info in pkgutil.iter_modules(hostile.__path__):
        if info.name.startswith("cases_"):
            module = importlib.import_module(f"{hostile.__name__}.{info.name}")
            found += module.CASES
    return found


CASES = _cases()


def _expand(text: str, tmp: Path) -> str:
    return (
        text.replace("{tmp}", str(tmp))
        .replace("{scenarios}", str(SCENARIOS))
        .replace("{register}", str(REGISTER))
    )


def _write(tmp: Path, case: Case) -> None:
    for name, content in case.files.items():
        target = tmp / name
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content() if callable(content) else content
        if isinstance(data, str):
            target.write_text(_expand(data, tmp))
        else:
            target.write_bytes(data)


def _run(case: Case, tmp: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    argv = [_expand(arg, tmp) for arg in case.argv]
    if case.subprocess:
        env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
        done = subprocess.run(
            [sys.executable, "-m", "belwar", *argv],
            capture_output=True,
            text=True,
            timeout=case.timeout,
            cwd=tmp,
            env=env,
            input=case.stdin,
            check=False,
        )
        return done.returncode, done.stdout + done.stderr
    code = cli.run(argv)
    out, err = capsys.readouterr()
    return code, out + err


def test_the_corpus_is_large_enough_and_named_once() -> None:
    assert len(CASES) >= 60
    names = [c.name for c in CASES]
    assert len(set(names)) == len(names), "case names must be unique"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, case)
    if case.setup is not None:
        case.setup(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    code, output = _run(case, tmp_path, capsys)
    shown = output if len(output) < 4000 else output[:2000] + "\n...\n" + output[-2000:]
    assert code == case.exit, shown
    if case.message:
        assert re.search(_expand(case.message, tmp_path), output, re.S), shown
    for text in case.absent:
        assert text not in output, shown
    assert ROOT.exists()
