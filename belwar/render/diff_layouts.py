"""The layouts of a comparison: what changed in the assumptions (grouped by input, see
:mod:`belwar.render.changes`) and what that did to every probability. Each function builds
:class:`~belwar.render.tables.Table` models and knows nothing of how they are drawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from belwar.core.estimative import words_for
from belwar.render.changes import InputChange, Setting, grouped
from belwar.render.run_layouts import View, error_note
from belwar.render.tables import Cell, Column, Span, Table, lines, own, table, user
from belwar.render.text import POINTS, percent, signed, two_figures

if TYPE_CHECKING:
    from belwar.results.comparison import Comparison, Delta

DIFF_FIELDS = ("rung", "month", "p_a", "p_b", "delta", "mcse", "material")
KEY_WIDTH = 24  # a dotted key longer than this is shown over lines, broken after its dots
ONE_LINE = 44  # an old and a new value longer than this together go on two lines


def diff_heading(comparison: Comparison) -> Cell:
    """The comparison's heading: ``A -> B``."""
    return lines([Span(comparison.a), Span(" -> ", own=True), Span(comparison.b)])


def key_lines(key: str, width: int = KEY_WIDTH) -> list[str]:
    """A dotted key over lines no wider than ``width``, each broken after a dot (never inside
    a name; a name wider than ``width`` keeps its own line)."""
    out: list[str] = []
    for part in key.split("."):
        if out and len(out[-1]) + 1 + len(part) <= width:
            out[-1] += "." + part
        elif out:
            out[-1] += "."
            out.append(part)
        else:
            out.append(part)
    return out


def _change(setting: Setting, view: View) -> Cell:
    """A setting's change: removed items (``- id``) then added ones (``+ id``), or ``old ->
    new`` (over two lines in a terminal when long)."""
    if setting.listed:
        return lines(
            *([Span(f"- {item}", "dim")] for item in setting.removed),
            *([Span(f"+ {item}")] for item in setting.added),
        )
    if view == "terminal" and len(setting.old) + len(setting.new) > ONE_LINE:
        return lines([Span(setting.old, "dim")], [Span("→ ", own=True), Span(setting.new)])
    return lines([Span(setting.old, "dim"), Span(" → ", own=True), Span(setting.new)])


def _terminal_rows(groups: list[InputChange]) -> tuple[list[list[Cell]], frozenset[int]]:
    rows: list[list[Cell]] = []
    breaks = set()
    for group in groups:
        rows.append([lines(*([Span(t, "bold")] for t in key_lines(group.input))), own("")])
        for setting in group.settings:
            name = key_lines(setting.name, KEY_WIDTH - 2)
            rows.append([lines(*([Span(f"  {t}")] for t in name)), _change(setting, "terminal")])
        breaks.add(len(rows) - 1)
    return rows, frozenset(breaks - {len(rows) - 1})


def diff_assumptions(comparison: Comparison, view: View = "terminal") -> Table:
    """What differs between the two assumption sets, input by input."""
    groups = grouped(comparison.changes, comparison.result_a.scenario, comparison.result_b.scenario)
    title = lines([Span("Assumptions: ", own=True), *diff_heading(comparison).lines[0]])
    caption = own(
        "A → B for each changed setting; facts cited: - removed, + added", "table.caption"
    )
    if view != "terminal":
        rows = [
            [user(group.input), user(setting.name), _change(setting, view)]
            for group in groups
            for setting in group.settings
        ]
        columns = ["input", "setting", "change (A -> B)"]
        return table(columns, rows, title=None if view == "markdown" else title)
    rows, breaks = _terminal_rows(groups)
    if not rows:
        rows = [[own("(no assumption differs)"), own("")]]
    return table(
        [Column("input", wrap=False), Column("change (A → B)", fold=True)],
        rows,
        title=title,
        caption=caption if groups else None,
        breaks=breaks,
    )


def _words(d: Delta) -> Cell:
    before, after = words_for(d.p_a), words_for(d.p_b)
    if before == after:
        return own(before, "dim")
    return own(f"{before} → {after}")


def _how(comparison: Comparison) -> str:
    if comparison.paired:
        return "paired: same seed and samples, common random numbers"
    return "unpaired: saved results, errors added in quadrature"


def _material(comparison: Comparison) -> str:
    tolerance = 100 * comparison.tolerance
    unit = POINTS.removesuffix("s") if tolerance == 1 else POINTS
    return f"material: the change is above {tolerance:g} {unit} and 3 Monte Carlo errors"


def diff_results(
    comparison: Comparison, *, show_all: bool = False, view: View = "terminal"
) -> Table:
    """What the change did to every probability (only the material changes unless
    ``show_all``; HTML shows every row)."""
    shown = [d for d in comparison.deltas if show_all or d.material or view == "html"]
    samples = comparison.result_a.metadata.samples
    if view != "terminal":
        return _wide_results(comparison, shown)
    rows: list[list[Cell]] = []
    breaks = set()
    for i, d in enumerate(shown):
        first = i == 0 or shown[i - 1].rung != d.rung
        if first and rows:
            breaks.add(len(rows) - 1)
        row = [user(d.rung if first else "", "bold"), own(str(d.month))]
        row += [own(percent(d.p_a)), own(percent(d.p_b)), own(signed(d.delta), "bold")]
        row.append(_words(d))
        if show_all:
            row.append(own("yes", "bold") if d.material else own("no", "dim"))
        rows.append(row)
    hidden = len(comparison.deltas) - len(shown)
    notes = [error_note((d.mcse for d in shown), "row"), own(_material(comparison), "dim")]
    if hidden:
        notes.append(
            own(
                f"{hidden} row{'s' if hidden != 1 else ''} without a material change hidden "
                "(--all shows them)",
                "dim",
            )
        )
    numbers = [Column(h, "right", wrap=False, fold=True) for h in ("month", "A", "B", "change")]
    columns = [Column("rung", wrap=False), *numbers, Column("in words (A → B)")]
    if show_all:
        columns.append(Column("material", wrap=False))
    return table(
        columns,
        rows,
        title=own(f"Results ({_how(comparison)}; {samples:,} samples)"),
        caption=own(f"change: B - A in {POINTS}; words: ICD-203"),
        notes=tuple(notes),
        breaks=frozenset(breaks),
    )


def _wide_results(comparison: Comparison, shown: list[Delta]) -> Table:
    """Markdown and HTML: every figure its own column, the Monte Carlo error too."""
    heads = ["rung", "month", "A", "B", "change (points)", "MC error (points)", "material"]
    rows = [
        [
            user(d.rung),
            own(str(d.month)),
            own(percent(d.p_a)),
            own(percent(d.p_b)),
            own(signed(d.delta)),
            own(two_figures(100 * d.mcse)),
            own("yes", "bold") if d.material else own("no"),
            _words(d),
        ]
        for d in shown
    ]
    kind = "paired" if comparison.paired else "unpaired"
    return table(
        [
            *(Column(h, "left" if h in {"rung", "material"} else "right") for h in heads),
            Column("in words (A -> B)"),
        ],
        rows,
        title=own(f"Results ({kind})"),
        notes=(own(f"points: {POINTS}; {_material(comparison)}"),),
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
