"""Every JSON belwar writes is strict RFC 8259: no NaN, no infinity. A non-finite number that
reaches JSON output is belwar's bug: an internal error (exit 3) naming where it is, with nothing
written, never a file that strict parsers refuse."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from belwar import cli
from belwar.results import jsonio
from belwar.run import simulation
from belwar.run.diff import compare
from belwar.spec.loader import load_register, load_scenario

from .conftest import SCENARIOS, TESTS

REGISTER = str(TESTS / "data" / "register")
VALID = str(TESTS / "data" / "valid.yaml")
BASELINE = str(SCENARIOS / "baseline.yaml")
CRISIS = str(SCENARIOS / "regime-crisis.yaml")
FEW = ("--samples", "2000", "-f", "json")


def strict(text: str) -> Any:
    """``text`` parsed by a parser that refuses what RFC 8259 does not allow."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in JSON output")

    def finite(number: str) -> float:
        value = float(number)
        assert math.isfinite(value), f"{number} in JSON output"
        return value

    return json.loads(text, parse_constant=refuse, parse_float=finite)


def test_dumps_refuses_nan_and_infinity_naming_the_first_in_document_order() -> None:
    with pytest.raises(jsonio.NonFiniteNumberError, match=r"at b\[1\]\.c$"):
        jsonio.dumps({"a": 1.0, "b": [2.0, {"c": math.nan}], "d": math.inf})
    with pytest.raises(jsonio.NonFiniteNumberError, match=r"at the top level$"):
        jsonio.dumps(-math.inf)
    assert jsonio.dumps({"a": [1.5, "é"]}) == '{\n  "a": [\n    1.5,\n    "é"\n  ]\n}\n'


@pytest.mark.parametrize(
    "argv",
    [
        ["run", VALID, *FEW, "--register", REGISTER],
        ["diff", BASELINE, CRISIS, *FEW],
        ["sweep", BASELINE, "--vary", "public_opposition=0.2:0.8:3", *FEW],
        ["sensitivity", BASELINE, *FEW],
        ["sources", "--register", REGISTER, "--format", "json"],
        ["schema"],
    ],
    ids=["run", "diff", "sweep", "sensitivity", "sources", "schema"],
)  # fmt: skip
def test_every_json_output_is_strict(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code = cli.run(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    strict(out)


def test_a_saved_result_diff_is_strict(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for path, scenario in ((a, BASELINE), (b, CRISIS)):
        assert (
            cli.run(["run", scenario, "--samples", "2000", "-f", "json", "-q", "-o", str(path)])
            == 0
        )
        strict(path.read_text())
    assert cli.run(["diff", str(a), str(b), "-f", "json"]) == 0
    strict(capsys.readouterr().out)


def test_a_nan_reaching_json_is_an_internal_error_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(deviations: np.ndarray, n: int) -> np.ndarray:
        return np.full_like(deviations, np.nan)

    monkeypatch.setattr(simulation, "_mcse", broken)
    out = tmp_path / "out.json"
    code = cli.run(
        ["run", VALID, "--samples", "100", "-f", "json", "-o", str(out), "--register", REGISTER]
    )
    _, err = capsys.readouterr()
    assert code == 3
    assert "a non-finite number reached JSON output at records[0].mcse" in err
    assert not out.exists()
    code = cli.run(["run", VALID, "--samples", "100", "-f", "json", "--register", REGISTER])
    printed, err = capsys.readouterr()
    assert code == 3
    assert printed == ""


def test_a_paired_diff_of_one_sample_has_a_finite_error() -> None:
    register = load_register(REGISTER)
    a = load_scenario(VALID, register=register)
    comparison = compare(a, a, samples=1)
    assert comparison.paired
    assert all(d.mcse == 1.0 for d in comparison.deltas)
