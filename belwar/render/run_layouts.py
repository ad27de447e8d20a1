"""The layouts of a run, of a batch of runs and of the evidence register: which tables, which
columns, which cells. Each function builds :class:`~belwar.render.tables.Table` models and
knows nothing of how they are drawn; where a view (terminal, markdown, HTML) shows a result
differently today, the difference is spelled here, in one place per result type."""

from __future__ import annotations

from typing import Literal

from belwar.core.estimative import words_for
from belwar.render.tables import Cell, Column, Span, Table, lines, own, table, user
from belwar.render.text import clean, figure, percent, points, spread
from belwar.results.run import RECORD_FIELDS, Result
from belwar.spec.evidence import Register, Source

View = Literal["terminal", "markdown", "html"]


# --- a run ---------------------------------------------------------------------------------------


def run_heading(result: Result) -> Cell:
    """The run's heading: its title and scenario id."""
    meta = result.metadata
    return lines(
        [Span(meta.title), Span(" (", own=True), Span(meta.scenario_id), Span(")", own=True)]
    )


def _chance(result: Result, rung: str, month: int) -> Cell:
    c = result.cell(rung, month)
    return lines(
        [Span(percent(c.p), "bold", own=True), Span(f" {points(c.mcse)}", "dim", own=True)],
        [Span(c.words, own=True)],
        [Span(spread(c.p05, c.p95), "dim", own=True)],
    )


def _rung(rung: str, label: str, width: int, view: View) -> Cell:
    if view == "markdown":
        return lines(
            [Span(label), Span(" (", own=True), Span(rung, "code", own=True), Span(")", own=True)]
        )
    if view == "html":
        return user(f"{rung} ({label})")
    short = label if len(label) <= width else label[: width - 1] + "…"
    return lines([Span(rung, "bold")], [Span(short, "dim")])


def run_likelihood(result: Result, view: View = "terminal") -> Table:
    """The chance that the highest rung reached is at least each rung, by each month."""
    width = max(len(r) for r in result.rungs)
    rows = [
        [_rung(rung, clean(label), width, view), *(_chance(result, rung, m) for m in result.months)]
        for rung, label in zip(result.rungs, result.rung_labels, strict=True)
    ]
    title = run_heading(result)
    if view == "terminal":
        question = "Chance that the highest rung reached is at least this one"
        title = lines(title.lines[0], [Span(question, own=True)])
    return table(
        [Column("rung", wrap=False), *(Column(f"by month {m}", "right") for m in result.months)],
        rows,
        title=None if view == "markdown" else title,
        caption=own("cell: probability ± MC error (points) · ICD-203 words · 90% spread"),
        ruled=True,
    )


def run_highest(result: Result, view: View = "terminal") -> Table:
    """The chance that each rung is the highest reached by the horizon."""
    horizon = max(result.months)
    columns = [Column("rung", wrap=False), Column("probability", "right"), Column("±", "right")]
    if view == "markdown":
        meta = result.metadata
        footer = (
            f"seed {meta.seed}, {meta.samples:,} samples, scenario {meta.fingerprint}, "
            f"belwar {meta.belwar}"
        )
        return table(
            columns,
            [[own(h.rung, "code"), own(percent(h.p)), own(points(h.mcse))] for h in result.highest],
            title=own(f"Highest rung by month {horizon}"),
            notes=(own(footer, "italic"),),
        )
    return table(
        [*columns, Column("words")],
        [
            [user(h.rung), own(percent(h.p)), own(points(h.mcse)), own(words_for(h.p))]
            for h in result.highest
        ],
        title=own(f"Highest rung reached by month {horizon}"),
    )


def run_drivers(result: Result) -> Table:
    """The drivers as sampled (terminal only), with the run's footer."""
    meta = result.metadata
    footer = (
        f"seed {meta.seed} · {meta.samples:,} samples · {meta.seconds:.2f} s · "
        f"scenario {meta.fingerprint} · belwar {meta.belwar} · numpy {meta.numpy}"
    )
    return table(
        [
            Column("driver", wrap=False),
            Column("unit", fold=True),
            *(Column(c, "right", wrap=False) for c in ("5th", "median", "95th", "facts")),
        ],
        [
            [
                user(item.name),
                user(item.unit),
                own(f"{item.p05:.3g}"),
                own(f"{item.p50:.3g}"),
                own(f"{item.p95:.3g}"),
                own(str(item.evidence))
                if item.evidence
                else lines([Span("none", "yellow", own=True)]),
            ]
            for item in result.inputs
            if item.kind == "driver"
        ],
        title=own("Drivers as sampled"),
        notes=(user(footer, "dim"),),
    )


