"""The curated public API: ``belwar.__all__`` is sorted, complete and cheap to import."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import belwar


def test_all_is_sorted_and_resolves() -> None:
    assert belwar.__all__ == sorted(belwar.__all__)
    for name in belwar.__all__:
        assert getattr(belwar, name) is not None


def test_all_lists_every_lazy_export() -> None:
    assert set(belwar.__all__) == {*belwar._EXPORTS, "__version__"}


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        belwar.no_such_thing  # noqa: B018


def test_import_is_light() -> None:
    # `import belwar` must not pull in the heavy libraries; they load when first used.
    heavy = "('numpy', 'scipy', 'pydantic', 'rich', 'typer')"
    code = f"import belwar, sys; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_exports_survive_importing_every_submodule() -> None:
    # A submodule named like an exported function would replace it on import (belwar.sweep).

    for module in pkgutil.walk_packages(belwar.__path__, prefix="belwar."):
        if module.name != "belwar.__main__":  # importing it runs the command line
            importlib.import_module(module.name)
    for name in belwar.__all__:
        value = getattr(belwar, name)
        assert not isinstance(value, type(belwar)), f"belwar.{name} is a module"
    assert callable(belwar.sweep)
    assert callable(belwar.sensitivity)
