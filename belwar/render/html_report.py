"""``belwar report``: one self-contained HTML file an analyst can send, open offline and print.

Charts are inline SVG and styles inline CSS (:mod:`belwar.render.report_style`), so the page makes
no network request. It opens with a summary (the headline probabilities, what moves the top rung
most, what changes against each compared scenario) and a table of contents, then holds the
likelihood table and fan chart, the tornado of the top rung, what to watch for next month (each
indicator and event: its chance of being seen and what seeing it would do to the top rung), the
assumptions (:mod:`belwar.render.report_assumptions`: the parent and what differs from it, the
correlations, every input and the facts it cites), the diff against each compared scenario, the
documents cited and the metadata needed to reproduce the run. A run conditioned on a history
(or on what is given) says so in its heading and summary, and adds what the history taught:
the weights' diagnostics and each input's prior against its posterior.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from belwar.core.pareto import WARN_ABOVE
from belwar.render import report
from belwar.render.report_assumptions import (
    assumptions_table,
    changed_assumptions,
    correlations_section,
    escape,
    input_labels,
    parent_section,
    sources_section,
    table,
)
from belwar.render.report_style import STYLE
from belwar.render.tables import to_html
from belwar.render.text import percent, signed
from belwar.results.comparison import Change
from belwar.results.run import Result
from belwar.spec.evidence import Register
from belwar.spec.scenario import Scenario

if TYPE_CHECKING:
    from belwar.results.comparison import Comparison
    from belwar.results.sensitivity import Sensitivity
    from belwar.results.watch import Watch

TOP = 10  # inputs the report's tornado shows; `belwar sensitivity --all` lists every one

__all__ = ["STYLE", "TOP", "build", "escape"]


def build(
    scenario: Scenario,
    *,
    result: Result,
    tornado: Sensitivity,
    comparisons: Sequence[Comparison] = (),
    register: Register | None = None,
    extends: str | None = None,
    from_parent: Sequence[Change] = (),
    watch: Watch | None = None,
) -> str:
    """The report of ``scenario`` as one HTML page, from its computed ``result``, the
    ``tornado`` of its top rung, its ``comparisons`` with other scenarios, if it ``extends`` a
    parent the assumption changes ``from_parent``, and what to ``watch`` for next month (see
    :func:`belwar.run.report_inputs.report_inputs`); it runs nothing."""
    labels = input_labels(scenario)
    shown = replace(
        tornado,
        influences=tuple(
            replace(i, label=labels.get(i.key, i.label)) for i in tornado.influences[:TOP]
        ),
    )
    sections = [
        ("likelihood", "Escalation likelihood", _likelihood(result)),
        ("tornado", f"What moves {_rung_label(result, tornado.target)}", _tornado(tornado, shown)),
        *(
            [("watch", "What to watch for next month", _watch(watch, result))]
            if watch is not None
            else []
        ),
        *(
            [("history", _taught_title(result), _taught(result))]
            if result.conditioning is not None
            else []
        ),
        (
            "assumptions",
            "Assumptions",
            parent_section(scenario, extends, from_parent)
            + correlations_section(scenario)
            + assumptions_table(scenario, result, register),
        ),
        *(
            (f"compared-{n}", f"Compared with {c.b}", _comparison(c))
            for n, c in enumerate(comparisons, 1)
        ),
        ("evidence", "Evidence cited", sources_section(scenario, register)),
        ("reproduce", "Reproducing this run", _metadata(result)),
    ]
    head = [
        _heading(scenario, result, extends),
        _summary(scenario, result, shown, comparisons, extends, from_parent),
        _contents(sections),
    ]
    body = "\n".join(
        [
            *head,
            *(
                f'<section id="{key}"><h2>{escape(title)}</h2>\n{html}</section>'
                for key, title, html in sections
            ),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(scenario.title)}: belwar report</title>"
        f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )


def _heading(scenario: Scenario, result: Result, extends: str | None) -> str:
    """The title, what was run, and the scenario's own description."""
    meta = result.metadata
    c = result.conditioning
    if c is not None:
        as_of = f", as of {escape(c.through)}, given <code>{escape(c.history_id)}</code>"
    else:
        as_of = f", as of {scenario.as_of.isoformat()}" if scenario.as_of else ""
    return (
        f"<h1>{escape(scenario.title)}</h1>"
        f'<p class="muted">Scenario <code>{escape(meta.scenario_id)}</code>'
        + as_of
        + (f", extends <code>{escape(extends)}</code>" if extends else "")
        + f". {meta.samples:,} samples, seed {meta.seed}.</p>"
        + (f"<p>{escape(scenario.description)}</p>" if scenario.description else "")
    )


def _rung_label(result: Result, rung: str) -> str:
    names = dict(zip(result.rungs, result.rung_labels, strict=True))
    return names.get(rung, rung)


