"""The layouts of a sensitivity analysis: a one-line headline, then the tornado (inputs by the
size of their swing) or, with Sobol indices, the groups of inputs by their first-order index.
Rows are labelled with the inputs' labels (their keys when asked), the ten that matter most are
shown unless more are asked for, and nothing here computes: the order is the result's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Protocol

from belwar.render.conditions import condition_spans, weights_notes
from belwar.render.palette import LOWERS, RAISES
from belwar.render.run_layouts import View
from belwar.render.tables import Cell, Column, Span, Table, lines, own, table, user
from belwar.render.text import percent, points, signed
from belwar.run.defaults import DEFAULT_TOP

if TYPE_CHECKING:
    from belwar.results.sensitivity import Influence, Sensitivity, SobolGroup

TOP = DEFAULT_TOP  # rows shown unless more are asked for
BAR = 8  # characters of the widest bar


class Named(Protocol):
    """An input as results name it (an influence, an input summary)."""

    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...


def input_label(item: Named, by_key: Mapping[str, Named], *, keys: bool = False) -> str:
    """What a reader calls an input: its own label; a rung's hazard and an odds ratio by the
    rung's name (as the target is named) and the label of what the odds ratio counts
    (``keys``: the stream key instead)."""
    if keys:
        return item.key
    if item.kind == "hazard":
        return f"monthly hazard of {_rung(item.name)}"
    if item.kind == "odds":
        rung, _, other = item.name.partition(":")
        cause = by_key.get(f"driver:{other}") or by_key.get(f"event:{other}")
        named = cause.label if cause is not None else other.replace("_", " ")
        return f"odds ratio: {named} → {_rung(rung)}"
    return item.label


def _rung(rung: str) -> str:
    return rung.replace("_", " ")


def _question(result: Sensitivity) -> str:
    return (
        f"{result.scenario_id}: what moves P(reaching {result.target} by month "
        f"{result.month}) = {percent(result.p)}"
    )


def _index(value: float) -> float:
    """A Sobol index as shown: the estimator can stray below 0 or above 1, the index cannot."""
    return min(max(value, 0.0), 1.0)


def sobol_text(point: float, low: float, high: float) -> str:
    """A Sobol index with its 95% interval: ``0.12 [0.10, 0.14]``, held within 0 and 1."""
    return f"{_index(point):.2f} [{_index(low):.2f}, {_index(high):.2f}]"


def headline(result: Sensitivity, *, keys: bool = False) -> str:
    """One line saying which input (or correlated group) moves the target most."""
    by_key = {i.key: i for i in result.influences}
    if result.method == "sobol" and result.groups:
        top = result.groups[0]
        names = _group_names(top, by_key, keys=keys)
        more = len(names) - 1
        plural = "s" if more != 1 else ""
        group = f", with the {more} driver{plural} correlated with it," if more else ""
        return (
            f"{names[0]}{group} explains the largest share of its variance: "
            f"{_index(top.first_order):.0%} alone (first-order), "
            f"{_index(top.total_order):.0%} with interactions (total)"
        )
    if not result.influences:
        return "No uncertain input: nothing moves the target"
    item = result.influences[0]
    return (
        f"{input_label(item, by_key, keys=keys)} moves it most: {percent(item.low)} in its "
        f"bottom tenth, {percent(item.high)} in its top tenth"
    )


def _title(result: Sensitivity, keys: bool) -> Cell:
    """The headline and the question, then what the run was conditioned on, if anything."""
    given = [condition_spans(result.conditions)] if result.conditions is not None else []
    return lines([Span(headline(result, keys=keys), "bold")], [Span(_question(result))], *given)


def _notes(result: Sensitivity, hidden: Cell) -> tuple[Cell, ...]:
    """What the conditioned run's weights say, then how many rows are hidden."""
    return (*weights_notes([("", result.weights)]), hidden)


def _hidden(count: int, what: str) -> Cell:
    if not count:
        return own("")
    plural = "s" if count != 1 else ""
    return own(f"{count} more {what}{plural} move it less (--top N or --all shows them)", "dim")


def _bar(item: Influence, widest: float) -> Cell:
    if signed(item.swing) in ("+0.00", "-0.00"):
        return own("")  # a swing that rounds to nothing draws no bar
    length = max(1, round(BAR * abs(item.swing) / widest))
    return lines([Span("█" * length, RAISES if item.swing > 0 else LOWERS, own=True)])


