"""The commands and checks that take observed histories: ``evidence``, ``run --history``, and
history files given to ``validate`` (checked on their own and against every scenario given
beside them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from belwar.spec.evidence import Register
    from belwar.spec.scenario import Scenario


def is_history_file(path: Path) -> bool:
    """Whether ``path`` reads as a history file (a mapping with ``since``); a file that cannot
    be read is left to the scenario loader, which reports why."""
    from belwar.errors import InputError
    from belwar.spec import yamlio
    from belwar.spec.history_loader import is_history

    try:
        return is_history(yamlio.read(path, str(path)))
    except InputError:
        return False


def validate_history_file(path: Path, register: Register | None, scenarios: list[Scenario]) -> bool:
    """Check a history file, and against each of ``scenarios``; print what was found and
    return whether it is valid."""
    from belwar.errors import InputError
    from belwar.spec.history_loader import check_against, read_history

    problems = []
    try:
        loaded = read_history(path, register=register)
    except InputError as exc:
        problems = list(exc.problems)
        loaded = None
    if loaded is not None:
        for scenario in scenarios:
            try:
                check_against(loaded, scenario)
            except InputError as exc:
                problems += exc.problems
    if problems:
        count = len(problems)
        typer.echo(InputError(problems).render())
        typer.echo(f"{path}: {count} problem{'s' if count != 1 else ''}\n")
        return False
    assert loaded is not None
    history = loaded.history
    against = f", checked against {len(scenarios)} scenario(s)" if scenarios else ""
    typer.echo(
        f"{path}: ok (history {history.id}, {history.months} months observed, fingerprint "
        f"{history.fingerprint()}{against})"
    )
    return True
