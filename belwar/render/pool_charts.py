"""The chart of a pool (matplotlib, an optional extra): one panel per rung, each member's
probability by month as a thin line, the pool's as a thick one with its 90% spread as a band, so
the members' disagreement shows beside the pool."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from belwar.optional import require
from belwar.render import palette
from belwar.render.report import clean

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from belwar.results.pool import PoolResult

MEMBER_COLOURS = tuple(c for c in palette.SERIES if c != palette.BLACK)


def _text(value: str) -> str:
    return clean(value).replace("$", r"\$")  # matplotlib reads $...$ as mathtext


def pool_chart(result: PoolResult) -> Figure:
    """Each rung's probability by month: the members (thin), the pool (thick, black) and the
    pool's 90% spread (band)."""
    pooled = result.pooled
    rungs = pooled.rungs
    figure = require("matplotlib.figure", extra="notebook").Figure(
        figsize=(max(8.0, 3.2 * len(rungs)), 4.5), layout="constrained"
    )
    axes = figure.subplots(1, len(rungs), squeeze=False)[0]
    PercentFormatter = require("matplotlib.ticker", extra="notebook").PercentFormatter
    months = list(pooled.months)
    for ax, rung, label in zip(axes, rungs, pooled.rung_labels, strict=True):
        for i, member in enumerate(result.members):
            ax.plot(
                months,
                [member.result.probability(rung, m) for m in months],
                color=MEMBER_COLOURS[i % len(MEMBER_COLOURS)],
                linewidth=1.2,
                marker=".",
                label=_text(f"{member.scenario_id} ({member.weight:.2f})"),
            )
        cells = [pooled.cell(rung, m) for m in months]
        ax.fill_between(
            months, [c.p05 for c in cells], [c.p95 for c in cells], color=palette.GREY, alpha=0.2
        )
        ax.plot(months, [c.p for c in cells], color=palette.BLACK, linewidth=2.6, label="pool")
        ax.set_title("\n".join(textwrap.wrap(_text(label), 30)[:2]), fontsize=10)
        ax.set_xticks(months)
        ax.set_xlabel("month")
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("probability of having reached the rung")
    axes[0].legend(loc="upper left", fontsize="x-small")
    chars = int(figure.get_figwidth() * 72 / (12 * 0.62))
    title = f"{result.title}: {result.how} (band: the pool's 90% spread)"
    figure.suptitle(textwrap.fill(_text(title), chars), fontsize=12)
    drawn: Figure = figure
    return drawn
