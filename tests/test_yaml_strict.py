"""The YAML reader's strict rules, and deep merge / overrides on located trees."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from belwar import yamlio
from belwar.errors import InputError
from belwar.loader import apply_overrides, load_register, load_scenario

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


@pytest.mark.parametrize("text", ["a: .nan\n", "a: .inf\n", "a: -.Inf\n", "a: 1e999\n"])
def test_non_finite_numbers_refused(text: str) -> None:
    assert "NaN and infinity are not allowed" in _problems(text)[0]


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
    from pydantic import ValidationError

    scenario = load_scenario(
        TESTS / "data" / "valid.yaml", register=load_register(TESTS / "data" / "register")
    )
    with pytest.raises(ValidationError):
        scenario.title = "changed"  # type: ignore[misc]
    assert isinstance(scenario.ladder.rungs, tuple)


def _compose(text: str, **parser: object) -> list[tuple[str, str, int, int]]:
    """Every node of a document in order: kind, resolved tag, line and column."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, SequenceNode

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
