"""What each result record shows in a notebook, a rich console, pandas and matplotlib: the far end
of the one display edge (:class:`belwar.results.display.Display` calls the functions here).

Each record type is registered once, in :data:`VIEWS`, with the renderers of
:mod:`belwar.render.report` and :mod:`belwar.render.charts` that draw it; the functions below
look the record's type up and call them. Nothing here computes. rich is imported only when a
console asks for a record (:func:`rich`); pandas and matplotlib only when a frame or a chart is.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from belwar.render import (
    charts,
    pool_charts,
    pool_layouts,
    report,
    score_layouts,
    track_layouts,
    watch_layouts,
)
from belwar.render.atomic import write_text
from belwar.render.tables import to_html
from belwar.results.comparison import Comparison
from belwar.results.display import Display
from belwar.results.pool import PoolResult
from belwar.results.run import RECORD_FIELDS, Result
from belwar.results.score import CELL_FIELDS, Scores
from belwar.results.sensitivity import Sensitivity
from belwar.results.sweep import Sweep
from belwar.results.track import Track
from belwar.results.watch import Watch

if TYPE_CHECKING:
    from rich.console import Group, RenderableType


@dataclass(frozen=True)
class Views:
    """The renderers of one record type: HTML and markdown text, rich renderables, a data
    frame and a chart, each taking the record."""

    html: Callable[[Any], str]
    markdown: Callable[[Any], str]
    tables: Callable[[Any], list[RenderableType]]
    frame: Callable[[Any], Any]
    plot: Callable[[Any], Any]


def _run_frame(result: Result) -> Any:
    return report.frame([c.record() for c in result.cells], list(RECORD_FIELDS))


def _diff_frame(comparison: Comparison) -> Any:
    return report.frame(comparison.to_dict()["records"], list(report.DIFF_FIELDS))


def _sweep_frame(sweep: Sweep) -> Any:
    return report.frame(report.sweep_records(sweep))


def _sensitivity_frame(result: Sensitivity) -> Any:
    return report.frame([asdict(i) for i in result.influences])


def _no_chart(record: Display) -> Any:
    raise TypeError(f"{type(record).__name__} has no chart: its table is the whole story")


VIEWS: dict[type[Display], Views] = {
    Result: Views(
        html=report.run_html,
        markdown=report.run_markdown,
        tables=report.run_tables,
        frame=_run_frame,
        plot=charts.fan_chart,
    ),
    # a notebook shows every row of a comparison, unchanged ones included
    Comparison: Views(
        html=report.diff_html,
        markdown=lambda c: report.diff_markdown(c, show_all=True),
        tables=lambda c: report.diff_tables(c, show_all=True),
        frame=_diff_frame,
        plot=charts.diff_chart,
    ),
    Sweep: Views(
        html=report.sweep_html,
        markdown=lambda s: report.sweep_text(s, "markdown"),
        tables=report.sweep_tables,
        frame=_sweep_frame,
        plot=charts.sweep_chart,
    ),
    Sensitivity: Views(
        html=report.sensitivity_html,
        markdown=lambda s: report.sensitivity_text(s, "markdown"),
        tables=report.sensitivity_tables,
        frame=_sensitivity_frame,
        plot=charts.tornado_chart,
    ),
    Scores: Views(
        html=lambda s: "".join(to_html(t) for t in score_layouts.score_layout(s)),
        markdown=lambda s: score_layouts.score_text(s, "markdown"),
        tables=score_layouts.score_tables,
        frame=lambda s: report.frame(s.rows(), list(CELL_FIELDS)),
        plot=_no_chart,
    ),
    Track: Views(
        html=lambda t: to_html(track_layouts.track_layout(t)),
        markdown=lambda t: track_layouts.track_text(t, "markdown"),
        tables=track_layouts.track_tables,
        frame=lambda t: report.frame(t.records()),
        plot=track_layouts.track_chart,
    ),
    Watch: Views(
        html=watch_layouts.watch_html,
        markdown=lambda w: watch_layouts.watch_text(w, "markdown"),
        tables=watch_layouts.watch_tables,
        frame=lambda w: report.frame(watch_layouts.watch_records(w)),
        plot=_no_chart,
    ),
    PoolResult: Views(
        html=pool_layouts.pool_html,
        markdown=lambda p: pool_layouts.pool_text(p, "markdown"),
        tables=pool_layouts.pool_tables,
        frame=lambda p: report.frame(p.records()),
        plot=pool_charts.pool_chart,
    ),
}


def views(record: Display) -> Views:
    """The renderers registered for ``record``'s type (or the nearest registered base class)."""
    for kind in type(record).__mro__:
        if kind in VIEWS:
            return VIEWS[kind]
    raise TypeError(f"no renderers are registered for {type(record).__name__}")


def html(record: Display) -> str:
    """``record`` as HTML tables (a notebook's ``_repr_html_``)."""
    return views(record).html(record)


def markdown(record: Display) -> str:
    """``record`` as GitHub-flavoured markdown (``_repr_markdown_``)."""
    return views(record).markdown(record)


def rich(record: Display) -> Group:
    """``record``'s rich tables as one renderable (``__rich__``)."""
    from rich.console import Group  # noqa: PLC0415 - heavy (rich), only when a console asks

    return Group(*views(record).tables(record))


def frame(record: Display) -> Any:
    """``record``'s tidy rows as a pandas DataFrame (``to_pandas``)."""
    return views(record).frame(record)


def plot(record: Display) -> Any:
    """``record``'s chart as a matplotlib figure (``plot``)."""
    return views(record).plot(record)


def save(record: Display, path: str | os.PathLike[str]) -> None:
    """Write ``record``'s JSON to ``path`` atomically (``save``)."""
    write_text(path, record.to_json())
