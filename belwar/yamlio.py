"""Strict YAML with positions: text becomes a tree of :class:`Located` values that remember where
they were written, so that every later complaint can point at a file, line and column.

The reader is deliberately strict, because a scenario is written by hand and a silent coercion is a
wrong number in a report: YAML 1.2 scalars only (``yes`` is text, not true), no NaN or infinity,
no duplicate keys, no custom tags or merge keys, and caps on size, nesting and aliases so that a
hostile or broken file cannot exhaust memory. Sequences become tuples, mappings dicts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from belwar.errors import InputError, Problem

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_ALIASES = 100
MAX_NODES = 100_000

PathKey = tuple[str | int, ...]

_STD = "tag:yaml.org,2002:"
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class Loc:
    """Where a value was written: 1-based line and column, and the text of that line."""

    file: str
    line: int | None = None
    column: int | None = None
    text: str | None = None

    def problem(self, key: str, message: str) -> Problem:
        """A :class:`Problem` at this place."""
        return Problem(self.file, self.line, self.column, key, message, self.text)


@dataclass
class Located:
    """A value with its place. ``value`` is a dict of Located, a tuple of Located or a scalar."""

    value: Any
    loc: Loc
    key_loc: Loc | None = None

    def plain(self) -> Any:
        """The value without positions: dicts, tuples and scalars."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, tuple):
            return tuple(v.plain() for v in self.value)
        return self.value

    def child(self, key: str | int) -> Located | None:
        """The value at ``key`` of a mapping or index of a sequence, if there is one."""
        if isinstance(self.value, dict) and isinstance(key, str):
            return self.value.get(key)
        if isinstance(self.value, tuple) and isinstance(key, int) and 0 <= key < len(self.value):
            found: Located = self.value[key]
            return found
        return None

    def deepest(self, path: PathKey) -> tuple[Located, int]:
        """The deepest node along ``path`` and how many steps of the path it got through."""
        node, depth = self, 0
        for key in path:
            nxt = node.child(key)
            if nxt is None:
                break
            node, depth = nxt, depth + 1
        return node, depth


def dotted(path: PathKey) -> str:
    """``("ladder", "rungs", 2, "id")`` as ``ladder.rungs[2].id``."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += f".{key}" if out else key
    return out


def read(path: Path, display: str) -> Located:
    """Read and parse one YAML file; ``display`` is how the file is named in messages."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError([Loc(display).problem("", "no such file")]) from None
    except IsADirectoryError:
        raise InputError([Loc(display).problem("", "is a folder, not a YAML file")]) from None
    except OSError as exc:
        raise InputError([Loc(display).problem("", f"cannot read: {exc.strerror}")]) from None
    if len(raw) > MAX_BYTES:
        raise InputError([Loc(display).problem("", f"larger than {MAX_BYTES:,} bytes")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Loc(display).problem("", f"not UTF-8 text (bad byte at offset {exc.start})")]
        ) from None
    return parse(text, display)


