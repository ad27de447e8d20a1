"""The exact digits belwar gives on the shipped scenarios at fixed seeds, pinned.

Every refactoring and every robustness fix must leave these bit for bit unchanged; a change that
has to move them rewrites the goldens on purpose (``BELWAR_UPDATE_GOLDENS=1``) and says why in
its commit. JSON floats round-trip exactly (``repr``), so comparing the parsed JSON compares
every bit. Only what differs from run to run or machine to machine (timings, dates, versions) is
left out.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from belwar import cli
from belwar.core.streams import uniforms

from .conftest import SCENARIOS, TESTS

GOLDEN = TESTS / "golden"
VOLATILE = {"seconds", "created", "belwar", "numpy", "python"}

COMMANDS: dict[str, list[str]] = {
    "run-baseline": ["run", "baseline.yaml", "-n", "40000"],
    "run-kremlin-squeeze": ["run", "kremlin-squeeze.yaml", "-n", "40000"],
    "run-regime-crisis": ["run", "regime-crisis.yaml", "-n", "40000"],
    "run-russian-breakthrough": ["run", "russian-breakthrough.yaml", "-n", "40000"],
    "run-sanctions-ladder": ["run", "sanctions-ladder.yaml", "-n", "40000", "--seed", "11"],
    "run-moving-war": ["run", "moving-war.yaml", "-n", "40000"],
    "diff-baseline-squeeze": ["diff", "baseline.yaml", "kremlin-squeeze.yaml", "-n", "40000"],
    "sweep-baseline": [
        "sweep",
        "baseline.yaml",
        "--vary",
        "kremlin_pressure=0.25:0.75:3",
        "--threshold",
        "0.02",
        "-n",
        "20000",
    ],
    "sensitivity-baseline": ["sensitivity", "baseline.yaml", "-n", "40000"],
}

STREAM_KEYS = [
    "driver:kremlin_pressure",
    "hazard:full_entry",
    "odds:full_entry:kremlin_pressure",
    "event:false_flag",
    "event:false_flag:path",
    "momentum",
]


def _stable(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _stable(v) for k, v in data.items() if k not in VOLATILE}
    if isinstance(data, list):
        return [_stable(v) for v in data]
    return data


def _check(name: str, actual: Any) -> None:
    path = GOLDEN / f"{name}.json"
    if os.environ.get("BELWAR_UPDATE_GOLDENS"):
        path.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
    assert actual == json.loads(path.read_text())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_digits(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SCENARIOS)
    code = cli.run([*COMMANDS[name], "-f", "json", "-q", "--workers", "1"])
    out, err = capsys.readouterr()
    assert code == 0, err
    _check(name, _stable(json.loads(out)))


def test_stream_digits() -> None:
    """The randomness contract: each key's uniforms for a seed and block never change."""
    drawn = {
        f"{key}@{seed}/{block}": [float(u) for u in uniforms(seed, key, block, 3)]
        for key in STREAM_KEYS
        for seed, block in ((20220415, 0), (7, 5))
    }
    assert all(0.0 <= u < 1.0 for values in drawn.values() for u in values)
    assert len({tuple(v) for v in drawn.values()}) == 2 * len(STREAM_KEYS)
    _check("streams", drawn)


def test_goldens_are_all_used() -> None:
    names = {p.stem for p in Path(GOLDEN).glob("*.json")}
    assert names == {*COMMANDS, "streams"}
