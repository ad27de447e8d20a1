"""Charts (matplotlib, an optional extra): each function takes belwar's plain data and returns a
``matplotlib.figure.Figure``; nothing is shown or saved here.

- :func:`fan_chart`: each rung's probability over the months, with its 90% spread as a band;
- :func:`tornado_chart`: each input's swing between its bottom and top tenth;
- :func:`sweep_chart`: the target along the first axis (one curve per second-axis value), the
  threshold and the tipping point with its interval;
- :func:`diff_chart`: each rung-and-month change with a 95% error bar, material ones filled.
"""

from __future__ import annotations

import io
import os
import textwrap
from typing import TYPE_CHECKING, Any

from belwar.core.zscores import Z95
from belwar.errors import input_error
from belwar.optional import require
from belwar.render.atomic import write_bytes
from belwar.render.report import clean

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from belwar.results.comparison import Comparison
    from belwar.results.run import Result
    from belwar.results.sensitivity import Sensitivity
    from belwar.results.sweep import Sweep


def _text(value: str) -> str:
    """User text for a chart: matplotlib reads ``$...$`` as mathtext (and fails on bad TeX),
    so dollar signs are escaped; control characters are written as their escapes."""

    return clean(value).replace("$", r"\$")


def _figure(width: float = 8.0, height: float = 4.5) -> tuple[Figure, Any]:
    figure = require("matplotlib.figure", extra="notebook").Figure(
        figsize=(width, height), layout="constrained"
    )
    return figure, figure.add_subplot()


def _percent_axis(axis: Any) -> None:
    PercentFormatter = require("matplotlib.ticker", extra="notebook").PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0))


def fan_chart(result: Result) -> Figure:
    """Each rung's escalation likelihood by month, with the 90% spread across the assumptions."""
    figure, ax = _figure()
    months = list(result.months)
    for rung, label in zip(result.rungs, result.rung_labels, strict=True):
        cells = [result.cell(rung, m) for m in months]
        (line,) = ax.plot(
            months, [c.p for c in cells], marker="o", label=_text(f"{label} ({rung})")
        )
        ax.fill_between(
            months,
            [c.p05 for c in cells],
            [c.p95 for c in cells],
            color=line.get_color(),
            alpha=0.15,
        )
    ax.set_xlabel("month")
    ax.set_ylabel("probability of having reached the rung")
    ax.set_title(_text(f"{result.metadata.title}: escalation likelihood (bands: 90% spread)"))
    ax.set_xticks(months)
    ax.set_ylim(0, 1)
    _percent_axis(ax.yaxis)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    return figure


def tornado_chart(result: Sensitivity, *, top: int = 15) -> Figure:
    """Bars from each input's bottom-tenth to top-tenth target probability, widest first."""
    influences = list(result.influences[:top])
    figure, ax = _figure(8.0, 1.0 + 0.4 * max(len(influences), 1))
    for row, item in enumerate(reversed(influences)):
        left, width = min(item.low, item.high), abs(item.high - item.low)
        colour = "tab:red" if item.swing > 0 else "tab:green"
        ax.barh(row, width, left=left, color=colour, alpha=0.8)
    ax.set_yticks(
        range(len(influences)), [_text(i.key) for i in reversed(influences)], fontsize="small"
    )
    ax.axvline(result.p, color="black", linewidth=1)
    ax.set_xlabel(
        _text(
            f"P(reaching {result.target} by month {result.month}): bottom to top tenth of each "
            "input"
        )
    )
    ax.set_title(
        _text(f"{result.scenario_id}: what moves the target (red raises it, green lowers it)")
    )
    _percent_axis(ax.xaxis)
    ax.grid(axis="x", alpha=0.3)
    return figure


def sweep_chart(result: Sweep) -> Figure:
    """The target along the first axis with a 95% band; the threshold and tipping points."""
    figure, ax = _figure()
    first = result.axes[0]
    width = len(result.axes[1].values) if len(result.axes) == 2 else 1
    for j in range(width):
        line = [result.points[i * width + j] for i in range(len(first.values))]
        xs = [p.at[0] for p in line]
        label = _text(f"{result.axes[1].path} = {line[0].at[1]:.4g}") if width > 1 else None
        (curve,) = ax.plot(xs, [p.p for p in line], marker="o", label=label)
        ax.fill_between(
            xs,
            [p.p - Z95 * p.mcse for p in line],
            [p.p + Z95 * p.mcse for p in line],
            color=curve.get_color(),
            alpha=0.15,
        )
    if result.threshold is not None:
        ax.axhline(result.threshold, color="black", linestyle="--", linewidth=1, label="threshold")
        for crossing in result.crossings:
            if (
                crossing.value is not None
                and crossing.low is not None
                and crossing.high is not None
            ):
                ax.axvline(crossing.value, color="tab:red", linewidth=1)
                ax.axvspan(crossing.low, crossing.high, color="tab:red", alpha=0.15)
                ax.annotate(
                    f"tipping point {crossing.value:.3g}",
                    (crossing.value, result.threshold),
                    textcoords="offset points",
                    xytext=(5, 8),
                    fontsize="small",
                    color="tab:red",
                )
    ax.set_xlabel(_text(first.path))
    ax.set_ylabel(_text(f"P(reaching {result.target} by month {result.month})"))
    ax.set_title(
        _text(f"{result.scenario_id}: sweep of {first.path} (band: 95% Monte Carlo interval)")
    )
    _percent_axis(ax.yaxis)
    ax.grid(alpha=0.3)
    if width > 1 or result.threshold is not None:
        ax.legend(fontsize="small")
    return figure


def diff_chart(comparison: Comparison) -> Figure:
    """Each change of probability (B - A) with its 95% error bar; material changes filled."""
    deltas = list(comparison.deltas)
    figure, ax = _figure(8.0, 1.0 + 0.35 * max(len(deltas), 1))
    for row, d in enumerate(reversed(deltas)):
        ax.errorbar(
            d.delta,
            row,
            xerr=Z95 * d.mcse,
            fmt="o",
            color="tab:red" if d.material else "grey",
            markerfacecolor="tab:red" if d.material else "white",
            capsize=3,
        )
    labels = [_text(f"{d.rung}, month {d.month}") for d in reversed(deltas)]
    ax.set_yticks(range(len(deltas)), labels, fontsize="small")
    ax.axvline(0, color="black", linewidth=1)
    for edge in (-comparison.tolerance, comparison.tolerance):
        ax.axvline(edge, color="grey", linestyle=":", linewidth=1)
    kind = "paired" if comparison.paired else "unpaired"
    # the label names both sides (paths can be long): wrapped, so the figure never cuts it off
    label = (
        f"change in probability, percentage points ({kind} 95% bars): B minus A, "
        f"where B is {comparison.b} and A is {comparison.a}"
    )
    ax.set_xlabel(_text("\n".join(textwrap.wrap(label, 90))))
    ax.set_title("What the change of assumptions did (filled: material)")
    FuncFormatter = require("matplotlib.ticker", extra="notebook").FuncFormatter
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda value, _: f"{100 * value:+g}" if value else "0")
    )
    ax.grid(axis="x", alpha=0.3)
    return figure


def save(figure: Figure, path: str) -> None:
    """Write ``figure`` to ``path`` (PNG or SVG by suffix), atomically."""

    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (".png", ".svg"):
        raise input_error(
            f"plots are written as .png or .svg, not '{suffix or path}'", key="--plot"
        )
    buffer = io.BytesIO()
    figure.savefig(buffer, format=suffix[1:], dpi=150)
    write_bytes(path, buffer.getvalue())