def _scroll(html: str) -> str:
    """Each of the table model's tables in a container that scrolls on a narrow screen, its
    caption lifted out above it (a caption is as wide as its table, so it would scroll away)."""
    return re.sub(
        r'<table class="belwar">(?:<caption>(.*?)</caption>)?(.*?</table>)',
        lambda m: (
            (f'<p class="caption">{m[1]}</p>' if m[1] else "")
            + f'<div class="scroll"><table class="belwar">{m[2]}</div>'
        ),
        html,
        flags=re.S,
    )


def _contents(sections: Sequence[tuple[str, str, str]]) -> str:
    items = "".join(f'<li><a href="#{key}">{escape(title)}</a></li>' for key, title, _ in sections)
    return f'<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>{items}</ol></nav>'


def _summary(  # noqa: PLR0917 - private; one caller
    scenario: Scenario,
    result: Result,
    tornado: Sensitivity,
    comparisons: Sequence[Comparison],
    extends: str | None,
    from_parent: Sequence[Change],
) -> str:
    """The page's first screen: the headline table, what moves the top rung most, what each
    compared scenario changes, and what the scenario changes from its parent."""
    rows = [
        [escape(label)]
        + [
            f'<strong class="pct">{percent(c.p)}</strong> '
            f'<span class="muted small">{escape(c.words)}</span>'
            for c in (result.cell(rung, m) for m in result.months)
        ]
        for rung, label in zip(result.rungs, result.rung_labels, strict=True)
    ]
    parts = [
        '<section class="summary" id="summary" aria-label="Summary">',
        "<p><strong>Headline.</strong> The chance that the highest rung reached is at least "
        "each rung, by each month"
        + _counted_from(result)
        + " (the tables below give the Monte Carlo error and the spread across the "
        "assumptions):</p>",
        table(["at least", *(f"by month {m}" for m in result.months)], rows),
        _given_summary(result),
        _moves_most(result, tornado),
        _compared(scenario, comparisons),
    ]
    if extends is not None:
        parts.append(
            f"<p><strong>Parent.</strong> Extends <code>{escape(extends)}</code> and changes "
            + _assumptions_named(changed_assumptions(scenario, from_parent))
            + ' (see <a href="#assumptions">Assumptions</a>).</p>'
        )
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def _counted_from(result: Result) -> str:
    c = result.conditioning
    if c is None:
        return ""
    return f", months counted from {escape(c.through)}, given <code>{escape(c.history_id)}</code>"


def _given_summary(result: Result) -> str:
    """What the conditioning did to the samples, and a warning when its weights cannot be
    trusted."""
    c = result.conditioning
    if c is None:
        return ""
    n = result.metadata.samples
    line = (
        f"<p><strong>Given.</strong> Conditioned exactly on <code>{escape(c.history_id)}</code>"
        + (
            f" ({c.observed_months} months observed to {escape(c.through)})"
            if c.observed_months
            else ""
        )
        + f": {c.ess:,.0f} effective samples of {n:,} ({c.ess / n:.1%}), Pareto k "
        f'{c.pareto_k:.2f} (see <a href="#history">{escape(_taught_title(result))}</a>).</p>'
    )
    if not c.pareto_k <= WARN_ABOVE:  # NaN too
        line += (
            f'<p class="warning"><strong>Not reliable.</strong> Pareto k is above {WARN_ABOVE}: '
            "what is observed is too surprising for these assumptions, and the weighted numbers "
            "rest on a few samples.</p>"
        )
    return line


def _taught_title(result: Result) -> str:
    c = result.conditioning
    assert c is not None
    return "What the history taught" if c.observed_months else "What the conditions taught"


def _taught(result: Result) -> str:
    """The weights' diagnostics and each input's prior against its posterior."""
    from belwar.render.history_layouts import history_layout  # noqa: PLC0415 - one use

    return (
        "<p>Every sample is weighted by the probability it gives what is observed; the tables "
        "above are the weighted forecast. The effective sample size says how many equally "
        "weighted samples the weights are worth; a Pareto k above "
        f"{WARN_ABOVE} means a few samples carry the result. Below, each input as drawn (the "
        "prior) and as re-weighted (the posterior).</p>"
        + "".join(_scroll(to_html(t)) for t in history_layout(result))
    )


def _watch(found: Watch, result: Result) -> str:
    """Each indicator and event: its chance of being seen next month, the top rung's chance if
    it is and if not, most moving first."""
    from belwar.render.watch_layouts import watch_layout  # noqa: PLC0415 - one use

    if not found.signposts:
        return "<p>Nothing is left to watch: every indicator and event is given for next month.</p>"
    top = found.signposts[0]
    target = _rung_label(result, found.target)
    return (
        f"<p>What seeing each signpost next month would do to the chance of "
        f"<em>{escape(target)}</em> by month {found.month}, now {percent(found.p)}. Seeing "
        f"<em>{escape(top.label)}</em> would move it most: to {percent(top.if_seen)} "
        f"({signed(top.shift_points / 100)} points). Each row conditions the same samples "
        "exactly on the signpost seen, and on it not seen: weighted by their chances the two "
        "average back to today's chance (for an indicator exactly; for an event, whose path "
        "each sample draws, within the Monte Carlo error). <code>belwar watch</code> prints "
        "the same table.</p>" + _scroll(to_html(watch_layout(found)))
    )


