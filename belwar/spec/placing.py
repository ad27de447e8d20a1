"""Validation with places: a tree of located values checked against a pydantic model, each of
pydantic's errors turned into a :class:`~belwar.errors.Problem` at the file, line and key it is
about, in words a person can act on.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping, Sequence
from inspect import isclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from belwar.errors import InputError, Problem
from belwar.spec.dists import DIST_TYPES, TAG_PREFIX
from belwar.spec.located import Located, PathKey, dotted, short
from belwar.spec.words import number, suggest

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], root: Located) -> M:
    """Validate a tree against a pydantic model, turning its errors into placed problems."""
    try:
        return model.model_validate(root.plain())
    except ValidationError as exc:
        problems: dict[tuple[str, str], Problem] = {}
        for error in exc.errors(include_url=False):
            problem = _problem(model, root, error)
            problems.setdefault((problem.key, problem.message), problem)
        raise InputError(problems.values()) from None


def _data_path(loc: Sequence[str | int], root: Located, missing: bool) -> PathKey:
    """Pydantic's error location as a path through the data: union tags and member names,
    which are not keys of the file, are dropped."""
    path: list[str | int] = []
    node: Located | None = root
    for i, key in enumerate(loc):
        if isinstance(key, str) and key.startswith(TAG_PREFIX):
            continue
        nxt = node.child(key) if node is not None else None
        if nxt is None:
            if missing and i == len(loc) - 1:
                path.append(key)
            continue
        path.append(key)
        node = nxt
    return tuple(path)


NAMED_SECTIONS = {"drivers": "driver", "events": "event", "hazards": "hazard"}


def place(root: Located, path: PathKey, message: str, *, at_key: bool = False) -> Problem:
    node, depth = root.deepest(path)
    # A mapping or list is best shown by its key: its own position is its first child's.
    at_key = at_key or depth < len(path) or isinstance(node.value, dict | tuple)
    loc = node.key_loc if at_key and node.key_loc else node.loc
    return loc.problem(dotted(path), message)


def _problem(model: type[BaseModel], root: Located, error: Any) -> Problem:
    kind: str = error["type"]
    path = _data_path(error["loc"], root, missing=kind == "missing")
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        message = f"missing required key '{path[-1]}'"
        if len(path) == 3 and path[0] in NAMED_SECTIONS and isinstance(path[1], str):
            # an incomplete entry next to a similar name is most likely a misspelt override
            section = root.child(path[0])
            others = [k for k in section.value if k != path[1]] if section else []
            hint = suggest(path[1], others)
            if hint:
                message += f" for a new {NAMED_SECTIONS[path[0]]}{hint}"
        return place(root, path[:-1], message, at_key=True)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, path[:-1], root)
        name = str(path[-1])
        hint = suggest(name, allowed) if allowed else ""
        listing = f" (allowed: {', '.join(allowed)})" if allowed and not hint else ""
        return place(root, path, f"unknown key '{name}'{hint}{listing}", at_key=True)
    at_key = "[key]" in error["loc"]  # pydantic's marker for a bad mapping key
    node, depth = root.deepest(path)
    written = node.text if depth == len(path) and not at_key else None
    return place(root, path, _message(kind, value, ctx, error["msg"], written), at_key=at_key)


_YAML11_NUMBER = re.compile(r"[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)")


def _message(
    kind: str, value: Any, ctx: Mapping[str, Any], fallback: str, written: str | None = None
) -> str:
    """Pydantic's error ``kind`` in words a person can act on. Long because it is a table: one
    short branch per kind of error, read top to bottom; splitting it would scatter the table."""
    got = _describe(value, written)
    expected = {
        "float_type": "a number",
        "int_type": "a whole number",
        "string_type": "text",
        "bool_type": "true or false",
        "dict_type": "a mapping of keys to values",
        "model_type": "a mapping of keys to values",
        "tuple_type": "a list",
        "date_type": "a date such as 2022-04-15",
    }
    if kind == "float_type" and isinstance(value, int) and not isinstance(value, bool):
        return f"{got} is too large for a number (beyond 1.8e308)"
    if kind in expected:
        hint = ""
        if isinstance(value, str) and kind in {"float_type", "int_type"}:
            if ("_" in value and _YAML11_NUMBER.fullmatch(value)) or value[:2] in {"0b", "0B"}:
                hint = " (YAML 1.2 numbers have no `_` separators and no 0b form)"
            elif _numeric(value):
                hint = " (remove the quotes to make it a number)"
        return f"expected {expected[kind]}, got {got}{hint}"
    if kind == "union_tag_invalid":
        types_ = ", ".join(DIST_TYPES)
        if isinstance(value, dict) and "type" not in value:
            return f"a distribution needs a `type`: one of {types_}"
        if isinstance(value, dict):
            name = str(value["type"])
            return (
                f"unknown distribution type '{name}'{suggest(name, DIST_TYPES)} (types: {types_})"
            )
        return f"expected a number or a distribution {{type: ..., ...}}, got {got}"
    if kind == "value_error":
        return str(ctx.get("error", fallback))
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"unknown value {got}{suggest(str(value), choices)} (one of {', '.join(choices)})"
    if kind == "string_pattern_mismatch":
        shown = short(str(value))
        if "/" in str(ctx.get("pattern", "")):
            return f"'{shown}' is not a citation of the form source-id/fact-id"
        return (
            f"'{shown}' is not a valid name: use lower-case letters, digits and underscores, "
            "starting with a letter"
        )
    bounds = {
        "greater_than": "above",
        "greater_than_equal": "at least",
        "less_than": "below",
        "less_than_equal": "at most",
    }
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        shown = number(limit) if isinstance(limit, int | float) else str(limit)
        return f"must be {bounds[kind]} {shown}, got {got}"
    if kind in {"too_short", "too_long"}:
        wanted = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        size = len(value) if isinstance(value, tuple | dict | str) else "?"
        plural = "item" if wanted == 1 else "items"
        bound = "at least" if kind == "too_short" else "at most"
        return f"{bound} {wanted} {plural} allowed here, got {size}"
    if kind == "string_too_long":
        return f"text longer than {ctx.get('max_length')} characters"
    return fallback


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _describe(value: Any, written: str | None = None) -> str:
    """The value for a message: a scalar as the file wrote it when known."""
    if written is not None and not isinstance(value, str | dict | tuple | list):
        return short(written, 40)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        shown = short(value, 40)
        return f"text '{shown}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, tuple | list):
        return f"a list of {len(value)}"
    if isinstance(value, int | float):
        return number(value)
    return type(value).__name__


def _allowed_keys(model: type[BaseModel], path: PathKey, root: Located) -> list[str]:
    """The keys the model accepts at ``path`` (for "did you mean"), or [] if not a model."""
    tp: Any = model
    node: Located | None = root
    for key in path:
        tp = _unwrap(tp, node)
        node = node.child(key) if node is not None else None
        if isclass(tp) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(key))
            tp = field.annotation if field is not None else None
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        elif typing.get_origin(tp) is tuple:
            args = typing.get_args(tp)
            tp = args[0] if len(args) == 2 and args[1] is Ellipsis else None
        else:
            return []
    tp = _unwrap(tp, node)
    return list(tp.model_fields) if isclass(tp) and issubclass(tp, BaseModel) else []


def _unwrap(tp: Any, node: Located | None) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [m for m in typing.get_args(tp) if m is not type(None)]
            if len(members) == 1:
                tp = members[0]
                continue
            kind = node.child("type") if node is not None else None
            if kind is not None and kind.value in DIST_TYPES:
                return DIST_TYPES[kind.value]
            return None
        else:
            return tp
