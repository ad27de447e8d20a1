"""Optional packages are imported through one helper that names the extra to install."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from belwar.errors import BelwarError
from belwar.optional import EXTRAS, MissingExtra, require


def test_require_returns_the_module() -> None:
    assert require("json", extra="notebook") is json


def test_a_missing_package_names_the_extra() -> None:
    with pytest.raises(MissingExtra) as caught:
        require("belwar_no_such_package.sub", extra="dask")
    assert str(caught.value) == (
        "belwar_no_such_package is needed for this: pip install 'belwar[dask]'"
    )
    assert isinstance(caught.value, BelwarError)  # the CLI's error boundary: exit 2, one line


def test_a_broken_package_keeps_its_own_error() -> None:
    """A package that is there but fails to import a module of its own is not 'missing'."""
    with pytest.raises(ModuleNotFoundError):
        require("json.no_such_module", extra="notebook")


def test_extras_are_the_ones_pyproject_declares() -> None:
    pyproject = Path(__file__).parents[1] / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text())["project"]["optional-dependencies"]
    assert set(EXTRAS) == set(declared) - {"dev"}
    with pytest.raises(ValueError, match="unknown extra"):
        require("json", extra="frames")