def tornado_layout(result: Sensitivity, *, top: int | None = TOP, keys: bool = False) -> Table:
    """The inputs by the size of their swing (largest first), ``top`` of them (``None``:
    all), with the swing's bar."""
    by_key = {i.key: i for i in result.influences}
    shown = result.influences if top is None else result.influences[:top]
    widest = max((abs(i.swing) for i in result.influences), default=0.0) or 1.0
    columns = [
        Column("input", fold=keys, min_width=16),
        Column("bottom → top", "right", wrap=False),
        Column("swing", "right", wrap=False),
        Column("rho", "right", wrap=False),
        Column("", wrap=False),
    ]
    rows = [
        [
            user(input_label(item, by_key, keys=keys)),
            own(f"{percent(item.low)} → {percent(item.high)}"),
            own(f"{signed(item.swing)} {points(item.swing_mcse)}"),
            own(f"{item.rank_correlation:+.2f}"),
            _bar(item, widest),
        ]
        for item in shown
    ]
    caption = (
        "bottom → top: mean target when the input is in its bottom or top tenth; swing: "
        "their difference in percentage points, ± its Monte Carlo error; rho: rank "
        "correlation; bar: the swing, vermillion where the input raises the target, blue "
        "where it lowers it"
    )
    return table(
        columns,
        rows,
        title=_title(result, keys),
        caption=own(caption),
        notes=_notes(result, _hidden(len(result.influences) - len(shown), "input")),
    )


def _group_names(group: SobolGroup, by_key: dict[str, Influence], *, keys: bool) -> list[str]:
    return [input_label(by_key[k], by_key, keys=keys) if k in by_key else k for k in group.keys]


def sobol_layout(result: Sensitivity, *, top: int | None = TOP, keys: bool = False) -> Table:
    """The groups of inputs by their first-order Sobol index (largest first), ``top`` of them
    (``None``: all); a correlated group lists its drivers one a line."""
    by_key = {i.key: i for i in result.influences}
    shown = result.groups if top is None else result.groups[:top]
    columns = [
        Column("input (+ correlated with it)", fold=keys, min_width=16),
        Column("first-order S1", "right", wrap=False),
        Column("total ST", "right", wrap=False),
    ]
    rows = []
    for group in shown:
        names = _group_names(group, by_key, keys=keys)
        rows.append(
            [
                lines([Span(names[0])], *([Span(f"+ {n}")] for n in names[1:])),
                own(sobol_text(group.first_order, group.first_low, group.first_high)),
                own(sobol_text(group.total_order, group.total_low, group.total_high)),
            ]
        )
    caption = (
        "Sobol indices with 95% bootstrap intervals, as shares of the target's variance: S1 "
        "what the input explains alone, ST with its interactions (estimates held within 0 "
        "and 1). Correlated drivers are one group, independent of the others, and its indices "
        f"are theirs together; {result.sobol_samples:,} base samples"
    )
    return table(
        columns,
        rows,
        title=_title(result, keys),
        caption=own(caption),
        notes=(_hidden(len(result.groups) - len(shown), "group"),),
        ruled=any(len(g.keys) > 1 for g in shown),
    )


def sensitivity_layout(result: Sensitivity, *, top: int | None = TOP, keys: bool = False) -> Table:
    """The table of the method shown: Sobol indices by group, else the tornado."""
    if result.method == "sobol" and result.groups:
        return sobol_layout(result, top=top, keys=keys)
    return tornado_layout(result, top=top, keys=keys)


def sensitivity_brief(
    result: Sensitivity, view: View = "markdown", *, top: int | None = TOP, keys: bool = False
) -> Table:
    """The tornado without the terminal's bars (markdown and HTML), or the Sobol groups."""
    if result.method == "sobol" and result.groups:
        return sobol_layout(result, top=top, keys=keys)
    by_key = {i.key: i for i in result.influences}
    shown = result.influences if top is None else result.influences[:top]
    heads = ["input", "bottom → top tenth", "swing (points)", "rho"]
    rows = [
        [
            user(input_label(i, by_key, keys=keys)),
            own(f"{percent(i.low)} → {percent(i.high)}"),
            own(f"{signed(i.swing)} {points(i.swing_mcse)}"),
            own(f"{i.rank_correlation:+.2f}"),
        ]
        for i in shown
    ]
    return table(
        [Column(h, "left" if h == "input" else "right") for h in heads],
        rows,
        title=_title(result, keys) if view == "markdown" else own(headline(result, keys=keys)),
        notes=_notes(result, _hidden(len(result.influences) - len(shown), "input")),
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
