"""The layouts of a comparison: what changed in the assumptions (grouped by input, see
:mod:`belwar.render.changes`) and what that did to every probability. Each function builds
:class:`~belwar.render.tables.Table` models and knows nothing of how they are drawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from belwar.core.estimative import words_for
from belwar.render.changes import InputChange, Setting, grouped
from belwar.render.conditions import condition_spans, weights_notes
from belwar.render.likelihood_layouts import View, error_note
from belwar.render.tables import Cell, Column, Span, Table, lines, own, table, user
from belwar.render.text import KEY_WIDTH, POINTS, key_lines, percent, signed, two_figures

if TYPE_CHECKING:
    from belwar.results.comparison import Comparison, Delta

DIFF_FIELDS = ("rung", "month", "p_a", "p_b", "delta", "mcse", "material")
ONE_LINE = 44  # an old and a new value longer than this together go on two lines
WORDS_LINE = 20  # a change of words longer than this is broken after its arrow, if need be


def diff_heading(comparison: Comparison) -> Cell:
    """The comparison's heading: ``A -> B``."""
    return lines([Span(comparison.a), Span(" -> ", own=True), Span(comparison.b)])


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


def _listed_rows(groups: list[InputChange]) -> tuple[list[list[Cell]], frozenset[int]]:
    """One column, for a terminal too narrow for a column of keys beside the changes: each
    input's name, then each setting and its change indented under it."""
    rows: list[list[Cell]] = []
    breaks = set()
    for group in groups:
        rows.append([user(group.input, "bold")])
        for setting in group.settings:
            change = _change(setting, "terminal")
            head = [Span(f"  {setting.name}:")]
            if setting.listed:  # each fact id on its own line under the setting
                shown = [head, *([Span("    "), *line] for line in change.lines)]
            else:  # the old value beside the setting, the new one under it
                first, *rest = change.lines
                shown = [[*head, Span(" "), *first], *([Span("    "), *line] for line in rest)]
            rows.append([lines(*shown)])
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
        columns = ["input", "setting", "change (A → B)"]
        return table(columns, rows, title=None if view == "markdown" else title)
    if not groups:
        return table(
            ["input", "change (A → B)"], [[own("(no assumption differs)"), own("")]], title=title
        )
    rows, breaks = _terminal_rows(groups)
    listed, listed_breaks = _listed_rows(groups)
    narrow = table(
        [Column("input: change (A → B)", fold=True)],
        listed,
        title=title,
        caption=caption,
        breaks=listed_breaks,
    )
    return table(
        [Column("input", wrap=False), Column("change (A → B)", fold=True)],
        rows,
        title=title,
        caption=caption,
        breaks=breaks,
        narrow=narrow,
    )


def _words(d: Delta, *, broken: bool = False) -> Cell:
    """The change in ICD-203 words, ``unlikely → likely`` (``broken``: over two lines, after
    the arrow); the words alone when they do not change."""
    before, after = words_for(d.p_a), words_for(d.p_b)
    if before == after:
        return own(before, "dim")
    if broken and len(before) + len(after) + 3 > WORDS_LINE:
        return lines([Span(f"{before} →", own=True)], [Span(after, own=True)])
    return own(f"{before} → {after}")


def _how(comparison: Comparison) -> str:
    if comparison.paired:
        return "paired: same seed, common random numbers"
    if comparison.result_a.scenario is None or comparison.result_b.scenario is None:
        # a pooled side (run/pool_diff): a log-odds pool or a history leaves nothing to pair
        return "unpaired pooled forecasts (same draws), errors added in quadrature"
    return "unpaired saved results, errors added in quadrature"


def _title(comparison: Comparison, head: str, view: View = "terminal") -> Cell:
    """``head``, then what both sides were conditioned on, if anything: on a line of its own
    in a terminal, after a comma elsewhere."""
    given = comparison.given
    if given is None:
        return own(head)
    if view == "terminal":
        return lines([Span(head, own=True)], condition_spans(given))
    return lines([Span(f"{head}, ", own=True), *condition_spans(given)])


