"""The layouts of scored forecasts: the ranking with each forecast's mean scores, and every
cell with its outcome and each forecast's Brier score (cells not yet settled listed apart).
Table models only (:mod:`belwar.render.tables` draws them)."""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from typing import TYPE_CHECKING

from belwar.core.calendar import add_months
from belwar.render.tables import Column, Table, own, table, to_markdown, to_rich, user
from belwar.results.score import CELL_FIELDS, Scores

if TYPE_CHECKING:
    from rich.console import RenderableType


def _g(value: float | None, digits: str = ".3f") -> str:
    if value is None:
        return "-"
    return format(value, digits) if math.isfinite(value) else "-inf"


def months_note(scores: Scores) -> str:
    """What a forecast month is here, in dates."""
    since = date.fromisoformat(scores.since)
    return (
        f"Months count from the history's since ({scores.since}), the date the forecasts were "
        f"made as of: month 1 ends {add_months(since, 1).isoformat()}, month 12 ends "
        f"{add_months(since, 12).isoformat()}. The record, as it stood on {scores.at}, observes "
        f"{scores.observed_months} whole months; a rung it records as reached settles every "
        "later month too."
    )


def ranking_layout(scores: Scores) -> Table:
    """The forecasts best first, with their mean scores."""
    rows = []
    for rank, f in enumerate(scores.ranking, start=1):
        rows.append(
            [
                own(str(rank)),
                user(f.name + (" (reference)" if f.kind == "reference" else "")),
                own(_g(f.mean_brier, ".4f")),
                own(_g(f.mean_rps_normalised, ".4f")),
                own(_g(f.mean_log)),
                own(_g(f.mean_baseline, ".1f")),
                own(f"{len(f.settled)}/{len(f.cells)}"),
            ]
        )
    return table(
        [
            Column("#", "right", wrap=False),
            Column("forecast", wrap=False),
            *(
                Column(h, "right", wrap=False)
                for h in ("Brier", "RPS/k", "log", "baseline", "cells")
            ),
        ],
        rows,
        title=own(
            f"Forecasts scored on history {scores.history_id}, as the record stood on {scores.at}"
        ),
        caption=own(
            "Brier: mean over the settled cells, lower is better. Over the settled months "
            "(every rung settled): RPS/k, the ranked probability score per rung above the "
            "start (0 best, 1 worst); log, ln P(the state reached), higher is better; "
            "baseline, 100 ln(K p)/ln K with K states (100: certain and right; 0: the uniform "
            "forecast). Ranked by baseline. cells: settled of given. " + months_note(scores)
        ),
    )


def cells_layout(scores: Scores) -> Table:
    """Every settled cell: what happened and each forecast's probability and Brier score."""
    names = [f.name for f in scores.ranking]
    found = {(f.name, c.rung, c.month): c for f in scores.forecasts for c in f.cells}
    keys = sorted(
        {(c.month, c.rung) for f in scores.forecasts for c in f.settled},
        key=lambda mr: (mr[0], _order(scores, mr[1])),
    )
    rows = []
    for month, rung in keys:
        outcome = next(found[n, rung, month].outcome for n in names if (n, rung, month) in found)
        shown = []
        for name in names:
            cell = found.get((name, rung, month))
            shown.append(own("-" if cell is None else f"{100 * cell.p:.1f}"))
        rows.append([user(rung), own(str(month)), own("yes" if outcome else "no"), *shown])
    unsettled = sorted(
        {(c.month, c.rung) for f in scores.forecasts for c in f.unsettled},
        key=lambda mr: (mr[0], _order(scores, mr[1])),
    )
    notes = (
        (
            own(
                "Not yet settled (scored nowhere): "
                + ", ".join(f"{rung} by month {month}" for month, rung in unsettled)
                + "."
            ),
        )
        if unsettled
        else ()
    )
    return table(
        [
            Column("rung", wrap=False),
            Column("month", "right", wrap=False),
            Column("reached", wrap=False),
            *(Column(f"#{rank}", "right", wrap=False) for rank in range(1, len(names) + 1)),
        ],
        rows,
        title=own("Each settled cell: what happened, and each forecast's probability (%)"),
        caption=own(
            "#N: the forecast ranked N above. A cell's Brier score is (p - 1)^2 if the rung was "
            "reached by that month, p^2 if not (in JSON and CSV)."
        ),
        notes=notes,
    )


def _order(scores: Scores, rung: str) -> int:
    for f in scores.forecasts:
        for i, c in enumerate(f.cells):
            if c.rung == rung:
                return i
    return 0


def score_layout(scores: Scores) -> list[Table]:
    """The tables of scored forecasts, in order."""
    return [ranking_layout(scores), cells_layout(scores)]


def score_tables(scores: Scores) -> list[RenderableType]:
    """Scored forecasts as rich renderables."""
    return [r for t in score_layout(scores) for r in to_rich(t)]


def score_text(scores: Scores, fmt: str) -> str:
    """Scored forecasts in ``fmt``: json, csv (one row per cell), markdown or the table
    format."""
    if fmt == "json":
        return scores.to_json()
    if fmt == "csv":
        return _csv(scores)
    if fmt == "markdown":  # markdown tables carry no caption: what the months are comes after
        return to_markdown(score_layout(scores)) + "\n" + months_note(scores) + "\n"
    from rich.console import Console  # noqa: PLC0415 - heavy (rich)

    console = Console(file=io.StringIO(), width=120, color_system=None, record=True)
    for item in score_tables(scores):
        console.print(item)
    return console.export_text()


def _csv(scores: Scores) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CELL_FIELDS)
    for row in scores.rows():
        writer.writerow(["" if row[k] is None else row[k] for k in CELL_FIELDS])
    return out.getvalue()
