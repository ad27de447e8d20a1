"""From files to validated objects: scenarios (with ``extends`` and overrides) and the evidence
register. Every problem found becomes a :class:`~belwar.errors.Problem` at its file, line and key,
and all of them are raised together in one :class:`~belwar.errors.InputError`.

This module is the entry point and the order of the checks; the parts live beside it: reading
``extends`` chains (:mod:`~belwar.spec.extends`), overrides (:mod:`~belwar.spec.overrides`),
pydantic errors placed in the file (:mod:`~belwar.spec.placing`), the rules across fields
(:mod:`~belwar.spec.rules`), the numbers (:mod:`~belwar.spec.numeric`), what still holds when
the schema fails (:mod:`~belwar.spec.salvage`) and the register (:mod:`~belwar.spec.register`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from belwar.errors import InputError
from belwar.spec import revisions, yamlio
from belwar.spec.entries import citations
from belwar.spec.evidence import Register
from belwar.spec.extends import parent_path, read_chain, resolve_path
from belwar.spec.located import Loc, Located
from belwar.spec.numeric import numeric_problems
from belwar.spec.overrides import Overrides, apply_overrides, parse_key
from belwar.spec.placing import place, validate
from belwar.spec.pool import is_pool
from belwar.spec.register import citation_problems, default_register, load_register
from belwar.spec.rules import check
from belwar.spec.salvage import partial_problems, raw_citations, salvaged_rules
from belwar.spec.scenario import Scenario, register_validator
from belwar.spec.shipped import PREFIX, is_shipped, shipped_register

__all__ = [  # the loader's names, as cli, run and tests import them
    "Overrides",
    "apply_overrides",
    "load_register",
    "load_scenario",
    "numeric_problems",
    "partial_problems",
    "register_for",
    "scenario_from_data",
    "validate",
    "validate_scenario",
]

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
    ``seeds/`` folder above the file with the register that ships with belwar; a register given
    is joined by the shipped one when the file extends a shipped scenario. Returns a frozen,
    fully resolved :class:`Scenario`; raises :class:`InputError` carrying every problem found.
    """
    display = os.fspath(path)
    named = revisions.split(display)
    if named is not None:  # REV:PATH, read through git
        at = revisions.locate(*named)
        with revisions.checked_out(at) as file:
            return _load(file, display, overrides, register, at.working_folder)
    return _load(Path(display), display, overrides, register, None)


def _load(
    file: Path,
    display: str,
    overrides: Overrides,
    register: Register | None,
    register_folder: Path | None,
) -> Scenario:
    """:func:`load_scenario` of ``file``, named ``display``; citations resolve in the register
    found from ``register_folder`` (default: the file's folder) unless one is given."""
    folder = resolve_path(file, Loc(display), "").parent
    chain = read_chain(file, display, folder, ())
    if is_pool(chain.node):  # the whole message, not every scenario key the pool lacks
        message = "a pool file, not a scenario: belwar run, pool, diff and report take pools"
        raise InputError([place(chain.node, ("pool",), message, at_key=True)])
    if register is not None:
        register = with_shipped(register, chain.files)
    root = apply_overrides(chain.node, overrides)
    return validate_scenario(root, register=register, folder=register_folder or folder)


def register_for(
    path: str | os.PathLike[str], register: str | os.PathLike[str] | None = None
) -> Register | None:
    """The evidence register a scenario file's citations resolve in: by default
    :func:`~belwar.spec.register.default_register` (the nearest ``seeds/`` folder above the file
    with the shipped register); given a ``register`` folder, that one, joined by the shipped
    register when the file extends a shipped scenario. None if there is none."""
    display = os.fspath(path)
    named = revisions.split(display)
    if named is not None:  # REV:PATH: the register of the working tree where the file would be
        at = revisions.locate(*named)
        if register is None:
            return default_register(at.working_folder)
        with revisions.checked_out(at) as file:
            files = read_chain(file, display, file.parent, ()).files
        return with_shipped(load_register(register), files)
    file = Path(display)
    folder = resolve_path(file, Loc(display), "").parent
    if register is None:
        return default_register(folder)
    return with_shipped(load_register(register), read_chain(file, display, folder, ()).files)


def with_shipped(register: Register, files: tuple[Path, ...]) -> Register:
    """``register`` joined by the shipped register when any of ``files`` (a scenario's chain) is
    a shipped scenario, so that its citations resolve wherever it is extended from."""
    shipped = shipped_register()
    if shipped is None or not any(is_shipped(f) for f in files):
        return register
    return register.joined(load_register(shipped))


def scenario_from_data(
    data: Mapping[str, Any], *, register: Register | None = None, origin: str = "<data>"
) -> Scenario:
    """Validate a scenario given as plain Python data (as a file would hold it), with every rule
    a file gets; problems are reported against ``origin``."""
    root = yamlio.from_python(dict(data), Loc(origin))
    return validate_scenario(root, register=register)


def load_parent(
    path: str | os.PathLike[str], *, register: Register | None = None
) -> tuple[str, Scenario] | None:
    """What the scenario file at ``path`` extends: the reference as the file writes it and the
    parent scenario, loaded and resolved; ``None`` when it extends nothing. Load the file itself
    first (:func:`load_scenario` checks the reference)."""
    display = os.fspath(path)
    named = revisions.split(display)
    if named is not None:  # the parent at the same revision
        at = revisions.locate(*named)
        with revisions.checked_out(at) as file:
            node = yamlio.read(file, display).child("extends")
        if node is None or not isinstance(node.value, str):
            return None
        if node.value.startswith(PREFIX):
            return node.value, load_scenario(parent_path(file, node.value), register=register)
        joined = os.path.normpath(os.path.join(os.path.dirname(named[1]), node.value))
        return node.value, load_scenario(f"{named[0]}:{joined}", register=register)
    node = yamlio.read(Path(display), display).child("extends")
    if node is None or not isinstance(node.value, str):
        return None
    return node.value, load_scenario(parent_path(Path(display), node.value), register=register)


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
        found += [place(root, parse_key(key), msg) for key, msg in partial_problems(root)]
        found += [place(root, parse_key(key), msg) for key, msg in salvaged_rules(root, found)]
        if check_citations:
            found += citation_problems(raw_citations(root), root, register, folder)
        raise InputError(dict.fromkeys(found)) from None
    rules = check(scenario)
    # a value the rules already refuse (a negative odds ratio) is not measured again
    refused = {key for key, _ in rules}
    pairs = [*rules, *((k, m) for k, m in numeric_problems(scenario) if k not in refused)]
    problems = [place(root, parse_key(key), message) for key, message in dict.fromkeys(pairs)]
    if check_citations:
        cited = citations(scenario)
        problems += citation_problems(cited, root, register, folder, as_of=scenario.as_of)
    if problems:
        raise InputError(problems)
    return scenario


register_validator(validate_scenario)
