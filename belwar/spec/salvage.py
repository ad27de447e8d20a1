"""One pass lists every problem: when the schema fails somewhere, what still holds is checked
too. The values behind the problems are set aside (a bad distribution replaced by a neutral
point, an unknown key dropped) and the rules across fields asked of the rest; each valid
distribution's bounds and fit, and the well-formed citations, are read from the raw tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from belwar.core import distributions
from belwar.errors import InputError, Problem
from belwar.spec.compile import resolve
from belwar.spec.dists import Dist
from belwar.spec.entries import PATTERNS, Kind
from belwar.spec.located import Located, PathKey, dotted
from belwar.spec.numeric import correlation_problems, numeric_problems
from belwar.spec.overrides import parse_key, set_at
from belwar.spec.placing import NAMED_SECTIONS, validate
from belwar.spec.rules import ENTRY_RULES, check
from belwar.spec.scenario import Correlation, Scenario

_DIST: TypeAdapter[Any] = TypeAdapter(Dist)


# A value the schema refuses is set aside (an unknown key dropped, a bad distribution replaced by
# a neutral point) so that the rules across fields can still be asked of everything else.
_SLOTS: tuple[tuple[str | None, ...], ...] = tuple(
    (*pattern, field) for pattern, field in PATTERNS.values()
)
_NEUTRAL = {"events": 0.0, "hazards": 0.0, "momentum": 1.0}
SALVAGE_ROUNDS = 3


def salvaged_rules(root: Located, problems: Sequence[Problem]) -> list[tuple[str, str]]:
    """The cross-field rules and numeric checks of ``root`` with the values behind
    ``problems`` set aside, leaving out whatever touches a value set aside (its own key, its
    parents and its children), so nothing reported follows from a problem already reported.
    Empty when setting values aside cannot make the schema hold (a required key is missing)."""
    tree, touched, tainted = root, set[str](), set[str]()
    for _ in range(SALVAGE_ROUNDS):
        for problem in problems:
            try:
                path = parse_key(problem.key)
            except ValueError:
                return []
            if not path or problem.message.startswith("missing required key"):
                return []
            slot = _slot(path)
            if slot is not None:
                tree = set_at(tree, slot, _neutral(tree, slot), tree.loc)
            else:
                tree = _without(tree, path)
                if len(path) > 2 and path[0] in NAMED_SECTIONS:
                    tainted.add(f"'{path[1]}'")  # the entry lost a key: what its use says is moot
            touched.add(dotted(slot or path))
        try:
            scenario = validate(Scenario, tree)
        except InputError as exc:
            problems = exc.problems
            continue
        found = [*check(scenario), *numeric_problems(scenario)]
        return [
            (k, m)
            for k, m in dict.fromkeys(found)
            if not _related(k, touched) and not any(name in m for name in tainted)
        ]
    return []


def _slot(path: PathKey) -> PathKey | None:
    for pattern in _SLOTS:
        head = path[: len(pattern)]
        if len(head) == len(pattern) and all(
            p is None or p == h for p, h in zip(pattern, head, strict=True)
        ):
            return head
    return None


def _neutral(tree: Located, slot: PathKey) -> Located:
    """A point that keeps every rule: a driver at its reference (or its range's middle), no
    hazard and no event, odds and momentum of 1."""
    value: Any = _NEUTRAL.get(str(slot[0]), 1.0)
    if slot[0] == "drivers":
        driver = tree.child("drivers")
        entry = driver.child(slot[1]) if driver is not None else None
        reference = entry.child("reference") if entry is not None else None
        span = entry.child("range") if entry is not None else None
        bounds = span.plain() if span is not None else None
        if reference is not None and isinstance(reference.value, float | int):
            value = reference.value
        elif isinstance(bounds, tuple) and len(bounds) == 2:
            value = sum(bounds) / 2 if all(isinstance(b, float | int) for b in bounds) else 0.0
        else:
            value = 0.0
    node, _ = tree.deepest(slot)
    return Located(float(value), node.loc)


def _without(node: Located, path: PathKey) -> Located:
    """``node`` with the key at ``path`` removed (lists are left whole)."""
    if not path or not isinstance(node.value, dict) or not isinstance(path[0], str):
        return node
    head, rest = path[0], path[1:]
    if head not in node.value:
        return node
    mapping = dict(node.value)
    if rest:
        mapping[head] = _without(mapping[head], rest)
    else:
        del mapping[head]
    return Located(mapping, node.loc, node.key_loc)


def _related(key: str, touched: set[str]) -> bool:
    def under(a: str, b: str) -> bool:
        return a == b or a.startswith((b + ".", b + "["))

    return any(under(key, t) or under(t, key) for t in touched)


def partial_problems(root: Located) -> list[tuple[str, str]]:
    """What the numbers show in the parts of a tree that hold on their own, when the whole
    scenario does not validate: each valid distribution's bounds and fit, and the correlations
    if every entry is valid."""
    problems: list[tuple[str, str]] = []
    for kind, path, entry in raw_entries(root):
        node = entry.child(PATTERNS[kind][1])
        if node is None:
            continue
        try:
            spec = _DIST.validate_python(node.plain())
        except ValidationError:
            continue
        key = dotted((*path, PATTERNS[kind][1]))
        if kind in ENTRY_RULES:
            rule, what = ENTRY_RULES[kind]
            problems += rule(key, spec, what)
        try:
            resolve(spec, _range(entry) if kind == "driver" else None)
        except distributions.FitError as exc:
            problems.append((key, str(exc)))
    listed = root.child("correlations")
    if listed is not None and isinstance(listed.value, tuple):
        try:
            correlations = [Correlation.model_validate(e.plain()) for e in listed.value]
        except ValidationError:
            correlations = []
        problems += correlation_problems(correlations)
    return problems


def raw_entries(root: Located) -> Iterator[tuple[Kind, PathKey, Located]]:
    """Every entry (a mapping) of a tree that may not validate, at the places
    :data:`~belwar.spec.entries.PATTERNS` gives, with its kind and path."""

    def along(node: Located, pattern: tuple[str | None, ...], path: PathKey) -> Iterator[Any]:
        if not isinstance(node.value, dict):
            return
        if not pattern:
            yield path, node
            return
        head, rest = pattern[0], pattern[1:]
        for key, child in node.value.items():
            if head is None or key == head:
                yield from along(child, rest, (*path, key))

    for kind, (pattern, _) in PATTERNS.items():
        for path, node in along(root, pattern, ()):
            yield kind, path, node


def _range(driver: Located) -> Any:
    """A driver's range when it is two numbers, low below high."""
    span = driver.child("range")
    bounds = span.plain() if span is not None else None
    if (
        isinstance(bounds, tuple)
        and len(bounds) == 2
        and all(isinstance(b, float | int) and not isinstance(b, bool) for b in bounds)
        and bounds[0] < bounds[1]
    ):
        return bounds
    return None


_CITATION = re.compile(r"[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*")


def raw_citations(root: Located) -> list[tuple[str, str]]:
    """Every well-formed citation of the entries of a tree that may not validate, with its key."""
    found: list[tuple[str, str]] = []
    for _, path, entry in raw_entries(root):
        evidence = entry.child("evidence")
        if evidence is not None and isinstance(evidence.value, tuple):
            for i, item in enumerate(evidence.value):
                if isinstance(item.value, str) and _CITATION.fullmatch(item.value):
                    found.append((f"{dotted((*path, 'evidence'))}[{i}]", item.value))
    return list(dict.fromkeys(found))  # a process's two parameters share one entry
