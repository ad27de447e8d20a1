"""The commands and checks that take pools: ``pool`` (an ad-hoc pool of scenario files),
``run POOL.yaml``, ``diff`` with a pool on either side, and pool files given to ``validate``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from belwar.spec.evidence import Register


def validate_pool_file(path: Path, register: Register | None) -> bool:
    """Check a pool file and its members; print what was found and return whether it is
    valid."""
    from belwar.errors import InputError
    from belwar.spec.pool import load_pool

    try:
        found = load_pool(path, register=register)
    except InputError as exc:
        count = len(exc.problems)
        typer.echo(exc.render())
        typer.echo(f"{path}: {count} problem{'s' if count != 1 else ''}\n")
        return False
    weights = ", ".join(f"{m.scenario.id} {m.weight:.3f}" for m in found.members)
    typer.echo(
        f"{path}: ok (pool {found.id}, {found.method}, {len(found.members)} members: "
        f"{weights}; fingerprint {found.fingerprint()})"
    )
    return True
