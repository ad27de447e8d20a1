"""Overrides of a scenario's values by dotted key path: ``{"simulation.samples": 5000}`` given
in code, or ``PATH=VALUE`` strings from the command line (VALUE read as YAML), set into the
tree before it is validated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from belwar.errors import InputError, Problem
from belwar.spec import yamlio
from belwar.spec.located import Loc, Located, PathKey

Overrides = Mapping[str, object] | Sequence[str]


# a key may carry one colon: an indicator's odds ratio on `state_at_least:<rung>`
_SEGMENT = re.compile(r"([a-z_][a-z0-9_]*(?::[a-z_][a-z0-9_]*)?)((?:\[\d+\])*)", re.IGNORECASE)
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")


def parse_key(key: str) -> PathKey:
    """``a.b[0].c`` (or ``a.b.0.c``) as a path tuple; raises ValueError when malformed."""
    path: list[str | int] = []
    for part in key.split("."):
        if part.isdigit():
            path.append(int(part))
            continue
        match = _SEGMENT.fullmatch(part)
        if match is None:
            raise ValueError(f"'{part}' is not a key")
        path.append(match.group(1))
        path.extend(int(i) for i in re.findall(r"\[(\d+)\]", match.group(2)))
    return tuple(path)


def apply_overrides(root: Located, overrides: Overrides) -> Located:
    """Set each overridden key path in the tree (creating mappings on the way), or raise."""
    items: list[tuple[str, Any, Loc, bool]] = []
    problems: list[Problem] = []
    if isinstance(overrides, Mapping):
        for key, value in overrides.items():
            items.append((key, value, Loc(f"override {key}"), False))
    else:
        for text in overrides:
            loc = Loc(f"--set {_printable(text)}")
            key, sep, value = text.partition("=")
            if not sep or not key.strip():
                problems.append(
                    loc.problem("", "expected PATH=VALUE, e.g. simulation.samples=50000")
                )
                continue
            if _LINE_BREAK.search(text):
                # "value: x\ny: 2" would read as two keys and drop the second without a word
                message = "a --set value must be on one line (it holds a line break)"
                problems.append(loc.problem(key.strip(), message))
                continue
            items.append((key.strip(), value, loc, True))
    for key, value, loc, from_text in items:
        try:
            path = parse_key(key)
            if path[:1] == ("extends",):
                raise ValueError(
                    "`extends` cannot be overridden: the parent file is read before any "
                    "override; change it in the scenario file"
                )
            node = _parse_value(value, loc) if from_text else yamlio.from_python(value, loc)
            root = set_at(root, path, node, loc)
        except ValueError as exc:
            problems.append(loc.problem(key, str(exc)))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return root


def _printable(text: str) -> str:
    """Text from a command line as it may be shown in a message: short, control characters
    as escapes."""
    text = yamlio.short(text)
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], text)


def _parse_value(text: str, loc: Loc) -> Located:
    try:
        tree = yamlio.parse(f"value: {text}" if text.strip() else "value: null", loc.file)
    except InputError as exc:
        raise InputError([loc.problem("", exc.problems[0].message)]) from None
    value = tree.value["value"]
    return yamlio.from_python(value.plain(), loc)


def set_at(node: Located, path: PathKey, value: Located, loc: Loc) -> Located:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        if not isinstance(node.value, tuple):
            raise ValueError(f"[{head}] indexes a list, but this is not one")
        if not 0 <= head < len(node.value):
            raise ValueError(f"index {head} is out of range (the list has {len(node.value)} items)")
        items = list(node.value)
        items[head] = set_at(items[head], rest, value, loc)
        return Located(tuple(items), node.loc, node.key_loc)
    if node.value is None:
        node = Located({}, loc, node.key_loc)
    if not isinstance(node.value, dict):
        raise ValueError(f"cannot set '{head}' inside a value that is not a mapping")
    mapping = dict(node.value)
    current = mapping.get(head, Located(None, loc))
    mapping[head] = set_at(current, rest, value, loc).keyed(loc)
    return Located(mapping, node.loc, node.key_loc)
