"""``belwar watch`` as a table: one row per indicator or event, most moving first, in every
format (:mod:`belwar.render.tables` draws it for the terminal, markdown, HTML and CSV)."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

from belwar.core.estimative import words_for
from belwar.render.tables import (
    Cell,
    Column,
    Span,
    Table,
    lines,
    own,
    table,
    to_html,
    to_markdown,
    to_rich,
)
from belwar.results.watch import Signpost, Watch

if TYPE_CHECKING:
    from rich.console import RenderableType

FORMATS = ("table", "json", "csv", "markdown")
NAME_WIDTH = 26  # the signposts' names wrap to two or three lines, not five


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def _ratio(value: float) -> str:
    return f"{value:.3g}" if value < 1e4 else f"{value:.2e}"


def watch_layout(found: Watch) -> Table:
    """The signposts, sorted by how far seeing each would move the target. Where the words
    column would squeeze the signposts' names to a few words a line (80 columns), the words
    go under each name instead."""

    def row(s: Signpost, *, words_apart: bool) -> list[Cell]:
        words = s.words_if_seen.replace("_", " ")
        kind = [Span(s.kind, "dim", own=True)]
        if not words_apart:
            kind.append(Span(f"; if seen: {words}", "dim", own=True))
        cells = [
            lines((Span(s.label),), kind),
            own(_pct(s.p_seen), value=s.p_seen),
            own(_pct(s.if_seen), value=s.if_seen),
            own(_pct(s.if_not), value=s.if_not),
            own(_ratio(s.likelihood_ratio), value=s.likelihood_ratio),
            own(f"{s.shift_points:+.1f}", value=s.shift_points),
        ]
        return [*cells, own(words)] if words_apart else cells

    given = f", given {found.history_id}" if found.history_id else ""
    title = own(
        f"What to watch for next month: {found.target} by month {found.month} is "
        f"{_pct(found.p)} ({words_for(found.p).replace('_', ' ')}){given}"
    )
    caption = own(
        "seen: the chance it is seen (an event: begins) next month; if seen / if not: the "
        "target's probability then; LR: how much likelier seeing it is if the target comes "
        "about than if not; pts: the shift if seen, in percentage points "
        f"({found.samples:,} samples, seed {found.seed})"
    )
    name = Column("signpost", min_width=NAME_WIDTH)
    numbers = [Column(h, "right", wrap=False) for h in ("seen", "if seen", "if not", "LR", "pts")]
    return table(
        [name, *numbers, Column("if seen, in words")],
        [row(s, words_apart=True) for s in found.signposts],
        title=title,
        caption=caption,
        narrow=table(
            [name, *numbers],
            [row(s, words_apart=False) for s in found.signposts],
            title=title,
            caption=caption,
        ),
    )


def watch_tables(found: Watch) -> list[RenderableType]:
    """The watch table as rich renderables."""
    return to_rich(watch_layout(found))


def watch_records(found: Watch) -> list[dict[str, Any]]:
    """One tidy record per signpost."""
    return [asdict(s) for s in found.signposts]


def watch_html(found: Watch) -> str:
    """The watch table as HTML."""
    return to_html(watch_layout(found))


def watch_text(found: Watch, fmt: str) -> str:
    """The watch table in ``fmt`` (json, csv, markdown or the table format)."""
    if fmt == "json":
        return found.to_json()
    if fmt == "csv":  # the records, not the drawn table: machines want the numbers
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=[f.name for f in fields(Signpost)], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(watch_records(found))
        return out.getvalue()
    if fmt == "markdown":
        return to_markdown([watch_layout(found)])
    from rich.console import Console  # noqa: PLC0415 - heavy (rich)

    console = Console(file=io.StringIO(), width=120, color_system=None, record=True)
    for item in watch_tables(found):
        console.print(item)
    return console.export_text()
