"""The layouts of the analyses: a sweep, a sensitivity analysis (a comparison's are in
:mod:`belwar.render.diff_layouts`). Each function
builds :class:`~belwar.render.tables.Table` models and knows nothing of how they are drawn;
where a view (terminal, markdown, HTML) shows a result differently today, the difference is
spelled here, in one place per result type."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from belwar.core.estimative import words_for
from belwar.render.run_layouts import View
from belwar.render.tables import Cell, Column, Span, Table, lines, own, table, user
from belwar.render.text import percent, points, signed

if TYPE_CHECKING:
    from belwar.results.sensitivity import Sensitivity
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


# --- a sensitivity analysis ----------------------------------------------------------------------


def _sensitivity_title(result: Sensitivity) -> str:
    return (
        f"{result.scenario_id}: what moves P(reaching {result.target} by month "
        f"{result.month}) = {percent(result.p)}"
    )


def _sobol(point: float | None, low: float | None, high: float | None) -> Cell:
    return lines([Span(f"{point:.2f}", own=True)], [Span(f"({low:.2f}\u2013{high:.2f})", own=True)])


def sensitivity_layout(result: Sensitivity) -> Table:
    """The tornado (and Sobol indices), widest swing first."""
    sobol = result.method == "sobol"
    # keys break at their colons ("odds: full_entry: kremlin_pressure"), not mid-name
    longest = max((len(part) for i in result.influences for part in i.key.split(":")), default=10)
    columns = [Column("input", fold=True, min_width=min(longest, 12 if sobol else 28))]
    # with Sobol indices, a narrow terminal wraps "low → high" and "swing ±error" at their
    # spaces rather than cutting the indices' intervals short
    columns += [Column("bottom → top", "right", wrap=sobol), Column("swing", "right", wrap=sobol)]
    columns += [Column("rho", "right", wrap=False)]
    columns += (
        [Column(h, "right", wrap=False) for h in ("S1", "ST")]
        if sobol
        else [Column("", wrap=False)]
    )
    widest = max((abs(i.swing) for i in result.influences), default=0.0) or 1.0
    rows = []
    for item in result.influences:
        cells = [
            user(item.key.replace(":", ": ")),
            own(f"{percent(item.low)} → {percent(item.high)}"),
            own(f"{signed(item.swing)} {points(item.swing_mcse)}"),
            own(f"{item.rank_correlation:+.2f}"),
        ]
        if sobol:
            cells.append(_sobol(item.first_order, item.first_low, item.first_high))
            cells.append(_sobol(item.total_order, item.total_low, item.total_high))
        else:
            bar = "█" * max(1, round(8 * abs(item.swing) / widest)) if item.swing else ""
            cells.append(lines([Span(bar, "red" if item.swing > 0 else "green", own=True)]))
        rows.append(cells)
    caption = (
        "bottom → top: mean target when the input is in its bottom or top tenth; "
        "swing: their difference, ± its Monte Carlo error, in points; rho: rank correlation"
    )
    if sobol:
        caption += "; S1, ST: first-order and total Sobol indices (95% interval)"
    return table(columns, rows, title=user(_sensitivity_title(result)), caption=own(caption))


def sensitivity_brief(result: Sensitivity, view: View = "markdown") -> Table:
    """The tornado without the terminal's bars and indices (markdown and HTML)."""
    swing = [(percent(i.low), percent(i.high), i) for i in result.influences]
    if view == "markdown":
        return table(
            ["input", *(Column(h, "right") for h in ("low", "high", "swing (points)", "rho"))],
            [
                [
                    user(i.key),
                    own(lo),
                    own(hi),
                    own(signed(i.swing)),
                    own(f"{i.rank_correlation:+.2f}"),
                ]
                for lo, hi, i in swing
            ],
        )
    return table(
        ["input", "bottom → top tenth", "swing (points)", "rho"],
        [
            [
                user(i.key),
                own(f"{lo} → {hi}"),
                own(f"{signed(i.swing)} {points(i.swing_mcse)}"),
                own(f"{i.rank_correlation:+.2f}"),
            ]
            for lo, hi, i in swing
        ],
        title=own(f"What moves P(reaching {result.target} by month {result.month})"),
    )


def sensitivity_records(result: Sensitivity) -> Table:
    """One row per input with every field of its influence (``None`` as an empty cell)."""
    records = [asdict(i) for i in result.influences]
    heads = list(records[0]) if records else ["key"]
    return table(
        heads,
        [
            [own("" if v is None else str(v), value=v) for v in record.values()]
            for record in records
        ],
    )
