"""Rendering: the only place that turns belwar's data into text for people (rich tables) or for
programs (JSON). Nothing here computes; rich is imported only when a table is drawn."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from belwar.evidence import Register, Source
from belwar.results import RECORD_FIELDS, Result

if TYPE_CHECKING:
    from rich.console import RenderableType

FORMATS = ("table", "markdown", "json")
RUN_FORMATS = ("table", "json", "csv", "markdown")


# --- Runs ----------------------------------------------------------------------------------------


def percent(p: float) -> str:
    """A probability as a percentage with sensible precision (``27.3%``, ``0.96%``, ``<0.01%``)."""
    if p <= 0.0:
        return "0%"
    if p >= 1.0:
        return "100%"
    value = 100 * p
    if value < 0.01:
        return "<0.01%"
    if value > 99.99:
        return ">99.99%"
    return f"{value:.1f}%" if 1 <= value <= 99 else f"{value:.2f}%"


def points(mcse: float) -> str:
    """A standard error in percentage points, two significant digits (``±0.013``)."""
    return f"±{100 * mcse:.2g}"


def run_tables(result: Result) -> list[RenderableType]:
    """The run as rich renderables: likelihood table, highest rung, drivers, footer."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from belwar.estimative import words_for

    meta = result.metadata
    likelihood = Table(
        title=f"{meta.title} ({meta.scenario_id})\nChance that the highest rung reached is at "
        "least this one",
        caption="cell: probability ± MC error (points) · ICD-203 words · 90% spread",
        box=box.SIMPLE_HEAVY,
        title_justify="left",
        caption_justify="left",
        show_lines=True,
    )
    likelihood.add_column("rung", min_width=max(len(r) for r in result.rungs))
    for month in result.months:
        likelihood.add_column(f"by month {month}", justify="right", min_width=13)
    for rung, label in zip(result.rungs, result.rung_labels, strict=True):
        cells = []
        for month in result.months:
            c = result.cell(rung, month)
            cells.append(
                Text.assemble(
                    (percent(c.p), "bold"),
                    (f" {points(c.mcse)}", "dim"),
                    f"\n{c.words}\n",
                    (spread(c.p05, c.p95), "dim"),
                )
            )
        likelihood.add_row(Text.assemble((rung, "bold"), "\n", (label, "dim")), *cells)

    highest = Table(
        title=f"Highest rung reached by month {max(result.months)}",
        box=box.SIMPLE_HEAVY,
        title_justify="left",
    )
    highest.add_column("rung", no_wrap=True)
    highest.add_column("probability", justify="right")
    highest.add_column("±", justify="right")
    highest.add_column("words")
    for top in result.highest:
        highest.add_row(top.rung, percent(top.p), points(top.mcse), words_for(top.p))

    drivers = Table(
        title="Drivers as sampled",
        box=box.SIMPLE_HEAVY,
        title_justify="left",
    )
    drivers.add_column("driver", no_wrap=True)
    drivers.add_column("unit", overflow="fold")
    for column in ("5th", "median", "95th", "facts"):
        drivers.add_column(column, justify="right", no_wrap=True)
    for item in result.inputs:
        if item.kind != "driver":
            continue
        facts = str(item.evidence) if item.evidence else "[yellow]none[/]"
        drivers.add_row(
            item.name, item.unit, f"{item.p05:.3g}", f"{item.p50:.3g}", f"{item.p95:.3g}", facts
        )
    footer = Text(
        f"seed {meta.seed} · {meta.samples:,} samples · {meta.seconds:.2f} s · "
        f"scenario {meta.fingerprint} · belwar {meta.belwar} · numpy {meta.numpy}",
        style="dim",
    )
    return [likelihood, highest, drivers, footer]


def spread(low: float, high: float) -> str:
    """A 90% interval of probabilities, compactly: ``14.3-44.5%`` (with an en dash)."""
    return f"{percent(low).removesuffix('%')}\u2013{percent(high)}"


def run_csv(result: Result) -> str:
    """One row per rung and month: ``rung, month, p, mcse, p05, p50, p95, words``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=RECORD_FIELDS, lineterminator="\n")
    writer.writeheader()
    for cell in result.cells:
        writer.writerow(
            {k: repr(v) if isinstance(v, float) else v for k, v in cell.record().items()}
        )
    return out.getvalue()


def run_markdown(result: Result) -> str:
    """The likelihood table and the highest-rung table as GitHub-flavoured markdown."""
    meta = result.metadata
    head = "| rung | " + " | ".join(f"by month {m}" for m in result.months) + " |"
    lines = [f"### {_md(meta.title)} ({meta.scenario_id})", "", head]
    lines.append("|---|" + "---:|" * len(result.months))
    for rung, label in zip(result.rungs, result.rung_labels, strict=True):
        cells = []
        for month in result.months:
            c = result.cell(rung, month)
            cells.append(
                f"**{percent(c.p)}** {points(c.mcse)}<br>{c.words}<br>{spread(c.p05, c.p95)}"
            )
        lines.append(f"| {_md(label)} (`{rung}`) | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Highest rung by month {max(result.months)}:",
        "",
        "| rung | probability | ± |",
        "|---|---:|---:|",
    ]
    lines += [f"| `{h.rung}` | {percent(h.p)} | {points(h.mcse)} |" for h in result.highest]
    lines += [
        "",
        f"_seed {meta.seed}, {meta.samples:,} samples, scenario {meta.fingerprint}, "
        f"belwar {meta.belwar}_",
    ]
    return "\n".join(lines) + "\n"


def run_text(result: Result, fmt: str, *, width: int | None = None) -> str:
    """The run in format ``fmt`` as text (the table format without colour, for files)."""
    if fmt == "json":
        return result.to_json()
    if fmt == "csv":
        return run_csv(result)
    if fmt == "markdown":
        return run_markdown(result)
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width or 120, color_system=None, record=True)
    for item in run_tables(result):
        console.print(item)
    return console.export_text()


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