def _assumptions_named(labels: Sequence[str]) -> str:
    """``2 assumptions: A; B`` (at most three named)."""
    if not labels:
        return "no assumption"
    named = "; ".join(escape(label) for label in labels[:3])
    more = f" and {len(labels) - 3} more" if len(labels) > 3 else ""
    return f"{len(labels)} assumption{'s' if len(labels) > 1 else ''}: {named}{more}"


def _moves_most(result: Result, tornado: Sensitivity) -> str:
    if not tornado.influences:
        return ""
    target = _rung_label(result, tornado.target)
    items = []
    for item in tornado.influences[:3]:
        way = (
            '<span class="raises">raises it</span>'
            if item.swing > 0
            else '<span class="lowers">lowers it</span>'
        )
        items.append(
            f"<li>{escape(item.label)} {way}: {percent(item.low)} at its bottom tenth, "
            f"{percent(item.high)} at its top tenth</li>"
        )
    return (
        f"<p><strong>What moves it most.</strong> P({escape(target)} by month {tornado.month}) "
        f'= {percent(tornado.p)}; the inputs that move it most (<a href="#tornado">all '
        f"{min(TOP, len(tornado.influences))} shown below</a>):</p><ul>{''.join(items)}</ul>"
    )


def _compared(scenario: Scenario, comparisons: Sequence[Comparison]) -> str:
    if not comparisons:
        return ""
    items = []
    for n, c in enumerate(comparisons, 1):
        line = f'<a href="#compared-{n}"><code>{escape(c.b)}</code></a> differs in '
        line += _assumptions_named(changed_assumptions(scenario, c.changes))
        if c.deltas:
            big = max(c.deltas, key=lambda d: abs(d.delta))
            material = sum(d.material for d in c.deltas)
            rung = _rung_label(c.result_a, big.rung)
            line += (
                f". The largest change is {escape(rung)} by month {big.month}: "
                f"{percent(big.p_a)} here, {percent(big.p_b)} there "
                f"({signed(big.delta)} points); {material} of {len(c.deltas)} probabilities "
                "differ by more than the tolerance and the noise"
            )
        items.append(f"<li>{line}.</li>")
    return (
        "<p><strong>Against the compared scenarios</strong> (each is the compared scenario minus "
        f"this one: positive where it is riskier):</p><ul>{''.join(items)}</ul>"
    )


def _likelihood(result: Result) -> str:
    return (
        "<p>Each cell: the probability that the highest rung reached by that month is at least "
        "that rung, then its 90% spread across the assumptions (in brackets) and its ICD-203 "
        "words; the table's footer gives the largest Monte Carlo error, in percentage points.</p>"
        + _scroll(report.run_html(result))
        + _figure(result.plot(), "Each rung's probability by month; bands: the 90% spread")
    )


def _tornado(tornado: Sensitivity, shown: Sensitivity) -> str:
    more = len(tornado.influences) - len(shown.influences)
    return (
        "<p>Each input's bottom and top tenth, and the chance of the target rung when the input "
        "is there (the other inputs as drawn)."
        + (
            f" The {len(shown.influences)} inputs that move it most of {len(tornado.influences)}; "
            "<code>belwar sensitivity</code> lists every one."
            if more > 0
            else ""
        )
        + "</p>"
        + _scroll(report.sensitivity_html(shown))
        + _figure(shown.plot(), "What moves the top rung: bars from bottom to top tenth")
    )


def _comparison(comparison: Comparison) -> str:
    kind = (
        "Paired: both runs use the same random numbers, so the error is that of the difference."
        if comparison.paired
        else "Unpaired: the error combines the two runs' own errors."
    )
    return (
        f"<p>Each change is <code>{escape(comparison.b)}</code> minus "
        f"<code>{escape(comparison.a)}</code>: positive where <code>{escape(comparison.b)}"
        f"</code> is riskier. {kind}</p>"
        + _scroll(report.diff_html(comparison))
        + _figure(comparison.plot(), f"Changes of probability, {comparison.b} minus {comparison.a}")
    )


def _figure(figure: Any, caption: str) -> str:
    from belwar.render.charts import image  # noqa: PLC0415 - matplotlib: only with charts

    svg = image(figure, "svg").decode()  # the same bytes every time (fixed svg.hashsalt)
    svg = re.sub(r"^.*?(<svg)", r"\1", svg, count=1, flags=re.DOTALL)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)  # no external names
    label = escape(caption)
    return (
        f'<figure role="img" aria-label="{label}">{svg}'
        f'<figcaption class="muted">{label}</figcaption></figure>'
    )


def _metadata(result: Result) -> str:
    meta = result.metadata
    rows = [
        ["scenario", f"{meta.scenario_id} (fingerprint {meta.fingerprint})"],
        ["samples, seed, block size", f"{meta.samples:,}, {meta.seed}, {meta.block_size:,}"],
        ["belwar, numpy, Python", f"{meta.belwar}, {meta.numpy}, {meta.python}"],
        ["created", meta.created],
    ]
    return _scroll(report.html_table(["what", "value"], rows))
