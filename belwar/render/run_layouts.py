"""The layouts of a run, of a batch of runs and of the evidence register: which tables, which
columns, which cells. Each function builds :class:`~belwar.render.tables.Table` models and
knows nothing of how they are drawn; where a view (terminal, markdown, HTML) shows a result
differently today, the difference is spelled here, in one place per result type."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import replace
from typing import Literal

from belwar.core.estimative import words_for
from belwar.render.tables import Cell, Column, Span, Table, lines, own, table, user
from belwar.render.text import (
    KEY_WIDTH,
    POINTS,
    clean,
    error_bound,
    figure,
    key_lines,
    percent,
    spread,
)
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


def _labels(result: Result) -> dict[str, str]:
    """Each rung's label by id, the start's too when the resolved scenario is at hand."""
    labels = dict(zip(result.rungs, result.rung_labels, strict=True))
    ladder = (result.scenario or {}).get("ladder", {})
    for rung in ladder.get("rungs", []) if isinstance(ladder, dict) else []:
        if isinstance(rung, dict) and isinstance(rung.get("id"), str):
            labels.setdefault(rung["id"], str(rung.get("label", "")))
    return {rung: clean(label) for rung, label in labels.items()}


def _label_lines(label: str, width: int) -> list[str]:
    """A rung's label wrapped at its spaces to ``width`` (the rung column's own width, so the
    label never widens it): the terminal shows it under the rung's id."""
    return textwrap.wrap(label, max(width, LABEL_WIDTH)) if label else []


LABEL_WIDTH = 20  # the narrowest a label is wrapped to, however short the rung ids


def error_note(mcses: Iterable[float], what: str = "cell") -> Cell:
    """The one line that says how large the Monte Carlo errors of a table are, in its unit:
    "Monte Carlo standard error below 0.13 percentage points in every cell"."""
    bound = error_bound(mcses)
    return own(f"Monte Carlo standard error below {bound} {POINTS} in every {what}", "dim")


def _question(result: Result) -> Cell:
    question = "Chance that the highest rung reached is at least this one, by each month"
    return lines(run_heading(result).lines[0], [Span(question, own=True)])


def _by_month_columns(result: Result) -> Table:
    """Months as columns: a row per rung (its id, then its probabilities with their spreads)
    and a line under it (its label, then each probability's ICD-203 words)."""
    width = max(len(r) for r in result.rungs)
    labels = _labels(result)
    rows: list[list[Cell]] = []
    breaks = set()
    for rung in result.rungs:
        cells = [result.cell(rung, m) for m in result.months]
        rows.append(
            [
                user(rung, "bold"),
                *(
                    lines(
                        [
                            Span(percent(c.p), "bold", own=True),
                            Span(f" ({spread(c.p05, c.p95)})", own=True),
                        ]
                    )
                    for c in cells
                ),
            ]
        )
        label = _label_lines(labels.get(rung, ""), width)
        rows.append(
            [
                lines(*([Span(text, "dim")] for text in label)) if label else own(""),
                *(own(c.words, "italic") for c in cells),
            ]
        )
        breaks.add(len(rows) - 1)
    return table(
        [
            Column("rung", wrap=False),
            *(Column(f"by month {m}", "right", wrap=False, fold=True) for m in result.months),
        ],
        rows,
        title=_question(result),
        caption=own(
            "each cell: the probability (its 90% spread across the assumptions); "
            "beneath: its ICD-203 words"
        ),
        notes=(error_note(c.mcse for c in result.cells),),
        breaks=frozenset(breaks - {len(rows) - 1}),
    )


def _by_month_rows(result: Result) -> Table:
    """Months as rows (for a terminal too narrow for a column a month): a row per rung and
    month, the rung's id on its first row and its label down the rows under it."""
    width = max(len(r) for r in result.rungs)
    labels = _labels(result)
    rows: list[list[Cell]] = []
    breaks = set()
    for rung in result.rungs:
        first = [rung, *_label_lines(labels.get(rung, ""), width)]
        cells = [result.cell(rung, m) for m in result.months]
        for i in range(max(len(first), len(cells))):
            name = (user(first[i], "bold" if i == 0 else "dim")) if i < len(first) else own("")
            if i < len(cells):
                c = cells[i]
                values = [
                    own(str(c.month)),
                    own(percent(c.p), "bold"),
                    own(spread(c.p05, c.p95)),
                    own(c.words, "italic"),
                ]
            else:
                values = [own("") for _ in range(4)]
            rows.append([name, *values])
        breaks.add(len(rows) - 1)
    return table(
        [
            Column("rung", wrap=False),
            Column("month", "right", wrap=False),
            Column("probability", "right", wrap=False, fold=True),
            Column("90% spread", "right", wrap=False, fold=True),
            Column("in words"),
        ],
        rows,
        title=_question(result),
        caption=own("90% spread: of the probability across the assumptions; words: ICD-203"),
        notes=(error_note(c.mcse for c in result.cells),),
        breaks=frozenset(breaks - {len(rows) - 1}),
    )


