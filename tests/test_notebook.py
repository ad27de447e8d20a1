"""The example notebook ships executed, so it shows its tables and charts when browsed; this
re-executes it and checks that it gives the same outputs: the same cells, each with the same
kinds of output, and belwar's own text (the short reprs) to the character.

After changing the notebook or what it shows, rewrite its outputs on purpose with
``BELWAR_UPDATE_NOTEBOOK=1 .venv/bin/python -m pytest tests/test_notebook.py`` and commit it.
"""

from __future__ import annotations

import copy
import os
from typing import Any

import nbformat
from nbclient import NotebookClient

from .conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "walkthrough.ipynb"


def _shape(notebook: Any) -> list[tuple[str, list[tuple[str, tuple[str, ...]]]]]:
    """Each cell's type and, for code, each output's type and the formats it carries."""
    return [
        (
            cell.cell_type,
            [
                (o["output_type"], tuple(sorted(o.get("data", {"stream": o.get("name")}))))
                for o in cell.get("outputs", [])
            ],
        )
        for cell in notebook.cells
    ]


def _printed(notebook: Any) -> list[str]:
    """What the code printed: belwar's short reprs, identical at a fixed seed."""
    return [
        o["text"]
        for cell in notebook.cells
        for o in cell.get("outputs", [])
        if o["output_type"] == "stream"
    ]


def _execute(notebook: Any) -> Any:
    ran = copy.deepcopy(notebook)
    NotebookClient(
        ran,
        timeout=600,
        kernel_name="python3",
        record_timing=False,  # no timestamps in the shipped file
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    return ran


def test_notebook_ships_executed_and_reexecutes_to_the_same_outputs() -> None:
    shipped = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    ran = _execute(shipped)
    if os.environ.get("BELWAR_UPDATE_NOTEBOOK") == "1":
        nbformat.write(ran, NOTEBOOK)  # type: ignore[no-untyped-call]
        shipped = ran
    outputs = [o for cell in shipped.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert all(c.get("outputs") for c in shipped.cells if c.cell_type == "code")
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 4  # fan, diff, sweep and tornado charts
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any('class="belwar"' in h for h in html)  # results displayed as tables
    assert _shape(ran) == _shape(shipped)
    assert _printed(ran) == _printed(shipped)
    assert any(
        "baseline -> baseline + drivers.kremlin_pressure.dist.mode=0.8" in t for t in _printed(ran)
    )
