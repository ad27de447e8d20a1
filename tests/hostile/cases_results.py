"""Saved results, hand-edited or crafted, given to ``belwar diff``: nesting too deep for the
parser, numbers too long to convert, NaN and infinity, strings for numbers, probabilities out of
range, cells missing or twice, another format or version, a file cut short, bytes that are not
UTF-8, a FIFO, a file above the size cap. Each is refused with exit 2 and a message naming the
file and the JSON path, never a traceback, a Python repr, or a "material change" read from
nonsense.

The good result is made at run time (a small run of the test scenario) and each bad one is that
result with one edit, so the cases keep up with the format.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from belwar.results.jsonio import MAX_BYTES
from belwar.run.simulation import simulate
from belwar.spec.loader import load_register, load_scenario

from . import Case, Content

TESTS = Path(__file__).resolve().parent.parent
ABSENT = ("Traceback", "internal error", "Error:", "material")
CONTROLS = (*ABSENT, "\x1b", "\x07", "\x9b", "\u202e")  # shown escaped, never sent


@cache
def _good() -> str:
    register = load_register(TESTS / "data" / "register")
    scenario = load_scenario(TESTS / "data" / "valid.yaml", register=register)
    return simulate(scenario, samples=500).to_json()


def _edited(edit: Callable[[dict[str, Any]], object]) -> Callable[[], str]:
    def make() -> str:
        data = json.loads(_good())
        edit(data)
        return json.dumps(data, indent=2)

    return make


def _replaced(old: str, new: str) -> Callable[[], str]:
    """The good result's text with the first ``old`` replaced by ``new`` (for what
    :func:`json.dumps` cannot write: NaN as a literal, huge numbers, keys twice)."""

    def make() -> str:
        text = _good()
        assert old in text
        return text.replace(old, new, 1)

    return make


def _case(
    name: str, bad: Content | None, message: str, *, absent: tuple[str, ...] = ABSENT, **kw: Any
) -> Case:
    """``belwar diff good.json bad.json``; ``bad`` is None where ``setup`` makes it."""
    files: dict[str, Content] = {"good.json": _good}
    if bad is not None:
        files["bad.json"] = bad
    return Case(
        name=f"result-{name}",
        argv=("diff", "good.json", "bad.json", "--all"),
        message=message,
        files=files,
        absent=absent,
        **kw,
    )


def _fifo(tmp: str) -> None:
    os.mkfifo(os.path.join(tmp, "bad.json"))


def _sparse_above_cap(tmp: str) -> None:
    with open(os.path.join(tmp, "bad.json"), "wb") as handle:  # nothing is written or read
        handle.truncate(MAX_BYTES + 1)


def _folder(tmp: str) -> None:
    os.mkdir(os.path.join(tmp, "bad.json"))


def _set_first(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["records"][0][key] = value

    return edit


CASES: list[Case] = [
    _case(
        "deep-nesting",
        lambda: "[" * 100_000,
        r"bad\.json: arrays and objects nested more than 64 deep",
        subprocess=True,
        timeout=60,
    ),
    _case(
        "nesting-under-the-parser-limit",
        _edited(lambda d: d.update(scenario={"x": json.loads("[" * 900 + "]" * 900)})),
        r"bad\.json: scenario\.x\[0\]\[0\].*: nested more than 64 deep",
    ),
    _case(
        "a-5000-digit-number",
        _replaced('"seed": ', '"seed": ' + "9" * 5000 + ', "x": '),
        r"bad\.json: metadata\.seed: a number of 5,000 digits is too long",
    ),
    _case(
        "a-float-overflowing-to-infinity",
        _replaced('"seconds": ', '"seconds": 1e999, "x": '),
        r"bad\.json: metadata\.seconds: 1e999 is too large to be a number",
    ),
    _case(
        "nan",
        _replaced('"p": ', '"p": NaN, "x": '),
        r"bad\.json: records\[0\]\.p: NaN is not a number \(JSON has no NaN or infinity\)",
    ),
    _case(
        "negative-infinity",
        _replaced('"mcse": ', '"mcse": -Infinity, "x": '),
        r"bad\.json: records\[0\]\.mcse: -Infinity is not a number",
    ),
    _case(
        "a-string-for-a-number",
        _edited(_set_first("p", "0.5")),
        r'bad\.json: records\[0\]\.p: must be a number, got "0\.5"',
    ),
    _case(
        "p-out-of-range",
        _edited(_set_first("p", 7.5)),
        r"bad\.json: records\[0\]\.p: must be a probability between 0 and 1, got 7\.5",
    ),
    _case(
        "a-fractional-month",
        _edited(_set_first("month", 1.7)),
        r"bad\.json: records\[0\]\.month: must be a whole number, got 1\.7",
    ),
    _case(
        "records-cut-short",
        _edited(lambda d: d["records"].pop()),
        r"bad\.json: records: no entry for full_entry at month 12",
    ),
    _case(
        "a-duplicated-cell",
        _edited(lambda d: d["records"].__setitem__(1, dict(d["records"][0]))),
        r"bad\.json: records\[1\]: a second entry for deeper_integration at month 3 "
        r"\(the first is records\[0\]\)",
    ),
    _case(
        "highest-not-summing-to-one",
        _edited(lambda d: d["highest"][0].update(p=0.0)),
        r"bad\.json: highest: the probabilities must sum to 1",
    ),
    _case(
        "wrong-types",
        _edited(lambda d: d.update(records="all of them", months={"3": 3})),
        r'bad\.json: months: must be a list, got an object.*records: must be a list, got "all',
    ),
    _case(
        "a-key-twice",
        _replaced('"seed": ', '"seed": 1, "seed": '),
        r'bad\.json: metadata: the key "seed" appears more than once',
    ),
    _case(
        "another-format",
        _edited(lambda d: d.update(format="belwar-diff")),
        r'bad\.json: not a belwar result: "format" must be "belwar-result", got "belwar-diff"',
    ),
    _case(
        "another-version",
        _edited(lambda d: d.update(version=2)),
        r"bad\.json: version: is 2, and this belwar \([^)]+\) reads result version 1 only",
    ),
    _case(
        "a-truncated-file",
        lambda: _good()[: len(_good()) // 2],
        r"bad\.json:\d+:\d+: not valid JSON: .*\(the file ends early: is it cut short\?\)",
    ),
    _case(
        "not-utf-8",
        lambda: _good().encode().replace(b'"belwar"', b'"belw\xe9r"', 1),
        r"bad\.json: not UTF-8 text \(byte 0xe9 at offset \d+\)",
    ),
    _case(
        "a-fifo",
        None,
        r"bad\.json: is not a regular file \(a FIFO, socket or device\)",
        setup=_fifo,
        subprocess=True,
        timeout=30,
    ),
    _case(
        "above-the-size-cap",
        None,
        r"bad\.json: is 52,428,801 bytes; belwar reads files of at most 50 MB",
        setup=_sparse_above_cap,
    ),
    _case(
        "a-folder",
        None,
        r"bad\.json: is a folder, not a file",
        setup=_folder,
    ),
    _case(
        "control-codes-in-a-rung",
        _edited(_set_first("rung", "\x9b[2J\u202e[/]")),
        r'records\[0\]\.rung: "\\u009b\[2J\\u202e\[/\]" is not a rung of the ladder',
        subprocess=True,
        absent=CONTROLS,
    ),
    _case(
        "control-codes-in-an-unknown-key",
        _replaced('"rung": ', '"zz\\u001b[2J": 1, "rung": '),
        r'records\[0\]: unknown key "zz\\u001b\[2J"',
        subprocess=True,
        absent=CONTROLS,
    ),
    _case(
        "control-codes-in-the-path-of-a-nan",
        _replaced('"as_of": ', '"id\\u001b]0;x\\u0007": NaN, "as_of": '),
        r'scenario\["id\\u001b\]0;x\\u0007"\]: NaN is not a number',
        subprocess=True,
        absent=CONTROLS,
    ),
    Case(
        name="result-beside-a-scenario",
        argv=("diff", "{scenarios}/baseline.yaml", "bad.json", "-n", "500"),
        message=r"bad\.json: records\[0\]\.p: must be a probability between 0 and 1, got -1",
        files={"bad.json": _edited(_set_first("p", -1))},
        absent=ABSENT,
    ),
]
