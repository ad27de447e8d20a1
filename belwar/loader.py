"""From files to validated objects: scenarios (with ``extends`` and overrides) and the evidence
register. Every problem found becomes a :class:`~belwar.errors.Problem` at its file, line and key,
and all of them are raised together in one :class:`~belwar.errors.InputError`.
"""

from __future__ import annotations

import os
import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from inspect import isclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from belwar import copula, distributions, limits, yamlio
from belwar.errors import InputError, Problem
from belwar.evidence import Register, Source, find_register
from belwar.scenario import DIST_TYPES, TAG_PREFIX, Scenario, check, suggest
from belwar.yamlio import Loc, Located, PathKey, dotted

M = TypeVar("M", bound=BaseModel)
Overrides = Mapping[str, object] | Sequence[str]

MAX_EXTENDS = 16


# --- Scenarios -----------------------------------------------------------------------------------


def load_scenario(
    path: str | os.PathLike[str],
    *,
    overrides: Overrides = (),
    register: Register | None = None,
) -> Scenario:
    """Load, merge (``extends``), override and validate a scenario file.

    ``overrides`` is either a mapping of dotted key paths to Python values, or ``PATH=VALUE``
    strings as on the command line (VALUE parsed as YAML). ``register`` defaults to the nearest
    ``seeds/`` folder above the file. Returns a frozen, fully resolved :class:`Scenario`; raises
    :class:`InputError` carrying every problem found.
    """
    display = os.fspath(path)
    file = Path(display)
    root = _read_chain(file, display, file.resolve().parent, ())
    root = apply_overrides(root, overrides)
    return validate_scenario(root, register=register, folder=file.resolve().parent)


def scenario_from_data(
    data: Mapping[str, Any], *, register: Register | None = None, origin: str = "<data>"
) -> Scenario:
    """Validate a scenario given as plain Python data (as a file would hold it), with every rule
    a file gets; problems are reported against ``origin``."""
    root = yamlio.from_python(dict(data), Loc(origin))
    return validate_scenario(root, register=register)


def validate_scenario(
    root: Located,
    *,
    register: Register | None = None,
    folder: Path | None = None,
    check_citations: bool = True,
) -> Scenario:
    """Validate a merged scenario tree: the schema, the rules across fields, the numbers
    themselves (fits, ranges, correlations) and (unless ``check_citations`` is false) the
    citations against the register."""
    if isinstance(root.value, dict):
        root = Located({k: v for k, v in root.value.items() if k != "extends"}, root.loc)
    scenario = validate(Scenario, root)
    problems = [_place(root, _parse_key(key), message) for key, message in check(scenario)]
    if not problems:
        problems += [_place(root, _parse_key(key), msg) for key, msg in numeric_problems(scenario)]
        if check_citations:
            problems += _citation_problems(scenario, root, register, folder)
    if problems:
        raise InputError(problems)
    return scenario


def _read_chain(file: Path, display: str, tree: Path, chain: tuple[Path, ...]) -> Located:
    node = yamlio.read(file, display)
    here = file.resolve()
    parent_ref = node.child("extends")
    if parent_ref is None or parent_ref.value is None:
        return node
    if not isinstance(parent_ref.value, str):
        raise InputError([parent_ref.loc.problem("extends", "expected a relative file path")])
    ref = parent_ref.value
    loc = parent_ref.loc
    if Path(ref).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", ref):
        raise InputError(
            [loc.problem("extends", f"'{ref}' is absolute: give a path relative to this file")]
        )
    target = (file.parent / ref).resolve()
    if not target.is_relative_to(tree):
        raise InputError(
            [loc.problem("extends", f"'{ref}' leaves the scenario's folder ({_shown(tree)})")]
        )
    if target == here or target in chain:
        names = [_shown(p) for p in (*chain, here, target)]
        raise InputError([loc.problem("extends", "extends cycle: " + " -> ".join(names))])
    if len(chain) >= MAX_EXTENDS:
        raise InputError([loc.problem("extends", f"more than {MAX_EXTENDS} levels of extends")])
    if not target.is_file():
        siblings = (
            sorted(p.name for p in target.parent.glob("*.yaml")) if target.parent.is_dir() else []
        )
        raise InputError(
            [
                loc.problem(
                    "extends",
                    f"parent scenario '{ref}' not found{suggest(Path(ref).name, siblings)}",
                )
            ]
        )
    parent_display = os.path.normpath(os.path.join(os.path.dirname(display), ref))
    parent = _read_chain(target, parent_display, tree, (*chain, here))
    return yamlio.merge(parent, node)


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


