"""The layouts of a comparison (sweeps: :mod:`belwar.render.sweep_layouts`; sensitivity
analyses: :mod:`belwar.render.sensitivity_layouts`). Each function
builds :class:`~belwar.render.tables.Table` models and knows nothing of how they are drawn;
where a view (terminal, markdown, HTML) shows a result differently today, the difference is
spelled here, in one place per result type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from belwar.render.run_layouts import View
from belwar.render.tables import Cell, Column, Span, Table, lines, own, table, user
from belwar.render.text import percent, points, shown_value, signed

if TYPE_CHECKING:
    from belwar.results.comparison import Comparison

DIFF_FIELDS = ("rung", "month", "p_a", "p_b", "delta", "mcse", "material")


# --- a comparison --------------------------------------------------------------------------------


def diff_heading(comparison: Comparison) -> Cell:
    """The comparison's heading: ``A -> B``."""
    return lines([Span(comparison.a), Span(" -> ", own=True), Span(comparison.b)])


def diff_assumptions(comparison: Comparison, view: View = "terminal") -> Table:
    """What differs between the two assumption sets, key by key."""
    rows = [
        [user(c.key), user(shown_value(c.old)), user(shown_value(c.new))]
        for c in comparison.changes
    ]
    if view == "terminal" and not rows:
        rows = [[own("(no assumption differs)"), own(""), own("")]]
    title = lines([Span("Assumptions: ", own=True), *diff_heading(comparison).lines[0]])
    if view == "terminal":
        columns = [Column(h, fold=True, ratio=r) for h, r in (("key", 3), ("A", 2), ("B", 2))]
        return table(columns, rows, title=title)
    return table(["key", "A", "B"], rows, title=None if view == "markdown" else title)


def diff_results(
    comparison: Comparison, *, show_all: bool = False, view: View = "terminal"
) -> Table:
    """What the change did to every probability (only the material changes unless
    ``show_all``; HTML shows every row)."""
    shown = [d for d in comparison.deltas if show_all or d.material or view == "html"]
    rows = []
    for d in shown:
        error = points(d.mcse) if view == "html" else points(d.mcse).removeprefix("±")
        mark = own("yes", "bold") if d.material else own("no", "dim")
        values = (percent(d.p_a), percent(d.p_b), signed(d.delta), error)
        month = own(str(d.month))
        rows.append([user(d.rung), month, *(own(v) for v in values), mark])
    heads = ["rung", "month", "A", "B", "change", "±", "material"]
    if view != "terminal":
        heads[4] = "change (points)"
        kind = "paired" if comparison.paired else "unpaired"
        return table(
            [Column(h, "left" if h in {"rung", "material"} else "right") for h in heads],
            rows,
            title=own(f"Results ({kind})"),
        )
    how = (
        "paired: same seed and samples, common random numbers"
        if comparison.paired
        else "unpaired: saved results, errors added in quadrature"
    )
    hidden = len(comparison.deltas) - len(shown)
    footer = (
        f"{hidden} row{'s' if hidden != 1 else ''} without a material change hidden "
        "(--all shows them)"
        if hidden
        else ""
    )
    return table(
        [Column(h, "left" if h == "rung" else "right", wrap=False) for h in heads],
        rows,
        title=own(f"Results ({how}; {comparison.result_a.metadata.samples:,} samples)"),
        caption=own(
            "change and ± (its Monte Carlo error) in percentage points; material: |change| "
            f"above {100 * comparison.tolerance:g} points and 3 Monte Carlo errors"
        ),
        notes=(own(footer, "dim"),),
    )


def diff_layout(
    comparison: Comparison, *, show_all: bool = False, view: View = "terminal"
) -> list[Table]:
    """Both tables of a comparison in ``view``."""
    return [
        diff_assumptions(comparison, view),
        diff_results(comparison, show_all=show_all, view=view),
    ]


def diff_records(comparison: Comparison, *, show_all: bool = True) -> Table:
    """One row per rung and month with the fields of :data:`DIFF_FIELDS` (floats by repr)."""
    return table(
        DIFF_FIELDS,
        [
            [
                own(d.rung),
                own(str(d.month)),
                *(own(repr(v)) for v in (d.p_a, d.p_b, d.delta, d.mcse)),
                own(str(d.material).lower()),
            ]
            for d in comparison.deltas
            if show_all or d.material
        ],
    )
