"""From files to validated objects: scenarios (with ``extends`` and overrides) and the evidence
register. Every problem found becomes a :class:`~belwar.errors.Problem` at its file, line and key,
and all of them are raised together in one :class:`~belwar.errors.InputError`.
"""

from __future__ import annotations

import os
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from inspect import isclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from belwar.core import copula, distributions
from belwar.errors import InputError, Problem
from belwar.spec import limits, yamlio
from belwar.spec.compile import resolve
from belwar.spec.evidence import Register, Source, find_register
from belwar.spec.scenario import (
    DIST_TYPES,
    TAG_PREFIX,
    Correlation,
    Dist,
    Scenario,
    check,
    number,
    positive,
    suggest,
    within_unit,
)
from belwar.spec.yamlio import Loc, Located, PathKey, dotted

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
    folder = _resolve(file, Loc(display), "").parent
    root = _read_chain(file, display, folder, ())
    root = apply_overrides(root, overrides)
    return validate_scenario(root, register=register, folder=folder)


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
    try:
        scenario = validate(Scenario, root)
    except InputError as exc:
        # The schema failed somewhere, but every part that holds can still be checked, so that
        # one pass lists every problem: fits and bounds of each valid distribution, the
        # correlations, and the citations.
        found = [*exc.problems]
        found += [_place(root, _parse_key(key), msg) for key, msg in partial_problems(root)]
        found += [_place(root, _parse_key(key), msg) for key, msg in _salvaged_rules(root, found)]
        if check_citations:
            found += _citation_problems(_raw_citations(root), root, register, folder)
        raise InputError(dict.fromkeys(found)) from None
    rules = check(scenario)
    # a value the rules already refuse (a negative odds ratio) is not measured again
    refused = {key for key, _ in rules}
    pairs = [*rules, *((k, m) for k, m in numeric_problems(scenario) if k not in refused)]
    problems = [_place(root, _parse_key(key), message) for key, message in dict.fromkeys(pairs)]
    if check_citations:
        problems += _citation_problems(list(scenario.citations()), root, register, folder)
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
    shown = yamlio.short(ref)
    if re.search(r"[\x00-\x1f\x7f]", ref):
        raise InputError([loc.problem("extends", "the path contains a control character")])
    if len(ref) > MAX_PATH or any(len(part) > MAX_NAME for part in Path(ref).parts):
        raise InputError(
            [loc.problem("extends", f"'{shown}' is too long for a path ({len(ref):,} characters)")]
        )
    if Path(ref).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", ref):
        raise InputError(
            [loc.problem("extends", f"'{shown}' is absolute: give a path relative to this file")]
        )
    target = _resolve(file.parent / ref, loc, "extends")
    if not target.is_relative_to(tree):
        raise InputError(
            [loc.problem("extends", f"'{shown}' leaves the scenario's folder ({_shown(tree)})")]
        )
    if target == here or target in chain:
        names = [_shown(p) for p in (*chain, here, target)]
        raise InputError([loc.problem("extends", "extends cycle: " + " -> ".join(names))])
    if len(chain) >= MAX_EXTENDS:
        raise InputError([loc.problem("extends", f"more than {MAX_EXTENDS} levels of extends")])
    if target.exists() and not target.is_file():
        what = "a folder" if target.is_dir() else "not a regular file"
        raise InputError([loc.problem("extends", f"parent scenario '{shown}' is {what}")])
    if not target.is_file():
        siblings = (
            sorted(p.name for p in target.parent.glob("*.yaml")) if target.parent.is_dir() else []
        )
        raise InputError(
            [
                loc.problem(
                    "extends",
                    f"parent scenario '{shown}' not found{suggest(Path(ref).name, siblings)}",
                )
            ]
        )
    parent_display = os.path.normpath(os.path.join(os.path.dirname(display), ref))
    parent = _read_chain(target, parent_display, tree, (*chain, here))
    return yamlio.merge(parent, node)


MAX_PATH = 1024  # characters in an `extends` path; each part at most MAX_NAME
MAX_NAME = 255


def _resolve(path: Path, loc: Loc, key: str) -> Path:
    """``path`` made absolute with its symlinks followed, or a placed problem saying why not."""
    try:
        return path.resolve()
    except RuntimeError:  # Python < 3.13 on a symlink loop
        reason = "it is a symlink loop"
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "the path cannot be used"
    raise InputError([loc.problem(key, f"cannot follow '{yamlio.short(str(path))}': {reason}")])


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


