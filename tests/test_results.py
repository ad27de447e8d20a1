"""Saved results: the versioned JSON round-trips, is strict RFC 8259, and every file that is not
a belwar result (hand-edited, cut short, crafted) is refused with its JSON path and what is wrong,
never a Python exception or repr."""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from belwar.errors import InputError
from belwar.results import jsonio
from belwar.results.run import Result
from belwar.results.saved import from_dict, load_result
from belwar.run.diff import compare
from belwar.run.simulation import simulate
from belwar.spec.loader import load_register, load_scenario

from .conftest import TESTS


@pytest.fixture(scope="module")
def result() -> Result:
    scenario = load_scenario(
        TESTS / "data" / "valid.yaml", register=load_register(TESTS / "data" / "register")
    )
    return simulate(scenario, samples=5000)


@pytest.fixture(scope="module")
def saved(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.to_json())
    return data


def test_round_trip(result: Result, tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    result.save(path)
    loaded = load_result(path)
    assert loaded.to_dict() == result.to_dict()
    assert loaded.probability("full_entry", 12) == result.probability("full_entry", 12)


def test_records_are_tidy(result: Result) -> None:
    data = json.loads(result.to_json())
    assert data["format"] == "belwar-result"
    assert data["version"] == 1
    assert len(data["records"]) == len(result.rungs) * len(result.months)
    assert set(data["records"][0]) == {"rung", "month", "p", "mcse", "p05", "p50", "p95", "words"}
    for key in ("seed", "samples", "block_size", "fingerprint", "numpy", "belwar", "seconds"):
        assert key in data["metadata"]


def test_unknown_cell_names_what_exists(result: Result) -> None:
    with pytest.raises(KeyError, match="rungs: deeper_integration"):
        result.probability("no_such_rung", 12)


def test_a_result_diffed_with_its_saved_self_is_unchanged(result: Result, tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    result.save(path)
    comparison = compare(path, path)
    assert not comparison.material
    assert all(d.delta == 0 for d in comparison.deltas)


# --- Strict JSON out -----------------------------------------------------------------------------


def test_a_non_finite_number_never_reaches_saved_json(result: Result) -> None:
    """A NaN in a result is belwar's bug: writing it fails loudly, naming where it is."""
    cells = list(result.cells)
    cells[4] = replace(cells[4], mcse=math.nan)
    broken = replace(result, cells=tuple(cells))
    with pytest.raises(jsonio.NonFiniteNumberError, match=r"records\[4\]\.mcse"):
        broken.to_json()
    highest = (replace(result.highest[0], p=math.inf), *result.highest[1:])
    with pytest.raises(jsonio.NonFiniteNumberError, match=r"highest\[0\]\.p"):
        replace(result, highest=highest).to_json()


def test_saved_json_is_strict(result: Result) -> None:
    def refuse(text: str) -> None:
        raise AssertionError(f"{text} in saved JSON")

    json.loads(result.to_json(), parse_constant=refuse)


# --- Bad saved files -----------------------------------------------------------------------------

Edit = Callable[[dict[str, Any]], object]


def _set(path: str, value: object) -> Edit:
    """An edit that sets the value at a dotted path (``records.3.p``)."""

    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return edit


def _delete(path: str) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[int(last) if last.isdigit() else last]

    return edit


EDITS: list[tuple[str, Edit, str]] = [
    (
        "p above one",
        _set("records.3.p", 7.5),
        r"records\[3\]\.p: must be a probability between 0 and 1, got 7\.5$",
    ),
    (
        "p below zero",
        _set("records.0.p05", -0.1),
        r"records\[0\]\.p05: must be a probability between 0 and 1, got -0\.1$",
    ),
    (
        "p as a string",
        _set("records.3.p", "0.5"),
        r'records\[3\]\.p: must be a number, got "0\.5"$',
    ),
    ("p as a boolean", _set("records.3.p", True), r"records\[3\]\.p: must be a number, got true$"),
    ("p null", _set("records.3.p", None), r"records\[3\]\.p: must be a number, got null$"),
    (
        "fractional month",
        _set("records.1.month", 1.7),
        r"records\[1\]\.month: must be a whole number, got 1\.7$",
    ),
    ("month zero", _set("months.0", 0), r"months\[0\]: must be a month of at least 1, got 0$"),
    (
        "months out of order",
        _set("months", [12, 6, 3]),
        r"months: must be increasing, got 12, 6, 3",
    ),
    ("no months", _set("months", []), r"months: must list at least one month, got \[\]"),
    (
        "negative mcse",
        _set("highest.1.mcse", -1),
        r"highest\[1\]\.mcse: must be an error of at least 0, got -1$",
    ),
    (
        "percentiles out of order",
        _set("records.2.p05", 0.999),
        r"records\[2\]: p05, p50 and p95 must be in increasing order",
    ),
    ("missing field", _delete("records.2.mcse"), r'records\[2\]: "mcse" is missing$'),
    ("unknown field", _set("records.2.extra", 1), r'records\[2\]: unknown key "extra"$'),
    ("missing section", _delete("highest"), r'bad\.json: "highest" is missing$'),
    (
        "records cut short",
        lambda d: d["records"].pop(),
        r"records: no entry for full_entry at month 12$",
    ),
    (
        "a duplicated record",
        lambda d: d["records"].append(copy.deepcopy(d["records"][0])),
        r"records\[9\]: a second entry for deeper_integration at month 3 "
        r"\(the first is records\[0\]\)",
    ),
    (
        "a record of no rung",
        _set("records.0.rung", "nowhere"),
        r'records\[0\]\.rung: "nowhere" is not a rung of the ladder '
        r"\(deeper_integration, limited_involvement, full_entry\)",
    ),
    (
        "a record of no month",
        _set("records.0.month", 7),
        r"records\[0\]\.month: 7 is not one of the months \(3, 6, 12\)",
    ),
    (
        "a rung twice in the ladder",
        _set("ladder.rungs.1.id", "deeper_integration"),
        r'ladder\.rungs\[1\]\.id: "deeper_integration" appears twice',
    ),
    (
        "highest missing the start",
        lambda d: d["highest"].pop(0),
        r"highest: no entry for staging_ground$",
    ),
    (
        "highest not summing to one",
        _set("highest.0.p", 0.0),
        r"highest: the probabilities must sum to 1, got 0\.\d+",
    ),
    (
        "seed as a float",
        _set("metadata.seed", 7.0),
        r"metadata\.seed: must be a whole number, got 7\.0$",
    ),
    ("samples zero", _set("metadata.samples", 0), r"metadata\.samples: must be at least 1, got 0$"),
    (
        "scenario not an object",
        _set("scenario", [1, 2]),
        r"scenario: must be the resolved scenario \(an object\) or null$",
    ),
    ("records not a list", _set("records", {"a": 1}), r"records: must be a list, got an object$"),
    ("ladder not an object", _set("ladder", "x"), r'ladder: must be an object, got "x"$'),
    (
        "wrong format",
        _set("format", "belwar-diff"),
        r'not a belwar result: "format" must be "belwar-result", got "belwar-diff"',
    ),
    (
        "another version",
        _set("version", 2),
        r"version: is 2, and this belwar \([\d.]+\) reads result version 1 only",
    ),
    ("version as a string", _set("version", "1"), r'version: is "1"'),
]


@pytest.mark.parametrize(
    ("edit", "message"), [(e, m) for _, e, m in EDITS], ids=[n for n, _, _ in EDITS]
)
def test_an_edited_result_is_refused_with_its_path(
    saved: dict[str, Any], tmp_path: Path, edit: Edit, message: str
) -> None:
    data = copy.deepcopy(saved)
    edit(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as caught:
        load_result(path)
    assert any(re.search(message, str(p), re.M) for p in caught.value.problems), caught.value
    assert all(str(p).startswith(f"{path}: ") for p in caught.value.problems), caught.value
    assert "Error" not in str(caught.value)  # no Python exception names or reprs


TEXTS: list[tuple[str, str | bytes, str]] = [
    ("not json", "not json", r"bad\.json:1:1: not valid JSON: expecting value$"),
    ("empty", "", r"bad\.json:1:1: not valid JSON: expecting value \(the file ends early"),
    (
        "cut short",
        '{"format": "belwar-result", "version": 1, "metadata": {"belwar": "0.',
        r"bad\.json:1:\d+: not valid JSON: a string starting here is never closed "
        r"\(the file ends early",
    ),
    (
        "another format",
        '{"format": "something-else"}',
        r'"format" must be "belwar-result", got "something-else"$',
    ),
    ("a list", "[1, 2]", r'not a belwar result: "format" must be "belwar-result"$'),
    (
        "nothing but the envelope",
        '{"format": "belwar-result", "version": 1}',
        r'bad\.json: "metadata" is missing$',
    ),
    ("another version", '{"format": "belwar-result", "version": 99}', r"version: is 99"),
    ("deep nesting", "[" * 100_000, r"bad\.json: arrays and objects nested more than 64 deep$"),
    (
        "nesting under the parser's limit",
        '{"scenario": ' + "[" * 500 + "]" * 500 + "}",
        r"scenario\[0\]\[0\].*: nested more than 64 deep$",
    ),
    (
        "a 5,000-digit number",
        '{"seed": ' + "9" * 5000 + "}",
        r"bad\.json: seed: a number of 5,000 digits is too long$",
    ),
    (
        "a 5,000-character float",
        '{"seed": 0.' + "1" * 5000 + "}",
        r"seed: a number of 5,002 characters is too long$",
    ),
    (
        "an overflowing float",
        '{"p": 1e999}',
        r"p: 1e999 is too large to be a number \(it overflows to infinity\)$",
    ),
    ("NaN", '{"a": [1, NaN]}', r"a\[1\]: NaN is not a number \(JSON has no NaN or infinity\)$"),
    ("Infinity", '{"a": -Infinity}', r"a: -Infinity is not a number"),
    (
        "a key twice",
        '{"format": "belwar-result", "format": "belwar-result"}',
        r'bad\.json: the key "format" appears more than once$',
    ),
    ("not UTF-8", b'{"format": "\xff"}', r"bad\.json: not UTF-8 text \(byte 0xff at offset 12\)$"),
]


@pytest.mark.parametrize(
    ("content", "message"), [(c, m) for _, c, m in TEXTS], ids=[n for n, _, _ in TEXTS]
)
def test_bad_result_files(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(InputError) as caught:
        load_result(path)
    assert any(re.search(message, str(p), re.M) for p in caught.value.problems), caught.value


def test_a_byte_order_mark_is_read_past(result: Result, tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + result.to_json().encode())
    assert load_result(path).to_dict() == result.to_dict()


def test_a_file_above_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as handle:  # sparse: nothing is written, nothing read
        handle.truncate(jsonio.MAX_BYTES + 1)
    with pytest.raises(
        InputError, match=r"big\.json: is 52,428,801 bytes; belwar reads files of at most 50 MB"
    ):
        load_result(path)


def test_a_folder_or_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"is a folder, not a file"):
        load_result(tmp_path)
    with pytest.raises(InputError, match=r"nothing\.json: no such file"):
        load_result(tmp_path / "nothing.json")


def test_many_problems_are_listed_up_to_a_cap(saved: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(saved)
    for record in data["records"] * 4:
        data["records"].append({**record, "p": 2.0})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as caught:
        load_result(path)
    problems = caught.value.problems
    assert len(problems) == jsonio.MAX_PROBLEMS + 1
    assert str(problems[-1]) == f"{path}: \u2026 and 16 more problems"


def test_from_dict_refuses_nan_given_as_python_data(saved: dict[str, Any]) -> None:
    data = copy.deepcopy(saved)
    data["records"][0]["p"] = math.nan
    with pytest.raises(InputError, match=r"records\[0\]\.p: must be a finite number, got NaN"):
        from_dict(data, file="x.json")