def run_layout(result: Result, view: View = "terminal") -> list[Table]:
    """Every table of a run in ``view``: the terminal adds the drivers as sampled."""
    tables = [run_likelihood(result, view), run_highest(result, view)]
    return [*tables, run_drivers(result)] if view == "terminal" else tables


def _datum(value: object) -> Cell:
    """A datum for CSV as the csv module writes it (floats by repr, ``None`` empty)."""
    text = repr(value) if isinstance(value, float) else "" if value is None else str(value)
    return own(text, value=value)


def run_records(result: Result) -> Table:
    """One row per rung and month with the fields of :data:`RECORD_FIELDS` (floats by repr)."""
    return table(
        RECORD_FIELDS,
        [
            [_datum(record[field]) for field in RECORD_FIELDS]
            for record in (cell.record() for cell in result.cells)
        ],
    )


# --- a batch of runs -----------------------------------------------------------------------------


def many_layout(runs: list[tuple[str, Result]]) -> Table:
    """One row per scenario: the chance of reaching each rung by its last reported month."""
    rungs: list[str] = []
    for _, result in runs:
        rungs += [r for r in result.rungs if r not in rungs]
    rows = []
    for _path, result in runs:
        month = max(result.months)
        cells = [
            own(percent(result.probability(r, month)) if r in result.rungs else "-") for r in rungs
        ]
        rows.append([user(result.metadata.scenario_id), own(str(month)), *cells])
    return table(
        [
            Column("scenario", wrap=False),
            Column("month", "right"),
            *(Column(r.replace("_", " "), "right") for r in rungs),
        ],
        rows,
        title=own("Chance of reaching each rung by the last reported month"),
    )


# --- the evidence register -----------------------------------------------------------------------


def _published(source: Source) -> str:
    day = source.published
    if source.date_precision == "day":
        return day.isoformat()
    if source.date_precision == "month":
        return f"~{day:%Y-%m}"
    return f"~{day.year} Q{(day.month - 1) // 3 + 1}"


def sources_documents(register: Register) -> Table:
    """The register's documents, one row each (terminal only)."""
    heads = ("id", "title", "outlet", "author", "published")
    return table(
        [*(Column(h, fold=True) for h in heads), Column("facts", "right", fold=True)],
        [
            [
                user(source.id),
                user(source.title),
                user(source.outlet),
                user(source.author or "-"),
                own(_published(source)),
                own(str(len(source.facts))),
            ]
            for source in register.sources
        ],
        title=own("Sources"),
    )


def sources_facts(register: Register, driver: str | None = None, view: View = "terminal") -> Table:
    """The register's facts (only those bearing on ``driver``, if given)."""
    rows = []
    for ref, source, fact in register.facts():
        if driver is not None and driver not in fact.drivers:
            continue
        figures = [[Span(f"{k} = {figure(v)}")] for k, v in fact.figures.items()]
        when = own((fact.date or source.published).isoformat())
        if view == "markdown":
            bearing = user(", ".join(fact.drivers) + f" ({fact.direction})")
            rows.append([user(ref), when, user(fact.claim), lines(*figures), bearing])
        else:
            bearing = lines([Span(", ".join(fact.drivers) or "-")], [Span(f"({fact.direction})")])
            shown = lines(*figures) if figures else user("-")
            rows.append([user(ref), when, user(fact.claim), shown, bearing])
    if view == "markdown":
        return table(["fact", "date", "claim", "figures", "drivers"], rows)
    return table(
        [
            Column("source", fold=True, ratio=2),
            Column("date", wrap=False),
            Column("fact", fold=True, ratio=5),
            Column("figures", fold=True, ratio=3, min_width=20),
            Column("drivers", fold=True, ratio=2),
        ],
        rows,
        title=user("Facts" + (f" bearing on {driver}" if driver else "")),
        ruled=True,
    )
