"""The layouts of a sweep: a curve as a value-by-value table, a grid as a matrix, then the
tipping points, each rounded to what its Monte Carlo interval allows and placed in the varied
assumption's own distribution. Nothing here computes."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from belwar.core.estimative import words_for
from belwar.render.conditions import condition_spans, weights_notes
from belwar.render.run_layouts import View
from belwar.render.tables import Cell, Column, Span, Table, lines, own, table, user
from belwar.render.text import percent

if TYPE_CHECKING:
    from belwar.results.sweep import Crossing, Sweep


MC_ERROR = "MC error (points)"


def mc_points(mcse: float) -> str:
    """A Monte Carlo error in percentage points, two decimals, with no sign (the column or
    caption says the unit). Local to sweeps until the shared MC-error format (issue 13, item 2)
    lands in :mod:`belwar.render.text`."""
    return f"{100 * mcse:.2f}"


def decimals(half: float) -> int:
    """Decimal places an interval of half-width ``half`` allows: down to the place of its first
    significant digit (``0.0017`` gives 3), so no digit shown is pure noise."""
    if not math.isfinite(half) or half <= 0:
        return 4
    return max(0, -math.floor(math.log10(half)))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def placed(sweep: Sweep, crossing: Crossing, places: int = 3) -> str:
    """Where a tipping point sits in the scenario's own distribution of the swept driver:
    ``above baseline's own 95th percentile of kremlin_pressure (0.78)``; empty for an axis that
    is no driver. Values are shown to ``places`` decimals, as the tipping point is."""
    axis = sweep.axes[0]
    share, spread = crossing.percentile, axis.spread
    if share is None or spread is None or axis.driver is None:
        return ""
    own_dist = f"{sweep.scenario_id}'s own"
    if share > 0.95:
        return f"above {own_dist} 95th percentile of {axis.driver} ({spread[1]:.{places}f})"
    if share < 0.05:
        return f"below {own_dist} 5th percentile of {axis.driver} ({spread[0]:.{places}f})"
    rank = min(max(round(100 * share), 5), 95)
    return (
        f"at {own_dist} {_ordinal(rank)} percentile of {axis.driver} "
        f"(its 5th to 95th: {spread[0]:.{places}f} to {spread[1]:.{places}f})"
    )


def tipping_text(sweep: Sweep, crossing: Crossing) -> str:
    """One crossing as a sentence: the value rounded to what its Monte Carlo interval allows,
    the interval labelled as Monte Carlo only, and where the value sits."""
    assert sweep.threshold is not None
    first = sweep.axes[0]
    where = "" if crossing.along is None else f"With {sweep.axes[1].path} = {crossing.along:.4g}: "
    if crossing.value is None or crossing.low is None or crossing.high is None:
        line = [p for p in sweep.points if crossing.along is None or p.at[1] == crossing.along]
        side = "above" if line and min(p.p for p in line) > sweep.threshold else "below"
        ends = f"{first.values[0]:.4g} to {first.values[-1]:.4g}"
        return f"{where}stays {side} {percent(sweep.threshold)} for {first.path} from {ends}"
    places = decimals((crossing.high - crossing.low) / 2)
    going = {"up": "going up", "down": "going down"}.get(crossing.direction, "")
    text = (
        f"{where}crosses {percent(sweep.threshold)} {going} at {first.path} = "
        f"{crossing.value:.{places}f} (95%, Monte Carlo only: {crossing.low:.{places}f} to "
        f"{crossing.high:.{places}f})"
    )
    where_in = placed(sweep, crossing, places)
    return f"{text}, {where_in}" if where_in else text


def _tipping_notes(sweep: Sweep) -> tuple[Cell, ...]:
    if sweep.threshold is None:
        return ()
    found = [user(tipping_text(sweep, c)) for c in sweep.crossings]
    if len(sweep.axes) == 1:
        found = [
            lines([Span("Tipping point:", "bold", own=True), Span(f" {c.text}")]) for c in found
        ]
    else:
        found.insert(0, own("Tipping points:", "bold"))
    found.append(
        own(
            "A tipping point's interval is Monte Carlo noise alone: it leaves out how uncertain "
            "the other assumptions are.",
            "dim",
        )
    )
    return tuple(found)


def _conditioned(sweep: Sweep) -> tuple[list[Span], tuple[Cell, ...]]:
    """What every point was conditioned on (empty when nothing) and the notes on the least
    reliable point's weights."""
    if sweep.conditions is None:
        return [], ()
    return condition_spans(sweep.conditions), weights_notes([("", sweep.weights)], least=True)


