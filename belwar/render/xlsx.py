"""Results as Excel workbooks: every table of a result on its own sheet, from the same table
models the terminal and markdown draw (:mod:`belwar.render.tables`). The first sheet holds the
tidy records (one row per rung and month, per point or per input) with their numbers as
numbers; the others hold the tables as shown, one sheet each, named by their titles.

openpyxl is an optional extra (``pip install 'belwar[xlsx]'``), imported only when a workbook
is written."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from belwar.optional import require
from belwar.render.diff_layouts import diff_layout, diff_records
from belwar.render.run_layouts import run_drivers, run_layout, run_records
from belwar.render.sensitivity_layouts import sensitivity_layout, sensitivity_records
from belwar.render.sweep_layouts import sweep_layout, sweep_records
from belwar.render.text import clean

if TYPE_CHECKING:
    from belwar.render.tables import Cell, Table
    from belwar.results.comparison import Comparison
    from belwar.results.run import Result
    from belwar.results.sensitivity import Sensitivity
    from belwar.results.sweep import Sweep

Sheets = list[tuple[str, "Table"]]

_MAX_NAME = 31  # Excel's limit on a sheet's name
_NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\]")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _titled(tables: Sequence[Table], untitled: Sequence[str] = ()) -> Sheets:
    """Each table with its title as a sheet name, else the name ``untitled`` gives it at its
    place, else ``table N``."""
    names = [*untitled, *(f"table {n}" for n in range(len(untitled) + 1, len(tables) + 1))]
    return [(t.title.text if t.title else names[n], t) for n, t in enumerate(tables)]


def table_sheets(tables: Sequence[Table]) -> Sheets:
    """Any result's tables as shown, one sheet each (for results without a records table)."""
    return _titled(tables)


def run_sheets(result: Result) -> Sheets:
    """A run: its records, then each table of the run (as markdown shows them: whole labels,
    no terminal widths) and the drivers as sampled."""
    tables = [*run_layout(result, "markdown"), run_drivers(result)]
    return [("results", run_records(result)), *_titled(tables, ("likelihood",))]


def diff_sheets(comparison: Comparison) -> Sheets:
    """A comparison: every rung and month, then the changes and the results as shown."""
    return [
        ("results", diff_records(comparison, show_all=True)),
        *_titled(diff_layout(comparison, show_all=True, view="markdown")),
    ]


def sweep_sheets(sweep: Sweep) -> Sheets:
    """A sweep: its points, then the table as shown."""
    return [("points", sweep_records(sweep)), *_titled([sweep_layout(sweep)])]


def sensitivity_sheets(result: Sensitivity) -> Sheets:
    """A sensitivity analysis: every input's influence, then the table as shown."""
    return [
        ("inputs", sensitivity_records(result)),
        *_titled([sensitivity_layout(result, top=None)]),
    ]


def sheet_name(title: str, taken: set[str]) -> str:
    """``title`` as a sheet name Excel accepts (31 characters, none of ``[]:*?/\\``), made
    unique among ``taken`` (compared as Excel does, ignoring case)."""
    base = _NOT_IN_NAMES.sub(" ", clean(title)).strip().strip("'")[:_MAX_NAME] or "sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: _MAX_NAME - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _datum(cell: Cell) -> Any:
    """What a cell holds in a spreadsheet: its raw value when it has a plain one, a number
    when its text is one (records keep floats as their repr), else its text."""
    if isinstance(cell.value, bool | int | float):
        return cell.value
    if isinstance(cell.value, str):
        return clean(cell.value)
    text = clean(cell.text)
    if _NUMBER.fullmatch(text):
        number = float(text)
        return (
            int(number)
            if number.is_integer() and "." not in text and "e" not in text.lower()
            else number
        )
    return text


def _put(sheet: Any, row: int, values: list[Any], bold: Any = None) -> None:
    """Write one row; text is always text, never a formula (a label may begin with "=")."""
    for column, value in enumerate(values, 1):
        cell = sheet.cell(row=row, column=column, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"
        if bold is not None:
            cell.font = bold


def workbook(sheets: Sequence[tuple[str, Table]]) -> bytes:
    """The workbook of ``sheets`` (name, table) as .xlsx bytes: on each sheet the headers in
    bold on the first row, the rows under them, then the caption and notes after a blank row."""
    openpyxl = require("openpyxl", extra="xlsx")
    styles = require("openpyxl.styles", extra="xlsx")
    book = openpyxl.Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for title, model in sheets:
        sheet = book.create_sheet(sheet_name(title, taken))
        _put(
            sheet,
            1,
            [clean(column.header) for column in model.columns],
            bold=styles.Font(bold=True),
        )
        for number, row in enumerate(model.rows, 2):
            _put(sheet, number, [_datum(cell) for cell in row])
        after = [c for c in (model.caption, *model.notes) if c is not None]
        for number, note in enumerate(after, len(model.rows) + 3):
            _put(sheet, number, [clean(note.text)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
