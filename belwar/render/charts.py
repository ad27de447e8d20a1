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
from belwar.render import palette
from belwar.render.atomic import write_bytes
from belwar.render.report import clean
from belwar.render.sensitivity_layouts import input_label
from belwar.render.sweep_layouts import decimals

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from belwar.results.comparison import Comparison
    from belwar.results.run import Result
    from belwar.results.sensitivity import Sensitivity
    from belwar.results.sweep import Crossing, Point, Sweep

#: the sweep lines: Okabe and Ito's palette (see render/palette) without yellow, weak on white
PALETTE = palette.SERIES[:-1]
VERMILLION = palette.VERMILLION
LABEL_WIDTH = 40  # characters of a tornado label's line
TITLE_WIDTH = 60  # characters of a title's line: an 8-inch figure holds them


def _text(value: str) -> str:
    """User text for a chart: matplotlib reads ``$...$`` as mathtext (and fails on bad TeX),
    so dollar signs are escaped; control characters are written as their escapes."""

    return clean(value).replace("$", r"\$")


def _figure(width: float = 8.0, height: float = 4.5) -> tuple[Figure, Any]:
    figure = require("matplotlib.figure", extra="notebook").Figure(
        figsize=(width, height), layout="constrained"
    )
    ax = figure.add_subplot()
    ax.set_prop_cycle(color=list(palette.SERIES))
    return figure, ax


def _title(figure: Figure, text: str) -> None:
    """The chart's title over the whole figure, wrapped to its width: an axes title is centred
    over the plot area alone and runs off both sides when the tick labels are wide."""
    chars = int(figure.get_figwidth() * 72 / (12 * 0.62))  # 12 pt text, ~0.62 em a character
    figure.suptitle(textwrap.fill(_text(text), chars), fontsize=12)


def _wrapped(label: str, width: int = 34, most: int = 2) -> str:
    """A tick label on at most ``most`` lines (textwrap breaks at ASCII spaces only, so a
    no-break space holds ``month 12`` together)."""
    lines = textwrap.wrap(_text(label), width)
    return "\n".join(lines[:most]) + ("…" if len(lines) > most else "")


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
    _title(figure, f"{result.metadata.title}: escalation likelihood (bands: 90% spread)")
    ax.set_xticks(months)
    ax.set_ylim(0, 1)
    _percent_axis(ax.yaxis)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    return figure


def tornado_chart(result: Sensitivity, *, top: int = 15) -> Figure:
    """Bars from each input's bottom-tenth to top-tenth target probability, widest first,
    labelled as the terminal labels them."""
    influences = list(result.influences[:top])
    by_key = {i.key: i for i in result.influences}
    figure, ax = _figure(8.0, 1.2 + 0.45 * max(len(influences), 1))
    for row, item in enumerate(reversed(influences)):
        left, width = min(item.low, item.high), abs(item.high - item.low)
        colour = palette.RAISES if item.swing > 0 else palette.LOWERS
        ax.barh(row, width, left=left, color=colour, alpha=0.85, height=0.6)
    labels = [
        _text(textwrap.fill(input_label(i, by_key), LABEL_WIDTH)) for i in reversed(influences)
    ]
    ax.set_yticks(range(len(influences)), labels, fontsize="small")
    ax.use_sticky_edges = False  # a bar's end would hold the axis to it: leave a margin
    ax.margins(x=0.06, y=0.6 / max(len(influences), 1))
    ax.axvline(result.p, color=palette.BLACK, linewidth=1)
    ax.set_xlabel(
        _text(
            f"P(reaching {result.target} by month {result.month}): bottom to top tenth of each "
            "input"
        )
    )
    ax.set_title(
        _text(
            textwrap.fill(
                f"{result.scenario_id}: what moves the target (vermillion raises it, blue "
                "lowers it)",
                TITLE_WIDTH,
            )
        )
    )
    _percent_axis(ax.xaxis)
    ax.grid(axis="x", alpha=0.3)
    return figure