# --- Overrides -----------------------------------------------------------------------------------

_SEGMENT = re.compile(r"([a-z_][a-z0-9_]*)((?:\[\d+\])*)", re.IGNORECASE)
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")


def _parse_key(key: str) -> PathKey:
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
            path = _parse_key(key)
            if path[:1] == ("extends",):
                raise ValueError(
                    "`extends` cannot be overridden: the parent file is read before any "
                    "override; change it in the scenario file"
                )
            node = _parse_value(value, loc) if from_text else yamlio.from_python(value, loc)
            root = _set(root, path, node, loc)
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
    node, depth = root.deepest(path)
    written = node.text if depth == len(path) and not at_key else None
    return _place(root, path, _message(kind, value, ctx, error["msg"], written), at_key=at_key)


_YAML11_NUMBER = re.compile(r"[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)")


def _message(
    kind: str, value: Any, ctx: Mapping[str, Any], fallback: str, written: str | None = None
) -> str:
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
        shown = yamlio.short(str(value))
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
        return yamlio.short(written, 40)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        shown = yamlio.short(value, 40)
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


# --- Numbers and citations -----------------------------------------------------------------------


def numeric_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Problems only the numbers show: a ``ci90`` that cannot be fitted, a range that holds no
    probability, correlations that are not mutually consistent."""
    problems: list[tuple[str, str]] = limits.problems(scenario)
    for key, spec, bounds in _distributions(scenario):
        try:
            resolve(spec, bounds)
        except distributions.FitError as exc:
            problems.append((key, str(exc)))
    problems += _correlation_problems(scenario.correlations)
    return problems


def _correlation_problems(correlations: Sequence[Correlation]) -> list[tuple[str, str]]:
    """Whether the correlations can hold together; only asked of distinct pairs of two drivers
    (a repeated or self pair is reported on its own)."""
    pairs = {frozenset(c.between) for c in correlations}
    if not correlations or len(pairs) < len(correlations) or any(len(p) < 2 for p in pairs):
        return []
    names = sorted({n for c in correlations for n in c.between})
    matrix = copula.normal_matrix(
        names, [(c.between[0], c.between[1], c.rho) for c in correlations]
    )
    if copula.is_positive_definite(matrix):
        return []
    return [("correlations", _inconsistent(names, correlations, matrix))]


_DIST: TypeAdapter[Any] = TypeAdapter(Dist)


# A value the schema refuses is set aside (an unknown key dropped, a bad distribution replaced by
# a neutral point) so that the rules across fields can still be asked of everything else.
_SLOTS: tuple[tuple[str | None, ...], ...] = (
    ("drivers", None, "dist"),
    ("events", None, "monthly"),
    ("hazards", None, "base"),
    ("hazards", None, "odds_ratios", None, "dist"),
    ("momentum", "dist"),
)
_NEUTRAL = {"events": 0.0, "hazards": 0.0, "momentum": 1.0}
SALVAGE_ROUNDS = 3


def _salvaged_rules(root: Located, problems: Sequence[Problem]) -> list[tuple[str, str]]:
    """The cross-field rules and numeric checks of ``root`` with the values behind
    ``problems`` set aside, leaving out whatever touches a value set aside (its own key, its
    parents and its children), so nothing reported follows from a problem already reported.
    Empty when setting values aside cannot make the schema hold (a required key is missing)."""
    tree, touched, tainted = root, set[str](), set[str]()
    for _ in range(SALVAGE_ROUNDS):
        for problem in problems:
            try:
                path = _parse_key(problem.key)
            except ValueError:
                return []
            if not path or problem.message.startswith("missing required key"):
                return []
            slot = _slot(path)
            if slot is not None:
                tree = _set(tree, slot, _neutral(tree, slot), tree.loc)
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
    for key, node, bounds, rule in _raw_distributions(root):
        try:
            spec = _DIST.validate_python(node.plain())
        except ValidationError:
            continue
        if rule is not None:
            problems += rule[0](key, spec, rule[1])
        try:
            resolve(spec, bounds)
        except distributions.FitError as exc:
            problems.append((key, str(exc)))
    entries = root.child("correlations")
    if entries is not None and isinstance(entries.value, tuple):
        try:
            correlations = [Correlation.model_validate(e.plain()) for e in entries.value]
        except ValidationError:
            correlations = []
        problems += _correlation_problems(correlations)
    return problems


Rule = tuple[Callable[[str, Any, str], list[tuple[str, str]]], str]


def _raw_distributions(
    root: Located,
) -> Iterable[tuple[str, Located, tuple[float, float] | None, Rule | None]]:
    """Every distribution of a tree that may not validate: key, node, the driver's range (when it
    is valid) and the rule its values must keep."""

    def entries(section: Located | None) -> Iterable[tuple[str, Located]]:
        if section is not None and isinstance(section.value, dict):
            yield from ((k, v) for k, v in section.value.items() if isinstance(v.value, dict))

    def at(node: Located, key: str) -> Located | None:
        return node.child(key)

    for name, driver in entries(root.child("drivers")):
        dist, span = at(driver, "dist"), at(driver, "range")
        bounds = span.plain() if span is not None else None
        valid = (
            isinstance(bounds, tuple)
            and len(bounds) == 2
            and all(isinstance(b, float | int) and not isinstance(b, bool) for b in bounds)
            and bounds[0] < bounds[1]
        )
        if dist is not None:
            yield f"drivers.{name}.dist", dist, (bounds if valid else None), None
    for name, event in entries(root.child("events")):
        if (monthly := at(event, "monthly")) is not None:
            yield f"events.{name}.monthly", monthly, None, (within_unit, "a monthly probability")
    for rung, hazard in entries(root.child("hazards")):
        if (base := at(hazard, "base")) is not None:
            yield f"hazards.{rung}.base", base, None, (within_unit, "a monthly hazard")
        for name, ratio in entries(at(hazard, "odds_ratios")):
            if (dist := at(ratio, "dist")) is not None:
                key = f"hazards.{rung}.odds_ratios.{name}.dist"
                yield key, dist, None, (positive, "an odds ratio")
    momentum = root.child("momentum")
    if momentum is not None and (dist := momentum.child("dist")) is not None:
        yield "momentum.dist", dist, None, (positive, "momentum")


_CITATION = re.compile(r"[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*")


def _raw_citations(root: Located) -> list[tuple[str, str]]:
    """Every well-formed citation of a tree that may not validate, with its key."""
    found: list[tuple[str, str]] = []
    for path, node in yamlio.walk(root):
        if (
            len(path) >= 2
            and path[-1] == "evidence"
            and path[0] in {"drivers", "events", "hazards", "momentum"}
            and isinstance(node.value, tuple)
        ):
            for i, item in enumerate(node.value):
                if isinstance(item.value, str) and _CITATION.fullmatch(item.value):
                    found.append((f"{dotted(path)}[{i}]", item.value))
    return found


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


def _inconsistent(
    names: list[str], correlations: Sequence[Correlation], matrix: copula.Matrix
) -> str:
    nearest = copula.nearest_correlation(matrix)
    index = {n: i for i, n in enumerate(names)}
    changes = []
    for corr in correlations:
        a, b = corr.between
        suggested = copula.spearman_from_pearson(float(nearest[index[a], index[b]]))
        if abs(suggested - corr.rho) >= 0.005:
            changes.append(f"[{a}, {b}] {number(corr.rho)} -> {suggested:.2f}")
    return (
        "these correlations cannot hold together (the matrix is not positive definite); "
        "the nearest set that can changes " + "; ".join(changes)
    )


def _citation_problems(
    cited: list[tuple[str, str]], root: Located, register: Register | None, folder: Path | None
) -> list[Problem]:
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
            problems.append(_place(root, _parse_key(key), _unknown_citation(ref, register)))
    return problems


MAX_LISTED = 12


def _unknown_citation(ref: str, register: Register) -> str:
    """Why a citation is not in the register: an unknown source, or an unknown fact of a known
    source (then that source's facts are listed)."""
    source_id, _, _ = ref.partition("/")
    sources = {s.id: s for s in register.sources}
    head = f"'{ref}' is not in the evidence register"
    if source_id not in sources:
        return f"{head}: there is no source '{source_id}'{suggest(source_id, sources)}"
    facts = [f"{source_id}/{fact.id}" for fact in sources[source_id].facts]
    listed = ", ".join(f.partition("/")[2] for f in facts[:MAX_LISTED])
    more = f" and {len(facts) - MAX_LISTED} more" if len(facts) > MAX_LISTED else ""
    return f"{head}{suggest(ref, facts)} (facts of '{source_id}': {listed}{more})"


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
