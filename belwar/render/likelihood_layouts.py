"""The likelihood tables of a run: the chance of reaching each rung by each month (a column a
month where the terminal has the width, else a row a month; markdown and HTML a column a month,
each cell on one line), and the highest rung reached by the horizon. Each function builds
:class:`~belwar.render.tables.Table` models and knows nothing of how they are drawn."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import replace
from typing import Literal

from belwar.core.estimative import words_for
from belwar.render.tables import Cell, Column, Span, Table, lines, own, table, user
from belwar.render.text import POINTS, clean, error_bound, percent, spread
from belwar.results.run import Cell as RunCell  # tables.Cell is the cell of a table
from belwar.results.run import Result

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


def label_lines(label: str, width: int) -> list[str]:
    """A label (a rung's, a driver's unit) wrapped at its spaces to ``width`` but at least
    :data:`LABEL_WIDTH`, so that under a rung's id it never widens the id's column."""
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


def _chance(cell: RunCell) -> Cell:
    """``7.5% (2.9-15%)``: the probability, then its 90% spread, on one line."""
    spread_of = f" ({spread(cell.p05, cell.p95)})"
    return lines([Span(percent(cell.p), "bold", own=True), Span(spread_of, own=True)])


def _by_month_columns(result: Result) -> Table:
    """Months as columns: a row per rung (its id, then its probabilities with their spreads)
    and a line under it (its label, then each probability's ICD-203 words)."""
    width = max(len(r) for r in result.rungs)
    labels = _labels(result)
    rows: list[list[Cell]] = []
    breaks = set()
    for rung in result.rungs:
        cells = [result.cell(rung, m) for m in result.months]
        rows.append([user(rung, "bold"), *(_chance(c) for c in cells)])
        label = label_lines(labels.get(rung, ""), width)
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
        first = [rung, *label_lines(labels.get(rung, ""), width)]
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
