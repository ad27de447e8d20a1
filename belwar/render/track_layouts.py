"""The layout of a tracked forecast: one row per revision (date, commit, as_of, the target with
its spread, the change and the assumptions that moved it), and its chart over the revisions'
as_of dates. Table models only (:mod:`belwar.render.tables` draws them)."""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING, Any

from belwar.optional import require
from belwar.render.tables import (
    Column,
    Span,
    Table,
    lines,
    own,
    table,
    to_markdown,
    to_rich,
    user,
)
from belwar.results.track import Track

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from rich.console import RenderableType

SHOWN_MOVES = 3
SHOWN_ALSO = 4  # entries (``indicators.minsk_commits``) named for what changed but moved nothing


def _also(keys: tuple[str, ...] | list[str]) -> list[str]:
    """What else changed, one entry a line: the keys grouped by the entry they belong to (a
    driver, an indicator: the first two parts of the key), at most ``SHOWN_ALSO`` named; the
    JSON and CSV keep every key."""
    entries: dict[str, int] = {}
    for key in keys:
        entry = ".".join(key.split(".")[:2])
        entries[entry] = entries.get(entry, 0) + 1
    named = [
        f"{entry} ({count} fields)" if count > 1 else entry
        for entry, count in list(entries.items())[:SHOWN_ALSO]
    ]
    if len(entries) > SHOWN_ALSO:
        named.append(f"and {len(entries) - SHOWN_ALSO} more")
    return ["also changed:", *named]


def track_layout(track: Track) -> Table:
    """The revisions oldest first."""
    scored = track.history is not None
    dates = {r.as_of for r in track.rows}
    same = len(dates) == 1  # then as_of is said once, in the title
    rows = []
    for r in track.rows:
        moved = [f"{m.key} {100 * m.delta:+.1f}" for m in r.moved[:SHOWN_MOVES]]
        if len(r.moved) > SHOWN_MOVES:
            moved.append(f"{len(r.moved) - SHOWN_MOVES} more")
        if r.unattributed:
            moved += _also(r.unattributed)
        row = [
            lines([Span(r.date[:10], own=True)], [Span(r.short, "dim", own=True)]),
            *([] if same else [own(r.as_of)]),
            own(f"{100 * r.p:.1f}"),
            own(f"{100 * r.p05:.1f}-{100 * r.p95:.1f}"),
            own("" if r.change is None else f"{100 * r.change:+.1f}"),
            lines(*([Span(text)] for text in moved)) if moved else user(""),
        ]
        if scored:
            brier = "-" if r.mean_brier is None else f"{r.mean_brier:.4f}"
            row.append(own(brier))
        rows.append(row)
    history = track.history
    return table(
        [
            Column("commit", wrap=False),
            *([] if same else [Column("as_of", wrap=False)]),
            Column("%", "right", wrap=False),
            Column("90% spread", "right", wrap=False),
            Column("change", "right", wrap=False),
            Column("moved by", fold=True),
            *([Column("Brier", "right", wrap=False)] if scored else []),
        ],
        rows,
        title=own(f"P({track.target} by month {track.month}) at each revision of {track.path}"),
        caption=own(
            (f"Every revision is as of {next(iter(dates))}. " if same else "")
            + "%: the probability at that revision, run at its own seed; change: from the row "
            "before, in percentage points; moved by: each changed assumption applied alone to "
            "the revision before, paired with it (same seed and samples), in points, largest "
            "first"
            + (
                f"; Brier: the revision's mean Brier score on history {history['id']}"
                if history
                else ""
            )
            + "."
        ),
    )


def track_tables(track: Track) -> list[RenderableType]:
    """The tracked forecast as rich renderables."""
    return to_rich(track_layout(track))


def track_text(track: Track, fmt: str) -> str:
    """The tracked forecast in ``fmt``: json, csv (one row per revision), markdown or table."""
    if fmt == "json":
        return track.to_json()
    if fmt == "csv":
        import csv  # noqa: PLC0415 - only for this format

        out = io.StringIO()
        records = track.records()
        writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in records)
        return out.getvalue()
    if fmt == "markdown":
        return to_markdown([track_layout(track)])
    from rich.console import Console  # noqa: PLC0415 - heavy (rich)

    console = Console(file=io.StringIO(), width=120, color_system=None, record=True)
    for item in track_tables(track):
        console.print(item)
    return console.export_text()


def track_chart(track: Track) -> Figure:
    """The target over the revisions' as_of dates (over the commits' dates when they share
    one), with each revision's 90% spread."""
    figure: Figure = require("matplotlib.figure", extra="notebook").Figure(
        figsize=(8.0, 4.5), layout="constrained"
    )
    ax: Any = figure.add_subplot()
    as_of = {r.as_of for r in track.rows}
    # over the as_of dates; when every revision shares one, over the commits' dates instead
    by_as_of = len(as_of) > 1 and "" not in as_of
    days = [date.fromisoformat(r.as_of if by_as_of else r.date[:10]) for r in track.rows]
    ax.errorbar(
        days,
        [r.p for r in track.rows],
        yerr=[[r.p - r.p05 for r in track.rows], [r.p95 - r.p for r in track.rows]],
        marker="o",
        capsize=3,
    )
    for day, r in zip(days, track.rows, strict=True):
        ax.annotate(r.short, (day, r.p), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xlabel(
        "as_of of the revision"
        if by_as_of
        else f"date of the commit (every revision as of {next(iter(as_of)) or 'no date'})"
    )
    ax.set_ylabel(f"P({track.target} by month {track.month})")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    figure.suptitle(f"{track.path} across its revisions (bars: 90% spread)", fontsize=12)
    return figure
