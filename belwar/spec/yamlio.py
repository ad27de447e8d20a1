"""Strict YAML with positions: text becomes a tree of :class:`Located` values that remember where
they were written, so that every later complaint can point at a file, line and column.

The reader is deliberately strict, because a scenario is written by hand and a silent coercion is a
wrong number in a report: YAML 1.2 scalars only (``yes`` is text, not true), no NaN or infinity,
no duplicate keys, no custom tags or merge keys, and caps on size, nesting and aliases so that a
hostile or broken file cannot exhaust memory. Sequences become tuples, mappings dicts.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from belwar.errors import InputError, Problem
from belwar.spec.located import (
    MAX_DEPTH,
    Loc,
    Located,
    PathKey,
    dotted,
    from_python,
    merge,
    short,
)
from belwar.spec.yamlbuild import MAX_ALIASES, MAX_NODES, Builder, at_mark

__all__ = [  # the reader, and the tree it builds (belwar.spec.located), importable from here
    "MAX_ALIASES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Loc",
    "Located",
    "PathKey",
    "dotted",
    "from_python",
    "merge",
    "parse",
    "read",
    "short",
]

MAX_BYTES = 1_000_000


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
        raise InputError([at_mark(file, lines, mark).problem("", f"invalid YAML: {what}")])
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

    builder = Builder(file, lines)
    root = builder.run(events())
    if builder.problems:
        raise InputError(builder.problems)
    if not isinstance(root.value, dict):
        raise InputError(
            [root.loc.problem("", "the top level must be a mapping of keys to values")]
        )
    return root