def _inline(result: Result, view: View) -> Table:
    """Months as columns, each cell on one line with its words (markdown and HTML, which have
    the width): ``7.5% (2.9-15%), very unlikely``."""
    labels = _labels(result)
    rows = []
    for rung in result.rungs:
        label = labels.get(rung, "")
        if view == "markdown":
            name = lines(
                [
                    Span(label),
                    Span(" (", own=True),
                    Span(rung, "code", own=True),
                    Span(")", own=True),
                ]
            )
        else:
            name = user(f"{rung} ({label})")
        chances = []
        for m in result.months:
            c = result.cell(rung, m)
            chances.append(
                lines(
                    [
                        Span(percent(c.p), "bold", own=True),
                        Span(f" ({spread(c.p05, c.p95)}), {c.words}", own=True),
                    ]
                )
            )
        rows.append([name, *chances])
    explained = own(
        "each cell: the probability (its 90% spread across the assumptions), its ICD-203 words"
    )
    return table(
        [Column("rung"), *(Column(f"by month {m}", "right") for m in result.months)],
        rows,
        title=None if view == "markdown" else run_heading(result),
        notes=(explained, error_note(c.mcse for c in result.cells)),
    )


def run_likelihood(result: Result, view: View = "terminal") -> Table:
    """The chance that the highest rung reached is at least each rung, by each month: in a
    terminal a column a month where that fits, else a row a month."""
    if view == "terminal":
        return replace(_by_month_columns(result), narrow=_by_month_rows(result))
    return _inline(result, view)


def run_highest(result: Result, view: View = "terminal") -> Table:
    """The chance that each rung is the highest reached by the horizon."""
    horizon = max(result.months)
    labels = _labels(result)
    error = error_note((h.mcse for h in result.highest), "row")
    if view == "markdown":
        meta = result.metadata
        footer = (
            f"seed {meta.seed}, {meta.samples:,} samples, scenario {meta.fingerprint}, "
            f"belwar {meta.belwar}"
        )
        return table(
            ["rung", Column("probability", "right"), "in words"],
            [[own(h.rung, "code"), own(percent(h.p)), own(words_for(h.p))] for h in result.highest],
            title=own(f"Highest rung by month {horizon}"),
            notes=(error, own(footer, "italic")),
        )
    columns = [
        Column("rung", wrap=False),
        Column("probability", "right", wrap=False, fold=True),
        Column("in words", wrap=False),
    ]
    rows = [
        [user(h.rung, "bold"), own(percent(h.p)), own(words_for(h.p), "italic")]
        for h in result.highest
    ]
    title = own(f"Highest rung reached by month {horizon}")
    labelled = [
        [*row, user(labels.get(h.rung, ""), "dim")]
        for row, h in zip(rows, result.highest, strict=True)
    ]
    return table(
        [*columns, Column("what it means", ratio=1)],
        labelled,
        title=title,
        notes=(error,),
        # too narrow for the labels beside the rungs: the likelihood table shows them
        narrow=table(columns, rows, title=title, notes=(error,)),
    )


def run_drivers(result: Result) -> Table:
    """The drivers as sampled (terminal only), with the run's footer."""
    meta = result.metadata
    footer = (
        f"seed {meta.seed} · {meta.samples:,} samples · {meta.seconds:.2f} s · "
        f"scenario {meta.fingerprint} · belwar {meta.belwar} · numpy {meta.numpy}"
    )
    drivers = [item for item in result.inputs if item.kind == "driver"]
    figures = [
        [
            own(f"{item.p05:.3g}"),
            own(f"{item.p50:.3g}"),
            own(f"{item.p95:.3g}"),
            own(str(item.evidence)) if item.evidence else lines([Span("none", "yellow", own=True)]),
        ]
        for item in drivers
    ]
    numbers = [
        Column(c, "right", wrap=False, fold=True) for c in ("5th", "median", "95th", "facts")
    ]
    title = own("Drivers as sampled")
    notes = (user(footer, "dim"),)
    named = [  # too narrow for a column of units: each under its driver's name
        lines(
            *([Span(t)] for t in key_lines(item.name)),
            *([Span(t, "dim")] for t in _label_lines(item.unit, KEY_WIDTH)),
        )
        for item in drivers
    ]
    return table(
        [Column("driver", wrap=False), Column("unit", fold=True), *numbers],
        [
            [user(item.name), user(item.unit), *row]
            for item, row in zip(drivers, figures, strict=True)
        ],
        title=title,
        notes=notes,
        narrow=table(
            [Column("driver", wrap=False), *numbers],
            [[name, *row] for name, row in zip(named, figures, strict=True)],
            title=title,
            notes=notes,
        ),
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
