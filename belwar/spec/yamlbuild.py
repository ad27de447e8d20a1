"""From the YAML parser's events to a tree of :class:`~belwar.spec.located.Located` values,
enforcing the strict rules as it goes: YAML 1.2 core scalars only, no NaN or infinity, no
duplicate keys, no custom tags or merge keys, and caps on nesting, values and aliases. It never
recurses, so no nesting can exhaust the stack before its cap is checked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from belwar.errors import InputError, Problem
from belwar.spec.located import MAX_DEPTH, Loc, Located, PathKey, dotted, short

MAX_ALIASES = 100
MAX_NODES = 100_000

_STD = "tag:yaml.org,2002:"
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def at_mark(file: str, lines: list[str], mark: Any) -> Loc:
    """The place of a parser's mark (0-based) as a :class:`Loc` (1-based), with its line."""
    if mark is None:
        return Loc(file)
    line, column = int(mark.line), int(mark.column)
    return Loc(file, line + 1, column + 1, lines[line] if 0 <= line < len(lines) else None)


# The YAML 1.2 core schema: how a plain (unquoted, untagged) scalar is read, and the forms an
# explicitly tagged one must take. Everything else is text: `yes`, `1_000`, `0b11`, `0x_1`.
_CORE = {
    "null": re.compile(r"~|null|Null|NULL|"),
    "bool": re.compile(r"true|True|TRUE|false|False|FALSE"),
    "int": re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"),
    "float": re.compile(
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    ),
}
# Not in the core schema, but a date is what `as_of` holds; a time stamp is refused by name.
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?"
)
MAX_DIGITS = 4300  # Python's own limit for reading an integer from text


def _plain_kind(text: str) -> str:
    for kind, pattern in _CORE.items():
        if pattern.fullmatch(text):
            return kind
    if _TIMESTAMP.fullmatch(text):
        return "timestamp"
    return "str"


@dataclass
class _Frame:
    """A collection being built: its items so far, the key waiting for a value, its size."""

    loc: Loc
    path: PathKey
    anchor: str | None
    items: dict[str, Located] | list[Located]
    key: str | None = None
    key_loc: Loc | None = None
    expecting_key: bool = True
    size: int = 1


_SKIP = "\0skip"  # a key already reported as wrong: its value is read and dropped


