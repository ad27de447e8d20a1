"""What ships with belwar: its scenarios and its evidence register.

An installed wheel holds them inside the package, at ``belwar/_data/scenarios`` and
``belwar/_data/seeds`` (pyproject.toml's ``force-include``); a source checkout has them beside
the package, at the repository's root. A scenario reaches a shipped one by name, as
``extends: belwar:baseline.yaml``.
"""

from __future__ import annotations

from pathlib import Path

PREFIX = "belwar:"  # `extends: belwar:NAME.yaml` names a shipped scenario
PACKAGE = Path(__file__).resolve().parent.parent  # the installed `belwar` folder


def shipped_folder(kind: str, package: Path | None = None) -> Path | None:
    """The folder of shipped ``kind`` (``"scenarios"`` or ``"seeds"``) holding YAML files: inside
    the installed ``package`` (default: belwar's), else beside it in a source checkout; None if
    neither has any."""
    package = PACKAGE if package is None else package
    for candidate in (package / "_data" / kind, package.parent / kind):
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate.resolve()
    return None


def shipped_scenarios() -> Path | None:
    """The folder of the scenarios that ship with belwar."""
    return shipped_folder("scenarios")


def shipped_register() -> Path | None:
    """The evidence register that ships with belwar."""
    return shipped_folder("seeds")


def shipped_names() -> list[str]:
    """The file names of the shipped scenarios, sorted (``baseline.yaml``, ...)."""
    folder = shipped_scenarios()
    return sorted(p.name for p in folder.glob("*.yaml")) if folder is not None else []


def is_shipped(path: Path) -> bool:
    """Whether ``path`` (resolved) is one of the shipped scenarios."""
    folder = shipped_scenarios()
    return folder is not None and path.parent == folder
