"""Rendering: the only place that turns belwar's data into text for people (rich tables) or for
programs (JSON). Nothing here computes; rich is imported only when a table is drawn."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import asdict
from html import escape
from typing import TYPE_CHECKING, Any

from belwar.core.estimative import words_for
from belwar.errors import BelwarError
from belwar.results import jsonio
from belwar.results.run import RECORD_FIELDS, Result
from belwar.spec.evidence import Register, Source

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text

    from belwar.results.comparison import Comparison
    from belwar.results.sensitivity import Sensitivity
    from belwar.results.sweep import Sweep

FORMATS = ("table", "markdown", "json")
RUN_FORMATS = ("table", "json", "csv", "markdown")


# --- User text -----------------------------------------------------------------------------------

# C0 controls but tab and newline, DEL, C1 controls (ESC and CSI start terminal commands), and
# the bidirectional overrides and isolates that reorder what a reader sees
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN = re.compile(r"([\\`*_\[\]{}#|~])")


def clean(text: str) -> str:
    """User text with every control character written as its escape (``\\x1b``, ``\\u202e``):
    printed, it stays text, and cannot clear the screen, retitle the terminal or reorder a line.
    """
    return _CONTROL.sub(_escape_control, text)


def _escape_control(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def literal(value: str, style: str = "") -> Text:
    """User text as a rich :class:`~rich.text.Text`: never read as markup, controls escaped."""
    from rich.text import Text  # noqa: PLC0415 - heavy (rich)

    return Text(clean(value), style=style)


def _md(value: str) -> str:
    """User text for markdown: controls escaped, HTML's ``& < >`` as entities, markdown's
    punctuation (emphasis, code, links, table pipes) escaped, one line."""
    value = clean(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", value).replace("\n", " ").replace("\t", " ")


# --- Runs ----------------------------------------------------------------------------------------


def _table(**options: Any) -> Table:
    """A terminal table in belwar's one look: heavy rules, title and caption flush left."""
    from rich import box  # noqa: PLC0415 - heavy (rich)
    from rich.table import Table  # noqa: PLC0415 - heavy (rich)

    return Table(box=box.SIMPLE_HEAVY, title_justify="left", caption_justify="left", **options)


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
    from rich.text import Text  # noqa: PLC0415 - heavy (rich)

    meta = result.metadata
    likelihood = _table(
        title=literal(
            f"{meta.title} ({meta.scenario_id})\nChance that the highest rung reached is "
            "at least this one"
        ),
        caption="cell: probability ± MC error (points) · ICD-203 words · 90% spread",
        show_lines=True,
    )
    width = max(len(r) for r in result.rungs)
    likelihood.add_column("rung", no_wrap=True)
    for month in result.months:
        likelihood.add_column(f"by month {month}", justify="right")
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
        shown = clean(label)
        short = shown if len(shown) <= width else shown[: width - 1] + "…"
        likelihood.add_row(Text.assemble((clean(rung), "bold"), "\n", (short, "dim")), *cells)

    highest = _table(
        title=f"Highest rung reached by month {max(result.months)}",
    )
    highest.add_column("rung", no_wrap=True)
    highest.add_column("probability", justify="right")
    highest.add_column("±", justify="right")
    highest.add_column("words")
    for top in result.highest:
        highest.add_row(literal(top.rung), percent(top.p), points(top.mcse), words_for(top.p))

    drivers = _table(
        title="Drivers as sampled",
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
            literal(item.name),
            literal(item.unit),
            f"{item.p05:.3g}",
            f"{item.p50:.3g}",
            f"{item.p95:.3g}",
            facts,
        )
    footer = literal(
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
    lines = [f"### {_md(meta.title)} ({_md(meta.scenario_id)})", "", head]
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


def run_text(result: Result, fmt: str) -> str:
    """The run in format ``fmt`` as text (the table format without colour, for files)."""
    if fmt == "json":
        return result.to_json()
    if fmt == "csv":
        return run_csv(result)
    if fmt == "markdown":
        return run_markdown(result)
    return _plain(run_tables(result))


def _figure(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() and abs(value) >= 1000 else f"{value:g}"


def sources_tables(register: Register, driver: str | None = None) -> list[RenderableType]:
    """The register as two rich tables: the documents, then their facts (optionally only those
    bearing on ``driver``)."""

    documents = _table(title="Sources")
    for column in ("id", "title", "outlet", "author", "published", "facts"):
        documents.add_column(
            column, overflow="fold", justify="right" if column == "facts" else "left"
        )
    for source in register.sources:
        documents.add_row(
            literal(source.id),
            literal(source.title),
            literal(source.outlet),
            literal(source.author or "-"),
            _published(source),
            str(len(source.facts)),
        )
    title = "Facts" + (f" bearing on {driver}" if driver else "")
    facts = _table(title=literal(title), show_lines=True)
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
        facts.add_row(
            literal(ref),
            when,
            literal(fact.claim),
            literal(figures or "-"),
            literal(f"{drivers}\n({fact.direction})"),
        )
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
    return jsonio.dumps({"sources": out})


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


def known_drivers(register: Register) -> Iterable[str]:
    """Every driver or event name the register's facts mention, sorted."""
    return sorted({d for _, _, fact in register.facts() for d in fact.drivers})


# --- Diffs ---------------------------------------------------------------------------------------

DIFF_FIELDS = ("rung", "month", "p_a", "p_b", "delta", "mcse", "material")


def _value(value: Any) -> str:
    if value is None:
        return "(absent)"
    text = (
        json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    )
    return text if len(text) <= 60 else text[:57] + "..."


def signed(delta: float) -> str:
    """A change of probability in percentage points, signed (``+5.8``)."""
    return f"{100 * delta:+.2f}"


def diff_tables(comparison: Comparison, *, show_all: bool = False) -> list[RenderableType]:
    """The comparison as rich renderables: assumption changes, then result changes."""
    from rich.text import Text  # noqa: PLC0415 - heavy (rich)

    changes = _table(title=literal(f"Assumptions: {comparison.a} -> {comparison.b}"))
    changes.add_column("key", overflow="fold", ratio=3)
    changes.add_column("A", overflow="fold", ratio=2)
    changes.add_column("B", overflow="fold", ratio=2)
    for change in comparison.changes:
        changes.add_row(
            literal(change.key), literal(_value(change.old)), literal(_value(change.new))
        )
    if not comparison.changes:
        changes.add_row("(no assumption differs)", "", "")

    how = (
        "paired: same seed and samples, common random numbers"
        if comparison.paired
        else "unpaired: saved results, errors added in quadrature"
    )
    meta = comparison.result_a.metadata
    results = _table(
        title=f"Results ({how}; {meta.samples:,} samples)",
        caption="change and ± (its Monte Carlo error) in percentage points; material: |change| "
        f"above {100 * comparison.tolerance:g} points and 3 Monte Carlo errors",
    )
    for column in ("rung", "month", "A", "B", "change", "±", "material"):
        results.add_column(column, justify="left" if column == "rung" else "right", no_wrap=True)
    shown = [d for d in comparison.deltas if show_all or d.material]
    for d in shown:
        mark = Text("yes", style="bold") if d.material else Text("no", style="dim")
        results.add_row(
            literal(d.rung),
            str(d.month),
            percent(d.p_a),
            percent(d.p_b),
            signed(d.delta),
            points(d.mcse).removeprefix("±"),
            mark,
        )
    hidden = len(comparison.deltas) - len(shown)
    footer = Text(
        f"{hidden} row{'s' if hidden != 1 else ''} without a material change hidden "
        "(--all shows them)"
        if hidden
        else "",
        style="dim",
    )
    return [changes, results, footer]


def diff_csv(comparison: Comparison, *, show_all: bool = True) -> str:
    """One row per rung and month: ``rung, month, p_a, p_b, delta, mcse, material``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=DIFF_FIELDS, lineterminator="\n")
    writer.writeheader()
    for d in comparison.deltas:
        if show_all or d.material:
            writer.writerow(
                {
                    "rung": d.rung,
                    "month": d.month,
                    "p_a": repr(d.p_a),
                    "p_b": repr(d.p_b),
                    "delta": repr(d.delta),
                    "mcse": repr(d.mcse),
                    "material": str(d.material).lower(),
                }
            )
    return out.getvalue()


def diff_markdown(comparison: Comparison, *, show_all: bool = False) -> str:
    """The comparison as GitHub-flavoured markdown."""
    head = f"### {_md(comparison.a)} -> {_md(comparison.b)}"
    lines = [head, "", "| key | A | B |", "|---|---|---|"]
    lines += [
        f"| {_md(c.key)} | {_md(_value(c.old))} | {_md(_value(c.new))} |"
        for c in comparison.changes
    ]
    kind = "paired" if comparison.paired else "unpaired"
    lines += ["", f"Results ({kind}):", ""]
    lines += [
        "| rung | month | A | B | change (points) | ± | material |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for d in comparison.deltas:
        if show_all or d.material:
            lines.append(
                f"| {_md(d.rung)} | {d.month} | {percent(d.p_a)} | {percent(d.p_b)} | "
                f"{signed(d.delta)} | {points(d.mcse).removeprefix('±')} | "
                f"{'**yes**' if d.material else 'no'} |"
            )
    return "\n".join(lines) + "\n"


def diff_text(comparison: Comparison, fmt: str, *, show_all: bool = False) -> str:
    """The comparison in format ``fmt`` as text."""
    if fmt == "json":
        return comparison.to_json()
    if fmt == "csv":
        return diff_csv(comparison, show_all=show_all)
    if fmt == "markdown":
        return diff_markdown(comparison, show_all=show_all)
    return _plain(diff_tables(comparison, show_all=show_all))


def _plain(items: list[RenderableType]) -> str:
    from rich.console import Console  # noqa: PLC0415 - heavy (rich)

    console = Console(file=io.StringIO(), width=120, color_system=None, record=True)
    for item in items:
        console.print(item)
    return console.export_text()


# --- Sweeps --------------------------------------------------------------------------------------


def sweep_tables(sweep: Sweep) -> list[RenderableType]:
    """A curve as a value-by-value table, a grid as a matrix; then the tipping points."""
    what = f"P(reaching {sweep.target} by month {sweep.month})"
    first = sweep.axes[0]
    table = _table(
        title=literal(
            f"{sweep.scenario_id}: {what} as {first.path} varies"
            + (f" (rows) and {sweep.axes[1].path} (columns)" if len(sweep.axes) == 2 else "")
        ),
        caption=f"{sweep.samples:,} samples a point, seed {sweep.seed}: common random numbers",
    )
    if len(sweep.axes) == 1:
        table.add_column(literal(first.path), justify="right")
        table.add_column("probability", justify="right")
        table.add_column("±", justify="right")
        table.add_column("words")
        for point in sweep.points:
            table.add_row(
                f"{point.at[0]:.4g}", percent(point.p), points(point.mcse), words_for(point.p)
            )
    else:
        second = sweep.axes[1]
        table.add_column(literal(f"{first.path} \\ {second.path}"), justify="right")
        for value in second.values:
            table.add_column(f"{value:.4g}", justify="right")
        width = len(second.values)
        for i, value in enumerate(first.values):
            row = sweep.points[i * width : (i + 1) * width]
            table.add_row(f"{value:.4g}", *(percent(p.p) for p in row))
    lines = []
    if sweep.threshold is not None:
        for crossing in sweep.crossings:
            where = (
                "" if crossing.along is None else f" at {sweep.axes[1].path} = {crossing.along:.4g}"
            )
            if crossing.value is None:
                lines.append(f"does not cross {percent(sweep.threshold)}{where} within the range")
            else:
                lines.append(
                    f"crosses {percent(sweep.threshold)} ({crossing.direction}){where} at "
                    f"{first.path} = {crossing.value:.4g} "
                    f"(95%: {crossing.low:.4g} to {crossing.high:.4g})"
                )
    return [table, literal("\n".join(lines))]


def sweep_records(sweep: Sweep) -> list[dict[str, Any]]:
    """One record per point: each axis value by its path, then ``p`` and ``mcse``."""
    return sweep.records()


def sweep_text(sweep: Sweep, fmt: str) -> str:
    """The sweep in format ``fmt`` as text."""

    if fmt == "json":
        return sweep.to_json()
    records = sweep_records(sweep)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: repr(v) for k, v in r.items()} for r in records)
        return out.getvalue()
    if fmt == "markdown":
        head = [*(_md(a.path) for a in sweep.axes), "p", "±"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
        for point in sweep.points:
            cells = [f"{v:.4g}" for v in point.at] + [percent(point.p), points(point.mcse)]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"
    return _plain(sweep_tables(sweep))


# --- Sensitivity ---------------------------------------------------------------------------------


def sensitivity_tables(result: Sensitivity) -> list[RenderableType]:
    """The tornado (and Sobol indices) as a rich table, widest swing first."""

    sobol = result.method == "sobol"
    table = _table(
        title=literal(
            f"{result.scenario_id}: what moves P(reaching {result.target} by month "
            f"{result.month}) = {percent(result.p)}"
        ),
        caption="bottom → top: mean target when the input is in its bottom or top tenth; "
        "swing: their difference, ± its Monte Carlo error, in points; rho: rank correlation"
        + ("; S1, ST: first-order and total Sobol indices (95% interval)" if sobol else ""),
    )
    # keys break at their colons ("odds: full_entry: kremlin_pressure"), not mid-name
    longest = max((len(part) for i in result.influences for part in i.key.split(":")), default=10)
    table.add_column("input", overflow="fold", min_width=min(longest, 12 if sobol else 28))
    # with Sobol indices, a narrow terminal wraps "low → high" and "swing ±error" at their
    # spaces rather than cutting the indices' intervals short
    table.add_column("bottom → top", justify="right", no_wrap=not sobol)
    table.add_column("swing", justify="right", no_wrap=not sobol)
    table.add_column("rho", justify="right", no_wrap=True)
    if not sobol:
        table.add_column("", no_wrap=True)
    if sobol:
        table.add_column("S1", justify="right", no_wrap=True)
        table.add_column("ST", justify="right", no_wrap=True)
    widest = max((abs(i.swing) for i in result.influences), default=0.0) or 1.0
    for item in result.influences:
        bar = "█" * max(1, round(8 * abs(item.swing) / widest)) if item.swing else ""
        cells: list[RenderableType] = [
            literal(item.key.replace(":", ": ")),
            f"{percent(item.low)} → {percent(item.high)}",
            f"{signed(item.swing)} {points(item.swing_mcse)}",
            f"{item.rank_correlation:+.2f}",
        ]
        if not sobol:
            cells.append(f"[{'red' if item.swing > 0 else 'green'}]{bar}[/]")
        else:
            cells += [
                f"{item.first_order:.2f}\n({item.first_low:.2f}\u2013{item.first_high:.2f})",
                f"{item.total_order:.2f}\n({item.total_low:.2f}\u2013{item.total_high:.2f})",
            ]
        table.add_row(*cells)
    return [table]


def sensitivity_text(result: Sensitivity, fmt: str) -> str:
    """The sensitivity analysis in format ``fmt`` as text."""

    if fmt == "json":
        return result.to_json()
    records = [asdict(i) for i in result.influences]
    if fmt == "csv":
        out = io.StringIO()
        fields = list(records[0]) if records else ["key"]
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return out.getvalue()
    if fmt == "markdown":
        lines = ["| input | low | high | swing (points) | rho |", "|---|--:|--:|--:|--:|"]
        lines += [
            f"| {_md(i.key)} | {percent(i.low)} | {percent(i.high)} | {signed(i.swing)} | "
            f"{i.rank_correlation:+.2f} |"
            for i in result.influences
        ]
        return "\n".join(lines) + "\n"
    return _plain(sensitivity_tables(result))


# --- Many runs -----------------------------------------------------------------------------------


def many_table(runs: list[tuple[str, Result]]) -> list[RenderableType]:
    """One row per scenario: the chance of reaching each rung by its last reported month."""

    rungs: list[str] = []
    for _, result in runs:
        rungs += [r for r in result.rungs if r not in rungs]
    table = _table(
        title="Chance of reaching each rung by the last reported month",
    )
    table.add_column("scenario", no_wrap=True)
    table.add_column("month", justify="right")
    for rung in rungs:
        table.add_column(literal(rung.replace("_", " ")), justify="right")
    for _path, result in runs:
        month = max(result.months)
        cells = [percent(result.probability(r, month)) if r in result.rungs else "-" for r in rungs]
        table.add_row(literal(result.metadata.scenario_id), str(month), *cells)
    return [table]


# --- HTML tables and data frames (notebooks) -----------------------------------------------------


def html_table(headers: list[str], rows: list[list[str]], *, caption: str = "") -> str:
    """A plain HTML table; every cell is escaped here, so callers pass raw text."""

    def cell(value: str) -> str:
        return escape(clean(value))

    head = "".join(f"<th>{cell(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{cell(caption)}</caption>" if caption else ""
    return f'<table class="belwar">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def run_html(result: Result) -> str:
    """The likelihood table and highest rung as HTML (for notebooks and reports)."""
    meta = result.metadata
    headers = ["rung", *(f"by month {m}" for m in result.months)]
    rows = []
    for rung, label in zip(result.rungs, result.rung_labels, strict=True):
        cells = []
        for month in result.months:
            c = result.cell(rung, month)
            cells.append(f"{percent(c.p)} {points(c.mcse)} · {c.words} · {spread(c.p05, c.p95)}")
        rows.append([f"{rung} ({label})", *cells])
    likelihood = html_table(headers, rows, caption=f"{meta.title} ({meta.scenario_id})")
    highest = html_table(
        ["rung", "probability", "±", "words"],
        [[h.rung, percent(h.p), points(h.mcse), words_for(h.p)] for h in result.highest],
        caption=f"Highest rung reached by month {max(result.months)}",
    )
    return likelihood + highest


def diff_html(comparison: Comparison) -> str:
    """Assumption changes and result changes as HTML."""
    changes = html_table(
        ["key", "A", "B"],
        [[c.key, _value(c.old), _value(c.new)] for c in comparison.changes],
        caption=f"Assumptions: {comparison.a} -> {comparison.b}",
    )
    kind = "paired" if comparison.paired else "unpaired"
    results = html_table(
        ["rung", "month", "A", "B", "change (points)", "±", "material"],
        [
            [
                d.rung,
                str(d.month),
                percent(d.p_a),
                percent(d.p_b),
                signed(d.delta),
                points(d.mcse),
                "yes" if d.material else "no",
            ]
            for d in comparison.deltas
        ],
        caption=f"Results ({kind})",
    )
    return changes + results


def sweep_html(sweep: Sweep) -> str:
    """A sweep's points as HTML."""
    headers = [*(a.path for a in sweep.axes), "probability", "±"]
    rows = [[*(f"{v:.4g}" for v in p.at), percent(p.p), points(p.mcse)] for p in sweep.points]
    return html_table(headers, rows, caption=f"P(reaching {sweep.target} by month {sweep.month})")


def sensitivity_html(result: Sensitivity) -> str:
    """The tornado as HTML."""
    rows = [
        [
            i.key,
            f"{percent(i.low)} → {percent(i.high)}",
            f"{signed(i.swing)} {points(i.swing_mcse)}",
            f"{i.rank_correlation:+.2f}",
        ]
        for i in result.influences
    ]
    return html_table(
        ["input", "bottom → top tenth", "swing (points)", "rho"],
        rows,
        caption=f"What moves P(reaching {result.target} by month {result.month})",
    )


def frame(records: list[dict[str, Any]], columns: list[str] | None = None) -> Any:
    """A pandas DataFrame of tidy records (pandas is an optional extra)."""
    try:
        import pandas as pd  # noqa: PLC0415 - optional extra
    except ImportError:
        raise BelwarError("to_pandas needs pandas: pip install 'belwar[notebook]'") from None
    return pd.DataFrame.from_records(records, columns=columns)