def parse(text: str, file: str) -> Located:
    """Parse one YAML document into a :class:`Located` tree, or raise :class:`InputError`."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    lines = text.splitlines()
    try:
        # libyaml (ruamel.yaml.clib) composes seven times faster; a file it rejects is parsed
        # again in pure Python, whose messages say more about what is wrong and where.
        nodes = list(YAML(typ="safe", pure=False).compose_all(text))
    except (YAMLError, RecursionError, ValueError, TypeError, AttributeError):
        nodes = None
    try:
        if nodes is None:
            nodes = list(YAML(typ="rt", pure=True).compose_all(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise InputError([_at(file, lines, mark).problem("", f"invalid YAML: {what}")]) from None
    except (YAMLError, RecursionError, ValueError, TypeError, AttributeError) as exc:
        raise InputError([Loc(file).problem("", f"invalid YAML: {exc}")]) from None
    if not nodes:
        raise InputError(
            [Loc(file, 1, 1, lines[0] if lines else "").problem("", "the file is empty")]
        )
    if len(nodes) > 1:
        second = _at(file, lines, nodes[1].start_mark)
        raise InputError([second.problem("", "only one YAML document is allowed per file")])
    builder = _Builder(file, lines)
    root = builder.build(nodes[0], ())
    if builder.problems:
        raise InputError(builder.problems)
    if not isinstance(root.value, dict):
        raise InputError(
            [root.loc.problem("", "the top level must be a mapping of keys to values")]
        )
    return root


def _at(file: str, lines: list[str], mark: Any) -> Loc:
    if mark is None:
        return Loc(file)
    line, column = int(mark.line), int(mark.column)
    return Loc(file, line + 1, column + 1, lines[line] if 0 <= line < len(lines) else None)


class _Builder:
    """Turns ruamel's composed node graph into Located values, enforcing the strict rules."""

    def __init__(self, file: str, lines: list[str]) -> None:
        self.file, self.lines = file, lines
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.aliases = 0
        self.nodes = 0

    def loc(self, node: Any) -> Loc:
        return _at(self.file, self.lines, node.start_mark)

    def fail(self, node: Any, message: str, path: PathKey) -> Located:
        self.problems.append(self.loc(node).problem(dotted(path), message))
        return Located(None, self.loc(node))

    def build(self, node: Any, path: PathKey) -> Located:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InputError([self.loc(node).problem("", f"more than {MAX_NODES:,} values")])
        if len(path) > MAX_DEPTH:
            raise InputError([self.loc(node).problem("", f"nested deeper than {MAX_DEPTH} levels")])
        if id(node) in self.seen:  # compose hands back the anchored node itself for an alias
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise InputError([self.loc(node).problem("", f"more than {MAX_ALIASES} aliases")])
        self.seen.add(id(node))
        tag = str(getattr(node.tag, "value", node.tag))
        if isinstance(node, MappingNode):
            if tag != _STD + "map":
                return self.fail(node, f"tag '{tag}' is not allowed here", path)
            return self.mapping(node, path)
        if isinstance(node, SequenceNode):
            if tag != _STD + "seq":
                return self.fail(node, f"tag '{tag}' is not allowed here", path)
            items = tuple(self.build(item, (*path, i)) for i, item in enumerate(node.value))
            return Located(items, self.loc(node))
        if isinstance(node, ScalarNode):
            return self.scalar(node, tag, path)
        return self.fail(
            node, "unsupported YAML node", path
        )  # pragma: no cover - compose makes no other

    def mapping(self, node: Any, path: PathKey) -> Located:
        from ruamel.yaml.nodes import ScalarNode

        out: dict[str, Located] = {}
        for key_node, value_node in node.value:
            key_tag = str(getattr(key_node.tag, "value", key_node.tag))
            if key_tag == _STD + "merge":
                self.fail(
                    key_node,
                    "merge keys (<<) are not supported; use `extends` to build on a file",
                    path,
                )
                continue
            if not isinstance(key_node, ScalarNode) or key_tag != _STD + "str":
                shown = key_node.value if isinstance(key_node, ScalarNode) else "a collection"
                self.fail(key_node, f"keys must be plain text, not {shown!r}", path)
                continue
            key = str(key_node.value)
            if key in out:
                first = out[key].key_loc
                where = f" (first at line {first.line})" if first and first.line else ""
                self.fail(key_node, f"duplicate key '{key}'{where}", (*path, key))
                continue
            value = self.build(value_node, (*path, key))
            value.key_loc = self.loc(key_node)
            out[key] = value
        return Located(out, self.loc(node))

    def scalar(self, node: Any, tag: str, path: PathKey) -> Located:
        text = str(node.value)
        loc = self.loc(node)
        kind = tag.removeprefix(_STD)
        if kind == "str":
            return Located(text, loc)
        if kind == "null":
            return Located(None, loc)
        if kind == "bool":
            return Located(text.lower() == "true", loc)
        if kind == "int":
            digits = text.replace("_", "")
            try:
                return Located(int(digits, 10), loc)
            except ValueError:
                pass
            try:
                return Located(int(digits, 0), loc)
            except ValueError:
                return self.fail(node, f"cannot read {text!r} as an integer", path)
        if kind == "float":
            try:
                number = float(text.replace("_", ""))
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                return self.fail(
                    node, f"{text!r}: NaN and infinity are not allowed; write a number", path
                )
            return Located(number, loc)
        if kind == "timestamp":
            match = _DATE.match(text)
            if match is None:
                return self.fail(node, f"{text!r}: write a plain date such as 2022-04-15", path)
            try:
                return Located(date(*(int(g) for g in match.groups())), loc)
            except ValueError as exc:
                return self.fail(node, f"{text!r} is not a valid date ({exc})", path)
        return self.fail(node, f"tag '{tag}' is not allowed", path)


def from_python(value: Any, loc: Loc, depth: int = 0) -> Located:
    """Wrap a plain Python value (an override given in code) in Located, with the YAML rules:
    text, numbers, booleans, null, dates, lists and mappings with text keys only; finite floats."""
    if depth > MAX_DEPTH:
        raise InputError([loc.problem("", f"nested deeper than {MAX_DEPTH} levels")])
    if isinstance(value, dict):
        out: dict[str, Located] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError([loc.problem("", f"keys must be text, not {key!r}")])
            child = from_python(item, loc, depth + 1)
            child.key_loc = loc
            out[key] = child
        return Located(out, loc)
    if isinstance(value, list | tuple):
        return Located(tuple(from_python(v, loc, depth + 1) for v in value), loc)
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError([loc.problem("", "NaN and infinity are not allowed; write a number")])
    if value is None or isinstance(value, str | int | float | bool | date):
        return Located(value, loc)
    raise InputError([loc.problem("", f"cannot use a {type(value).__name__} here")])


def merge(parent: Located, child: Located) -> Located:
    """Deep-merge ``child`` over ``parent``: mappings merge key by key, everything else replaces."""
    if not (isinstance(parent.value, dict) and isinstance(child.value, dict)):
        return child
    out = dict(parent.value)
    for key, value in child.value.items():
        out[key] = merge(out[key], value) if key in out else value
        out[key].key_loc = value.key_loc
    return Located(out, child.loc, child.key_loc)


def walk(node: Located, path: PathKey = ()) -> Iterator[tuple[PathKey, Located]]:
    """Every node of the tree with its path, parents before children."""
    yield path, node
    if isinstance(node.value, dict):
        for key, child in node.value.items():
            yield from walk(child, (*path, key))
    elif isinstance(node.value, tuple):
        for index, child in enumerate(node.value):
            yield from walk(child, (*path, index))
