"""Rendering: the only place that turns belwar's data into text for people (rich tables) or for
programs (JSON). Nothing here computes; rich is imported only when a table is drawn."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from belwar.evidence import Register, Source

if TYPE_CHECKING:
    from rich.console import RenderableType

FORMATS = ("table", "markdown", "json")


def _figure(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() and abs(value) >= 1000 else f"{value:g}"


def sources_tables(register: Register, driver: str | None = None) -> list[RenderableType]:
    """The register as two rich tables: the documents, then their facts (optionally only those
    bearing on ``driver``)."""
    from rich import box
    from rich.table import Table

    documents = Table(title="Sources", box=box.SIMPLE_HEAVY, title_justify="left")
    for column in ("id", "title", "outlet", "author", "published", "facts"):
        documents.add_column(
            column, overflow="fold", justify="right" if column == "facts" else "left"
        )
    for source in register.sources:
        documents.add_row(
            source.id,
            source.title,
            source.outlet,
            source.author or "-",
            _published(source),
            str(len(source.facts)),
        )
    title = "Facts" + (f" bearing on {driver}" if driver else "")
    facts = Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left", show_lines=True)
    facts.add_column("source", overflow="fold", ratio=2)
    facts.add_column("date", no_wrap=True)
    facts.add_column("fact", overflow="fold", ratio=5)
    facts.add_column("figures", overflow="fold", ratio=3, min_width=20)
    facts.add_column("drivers", overflow="fold", ratio=2)
    for ref, source, fact in register.facts():
        if driver is not None and driver not in fact.drivers:
            continue
        figures = "\n".join(f"{k} = {_figure(v)}" for k, v in fact.figures.items())
        when = (fact.date or source.published).isoformat()
        drivers = ", ".join(fact.drivers) or "-"
        facts.add_row(ref, when, fact.claim, figures or "-", f"{drivers}\n({fact.direction})")
    return [documents, facts]


def _published(source: Source) -> str:
    day = source.published
    if source.date_precision == "day":
        return day.isoformat()
    if source.date_precision == "month":
        return f"~{day:%Y-%m}"
    return f"~{day.year} Q{(day.month - 1) // 3 + 1}"


def sources_json(register: Register, driver: str | None = None) -> str:
    """The register as JSON: every source with its facts (filtered by ``driver`` if given)."""
    out: list[dict[str, Any]] = []
    for source in register.sources:
        data = source.model_dump(mode="json")
        data["facts"] = [f for f in data["facts"] if driver is None or driver in f["drivers"]]
        out.append(data)
    return json.dumps({"sources": out}, indent=2, ensure_ascii=False) + "\n"


def sources_markdown(register: Register, driver: str | None = None) -> str:
    """The facts as a GitHub-flavoured markdown table."""
    lines = ["| fact | date | claim | figures | drivers |", "|---|---|---|---|---|"]
    for ref, source, fact in register.facts():
        if driver is not None and driver not in fact.drivers:
            continue
        figures = "<br>".join(f"{k} = {_figure(v)}" for k, v in fact.figures.items())
        cells = (
            ref,
            (fact.date or source.published).isoformat(),
            fact.claim,
            figures,
            ", ".join(fact.drivers) + f" ({fact.direction})",
        )
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def known_drivers(register: Register) -> Iterable[str]:
    """Every driver or event name the register's facts mention, sorted."""
    return sorted({d for _, _, fact in register.facts() for d in fact.drivers})
