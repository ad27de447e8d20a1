"""Strict JSON in and out: what belwar writes is RFC 8259 (no NaN, no infinity), and what it
reads back is bounded before the parser touches it.

Reading a JSON file a person may have edited (or that someone crafted) is capped the way
:mod:`belwar.spec.yamlio` caps YAML: only regular files (a FIFO would block forever), at most
:data:`MAX_BYTES`, nesting at most :data:`MAX_DEPTH` deep, numbers at most
:data:`MAX_NUMBER_CHARS` characters (Python refuses to convert a 4,300-digit integer, and would
spend quadratic time on longer ones), no ``NaN``/``Infinity`` and no number that overflows to
infinity, no key twice in one object. Every problem is an :class:`~belwar.errors.InputError`
naming the file and, where the parse got that far, the JSON path (``records[3].p``).

Every record belwar writes (a run's result, a comparison, a sweep, a sensitivity analysis) is
wrapped by :func:`envelope`: ``"format": "belwar-<kind>"`` and ``"version"`` first, then the
record's own keys in their order; :func:`opened` checks that wrapper when one is read back.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Iterator
from typing import Any

from belwar import __version__
from belwar.errors import InputError, Problem, input_error

MAX_BYTES = 50 << 20  # a saved result of the largest model the caps allow is a few megabytes
MAX_DEPTH = 64  # a saved result nests six deep; a resolved scenario a dozen
MAX_NUMBER_CHARS = 100  # the longest float repr is 24 characters, the largest seed 20 digits
MAX_PROBLEMS = 20  # listed in one message; the rest are counted


#: The version of each kind of record this belwar writes (and, for a result, reads back).
VERSIONS = {
    "result": 1,
    "diff": 1,
    "sweep": 1,
    "sensitivity": 1,
    "evidence": 1,
    "score": 1,
    "track": 1,
    "watch": 1,
    "pool": 1,
}


def envelope(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """The one wrapper of saved and printed JSON: ``format`` (``belwar-<kind>``) and ``version``
    first, then ``body`` in its own key order (the golden files pin that order)."""
    return {"format": f"belwar-{kind}", "version": VERSIONS[kind], **body}


def opened(data: Any, kind: str, *, file: str) -> dict[str, Any]:
    """``data`` if it is an :func:`envelope` of ``kind`` in the version this belwar reads;
    otherwise an :class:`InputError` naming ``file`` and what the wrapper says instead."""
    expected = f"belwar-{kind}"
    if not isinstance(data, dict) or data.get("format") != expected:
        found = data.get("format") if isinstance(data, dict) else None
        raise input_error(
            f'not a belwar {kind}: "format" must be "{expected}"'
            + (f", got {shown(found)}" if found is not None else ""),
            file=file,
        )
    version = data.get("version")
    if version != VERSIONS[kind] or isinstance(version, bool):
        raise input_error(
            f"is {shown(version)}, and this belwar ({__version__}) reads {kind} version "
            f"{VERSIONS[kind]} only: run the scenario again to save it in this version",
            file=file,
            key="version",
        )
    return data


def shown(value: Any) -> str:
    """A JSON value as the file has it, shortened; containers by their kind."""
    if isinstance(value, dict) and value:
        return "an object"
    if isinstance(value, list) and value:
        return "a list"
    if isinstance(value, str):
        return quote(value)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


class NonFiniteNumberError(ValueError):
    """A NaN or infinity reached JSON output: belwar computed it, so it is a bug, not an input
    mistake (the CLI reports it as an internal error)."""


def dumps(data: Any, *, indent: int | None = 2) -> str:
    """``data`` as strict RFC 8259 JSON ending in a newline: UTF-8 text, and a NaN or infinity
    anywhere raises :class:`NonFiniteNumberError` naming its path instead of being written."""
    try:
        return json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError as exc:
        where = next((path for path, value in _leaves(data) if _non_finite(value)), None)
        if where is None:
            raise
        raise NonFiniteNumberError(
            f"a non-finite number reached JSON output at {where or 'the top level'}"
        ) from exc


def _non_finite(value: Any) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def _leaves(data: Any) -> Iterator[tuple[str, Any]]:
    """Every leaf of nested dicts, lists and tuples with its JSON path, without recursion."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack += [(join(path, str(k)), v) for k, v in reversed(value.items())]
        elif isinstance(value, list | tuple):
            stack += [(f"{path}[{i}]", v) for i, v in reversed(list(enumerate(value)))]
        else:
            yield path, value


def join(path: str, key: str) -> str:
    """``path.key``, or ``path["key"]`` for a key that is not a plain name (so a crafted key
    cannot smuggle control codes or a fake path into a message)."""
    if key.isidentifier() and key.isascii():
        return f"{path}.{key}" if path else key
    return f"{path}[{quote(key)}]"


def quote(text: str) -> str:
    """``text`` as a JSON string, with every unprintable character (controls, C1, bidi marks)
    escaped, and shortened if long: safe to show in a message."""
    shown = _shorten(text)
    return "".join(
        c if c.isprintable() else f"\\u{ord(c):04x}" for c in json.dumps(shown, ensure_ascii=False)
    )


