"""Optional packages, imported in one place that names the extra to install.

belwar's core needs numpy and scipy only; DataFrames and charts need the ``notebook`` extra,
Dask runs the ``dask`` extra and workbooks need the ``xlsx`` extra (see
``[project.optional-dependencies]`` in pyproject.toml). Every
import of such a package goes through :func:`require`, so a missing one always reads the same:
``pandas is needed for this: pip install 'belwar[notebook]'``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from belwar.errors import BelwarError

EXTRAS = ("dask", "notebook", "xlsx")  # the extras pyproject.toml declares for users


class MissingExtra(BelwarError):
    """An optional package is not installed; the message names the extra that brings it."""


def require(name: str, *, extra: str) -> ModuleType:
    """The module ``name`` (``"pandas"``, ``"matplotlib.figure"``, ``"distributed"``), imported;
    raises :class:`MissingExtra` naming ``pip install 'belwar[<extra>]'`` when it is missing."""
    if extra not in EXTRAS:
        raise ValueError(f"unknown extra {extra!r} (extras: {', '.join(EXTRAS)})")
    package = name.partition(".")[0]
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != package:
            raise  # the package is there but lacks a part of itself or a dependency: say that
        raise MissingExtra(f"{package} is needed for this: pip install 'belwar[{extra}]'") from None
