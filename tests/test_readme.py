"""The README is tested code: every Python block runs, and every belwar command it shows runs
and succeeds (the install line aside, which .ci/run performs itself). They run in a scratch
folder that sees the repository's scenarios and register, so the files they write land there."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from belwar import cli

from .conftest import ROOT

README = (ROOT / "README.md").read_text()
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
COMMANDS = [
    line.strip()
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)
    for line in block.splitlines()
    if line.strip().startswith(".venv/bin/belwar ")
]


def test_readme_starts_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)
    assert "pip install" in blocks[0]
    assert "belwar run scenarios/baseline.yaml" in blocks[0]
    assert blocks[1].strip() == ".venv/bin/python -m pytest"
    assert blocks[1].strip() in (ROOT / ".ci" / "run").read_text()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("scenarios", "seeds"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "block", PYTHON_BLOCKS, ids=[f"python-{i}" for i in range(len(PYTHON_BLOCKS))]
)
def test_python_block_runs(block: str, workdir: Path) -> None:
    exec(compile(block, "README.md", "exec"), {})  # the README's own code
    # what it saves goes into a folder it names, not where the reader runs it (the repo root)
    assert [p.name for p in workdir.iterdir() if p.is_file()] == []


@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS)
@pytest.mark.usefixtures("workdir")
def test_shell_command_runs(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = shlex.split(command)[1:]
    assert cli.run(argv) == 0, capsys.readouterr().err


def test_there_is_something_to_test() -> None:
    assert PYTHON_BLOCKS
    assert len(COMMANDS) >= 3
