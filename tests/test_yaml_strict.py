"""The YAML reader's strict rules, and deep merge / overrides on located trees."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, SequenceNode

from belwar.errors import InputError, Problem
from belwar.spec import yamlio
from belwar.spec.loader import apply_overrides, load_register, load_scenario

from .conftest import ROOT, TESTS


def _problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        yamlio.parse(text, "t.yaml")
    return [p.message for p in caught.value.problems]


def test_yaml_12_scalars() -> None:
    tree = yamlio.parse("a: yes\nb: true\nc: 010\nd: 0x10\ne: 1e3\nf: 2022-04-15\ng: ~\n", "t.yaml")
    assert tree.plain() == {
        "a": "yes",
        "b": True,
        "c": 10,
        "d": 16,
        "e": 1000.0,
        "f": date(2022, 4, 15),
        "g": None,
    }


def test_sequences_become_tuples() -> None:
    assert yamlio.parse("a: [1, [2, 3]]\n", "t.yaml").plain() == {"a": (1, (2, 3))}


@pytest.mark.parametrize("text", ["a: .nan\n", "a: .inf\n", "a: -.Inf\n", "a: !!float .NaN\n"])
def test_non_finite_numbers_refused(text: str) -> None:
    assert "NaN and infinity are not allowed" in _problems(text)[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1e999\n", "'1e999' is too large for a number"),
        ("a: -2e308\n", "'-2e308' is too large for a number"),
        ("a: 1e-400\n", "'1e-400' is too small for a number"),
        ("a: " + "9" * 5000 + "\n", "has 5,000 digits: too long for a number"),
    ],
)
def test_numbers_beyond_floats_are_named_as_written(text: str, message: str) -> None:
    found = _problems(text)
    assert message in found[0]
    assert len(found[0]) < 200


def test_yaml_11_forms_are_text() -> None:
    # YAML 1.2 core schema: no digit separators, no 0b, no sexagesimal, no yes/no/on/off
    tree = yamlio.parse("a: 2_000\nb: 0b11111010000\nc: 1:30\nd: 0x_1\ne: +.5\nf: 0o17\n", "t.yaml")
    assert tree.plain() == {
        "a": "2_000",
        "b": "0b11111010000",
        "c": "1:30",
        "d": "0x_1",
        "e": 0.5,
        "f": 15,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!float 0_.5\n", "'0_.5' is not a number (it is tagged !!float)"),
        ("a: !!float abc\n", "'abc' is not a number (it is tagged !!float)"),
        ("a: !!bool yes\n", "'yes' is not true or false (it is tagged !!bool)"),
        ("a: !!int 2_000\n", "'2_000' is not a whole number (it is tagged !!int)"),
        ("a: !!int 1.5\n", "'1.5' is not a whole number (it is tagged !!int)"),
        ("a: !!null x\n", "'x' is not null (it is tagged !!null)"),
        ("a: !!binary aGk=\n", "tag 'tag:yaml.org,2002:binary' is not allowed"),
    ],
)
def test_explicit_tags_must_hold_their_forms(text: str, message: str) -> None:
    assert _problems(text) == [message]


def test_explicit_tags_that_hold() -> None:
    tree = yamlio.parse(
        "a: !!str 3\nb: !!float 3\nc: !!int '7'\nd: ! 5\ne: !!bool false\n", "t.yaml"
    )
    assert tree.plain() == {"a": "3", "b": 3.0, "c": 7, "d": "5", "e": False}


def test_yaml_11_directive_refused() -> None:
    assert _problems("%YAML 1.1\n---\na: yes\n") == [
        "belwar reads YAML 1.2: remove the `%YAML 1.1` line"
    ]


def test_scalars_keep_their_text() -> None:
    tree = yamlio.parse("a: 1.0000001\nb: 18446744073709551616\nc: '0.5'\n", "t.yaml")
    assert [tree.value[k].text for k in "abc"] == ["1.0000001", "18446744073709551616", "0.5"]


def test_duplicate_anchors_refused() -> None:
    # accepted before (c silently took the second anchor's value), with a raw ruamel warning
    assert _problems("a: &x 1\nb: &x 2\nc: *x\n") == [
        "anchor '&x' is defined twice (first at line 1)"
    ]


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    found = _problems("a: &x [1, *x]\n")
    assert found == ["alias '*x' refers to a value that contains it"]


def test_unknown_alias_refused() -> None:
    assert "unknown alias '*nope'" in _problems("a: *nope\n")[0]


@pytest.mark.parametrize(("byte", "name"), [("\x00", "U+0000 (NUL)"), ("\x1b", "U+001B (ESC)")])
def test_control_characters_are_placed(byte: str, name: str) -> None:
    with pytest.raises(InputError) as caught:
        yamlio.parse(f"a: 1\nb: 'x{byte}y'\n", "scenario.yaml")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.column) == ("scenario.yaml", 2, 6)
    assert name in problem.message
    assert "unicode string" not in str(problem)
    assert byte not in str(problem)  # shown as a visible symbol, never sent to the terminal


def test_a_long_line_is_shown_as_a_window() -> None:
    line = "a: [" + "word " * 180_000 + "}"
    with pytest.raises(InputError) as caught:
        yamlio.parse(line + "\n", "t.yaml")
    text = caught.value.render()
    assert len(text) < 500
    shown, caret = text.splitlines()[1:3]
    assert shown.count("…") == 1  # cut at the start only: the column is near the end
    assert shown[caret.index("^")] == "}"


def test_a_window_puts_the_caret_under_the_column() -> None:
    line = "x" * 5000 + "Y" + "z" * 5000
    text = str(Problem("f", 1, 5001, "", "m", line))
    shown, caret = text.splitlines()[1:3]
    assert shown[caret.index("^")] == "Y"
    assert shown.startswith("    1 | …")
    assert shown.endswith("…")


DEEP = [
    "a: " + "[" * 30_000 + "]" * 30_000 + "\n",
    "a: " + "{b: " * 30_000 + "1" + "}" * 30_000 + "\n",
    "a:\n" + "- " * 30_000 + "x\n",
]


@pytest.mark.parametrize("text", DEEP, ids=["flow-seq", "flow-map", "block-seq"])
def test_deep_nesting_is_refused_before_any_recursion(text: str) -> None:
    # In a child interpreter: on the old reader libyaml's composer recursed and segfaulted.
    code = "import sys\nfrom belwar.spec import yamlio\nyamlio.parse(sys.stdin.read(), 't.yaml')\n"
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert "InputError" in done.stderr
    assert "nested deeper than 32 levels" in done.stderr


def test_nesting_is_capped() -> None:
    deep = "a: " + "[" * (yamlio.MAX_DEPTH + 5) + "]" * (yamlio.MAX_DEPTH + 5) + "\n"
    assert "nested deeper" in _problems(deep)[0]


def test_size_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * (yamlio.MAX_BYTES + 1))
    with pytest.raises(InputError, match="larger than"):
        yamlio.read(path, "big.yaml")


def test_custom_tags_refused() -> None:
    assert "not allowed" in _problems("a: !python/object 3\n")[0]


def test_keys_must_be_text() -> None:
    assert "keys must be plain text" in _problems("1: a\n")[0]


def test_problem_positions_are_one_based() -> None:
    with pytest.raises(InputError) as caught:
        yamlio.parse("a: 1\nb:\n  c: .nan\n", "t.yaml")
    problem = caught.value.problems[0]
    assert (problem.line, problem.column, problem.key) == (3, 6, "b.c")
    assert problem.source_line == "  c: .nan"


def test_deep_merge_merges_mappings_and_replaces_lists() -> None:
    parent = yamlio.parse("a: {x: 1, y: [1, 2]}\nb: 2\n", "p.yaml")
    child = yamlio.parse("a: {y: [3]}\nc: 4\n", "c.yaml")
    merged = yamlio.merge(parent, child)
    assert merged.plain() == {"a": {"x": 1, "y": (3,)}, "b": 2, "c": 4}
    # each value remembers the file it came from
    assert merged.value["a"].value["x"].loc.file == "p.yaml"
    assert merged.value["a"].value["y"].loc.file == "c.yaml"


def test_overrides_from_text_and_python_agree() -> None:
    tree = yamlio.parse("a: {b: 1}\nlist: [1, 2]\n", "t.yaml")
    from_text = apply_overrides(tree, ["a.b=[0.6, 0.9]", "a.new.deep=x", "list[1]=7"])
    from_code = apply_overrides(tree, {"a.b": [0.6, 0.9], "a.new.deep": "x", "list.1": 7})
    assert (
        from_text.plain()
        == from_code.plain()
        == {
            "a": {"b": (0.6, 0.9), "new": {"deep": "x"}},
            "list": (1, 7),
        }
    )


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("no-equals-sign", "expected PATH=VALUE"),
        ("list[5]=1", "out of range"),
        ("a.b.c=1", "not a mapping"),
        ("a=.nan", "NaN"),
        ("a.b=x\ny: 2", "must be on one line"),
        ("a.b=x\r", "must be on one line"),
        ("extends=../../etc/passwd", "`extends` cannot be overridden"),
        ("extends.x=1", "`extends` cannot be overridden"),
    ],
)
def test_bad_overrides(override: str, message: str) -> None:
    tree = yamlio.parse("a: {b: 1}\nlist: [1, 2]\n", "t.yaml")
    with pytest.raises(InputError, match=message):
        apply_overrides(tree, [override])


def test_override_changes_the_scenario() -> None:
    register = load_register(TESTS / "data" / "register")
    base = load_scenario(TESTS / "data" / "valid.yaml", register=register)
    changed = load_scenario(
        TESTS / "data" / "valid.yaml",
        overrides=["simulation.samples=5000", "drivers.kremlin_pressure.dist.mode=0.7"],
        register=register,
    )
    assert changed.simulation.samples == 5000
    assert changed.drivers["kremlin_pressure"].dist.mode == 0.7  # type: ignore[union-attr]
    assert base.fingerprint() != changed.fingerprint()


def test_scenario_is_frozen() -> None:
    scenario = load_scenario(
        TESTS / "data" / "valid.yaml", register=load_register(TESTS / "data" / "register")
    )
    with pytest.raises(ValidationError):
        scenario.title = "changed"  # type: ignore[misc]
    assert isinstance(scenario.ladder.rungs, tuple)


def _compose(text: str, **parser: object) -> list[tuple[str, str, int, int]]:
    """Every node of a document in order: kind, resolved tag, line and column."""

    out: list[tuple[str, str, int, int]] = []

    def walk(node: Any) -> None:
        tag = str(getattr(node.tag, "value", node.tag))
        out.append((type(node).__name__, tag, node.start_mark.line, node.start_mark.column))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                walk(key)
                walk(value)
        elif isinstance(node, SequenceNode):
            for item in node.value:
                walk(item)

    for document in YAML(**parser).compose_all(text):  # type: ignore[arg-type]
        walk(document)
    return out


SCALARS = (
    "a: [yes, no, on, off, y, 0x1F, 0o17, 017, 1_000, 1e3, 1.0e+3, .inf, .nan, ~, null, true,"
    " True, TRUE, 2022-04-15, '0.5', +1, -.5, .5, 0b11, 08, 1.5.3, 6., -0, \"x\", !!str 3]\n"
)


@pytest.mark.parametrize(
    "path",
    [*sorted((ROOT / "scenarios").glob("*.yaml")), *sorted((ROOT / "seeds").glob("*.yaml"))],
    ids=lambda p: p.name,
)
def test_libyaml_and_pure_python_compose_alike(path: Path) -> None:
    # The reader composes with libyaml for speed and falls back to ruamel's pure Python parser
    # for messages; both must see the same nodes, tags and places.
    text = path.read_text()
    assert _compose(text, typ="safe", pure=False) == _compose(text, typ="rt", pure=True)


def test_libyaml_and_pure_python_resolve_scalars_alike() -> None:
    nodes = _compose(SCALARS, typ="safe", pure=False)
    assert nodes == _compose(SCALARS, typ="rt", pure=True)
    tags = [tag.rsplit(":", 1)[-1] for _, tag, _, _ in nodes[3:]]
    assert tags[:5] == ["str"] * 5  # YAML 1.2: yes, no, on, off and y are text
    assert "bool" in tags


def _located(node: yamlio.Located) -> object:
    """A tree with every place, to compare two readings exactly."""
    where = (node.loc.line, node.loc.column, node.key_loc and node.key_loc.column, node.text)
    if isinstance(node.value, dict):
        return where, {k: _located(v) for k, v in node.value.items()}
    if isinstance(node.value, tuple):
        return where, [_located(v) for v in node.value]
    return where, node.value


@pytest.mark.parametrize(
    "path",
    [*sorted((ROOT / "scenarios").glob("*.yaml")), *sorted((ROOT / "seeds").glob("*.yaml"))],
    ids=lambda p: p.name,
)
def test_both_parsers_build_the_same_tree(path: Path) -> None:
    text = path.read_text()
    lines = yamlio._lines(text)
    fast = yamlio._parse(text, "f", lines, pure=False)
    assert _located(fast) == _located(yamlio._parse(text, "f", lines, pure=True))


def test_extends_cannot_be_overridden_from_code() -> None:
    tree = yamlio.parse("a: 1\n", "t.yaml")
    with pytest.raises(InputError, match="`extends` cannot be overridden"):
        apply_overrides(tree, {"extends": "../../etc/passwd"})


def test_a_long_override_is_shown_short() -> None:
    tree = yamlio.parse("a: 1\n", "t.yaml")
    with pytest.raises(InputError) as caught:
        apply_overrides(tree, ["a=" + "[" * 40 + "]" * 40])
    (problem,) = caught.value.problems
    assert len(problem.file) < 80
    assert "nested deeper than 32 levels" in problem.message