# --- Overrides -----------------------------------------------------------------------------------

_SEGMENT = re.compile(r"([a-z_][a-z0-9_]*)((?:\[\d+\])*)$", re.IGNORECASE)


def _parse_key(key: str) -> PathKey:
    """``a.b[0].c`` (or ``a.b.0.c``) as a path tuple; raises ValueError when malformed."""
    path: list[str | int] = []
    for part in key.split("."):
        if part.isdigit():
            path.append(int(part))
            continue
        match = _SEGMENT.match(part)
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
            loc = Loc(f"--set {text}")
            key, sep, value = text.partition("=")
            if not sep or not key.strip():
                problems.append(
                    loc.problem("", "expected PATH=VALUE, e.g. simulation.samples=50000")
                )
                continue
            items.append((key.strip(), value, loc, True))
    for key, value, loc, from_text in items:
        try:
            path = _parse_key(key)
            node = _parse_value(value, loc) if from_text else yamlio.from_python(value, loc)
            root = _set(root, path, node, loc)
        except ValueError as exc:
            problems.append(loc.problem(key, str(exc)))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return root


def _parse_value(text: str, loc: Loc) -> Located:
    try:
        tree = yamlio.parse(f"value: {text}" if text.strip() else "value: null", loc.file)
    except InputError as exc:
        raise InputError([loc.problem("", exc.problems[0].message)]) from None
    value = tree.value["value"]
    return yamlio.from_python(value.plain(), loc)


def _set(node: Located, path: PathKey, value: Located, loc: Loc) -> Located:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        if not isinstance(node.value, tuple):
            raise ValueError(f"[{head}] indexes a list, but this is not one")
        if not 0 <= head < len(node.value):
            raise ValueError(f"index {head} is out of range (the list has {len(node.value)} items)")
        items = list(node.value)
        items[head] = _set(items[head], rest, value, loc)
        return Located(tuple(items), node.loc, node.key_loc)
    if node.value is None:
        node = Located({}, loc, node.key_loc)
    if not isinstance(node.value, dict):
        raise ValueError(f"cannot set '{head}' inside a value that is not a mapping")
    mapping = dict(node.value)
    current = mapping.get(head, Located(None, loc))
    updated = _set(current, rest, value, loc)
    updated.key_loc = loc
    mapping[head] = updated
    return Located(mapping, node.loc, node.key_loc)


# --- Validation with places ----------------------------------------------------------------------


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


def _place(root: Located, path: PathKey, message: str, *, at_key: bool = False) -> Problem:
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
        return _place(root, path[:-1], message, at_key=True)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, path[:-1], root)
        name = str(path[-1])
        hint = suggest(name, allowed) if allowed else ""
        listing = f" (allowed: {', '.join(allowed)})" if allowed and not hint else ""
        return _place(root, path, f"unknown key '{name}'{hint}{listing}", at_key=True)
    at_key = "[key]" in error["loc"]  # pydantic's marker for a bad mapping key
    return _place(root, path, _message(kind, value, ctx, error["msg"]), at_key=at_key)


