"""Hostile scenario and register files: parser depth, non-regular files, `extends`, anchors,
control bytes, long lines, YAML 1.1 forms, messages that quote the value as written, one-pass
reporting, and `--set` values. ``validate`` exits 1 on a bad file; ``run`` exits 2."""

from __future__ import annotations

import os
from pathlib import Path

from . import Case

DATA = Path(__file__).resolve().parent.parent / "data"
ERRORS = DATA.parent / "errors"
VALID = (DATA / "valid.yaml").read_text()
REGISTER = {"seeds/test-source.yaml": (DATA / "register" / "test-source.yaml").read_text()}
DEEP = 30_000


def _with(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def _scenario(old: str, new: str) -> dict[str, str]:
    return {"s.yaml": _with(old, new), **REGISTER}


def _deep_flow() -> str:
    return "id: x\ntitle: " + "[" * DEEP + "]" * DEEP + "\n"


def _deep_map() -> str:
    return "id: x\ntitle: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n"


def _deep_block() -> str:
    return "id: x\ntitle:\n" + "- " * DEEP + "x\n"


def _long_broken_line() -> str:
    return "id: x\ntitle: [" + "word " * 180_000 + "}\n"


def _fifo(name: str) -> object:
    def make(tmp: str) -> None:
        target = Path(tmp) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(target)

    return make


def _loop(name: str) -> object:
    def make(tmp: str) -> None:
        os.symlink(name, Path(tmp) / name)

    return make


# The example hypothesis found for defect 13: an anchor inserted twice into a valid file. ruamel
# warned (ReusedAnchorWarning, an error under pytest) and otherwise accepted it.
DUPLICATE_ANCHOR = VALID.replace("title: A small", "title: &a A small", 1).replace(
    "label: Share of", "label: &a Share of", 1
)

SET = ("run", "{tmp}/s.yaml", "-q", "-f", "json")

CASES: list[Case] = [
    # --- nesting is capped before any recursion (libyaml's composer segfaulted at 30,000)
    Case(
        "deep-flow-sequence",
        ("validate", "deep.yaml"),
        exit=1,
        message=r"deep\.yaml:2:\d+: nested deeper than 32 levels",
        files={"deep.yaml": _deep_flow},
        subprocess=True,
    ),
    Case(
        "deep-flow-mapping",
        ("validate", "deep.yaml"),
        exit=1,
        message="nested deeper than 32 levels",
        files={"deep.yaml": _deep_map},
        subprocess=True,
    ),
    Case(
        "deep-block-sequence",
        ("validate", "deep.yaml"),
        exit=1,
        message="nested deeper than 32 levels",
        files={"deep.yaml": _deep_block},
        subprocess=True,
    ),
    Case(
        "deep-through-set",
        (*SET, "--set", "title=" + "[" * DEEP + "]" * DEEP),
        message=r"--set title=\[\[\[.{0,60}: nested deeper than 32 levels",
        files={"s.yaml": VALID, **REGISTER},
        subprocess=True,
    ),
    Case(
        "deep-register-file",
        ("validate", "s.yaml"),
        exit=1,
        message=r"seeds/deep\.yaml:\d+:\d+: nested deeper than 32 levels",
        files={"s.yaml": VALID, "seeds/deep.yaml": _deep_flow, **REGISTER},
        subprocess=True,
    ),
    # --- only regular files are read (a FIFO hung forever)
    Case(
        "fifo-scenario",
        ("validate", "s.yaml"),
        exit=1,
        message=r"s\.yaml: is a FIFO \(named pipe\), not a regular file",
        setup=_fifo("s.yaml"),  # type: ignore[arg-type]
        subprocess=True,
        timeout=30,
    ),
    Case(
        "fifo-in-register",
        ("validate", "s.yaml"),
        exit=1,
        message=r"seeds/pipe\.yaml: is a FIFO \(named pipe\), not a regular file",
        files={"s.yaml": VALID, **REGISTER},
        setup=_fifo("seeds/pipe.yaml"),  # type: ignore[arg-type]
        subprocess=True,
        timeout=30,
    ),
    Case(
        "device-scenario",
        ("validate", "/dev/zero"),
        exit=1,
        message="/dev/zero: is a device, not a regular file",
        subprocess=True,
        timeout=30,
    ),
    # --- extends: placed messages, never a traceback
    Case(
        "extends-nul-byte",
        ("validate", "s.yaml"),
        exit=1,
        message=r"s\.yaml:1:10: extends: the path contains a control character",
        files={"s.yaml": 'extends: "base\\0.yaml"\n' + VALID},
    ),
    Case(
        "extends-long-name",
        ("validate", "s.yaml"),
        exit=1,
        message=r"s\.yaml:1:10: extends: 'x{20,}…x+\.yaml' is too long for a path",
        files={"s.yaml": "extends: " + "x" * 5000 + ".yaml\n" + VALID},
        absent=("Traceback", "x" * 100),
    ),
    Case(
        "extends-symlink-loop",
        ("validate", "s.yaml"),
        exit=1,
        message=r"s\.yaml:1:10: extends: cannot follow '.*loop\.yaml': it is a symlink loop",
        files={"s.yaml": "extends: loop.yaml\n" + VALID},
        setup=_loop("loop.yaml"),  # type: ignore[arg-type]
    ),
    Case(
        "scenario-symlink-loop",
        ("validate", "loop.yaml"),
        exit=1,
        message=r"loop\.yaml: cannot follow '.*loop\.yaml': it is a symlink loop",
        setup=_loop("loop.yaml"),  # type: ignore[arg-type]
    ),
    # --- anchors
    Case(
        "duplicate-anchor-found-by-hypothesis",
        ("validate", "s.yaml"),
        exit=1,
        message=r"s\.yaml:14:12: drivers\.public_opposition\.label: anchor '&a' is defined twice "
        r"\(first at line 2\)",
        files={"s.yaml": DUPLICATE_ANCHOR, **REGISTER},
        absent=("Traceback", "ReusedAnchorWarning", "unicode string", "site-packages"),
    ),
    Case(
        "alias-inside-its-anchor",
        ("validate", "s.yaml"),
        exit=1,
        message=r"s\.yaml:2:\d+: title\[1\]: alias '\*t' refers to a value that contains it",
        files={"s.yaml": "id: x\ntitle: &t [a, *t]\n"},
    ),
    # --- control bytes and long lines
    Case(
        "nul-byte",
        ("validate", "s.yaml"),
        exit=1,
        message=r"s\.yaml:2:10: control character U\+0000 \(NUL\) is not allowed in YAML",
        files={"s.yaml": b"id: x\ntitle: ab\x00cd\n"},
        absent=("Traceback", "unicode string", "\x00"),
    ),
    Case(
        "esc-byte",
        ("validate", "s.yaml"),
        exit=1,
        message=r"s\.yaml:2:10: control character U\+001B \(ESC\).*write it as \\e",
        files={"s.yaml": b'id: x\ntitle: "a\x1b[2Jb"\n'},
        absent=("Traceback", "unicode string", "\x1b"),
    ),
    Case(
        "long-broken-line",
        ("validate", "s.yaml"),
        exit=1,
        message=r"s\.yaml:2:900009: invalid YAML.*\n +2 \| …\w* (word ){10,}.*\n +\| +\^",
        files={"s.yaml": _long_broken_line},
        absent=("Traceback", "word " * 40),
    ),
    # --- YAML 1.2 core schema only, and messages that say what is wrong with the value
    Case(
        "digit-separator",
        ("validate", "s.yaml"),
        exit=1,
        message=r"simulation\.samples: expected a whole number, got text '2_000' \(YAML 1\.2",
        files=_scenario("samples: 20000", "samples: 2_000"),
    ),
    Case(
        "binary-integer",
        ("validate", "s.yaml"),
        exit=1,
        message=r"simulation\.samples: expected a whole number, got text '0b11111010000'",
        files=_scenario("samples: 20000", "samples: 0b11111010000"),
    ),
    Case(
        "tagged-float-with-separator",
        ("validate", "s.yaml"),
        exit=1,
        message=r"simulation\.samples: '0_\.5' is not a number \(it is tagged !!float\)",
        files=_scenario("samples: 20000", "samples: !!float 0_.5"),
    ),
    Case(
        "tagged-float-not-a-number",
        ("validate", "s.yaml"),
        exit=1,
        message=r"correlations\[0\]\.rho: 'abc' is not a number \(it is tagged !!float\)",
        files=_scenario("rho: 0.2", "rho: !!float abc"),
        absent=("Traceback", "NaN"),
    ),
    Case(
        "tagged-bool-yes",
        ("validate", "s.yaml"),
        exit=1,
        message=r"lasts_months: 'yes' is not true or false \(it is tagged !!bool\)",
        files=_scenario("lasts_months: 2", "lasts_months: !!bool yes"),
        absent=("Traceback", "got false"),
    ),
    Case(
        "seed-beyond-64-bits",
        ("validate", "s.yaml"),
        exit=1,
        message=r"simulation\.seed: must be below 9223372036854775808, got 18446744073709551616",
        files=_scenario("seed: 7", "seed: 18446744073709551616"),
        absent=("Traceback", "e+19"),
    ),
    Case(
        "rho-just-above-one",
        ("validate", "s.yaml"),
        exit=1,
        message=r"correlations\[0\]\.rho: must be at most 1, got 1\.0000001",
        files=_scenario("rho: 0.2", "rho: 1.0000001"),
    ),
    Case(
        "integer-of-400-digits",
        ("validate", "s.yaml"),
        exit=1,
        message=r"drivers\.public_opposition\.reference: 10{20,}…0+ is too large for a number",
        files=_scenario("reference: 0.8", "reference: 1" + "0" * 400),
        absent=("Traceback", "0" * 100 + "\n"),
    ),
    Case(
        "beta-sd-underflows",
        ("validate", "s.yaml"),
        exit=1,
        message=r"hazards\.full_entry\.base: sd 1e-200 is too small to fit a beta",
        files=_scenario("base: 0.002", "base: {type: beta, mean: 0.5, sd: 1.0e-200}"),
    ),
    Case(
        "report-months-empty",
        ("run", "s.yaml", "-q"),
        message=r"simulation\.report_months: list at least one month",
        files=_scenario("report_months: [3, 6, 12]", "report_months: []"),
    ),
    # --- every stage's problems in one pass
    Case(
        "one-pass-schema-and-citation",
        ("validate", "s.yaml"),
        exit=1,
        message=r"unknown key 'referenc'.*low must be below high.*'test-source/poll-troop' is "
        r"not in the evidence register.*facts of 'test-source': poll-troops",
        files={"s.yaml": (ERRORS / "one-pass-three-stages.yaml").read_text(), **REGISTER},
    ),
    Case(
        "one-pass-hazard-and-correlations",
        ("validate", "s.yaml"),
        exit=1,
        message=r"correlations: these correlations cannot hold together.*"
        r"hazards\.full_entry\.base: a monthly hazard must lie on \[0, 1\]",
        files={
            "s.yaml": (ERRORS / "one-pass-hazard-and-correlations.yaml").read_text(),
            **REGISTER,
        },
    ),
    # --- --set values
    Case(
        "set-value-with-newline",
        (*SET, "--set", "title=x\ny: 2"),
        message=r"--set title=x\\ny: 2: title: a --set value must be on one line",
        files={"s.yaml": VALID, **REGISTER},
    ),
    Case(
        "set-extends",
        (*SET, "--set", "extends=../../etc/passwd"),
        message=r"extends: `extends` cannot be overridden",
        files={"s.yaml": VALID, **REGISTER},
    ),
]
