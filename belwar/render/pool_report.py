"""``belwar report POOL.yaml``: a pool's report as one self-contained HTML page (inline CSS and
SVG, no network): how the pool is made and its weights (on a history, prior and posterior), the
pooled likelihood with its chart, every member beside the pool with how far they disagree, the
highest rung reached, and what it takes to reproduce the run. It runs nothing."""

from __future__ import annotations

import re

from belwar.render.likelihood_layouts import run_highest, run_likelihood
from belwar.render.pool_layouts import pool_members, pool_weights
from belwar.render.report import html_table
from belwar.render.report_assumptions import escape
from belwar.render.report_style import STYLE
from belwar.render.tables import to_html
from belwar.render.text import percent
from belwar.results.pool import PoolResult


def build_pool_report(result: PoolResult) -> str:
    """The report of a pool's ``result`` as one HTML page."""
    pooled = result.pooled
    top, last = pooled.rungs[-1], pooled.months[-1]
    gap = next(g for g in result.disagreement if g.rung == top and g.month == last)
    c = pooled.conditioning
    given = (
        f". It is the forecast as of {escape(c.through)}, given "
        f"<code>{escape(c.history_id)}</code> (months counted "
        f"from {escape(c.through)}; "
        + (
            "each member is conditioned on it and re-weighted by its evidence"
            if result.method == "linear"
            else "each member is conditioned on it, and the weights stay as stated"
        )
        + ': see <a href="#weights">Members and weights</a>)'
        if c is not None
        else ""
    )
    summary = (
        f"<p>This is a {escape(result.how)}{given}. By month {last} the pool gives "
        f"<em>{escape(_label(result, top))}</em> "
        f"<strong>{percent(pooled.probability(top, last))}</strong>; its members range from "
        f"{percent(gap.low)} to {percent(gap.high)}.</p>"
    )
    sections = [
        ("weights", "Members and weights", to_html(pool_weights(result))),
        (
            "likelihood",
            "Escalation likelihood, pooled",
            to_html(run_likelihood(pooled, "html")) + _chart(result),
        ),
        ("members", "The members beside the pool", to_html(pool_members(result))),
        ("highest", "Highest rung reached", to_html(run_highest(pooled, "html"))),
        ("reproduce", "Reproducing this run", _metadata(result)),
    ]
    body = "\n".join(
        f'<section id="{key}"><h2>{escape(title)}</h2>\n{html}</section>'
        for key, title, html in sections
    )
    title = escape(result.title)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}: belwar pool report</title>"
        f"<style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n{summary}\n{body}\n"
        "</body></html>\n"
    )


def _label(result: PoolResult, rung: str) -> str:
    pooled = result.pooled
    return pooled.rung_labels[pooled.rungs.index(rung)]


def _chart(result: PoolResult) -> str:
    from belwar.render.charts import image  # noqa: PLC0415 - matplotlib: only with charts
    from belwar.render.pool_charts import pool_chart  # noqa: PLC0415 - the same

    svg = image(pool_chart(result), "svg").decode()
    svg = re.sub(r"^.*?(<svg)", r"\1", svg, count=1, flags=re.DOTALL)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    label = escape("Each rung by month: the members (thin), the pool (thick), its 90% spread")
    return (
        f'<figure role="img" aria-label="{label}">{svg}'
        f'<figcaption class="muted">{label}</figcaption></figure>'
    )


def _metadata(result: PoolResult) -> str:
    meta = result.pooled.metadata
    members = ", ".join(
        f"{m.scenario_id} ({m.result.metadata.fingerprint})" for m in result.members
    )
    rows = [
        ["pool", f"{result.pool_id} (fingerprint {result.fingerprint})"],
        ["members", members],
        ["samples, seed, block size", f"{meta.samples:,}, {meta.seed}, {meta.block_size:,}"],
        ["belwar, numpy, Python", f"{meta.belwar}, {meta.numpy}, {meta.python}"],
        ["created", meta.created],
    ]
    return html_table(["what", "value"], rows)