class Builder:
    """Turns the parser's events into Located values, enforcing the strict rules: no recursion,
    so that no nesting can exhaust the stack before its cap is checked."""

    def __init__(self, file: str, lines: list[str]) -> None:
        self.file, self.lines = file, lines
        self.problems: list[Problem] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Located, int, Loc]] = {}
        self.open_anchors: dict[str, Loc] = {}
        self.aliases = 0
        self.nodes = 0
        self.documents = 0
        self.root: Located | None = None

    def loc(self, event: Any) -> Loc:
        return at_mark(self.file, self.lines, event.start_mark)

    def fail(self, loc: Loc, message: str, path: PathKey) -> None:
        self.problems.append(loc.problem(dotted(path), message))

    def run(self, events: Iterator[Any]) -> Located:
        from ruamel.yaml import events as ev  # noqa: PLC0415 - heavy (ruamel)

        for event in events:
            if isinstance(event, ev.DocumentStartEvent):
                self.documents += 1
                version = getattr(event, "version", None)
                if version is not None and tuple(version) != (1, 2):
                    shown = ".".join(str(v) for v in version)
                    raise InputError(
                        [
                            self.loc(event).problem(
                                "", f"belwar reads YAML 1.2: remove the `%YAML {shown}` line"
                            )
                        ]
                    )
                continue
            if not isinstance(event, ev.NodeEvent | ev.CollectionEndEvent):
                continue
            if self.documents > 1:
                raise InputError(
                    [self.loc(event).problem("", "only one YAML document is allowed per file")]
                )
            self.event(event, ev)
        if self.root is None:
            raise InputError(
                [
                    Loc(self.file, 1, 1, self.lines[0] if self.lines else "").problem(
                        "", "the file is empty"
                    )
                ]
            )
        return self.root

    def child_path(self) -> PathKey:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame.items, list):
            return (*frame.path, len(frame.items))
        if frame.expecting_key or frame.key is None:
            return frame.path
        return frame.path if frame.key == _SKIP else (*frame.path, frame.key)

    def event(self, event: Any, ev: Any) -> None:
        if isinstance(event, ev.CollectionEndEvent):
            frame = self.stack.pop()
            value: Any = tuple(frame.items) if isinstance(frame.items, list) else frame.items
            node = Located(value, frame.loc)
            if frame.anchor is not None:
                self.open_anchors.pop(frame.anchor, None)
                self.anchors[frame.anchor] = (node, frame.size, frame.loc)
            self.add(node, frame.size, frame.loc)
            return
        loc = self.loc(event)
        path = self.child_path()
        self.count(1, loc)
        if len(self.stack) > MAX_DEPTH:
            raise InputError([loc.problem("", f"nested deeper than {MAX_DEPTH} levels")])
        anchor = getattr(event, "anchor", None)
        if isinstance(event, ev.AliasEvent):
            self.alias(event.anchor, loc, path)
            return
        if anchor is not None and (anchor in self.anchors or anchor in self.open_anchors):
            first = self.anchors[anchor][2] if anchor in self.anchors else self.open_anchors[anchor]
            where = f" (first at line {first.line})" if first.line else ""
            self.fail(loc, f"anchor '&{anchor}' is defined twice{where}", path)
        if isinstance(event, ev.ScalarEvent):
            node = self.scalar(event, loc, path)
            if anchor is not None:
                self.anchors[anchor] = (node, 1, loc)
            self.add(node, 1, loc, event)
            return
        is_map = isinstance(event, ev.MappingStartEvent)
        tag = getattr(event, "tag", None)
        expected = _STD + ("map" if is_map else "seq")
        if tag not in (None, "!", expected):
            self.fail(loc, f"tag '{tag}' is not allowed here", path)
        if anchor is not None:
            self.open_anchors[anchor] = loc
        items: dict[str, Located] | list[Located] = {} if is_map else []
        self.stack.append(_Frame(loc, path, anchor, items))

    def count(self, nodes: int, loc: Loc) -> None:
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise InputError(
                [loc.problem("", f"more than {MAX_NODES:,} values (aliases included)")]
            )

    def alias(self, name: str, loc: Loc, path: PathKey) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise InputError([loc.problem("", f"more than {MAX_ALIASES} aliases")])
        if name in self.open_anchors:
            self.fail(loc, f"alias '*{name}' refers to a value that contains it", path)
            self.add(Located(None, loc), 1, loc, alias=True)
            return
        if name not in self.anchors:
            self.fail(loc, f"unknown alias '*{name}' (no anchor '&{name}' before it)", path)
            self.add(Located(None, loc), 1, loc)
            return
        node, size, _ = self.anchors[name]
        self.count(size - 1, loc)
        self.add(_copy(node), size, loc, alias=True)

    def add(
        self, node: Located, size: int, loc: Loc, event: Any = None, alias: bool = False
    ) -> None:
        if not self.stack:
            self.root = node
            return
        frame = self.stack[-1]
        frame.size += size
        if isinstance(frame.items, list):
            frame.items.append(node)
            return
        if not frame.expecting_key:
            frame.expecting_key = True
            key, frame.key = frame.key, None
            if key is None or key == _SKIP:
                return
            frame.items[key] = node.keyed(frame.key_loc)
            return
        frame.expecting_key = False
        frame.key, frame.key_loc = _SKIP, loc
        if event is None or alias:
            shown = "an alias" if alias else "a collection"
            self.fail(loc, f"keys must be plain text, not {shown}", frame.path)
            return
        text = str(event.value)
        if node.value is None and text == "<<" and event.tag is None:
            self.fail(
                loc,
                "merge keys (<<) are not supported; use `extends` to build on a file",
                frame.path,
            )
            return
        if not isinstance(node.value, str):
            if node.value is not None or text:
                self.fail(loc, f"keys must be plain text, not {short(text)!r}", frame.path)
            else:
                self.fail(loc, "keys must be plain text, not an empty key", frame.path)
            return
        key = node.value
        if key in frame.items:
            first = frame.items[key].key_loc
            where = f" (first at line {first.line})" if first and first.line else ""
            self.fail(loc, f"duplicate key '{short(key)}'{where}", (*frame.path, key))
            return
        frame.key = key

    def scalar(self, event: Any, loc: Loc, path: PathKey) -> Located:
        text = str(event.value)
        tag = event.tag
        if tag is None:
            kind = _plain_kind(text) if event.implicit[0] else "str"
            if kind == "str" and text == "<<" and event.implicit[0]:
                return Located(None, loc, text=text)  # a merge key: reported where it is a key
        elif tag == "!":
            kind = "str"
        elif tag.startswith(_STD) and tag.removeprefix(_STD) in {*_CORE, "str", "timestamp"}:
            kind = tag.removeprefix(_STD)
            if kind not in {"str", "timestamp"} and not _CORE[kind].fullmatch(text):
                what = {
                    "int": "a whole number",
                    "float": "a number",
                    "bool": "true or false",
                    "null": "null",
                }[kind]
                self.fail(loc, f"'{short(text)}' is not {what} (it is tagged !!{kind})", path)
                return Located(None, loc, text=text)
        else:
            self.fail(loc, f"tag '{short(tag)}' is not allowed", path)
            return Located(None, loc, text=text)
        return self.typed(kind, text, loc, path)

    def typed(self, kind: str, text: str, loc: Loc, path: PathKey) -> Located:
        shown = short(text)
        if kind == "str":
            return Located(text, loc, text=text)
        if kind == "null":
            return Located(None, loc, text=text)
        if kind == "bool":
            return Located(text.lower() == "true", loc, text=text)
        if kind == "int":
            digits = len(text.lstrip("+-"))
            if digits > MAX_DIGITS:
                self.fail(loc, f"'{shown}' has {digits:,} digits: too long for a number", path)
                return Located(None, loc, text=text)
            base = 8 if text.startswith("0o") else 16 if text.startswith("0x") else 10
            return Located(int(text[2:] if base != 10 else text, base), loc, text=text)
        if kind == "float":
            if text.lstrip("+-").lower() in {".inf", ".nan"}:
                self.fail(loc, f"'{shown}': NaN and infinity are not allowed; write a number", path)
                return Located(None, loc, text=text)
            number = float(text)
            if not math.isfinite(number):
                self.fail(loc, f"'{shown}' is too large for a number (beyond 1.8e308)", path)
                return Located(None, loc, text=text)
            if number == 0 and any(c in "123456789" for c in re.split("[eE]", text)[0]):
                self.fail(loc, f"'{shown}' is too small for a number (it would be 0)", path)
                return Located(None, loc, text=text)
            return Located(number, loc, text=text)
        match = _DATE.fullmatch(text)
        if match is None:
            self.fail(loc, f"'{shown}': write a plain date such as 2022-04-15", path)
            return Located(None, loc, text=text)
        try:
            return Located(date(*(int(g) for g in match.groups())), loc, text=text)
        except ValueError as exc:
            self.fail(loc, f"'{shown}' is not a valid date ({exc})", path)
            return Located(None, loc, text=text)


def _copy(node: Located) -> Located:
    """A fresh copy of an anchored value for each alias (places are set per use)."""
    if isinstance(node.value, dict):
        return Located({k: _copy(v) for k, v in node.value.items()}, node.loc, text=node.text)
    if isinstance(node.value, tuple):
        return Located(tuple(_copy(v) for v in node.value), node.loc, text=node.text)
    return Located(node.value, node.loc, text=node.text)
