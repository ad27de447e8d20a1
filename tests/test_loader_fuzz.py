"""Mutated scenario files: whatever a hand (or a fuzzer) does to a file, the loader answers with a
valid Scenario or belwar's own InputError, never another exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from belwar.errors import InputError
from belwar.spec.evidence import Register
from belwar.spec.loader import load_register, load_scenario
from belwar.spec.scenario import Scenario

from .conftest import TESTS

VALID = (TESTS / "data" / "valid.yaml").read_text()
LINES = VALID.splitlines(keepends=True)
REGISTER = load_register(TESTS / "data" / "register")

# The example that found defect 13 of issue 11: "&a" inserted twice. ruamel's ReusedAnchorWarning
# escaped the loader (an error under pytest's warnings filter); without it the file was accepted.
DUPLICATE_ANCHOR = VALID.replace("title: A small", "title: &a A small", 1).replace(
    "label: Share of", "label: &a Share of", 1
)


def test_duplicate_anchor_found_by_hypothesis_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mutant.yaml"
    path.write_text(DUPLICATE_ANCHOR)
    with pytest.raises(InputError, match=r"anchor '&a' is defined twice \(first at line 2\)"):
        load_scenario(path, register=REGISTER)


TOKENS = st.sampled_from(
    [
        "",
        " ",
        ":",
        "-",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a",
        "*a",
        "!!str",
        "!tag",
        "<<",
        "#",
        "'",
        '"',
        "\t",
        "\n",
        "0",
        "-1",
        "1e999",
        ".nan",
        ".inf",
        "yes",
        "null",
        "~",
        "2022-13-45",
        "0x1f",
        "1_000",
        "true",
        "beta",
        "ci90",
        "type",
        "[0.9, 0.1]",
        "{type: point}",
        "\u00e9",
        "\x00",
        "deeper_integration",
        "kremlin_pressure",
        "extends: ../x.yaml",
        "extends: valid.yaml",
    ]
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace", "cut"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))] + "\n"
        else:
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            end = at if action == "insert" else draw(st.integers(at, len(line)))
            lines[i] = line[:at] + draw(TOKENS) + line[end:]
        if not lines:
            lines = [""]
    return "".join(lines)


def _load(path: Path, register: Register) -> None:
    try:
        result = load_scenario(path, register=register)
    except InputError as exc:
        assert exc.problems, "an InputError must carry at least one problem"  # noqa: PT017
        for problem in exc.problems:
            assert problem.message
            str(problem)  # rendering never fails either
    else:
        assert isinstance(result, Scenario)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=mutated())
@example(text=DUPLICATE_ANCHOR)
def test_mutated_text_never_escapes(text: str, tmp_path: Path) -> None:
    path = tmp_path / "mutant.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _load(path, REGISTER)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=400))
def test_arbitrary_bytes_never_escape(raw: bytes, tmp_path: Path) -> None:
    path = tmp_path / "noise.yaml"
    path.write_bytes(raw)
    _load(path, REGISTER)


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=st.sampled_from(
        [
            "simulation.samples",
            "ladder.start",
            "ladder.rungs",
            "ladder.rungs[1]",
            "drivers",
            "drivers.public_opposition.range",
            "drivers.kremlin_pressure.dist",
            "drivers.kremlin_pressure.dist.ci90",
            "correlations",
            "correlations[0].rho",
            "events.staged_incident.lasts_months",
            "hazards.full_entry.odds_ratios",
            "hazards.full_entry.base",
            "momentum",
            "momentum.dist.ci90",
            "new_key",
            "as_of",
        ]
    ),
    value=YAML_VALUES,
)
def test_overrides_with_any_value_never_escape(key: str, value: object, tmp_path: Path) -> None:
    path = tmp_path / "valid.yaml"
    path.write_text(VALID)
    try:
        load_scenario(path, overrides={key: value}, register=REGISTER)
    except InputError as exc:
        assert exc.problems  # noqa: PT017