# --- Reading -------------------------------------------------------------------------------------


class _Refused:
    """A number the parser met but will not hand on (too long, NaN, infinity): kept in place so
    the problem can be reported with its JSON path."""

    def __init__(self, text: str, why: str) -> None:
        self.text = text
        self.why = why


class _Object(dict[str, Any]):
    """A parsed JSON object that had some key more than once."""

    duplicates: tuple[str, ...] = ()


def _shorten(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...{text[-10:]} ({len(text):,} characters)"


def _parse_int(text: str) -> int | _Refused:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused(text, f"a number of {len(text):,} digits is too long")
    return int(text)


def _parse_float(text: str) -> float | _Refused:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused(text, f"a number of {len(text):,} characters is too long")
    value = float(text)
    if not math.isfinite(value):
        return _Refused(text, f"{text} is too large to be a number (it overflows to infinity)")
    return value


def _parse_constant(text: str) -> _Refused:
    return _Refused(text, f"{text} is not a number (JSON has no NaN or infinity)")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    seen: list[str] = []
    for key, value in pairs:
        if key in out:
            seen.append(key)
        out[key] = value
    if not seen:
        return out
    marked = _Object(out)
    marked.duplicates = tuple(seen)
    return marked


def read_bytes(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> bytes:
    """The content of a regular file of at most ``max_bytes``; anything else (a missing file, a
    folder, a FIFO or device, a larger file) is an :class:`InputError` naming the file."""
    display = os.fspath(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading must not wait for a writer; fstat then refuses it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise input_error("no such file", file=display) from None
    except ValueError:  # a NUL byte in the path
        raise input_error("not a usable path: it contains a NUL byte", file=display) from None
    except IsADirectoryError:
        raise input_error("is a folder, not a file", file=display) from None
    except OSError as exc:
        raise input_error(f"cannot read: {exc.strerror or exc}", file=display) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise input_error("is a folder, not a file", file=display)
        if not stat.S_ISREG(info.st_mode):
            raise input_error(
                "is not a regular file (a FIFO, socket or device); give a saved file",
                file=display,
            )
        if info.st_size > max_bytes:
            raise input_error(
                f"is {info.st_size:,} bytes; belwar reads files of at most {_size(max_bytes)}",
                file=display,
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            content = handle.read(max_bytes + 1)
    except OSError as exc:
        raise input_error(f"cannot read: {exc.strerror or exc}", file=display) from None
    finally:
        os.close(fd)
    if len(content) > max_bytes:  # it grew while we read it
        raise input_error(f"grew past {_size(max_bytes)} while being read", file=display)
    return content


def _size(count: int) -> str:
    return f"{count / 2**20:g} MB" if count >= 2**20 else f"{count:,} bytes"


def loads(content: bytes | str, *, file: str) -> Any:
    """Parse JSON text strictly (see the module docs); problems name ``file``."""
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise input_error(
                f"not UTF-8 text (byte 0x{content[exc.start]:02x} at offset {exc.start})",
                file=file,
            ) from None
    else:
        text = content.removeprefix("\ufeff")
    try:
        data = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
            object_pairs_hook=_pairs,
        )
    except json.JSONDecodeError as exc:
        what = exc.msg[0].lower() + exc.msg[1:]
        if exc.msg.startswith("Unterminated string"):
            what = "a string starting here is never closed"
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            what += " (the file ends early: is it cut short?)"
        raise InputError(
            [Problem(file, exc.lineno, exc.colno, "", f"not valid JSON: {what}")]
        ) from None
    except RecursionError:
        raise input_error(
            f"arrays and objects nested more than {MAX_DEPTH} deep", file=file
        ) from None
    problems = [Problem(file, None, None, path, why) for path, why in _refused(data)]
    if problems:
        raise InputError(capped(problems, file))
    return data


def _refused(data: Any) -> Iterator[tuple[str, str]]:
    """Every refused number, duplicated key and too-deep value, with its JSON path."""
    stack: list[tuple[str, Any, int]] = [("", data, 1)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, _Refused):
            yield path, value.why
        elif depth > MAX_DEPTH and isinstance(value, dict | list):
            yield _shorten(path), f"nested more than {MAX_DEPTH} deep"
        elif isinstance(value, dict):
            if isinstance(value, _Object):
                for key in dict.fromkeys(value.duplicates):
                    yield path, f"the key {quote(key)} appears more than once"
            stack += [(join(path, k), v, depth + 1) for k, v in reversed(value.items())]
        elif isinstance(value, list):
            stack += [(f"{path}[{i}]", v, depth + 1) for i, v in reversed(list(enumerate(value)))]


def capped(problems: list[Problem], file: str) -> list[Problem]:
    """At most :data:`MAX_PROBLEMS` problems, then one that counts the rest."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    # the ellipsis sorts after every JSON path, so the count comes last
    more = Problem(file, None, None, f"\u2026 and {rest:,} more problems", "")
    return [*problems[:MAX_PROBLEMS], more]


def read(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> Any:
    """A JSON file read and parsed strictly: :func:`read_bytes`, then :func:`loads`."""
    return loads(read_bytes(path, max_bytes=max_bytes), file=os.fspath(path))
