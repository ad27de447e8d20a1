"""Rendering by name: each result type in each format, as thin functions over the table model
(:mod:`belwar.render.tables`) and the layouts (:mod:`belwar.render.run_layouts`,
:mod:`belwar.render.diff_layouts`, :mod:`belwar.render.sweep_layouts`,
:mod:`belwar.render.sensitivity_layouts`). The display methods of results, the CLI and the HTML
report call these names. Nothing here computes; rich is imported only when a table is drawn."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from belwar.optional import require
from belwar.render.diff_layouts import DIFF_FIELDS, diff_heading, diff_layout, diff_records
from belwar.render.run_layouts import (
    many_layout,
    run_heading,
    run_layout,
    run_records,
    sources_documents,
    sources_facts,
)
from belwar.render.sensitivity_layouts import (
    TOP,
    sensitivity_brief,
    sensitivity_layout,
    sensitivity_records,
)
from belwar.render.sweep_layouts import sweep_layout, sweep_points
from belwar.render.sweep_layouts import sweep_records as sweep_record_table
from belwar.render.tables import (
    rich_text,
    table,
    to_csv,
    to_html,
    to_markdown,
    to_rich,
    user,
)
from belwar.render.text import clean, markdown_text, percent, points, signed, spread
from belwar.results import jsonio
from belwar.results.run import RECORD_FIELDS, Result
from belwar.spec.evidence import Register

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

    from belwar.results.comparison import Comparison
    from belwar.results.sensitivity import Sensitivity
    from belwar.results.sweep import Sweep

__all__ = [
    "DIFF_FIELDS",
    "FORMATS",
    "RECORD_FIELDS",
    "RUN_FORMATS",
    "clean",
    "diff_csv",
    "diff_html",
    "diff_markdown",
    "diff_tables",
    "diff_text",
    "frame",
    "html_table",
    "known_drivers",
    "literal",
    "many_table",
    "percent",
    "points",
    "run_csv",
    "run_html",
    "run_markdown",
    "run_tables",
    "run_text",
    "sensitivity_html",
    "sensitivity_tables",
    "sensitivity_text",
    "signed",
    "sources_json",
    "sources_markdown",
    "sources_tables",
    "spread",
    "sweep_html",
    "sweep_records",
    "sweep_tables",
    "sweep_text",
]

FORMATS = ("table", "markdown", "json")
RUN_FORMATS = ("table", "json", "csv", "markdown")

_md = markdown_text  # the name the text tests know


def literal(value: str, style: str = "") -> Text:
    """User text as a rich :class:`~rich.text.Text`: never read as markup, controls escaped."""
    return rich_text(user(value), style)


def _plain(items: list[RenderableType]) -> str:
    """Rich renderables as plain text 120 columns wide (the table format written to a file)."""
    from rich.console import Console  # noqa: PLC0415 - heavy (rich)

    console = Console(file=io.StringIO(), width=120, color_system=None, record=True)
    for item in items:
        console.print(item)
    return console.export_text()


def _drawn(*tables: Any) -> list[RenderableType]:
    return [item for model in tables for item in to_rich(model)]


# --- runs ----------------------------------------------------------------------------------------


def run_tables(result: Result) -> list[RenderableType]:
    """The run as rich renderables: likelihood table, highest rung, drivers, footer."""
    return _drawn(*run_layout(result))


def run_csv(result: Result) -> str:
    """One row per rung and month: ``rung, month, p, mcse, p05, p50, p95, words``."""
    return to_csv(run_records(result))


def run_markdown(result: Result) -> str:
    """The likelihood table and the highest-rung table as GitHub-flavoured markdown."""
    return to_markdown(run_layout(result, "markdown"), heading=run_heading(result))


def run_html(result: Result) -> str:
    """The likelihood table and highest rung as HTML (for notebooks and reports)."""
    return "".join(to_html(model) for model in run_layout(result, "html"))


def run_text(result: Result, fmt: str) -> str:
    """The run in format ``fmt`` as text (the table format without colour, for files)."""
    if fmt == "json":
        return result.to_json()
    if fmt == "csv":
        return run_csv(result)
    if fmt == "markdown":
        return run_markdown(result)
    return _plain(run_tables(result))


def many_table(runs: list[tuple[str, Result]]) -> list[RenderableType]:
    """One row per scenario: the chance of reaching each rung by its last reported month."""
    return _drawn(many_layout(runs))


# --- the evidence register -----------------------------------------------------------------------


def sources_tables(register: Register, driver: str | None = None) -> list[RenderableType]:
    """The register as two rich tables: the documents, then their facts (optionally only those
    bearing on ``driver``)."""
    return _drawn(sources_documents(register), sources_facts(register, driver))


def sources_markdown(register: Register, driver: str | None = None) -> str:
    """The facts as a GitHub-flavoured markdown table."""
    return to_markdown([sources_facts(register, driver, "markdown")])


def sources_json(register: Register, driver: str | None = None) -> str:
    """The register as JSON: every source with its facts (filtered by ``driver`` if given)."""
    out: list[dict[str, Any]] = []
    for source in register.sources:
        data = source.model_dump(mode="json")
        data["facts"] = [f for f in data["facts"] if driver is None or driver in f["drivers"]]
        out.append(data)
    return jsonio.dumps({"sources": out})


def known_drivers(register: Register) -> Iterable[str]:
    """Every driver or event name the register's facts mention, sorted."""
    return sorted({d for _, _, fact in register.facts() for d in fact.drivers})