def _message(kind: str, value: Any, ctx: Mapping[str, Any], fallback: str) -> str:
    got = _describe(value)
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
    if kind in expected:
        hint = ""
        if isinstance(value, str) and kind in {"float_type", "int_type"} and _numeric(value):
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
        if "/" in str(ctx.get("pattern", "")):
            return f"'{value}' is not a citation of the form source-id/fact-id"
        return (
            f"'{value}' is not a valid name: use lower-case letters, digits and underscores, "
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
        return f"must be {bounds[kind]} {limit}, got {got}"
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


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text '{shown}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, tuple | list):
        return f"a list of {len(value)}"
    if isinstance(value, int | float):
        return f"{value:g}"
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


# --- Numbers and citations -----------------------------------------------------------------------


def numeric_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Problems only the numbers show: a ``ci90`` that cannot be fitted, a range that holds no
    probability, correlations that are not mutually consistent."""
    problems: list[tuple[str, str]] = limits.problems(scenario)
    for key, spec, bounds in _distributions(scenario):
        try:
            distributions.resolve(spec, bounds)
        except distributions.FitError as exc:
            problems.append((key, str(exc)))
    if scenario.correlations:
        names = sorted({n for c in scenario.correlations for n in c.between})
        pairs = [(c.between[0], c.between[1], c.rho) for c in scenario.correlations]
        matrix = copula.normal_matrix(names, pairs)
        if not copula.is_positive_definite(matrix):
            problems.append(("correlations", _inconsistent(names, scenario, matrix)))
    return problems


def _distributions(scenario: Scenario) -> Iterable[tuple[str, Any, tuple[float, float] | None]]:
    for name, driver in scenario.drivers.items():
        yield f"drivers.{name}.dist", driver.dist, driver.range
    for name, event in scenario.events.items():
        yield f"events.{name}.monthly", event.monthly, None
    for rung, hazard in scenario.hazards.items():
        yield f"hazards.{rung}.base", hazard.base, None
        for name, ratio in hazard.odds_ratios.items():
            yield f"hazards.{rung}.odds_ratios.{name}.dist", ratio.dist, None
    if scenario.momentum is not None:
        yield "momentum.dist", scenario.momentum.dist, None


def _inconsistent(names: list[str], scenario: Scenario, matrix: copula.Matrix) -> str:
    nearest = copula.nearest_correlation(matrix)
    index = {n: i for i, n in enumerate(names)}
    changes = []
    for corr in scenario.correlations:
        a, b = corr.between
        suggested = copula.spearman_from_pearson(float(nearest[index[a], index[b]]))
        if abs(suggested - corr.rho) >= 0.005:
            changes.append(f"[{a}, {b}] {corr.rho:g} -> {suggested:.2f}")
    return (
        "these correlations cannot hold together (the matrix is not positive definite); "
        "the nearest set that can changes " + "; ".join(changes)
    )


def _citation_problems(
    scenario: Scenario, root: Located, register: Register | None, folder: Path | None
) -> list[Problem]:
    cited = list(scenario.citations())
    if not cited:
        return []
    if register is None:
        found = find_register(folder or Path.cwd())
        if found is None:
            key, _ = cited[0]
            return [
                _place(
                    root,
                    _parse_key(key),
                    "no evidence register (a seeds/ folder) found to check citations against",
                )
            ]
        register = load_register(found)
    known = register.citations()
    problems = []
    for key, ref in cited:
        if ref not in known:
            problems.append(
                _place(
                    root,
                    _parse_key(key),
                    f"'{ref}' is not in the evidence register{suggest(ref, known)}",
                )
            )
    return problems


# --- The evidence register -----------------------------------------------------------------------


def load_register(folder: str | os.PathLike[str]) -> Register:
    """Read and validate every ``*.yaml`` source file in ``folder``."""
    base = Path(folder)
    sources: list[Source] = []
    problems: list[Problem] = []
    files = sorted(base.glob("*.yaml"))
    if not files:
        raise InputError(
            [Loc(os.fspath(base)).problem("", "no source files (*.yaml) in the register")]
        )
    seen: dict[str, str] = {}
    for file in files:
        display = os.fspath(file)
        try:
            root = yamlio.read(file, display)
            source = validate(Source, root)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if source.id != file.stem:
            problems.append(
                _place(root, ("id",), f"'{source.id}' must match the file name '{file.stem}'")
            )
        if source.id in seen:
            problems.append(
                _place(root, ("id",), f"source '{source.id}' is also defined in {seen[source.id]}")
            )
        seen[source.id] = display
        first: dict[str, int] = {}
        for i, fact in enumerate(source.facts):
            if fact.id in first:
                problems.append(
                    _place(
                        root,
                        ("facts", i, "id"),
                        f"duplicate fact id '{fact.id}' (first at facts[{first[fact.id]}])",
                    )
                )
            first.setdefault(fact.id, i)
        sources.append(source)
    if problems:
        raise InputError(problems)
    return Register(tuple(sources), base)
