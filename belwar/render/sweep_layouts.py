"""The layouts of a sweep: a curve as a value-by-value table, a grid as a matrix, then the
tipping points, each rounded to what its Monte Carlo interval allows and placed in the varied
assumption's own distribution. Nothing here computes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from belwar.core.estimative import words_for
from belwar.render.run_layouts import View
from belwar.render.tables import Column, Table, own, table, user
from belwar.render.text import percent, points

if TYPE_CHECKING:
    from belwar.results.sweep import Sweep


# --- a sweep -------------------------------------------------------------------------------------


def _crossings(sweep: Sweep) -> str:
    found = []
    if sweep.threshold is None:
        return ""
    first = sweep.axes[0].path
    for crossing in sweep.crossings:
        where = "" if crossing.along is None else f" at {sweep.axes[1].path} = {crossing.along:.4g}"
        if crossing.value is None:
            found.append(f"does not cross {percent(sweep.threshold)}{where} within the range")
        else:
            found.append(
                f"crosses {percent(sweep.threshold)} ({crossing.direction}){where} at "
                f"{first} = {crossing.value:.4g} (95%: {crossing.low:.4g} to {crossing.high:.4g})"
            )
    return "\n".join(found)


def sweep_layout(sweep: Sweep) -> Table:
    """A curve as a value-by-value table, a grid as a matrix; then the tipping points."""
    what = f"P(reaching {sweep.target} by month {sweep.month})"
    first = sweep.axes[0]
    title = f"{sweep.scenario_id}: {what} as {first.path} varies"
    if len(sweep.axes) == 1:
        columns = [Column(first.path, "right"), Column("probability", "right")]
        columns += [Column("±", "right"), Column("words")]
        rows = [
            [own(f"{p.at[0]:.4g}"), own(percent(p.p)), own(points(p.mcse)), own(words_for(p.p))]
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
    return table(
        columns,
        rows,
        title=user(title),
        caption=own(f"{sweep.samples:,} samples a point, seed {sweep.seed}: common random numbers"),
        notes=(user(_crossings(sweep)),),
    )


def sweep_points(sweep: Sweep, view: View = "markdown") -> Table:
    """One row per point: each axis value, the probability and its error."""
    heads = [*(a.path for a in sweep.axes), "p" if view == "markdown" else "probability", "±"]
    rows = [
        [*(own(f"{v:.4g}") for v in p.at), own(percent(p.p)), own(points(p.mcse))]
        for p in sweep.points
    ]
    if view == "markdown":
        return table([Column(h, "right") for h in heads], rows)
    return table(heads, rows, title=own(f"P(reaching {sweep.target} by month {sweep.month})"))


def sweep_records(sweep: Sweep) -> Table:
    """One row per point: each axis value by its path, then ``p`` and ``mcse`` (floats by repr,
    with their values)."""
    heads = [*(a.path for a in sweep.axes), "p", "mcse"]
    return table(
        heads,
        [[own(repr(v), value=v) for v in (*p.at, p.p, p.mcse)] for p in sweep.points],
    )
