"""History files read strictly, with every problem placed at its file, line and key: the schema
(:mod:`belwar.spec.history`), the rules of the history on its own, its citations against the
evidence register and, given a scenario, the rules against it
(:mod:`belwar.spec.history_check`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from belwar.errors import InputError
from belwar.spec import yamlio
from belwar.spec.evidence import Register
from belwar.spec.history import History, rules
from belwar.spec.history_check import against
from belwar.spec.located import Loc, Located
from belwar.spec.overrides import parse_key
from belwar.spec.placing import place, validate
from belwar.spec.register import citation_problems
from belwar.spec.scenario import Scenario


@dataclass(frozen=True, eq=False)
class LoadedHistory:
    """A validated history and the tree it was read from (to place later problems)."""

    history: History
    root: Located
    folder: Path | None = None


def is_history(root: Located) -> bool:
    """Whether a parsed file is a history rather than a scenario (it has ``since``)."""
    return isinstance(root.value, dict) and "since" in root.value


def read_history(
    path: str | os.PathLike[str], *, register: Register | None = None
) -> LoadedHistory:
    """Read and validate a history file on its own (no scenario yet)."""
    display = os.fspath(path)
    root = yamlio.read(Path(display), display)
    return validate_history(root, register=register, folder=Path(display).resolve().parent)


def history_from_data(
    data: Mapping[str, Any], *, register: Register | None = None, origin: str = "<history>"
) -> LoadedHistory:
    """Validate a history given as plain Python data."""
    return validate_history(yamlio.from_python(dict(data), Loc(origin)), register=register)


def validate_history(
    root: Located, *, register: Register | None = None, folder: Path | None = None
) -> LoadedHistory:
    """The schema, the history's own rules and its citations, every problem at once."""
    history = validate(History, root)
    problems = [place(root, parse_key(key), message) for key, message in rules(history)]
    problems += citation_problems(history.citations(), root, register, folder)
    if problems:
        raise InputError(problems)
    return LoadedHistory(history, root, folder)


def check_against(loaded: LoadedHistory, scenario: Scenario) -> None:
    """Raise :class:`InputError` with every way the history disagrees with ``scenario``."""
    problems = [
        place(loaded.root, parse_key(key), message)
        for key, message in against(loaded.history, scenario)
    ]
    if problems:
        raise InputError(problems)


def load_history(
    path: str | os.PathLike[str],
    *,
    scenario: Scenario | None = None,
    register: Register | None = None,
) -> History:
    """Load and validate a history file, and check it against ``scenario`` if one is given.
    Returns the frozen :class:`History`; raises :class:`InputError` with every problem."""
    loaded = read_history(path, register=register)
    if scenario is not None:
        check_against(loaded, scenario)
    return loaded.history