def _weights(comparison: Comparison) -> tuple[Cell, ...]:
    a, b = comparison.weights
    return weights_notes([("A", a), ("B", b)])


def _material(comparison: Comparison) -> str:
    tolerance = 100 * comparison.tolerance
    unit = POINTS.removesuffix("s") if tolerance == 1 else POINTS
    return f"material: the change is above {tolerance:g} {unit} and 3 Monte Carlo errors"


def diff_results(
    comparison: Comparison, *, show_all: bool = False, view: View = "terminal"
) -> list[Table]:
    """What the change did to every probability. Markdown: one table of the material changes
    (every change with ``show_all``); HTML: one of every change. A terminal: a table of the
    material changes and, with ``show_all``, one of the others."""
    if view != "terminal":
        shown = [d for d in comparison.deltas if show_all or d.material or view == "html"]
        return [_wide_results(comparison, shown)]
    material = [d for d in comparison.deltas if d.material]
    others = [d for d in comparison.deltas if not d.material]
    samples = comparison.result_a.metadata.samples
    notes = [own(_material(comparison), "dim")]
    if others and not show_all:
        hidden = len(others)
        notes.append(
            own(
                f"{hidden} row{'s' if hidden != 1 else ''} without a material change hidden "
                "(--all shows them)",
                "dim",
            )
        )
    notes += _weights(comparison)
    title = _title(comparison, f"Results ({_how(comparison)}; {samples:,} samples)")
    tables = [_terminal_results(material, title=title, notes=notes)]
    if show_all and others:
        title = own("Changes that are not material (within the tolerance or the noise)")
        tables.append(_terminal_results(others, title=title, notes=[]))
    return tables


def _terminal_results(shown: list[Delta], *, title: Cell, notes: list[Cell]) -> Table:
    """A row per rung and month, the rung named on its first; the words of a change on one
    line where that fits, else broken after the arrow."""
    numbers = [Column(h, "right", wrap=False, fold=True) for h in ("month", "A", "B", "change")]
    columns = [Column("rung", wrap=False), *numbers]
    caption = own(f"change: B - A in {POINTS}; words: ICD-203")
    if not shown:
        empty = [own("(no material change)"), *(own("") for _ in range(5))]
        words = Column("in words (A → B)")
        return table([*columns, words], [empty], title=title, notes=tuple(notes))
    wide, narrow = (_rung_rows(shown, broken=b) for b in (False, True))
    notes = [error_note((d.mcse for d in shown), "row"), *notes]
    return table(
        [*columns, Column("in words (A → B)", wrap=False)],
        wide[0],
        title=title,
        caption=caption,
        notes=tuple(notes),
        breaks=wide[1],
        narrow=table(
            [*columns, Column("in words (A → B)")],
            narrow[0],
            title=title,
            caption=caption,
            notes=tuple(notes),
            breaks=narrow[1],
        ),
    )


def _rung_rows(shown: list[Delta], *, broken: bool) -> tuple[list[list[Cell]], frozenset[int]]:
    rows: list[list[Cell]] = []
    breaks = set()
    for i, d in enumerate(shown):
        first = i == 0 or shown[i - 1].rung != d.rung
        if first and rows:
            breaks.add(len(rows) - 1)
        row = [user(d.rung if first else "", "bold"), own(str(d.month))]
        row += [own(percent(d.p_a)), own(percent(d.p_b)), own(signed(d.delta), "bold")]
        rows.append([*row, _words(d, broken=broken)])
    return rows, frozenset(breaks)


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
            Column("in words (A → B)"),
        ],
        rows,
        title=_title(comparison, f"Results ({kind})", "markdown"),
        notes=(own(f"points: {POINTS}; {_material(comparison)}"), *_weights(comparison)),
    )


def diff_layout(
    comparison: Comparison, *, show_all: bool = False, view: View = "terminal"
) -> list[Table]:
    """Both tables of a comparison in ``view``."""
    return [
        diff_assumptions(comparison, view),
        *diff_results(comparison, show_all=show_all, view=view),
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