def _style(index: int) -> dict[str, Any]:
    """The ``index``-th curve's colour (Okabe-Ito, safe for colour-blindness) and, past the
    palette, a different dash."""
    dashes = ("-", "--", ":", "-.")
    return {
        "color": PALETTE[index % len(PALETTE)],
        "linestyle": dashes[(index // len(PALETTE)) % len(dashes)],
    }


def _curve(line: list[Point], crossing: Crossing | None) -> tuple[list[float], list[float]]:
    """The points a curve is drawn through: the grid, and the two runs a crossing's value is
    interpolated between, so the tipping line sits where the drawn curve meets the
    threshold."""
    drawn = {p.at[0]: p.p for p in line}
    if crossing is not None and crossing.bracket is not None:
        drawn |= {p.at[0]: p.p for p in crossing.bracket}
    xs = sorted(drawn)
    return xs, [drawn[x] for x in xs]


def sweep_chart(result: Sweep) -> Figure:
    """The target along the first axis (one curve per second-axis value, each its own colour)
    with a 95% Monte Carlo band; the threshold and each tipping point, in its curve's colour,
    its value in the legend."""
    figure, ax = _figure(8.0, 5.0)
    first = result.axes[0]
    width = len(result.axes[1].values) if len(result.axes) == 2 else 1
    crossings = {c.along: c for c in result.crossings}
    for j in range(width):
        line = [result.points[i * width + j] for i in range(len(first.values))]
        along = line[0].at[1] if width > 1 else None
        style = _style(j)
        label = _text(f"{result.axes[1].path} = {along:.4g}") if along is not None else None
        crossing = crossings.get(along)
        xs, ys = _curve(line, crossing)
        ax.plot(xs, ys, label=label, **style)
        ax.plot([p.at[0] for p in line], [p.p for p in line], "o", color=style["color"])
        ax.fill_between(
            [p.at[0] for p in line],
            [p.p - Z95 * p.mcse for p in line],
            [p.p + Z95 * p.mcse for p in line],
            color=style["color"],
            alpha=0.15,
        )
        if result.threshold is not None and crossing is not None:
            _tipping(ax, crossing, VERMILLION if width == 1 else style["color"], width > 1)
    if result.threshold is not None:
        ax.axhline(result.threshold, color="black", linestyle="--", linewidth=1, label="threshold")
    ax.set_xlabel(_text(first.path))
    ax.set_ylabel(_text(f"P(reaching {result.target} by month {result.month})"))
    ax.set_title(
        _text(
            textwrap.fill(
                f"{result.scenario_id}: sweep of {first.path} (bands: 95% Monte Carlo interval)",
                TITLE_WIDTH,
            )
        )
    )
    _percent_axis(ax.yaxis)
    ax.grid(alpha=0.3)
    if width > 1 or result.threshold is not None:
        figure.legend(loc="outside lower center", ncols=min(3, width + 1), fontsize="small")
    return figure


def _tipping(ax: Any, crossing: Crossing, colour: str, named: bool) -> None:
    """A tipping point's line and Monte Carlo band; its value goes in the legend, where no
    label can be clipped by the frame."""
    if crossing.value is None or crossing.low is None or crossing.high is None:
        return
    places = decimals((crossing.high - crossing.low) / 2)
    where = f" at {crossing.along:.4g}" if named and crossing.along is not None else ""
    ax.axvline(
        crossing.value,
        color=colour,
        linewidth=1,
        linestyle="-.",
        label=f"tipping point{where}: {crossing.value:.{places}f}",
    )
    ax.axvspan(crossing.low, crossing.high, color=colour, alpha=0.15)


def diff_chart(comparison: Comparison) -> Figure:
    """Each change of probability (B - A) with its 95% error bar; material changes filled."""
    deltas = list(comparison.deltas)
    figure, ax = _figure(8.0, 1.2 + 0.3 * max(len(deltas), 1))
    names = dict(zip(comparison.result_a.rungs, comparison.result_a.rung_labels, strict=True))
    for row, d in enumerate(reversed(deltas)):
        colour = palette.MATERIAL if d.material else palette.NOISE
        ax.errorbar(
            d.delta,
            row,
            xerr=Z95 * d.mcse,
            fmt="o",
            color=colour,
            markerfacecolor=colour if d.material else "white",
            capsize=3,
        )
    labels = [
        _wrapped(f"{names.get(d.rung, d.rung)}, by\u00a0month\u00a0{d.month}", 44)
        for d in reversed(deltas)
    ]
    ax.set_yticks(range(len(deltas)), labels, fontsize="small")
    ax.axvline(0, color=palette.BLACK, linewidth=1)
    for edge in (-comparison.tolerance, comparison.tolerance):
        ax.axvline(edge, color=palette.GREY, linestyle=":", linewidth=1)
    kind = "paired" if comparison.paired else "unpaired"
    xlabel = (
        f"{comparison.b} minus {comparison.a}: change in percentage points ({kind} 95% bars; "
        "dotted: the tolerance)"
    )
    ax.set_xlabel(textwrap.fill(_text(xlabel), 60))  # it is centred under the plot alone
    _title(figure, f"What {comparison.b} changes against {comparison.a} (filled: material)")
    FuncFormatter = require("matplotlib.ticker", extra="notebook").FuncFormatter
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda value, _: f"{100 * value:+g}" if value else "0")
    )
    ax.grid(axis="x", alpha=0.3)
    return figure


def image(figure: Figure, fmt: str) -> bytes:
    """``figure`` as PNG or SVG bytes, the same bytes every time for the same figure: SVG
    element ids are hashed with a fixed ``svg.hashsalt`` (else a random one) and no date is
    written. The HTML report's inline SVG wants the same."""
    matplotlib = require("matplotlib", extra="notebook")
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else None
    with matplotlib.rc_context({"svg.hashsalt": "belwar"}):
        figure.savefig(buffer, format=fmt, dpi=150, metadata=metadata)
    return buffer.getvalue()


def save(figure: Figure, path: str) -> None:
    """Write ``figure`` to ``path`` (PNG or SVG by suffix), atomically and deterministically
    (:func:`image`)."""

    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (".png", ".svg"):
        raise input_error(
            f"plots are written as .png or .svg, not '{suffix or path}'", key="--plot"
        )
    write_bytes(path, image(figure, suffix[1:]))
