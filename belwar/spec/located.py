"""Values that remember where they were written: :class:`Loc` (file, line, column, the line's
text) and :class:`Located` (a value and its places), frozen, with the tree operations the
loader builds on: plain values in and out, deep merges, key paths as text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from belwar.errors import InputError, Problem

MAX_DEPTH = 32

PathKey = tuple[str | int, ...]


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


@dataclass(frozen=True)
class Located:
    """A value with its place. ``value`` is a dict of Located, a tuple of Located or a scalar;
    ``key_loc`` is where its key was written, when it is the value of a mapping."""

    value: Any
    loc: Loc
    key_loc: Loc | None = None
    text: str | None = None  # a scalar as written in the file, for messages to quote

    def keyed(self, key_loc: Loc | None) -> Located:
        """This value as the value of a key written at ``key_loc``."""
        return self if key_loc is self.key_loc else replace(self, key_loc=key_loc)

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


def short(text: str, limit: int = 60) -> str:
    """``text`` cut to about ``limit`` characters, with … where it was cut."""
    return text if len(text) <= limit else text[: limit - 12] + "…" + text[-10:]


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
            out[key] = from_python(item, loc, depth + 1).keyed(loc)
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
        out[key] = merge(out[key], value).keyed(value.key_loc) if key in out else value
    return Located(out, child.loc, child.key_loc)
