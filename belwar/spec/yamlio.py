"""Strict YAML with positions: text becomes a tree of :class:`Located` values that remember where
they were written, so that every later complaint can point at a file, line and column.

The reader is deliberately strict, because a scenario is written by hand and a silent coercion is a
wrong number in a report: YAML 1.2 scalars only (``yes`` is text, not true), no NaN or infinity,
no duplicate keys, no custom tags or merge keys, and caps on size, nesting and aliases so that a
hostile or broken file cannot exhaust memory. Sequences become tuples, mappings dicts.
"""

from __future__ import annotations

import math
import os
import re
import stat
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
    text: str | None = None  # a scalar as written in the file, for messages to quote

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
    """Read and parse one YAML file; ``display`` is how the file is named in messages.

    Only a regular file is read: a FIFO, a device or a socket is refused before it is opened
    for reading (opening a FIFO blocks until a writer comes; reading a device may never end).
    """
    where = Loc(display)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputError([where.problem("", "is a folder, not a YAML file")])
        if not stat.S_ISREG(info.st_mode):
            raise InputError([where.problem("", f"is {_kind(info.st_mode)}, not a regular file")])
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, open still returns
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InputError([where.problem("", "is not a regular file")])
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError([where.problem("", "no such file")]) from None
    except OSError as exc:
        raise InputError([where.problem("", f"cannot read: {exc.strerror or exc}")]) from None
    except ValueError:  # a NUL byte in the path
        raise InputError([where.problem("", "the path contains a NUL byte")]) from None
    if len(raw) > MAX_BYTES:
        raise InputError([where.problem("", f"larger than {MAX_BYTES:,} bytes")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [where.problem("", f"not UTF-8 text (bad byte at offset {exc.start})")]
        ) from None
    return parse(text, display)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"  # pragma: no cover - no other kinds on POSIX


# YAML 1.2 reads only printable characters (c-printable); the rest must be written as escapes
# inside double quotes (\0, \e, \x07).
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # line breaks as the parser counts them
_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 0x1B: "ESC", 0x7F: "DEL"}
MAX_CHARACTER_PROBLEMS = 20


def _lines(text: str) -> list[str]:
    return _BREAK.split(text)


def _character_problems(text: str, file: str, lines: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    seen_lines: set[int] = set()
    for number, line in enumerate(lines, start=1):
        bad = _NOT_PRINTABLE.search(line)
        if bad is None or number in seen_lines:
            continue
        seen_lines.add(number)
        code = ord(bad.group())
        name = f"U+{code:04X}" + (f" ({_CONTROL_NAMES[code]})" if code in _CONTROL_NAMES else "")
        escape = "\\0" if code == 0 else "\\e" if code == 0x1B else f"\\x{code:02x}"
        hint = f"; inside double quotes write it as {escape}" if code < 0x100 else ""
        loc = Loc(file, number, bad.start() + 1, line)
        problems.append(loc.problem("", f"control character {name} is not allowed in YAML{hint}"))
        if len(problems) >= MAX_CHARACTER_PROBLEMS:
            break
    return problems


def parse(text: str, file: str) -> Located:
    """Parse one YAML document into a :class:`Located` tree, or raise :class:`InputError`."""
    lines = _lines(text)
    bad_characters = _character_problems(text, file, lines)
    if bad_characters:
        raise InputError(bad_characters)
    try:
        # libyaml (ruamel.yaml.clib) parses several times faster; a file it rejects is parsed
        # again in pure Python, whose messages say more about what is wrong and where.
        return _parse(text, file, lines, pure=False)
    except _SyntaxError:
        pass
    try:
        return _parse(text, file, lines, pure=True)
    except _SyntaxError as wrapped:
        exc = wrapped.error
    from ruamel.yaml.error import MarkedYAMLError  # noqa: PLC0415 - heavy (ruamel)

    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise InputError([_at(file, lines, mark).problem("", f"invalid YAML: {what}")])
    raise InputError([Loc(file).problem("", f"invalid YAML: {short(str(exc))}")])


class _SyntaxError(Exception):
    """The parser rejected the text (wraps its error, so that the pure parser can retry)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _parse(text: str, file: str, lines: list[str], *, pure: bool) -> Located:
    """The text's one document, built from the parser's events. Events are a flat stream (the
    parser keeps its own stack), so nesting is capped here before anything recurses."""
    from ruamel.yaml import YAML  # noqa: PLC0415 - heavy (ruamel)
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415 - heavy (ruamel)

    def events() -> Iterator[Any]:
        try:
            yield from YAML(typ="safe", pure=pure).parse(text)
        except YAMLError as exc:
            raise _SyntaxError(exc) from None

    builder = _Builder(file, lines)
    root = builder.run(events())
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


def short(text: str, limit: int = 60) -> str:
    """``text`` cut to about ``limit`` characters, with … where it was cut."""
    return text if len(text) <= limit else text[: limit - 12] + "…" + text[-10:]


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


class _Builder:
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
        return _at(self.file, self.lines, event.start_mark)

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
            node.key_loc = frame.key_loc
            frame.items[key] = node
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