def sweep_layout(sweep: Sweep) -> Table:
    """A curve as a value-by-value table, a grid as a matrix; then the tipping points."""
    what = f"P(reaching {sweep.target} by month {sweep.month})"
    first = sweep.axes[0]
    title = f"{sweep.scenario_id}: {what} as {first.path} varies"
    errors = f"{sweep.samples:,} samples a point, seed {sweep.seed}: common random numbers"
    if len(sweep.axes) == 1:
        columns = [Column(first.path, "right"), Column("probability", "right")]
        columns += [Column(MC_ERROR, "right"), Column("words")]
        rows = [
            [own(f"{p.at[0]:.4g}"), own(percent(p.p)), own(mc_points(p.mcse)), own(words_for(p.p))]
            for p in sweep.points
        ]
    else:
        second = sweep.axes[1]
        title += f" (rows) and {second.path} (columns)"
        columns = [Column(f"{first.path} \\ {second.path}", "right")]
        columns += [Column(f"{v:.4g}", "right") for v in second.values]
        width = len(second.values)
        rows = [
            [
                own(f"{v:.4g}"),
                *(own(percent(p.p)) for p in sweep.points[i * width : (i + 1) * width]),
            ]
            for i, v in enumerate(first.values)
        ]
        largest = max((p.mcse for p in sweep.points), default=0.0)
        errors += f"; Monte Carlo errors up to {mc_points(largest)} points"
    given, weights = _conditioned(sweep)
    head = lines([Span(title)], given) if given else user(title)
    return table(
        columns, rows, title=head, caption=own(errors), notes=(*weights, *_tipping_notes(sweep))
    )


def sweep_points(sweep: Sweep, view: View = "markdown") -> Table:
    """One row per point: each axis value, the probability and its error (in points)."""
    heads = [*(a.path for a in sweep.axes), "p" if view == "markdown" else "probability", MC_ERROR]
    rows = [
        [*(own(f"{v:.4g}") for v in p.at), own(percent(p.p)), own(mc_points(p.mcse))]
        for p in sweep.points
    ]
    notes = _tipping_notes(sweep) if view == "markdown" else ()
    if view == "markdown":
        given, weights = _conditioned(sweep)
        return table(
            [Column(h, "right") for h in heads],
            rows,
            title=lines(given) if given else None,
            notes=(*weights, *notes),
        )
    return table(heads, rows, title=own(f"P(reaching {sweep.target} by month {sweep.month})"))


CSV_FIELDS = ("kind", "p", "mcse", "low", "high", "direction", "percentile")


def sweep_records(sweep: Sweep) -> Table:
    """The sweep as one CSV-ready table with a ``kind`` column: a ``point`` row for each grid
    point (each axis value by its path, ``p`` and ``mcse``), then a ``crossing`` row for each
    line that crosses the threshold (the first axis' column holds the tipping point, the
    second's the line it lies on, ``p`` the threshold, ``low`` and ``high`` its Monte Carlo
    interval, ``percentile`` its place in the scenario's own distribution of the driver).
    Floats by repr, with their values; an empty cell is no value."""
    paths = [a.path for a in sweep.axes]

    def cell(v: float | str | None) -> Cell:
        if v is None:
            return own("")
        return own(v if isinstance(v, str) else repr(v), value=v)

    rows = [
        [cell("point"), *(cell(v) for v in p.at), cell(p.p), cell(p.mcse), *[cell(None)] * 4]
        for p in sweep.points
    ]
    for c in sweep.crossings:
        if c.value is None:
            continue
        at = (c.value,) if c.along is None else (c.value, c.along)
        extra = (c.low, c.high, c.direction, c.percentile)
        rows.append(
            [cell("crossing"), *(cell(v) for v in at), cell(sweep.threshold), cell(None)]
            + [cell(v) for v in extra]
        )
    return table(["kind", *paths, *CSV_FIELDS[1:]], rows)