# --- comparisons ---------------------------------------------------------------------------------


def diff_tables(comparison: Comparison, *, show_all: bool = False) -> list[RenderableType]:
    """The comparison as rich renderables: assumption changes, then result changes."""
    return _drawn(*diff_layout(comparison, show_all=show_all))


def diff_csv(comparison: Comparison, *, show_all: bool = True) -> str:
    """One row per rung and month: ``rung, month, p_a, p_b, delta, mcse, material``."""
    return to_csv(diff_records(comparison, show_all=show_all))


def diff_markdown(comparison: Comparison, *, show_all: bool = False) -> str:
    """The comparison as GitHub-flavoured markdown."""
    models = diff_layout(comparison, show_all=show_all, view="markdown")
    return to_markdown(models, heading=diff_heading(comparison))


def diff_html(comparison: Comparison) -> str:
    """Assumption changes and result changes (every row) as HTML."""
    return "".join(to_html(model) for model in diff_layout(comparison, view="html"))


def diff_text(comparison: Comparison, fmt: str, *, show_all: bool = False) -> str:
    """The comparison in format ``fmt`` as text."""
    if fmt == "json":
        return comparison.to_json()
    if fmt == "csv":
        return diff_csv(comparison, show_all=show_all)
    if fmt == "markdown":
        return diff_markdown(comparison, show_all=show_all)
    return _plain(diff_tables(comparison, show_all=show_all))


# --- sweeps --------------------------------------------------------------------------------------


def sweep_tables(sweep: Sweep) -> list[RenderableType]:
    """A curve as a value-by-value table, a grid as a matrix; then the tipping points."""
    return _drawn(sweep_layout(sweep))


def sweep_records(sweep: Sweep) -> list[dict[str, Any]]:
    """One record per point: each axis value by its path, then ``p`` and ``mcse``."""
    return sweep.records()


def sweep_html(sweep: Sweep) -> str:
    """A sweep's points as HTML."""
    return to_html(sweep_points(sweep, "html"))


def sweep_text(sweep: Sweep, fmt: str) -> str:
    """The sweep in format ``fmt`` as text."""
    if fmt == "json":
        return sweep.to_json()
    if fmt == "csv":
        return to_csv(sweep_record_table(sweep))
    if fmt == "markdown":
        return to_markdown([sweep_points(sweep)])
    return _plain(sweep_tables(sweep))


# --- sensitivity ---------------------------------------------------------------------------------


def sensitivity_tables(
    result: Sensitivity, *, top: int | None = TOP, keys: bool = False
) -> list[RenderableType]:
    """The headline, then the tornado (widest swing first) or the Sobol groups (largest
    first-order index first): ``top`` rows (``None``: all), by label or by ``keys``."""
    return _drawn(sensitivity_layout(result, top=top, keys=keys))


def sensitivity_html(result: Sensitivity) -> str:
    """The tornado (or the Sobol groups) as HTML, every input."""
    return to_html(sensitivity_brief(result, "html", top=None))


def sensitivity_text(
    result: Sensitivity, fmt: str, *, top: int | None = TOP, keys: bool = False
) -> str:
    """The sensitivity analysis in format ``fmt`` as text (json and csv: every input)."""
    if fmt == "json":
        return result.to_json()
    if fmt == "csv":
        return to_csv(sensitivity_records(result))
    if fmt == "markdown":
        return to_markdown([sensitivity_brief(result, top=top, keys=keys)])
    return _plain(sensitivity_tables(result, top=top, keys=keys))


# --- HTML tables and data frames (notebooks) -----------------------------------------------------


def html_table(headers: list[str], rows: list[list[str]], *, caption: str = "") -> str:
    """A plain HTML table; every cell is escaped here, so callers pass raw text."""
    return to_html(table(headers, rows, title=user(caption) if caption else None))


def frame(records: list[dict[str, Any]], columns: list[str] | None = None) -> Any:
    """A pandas DataFrame of tidy records (pandas is an optional extra)."""
    pd = require("pandas", extra="notebook")
    return pd.DataFrame.from_records(records, columns=columns)
