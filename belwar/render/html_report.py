"""``belwar report``: one self-contained HTML file an analyst can send, open offline and print.

Charts are inline SVG and styles inline CSS, so the page makes no network request. It holds the
likelihood table and fan chart, the highest rung, what moves the top rung (a tornado), every
assumption with the facts it cites from the evidence register, the diff against each compared
scenario, and the metadata needed to reproduce the run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape as _escape
from typing import TYPE_CHECKING, Any

from belwar.render import report
from belwar.results.run import Result
from belwar.spec.entries import Entry, Spec, entries
from belwar.spec.evidence import Register
from belwar.spec.scenario import DistModel, Driver, Event, OddsRatio, Scenario

if TYPE_CHECKING:
    from belwar.results.comparison import Comparison
    from belwar.results.sensitivity import Sensitivity


def escape(value: str) -> str:
    """User text for HTML: markup escaped, control characters written as their escapes."""
    return _escape(report.clean(value))


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 60rem; color: #1b1b1b; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; font-size: 1.25rem;
     border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
.muted { color: #666; } table.belwar { border-collapse: collapse; margin: 0.8rem 0; width: 100%;
     font-size: 0.9rem; } table.belwar caption { text-align: left; font-weight: 600;
     padding: 0.3rem 0; } table.belwar th, table.belwar td { border-bottom: 1px solid #e3e3e3;
     padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
table.belwar th { background: #f4f4f4; } figure { margin: 1rem 0; } figure svg { width: 100%;
     height: auto; } .assumption { margin: 0.8rem 0; padding: 0.5rem 0.8rem;
     border-left: 3px solid #3b6ea8; background: #f8fafc; } .fact { font-size: 0.88rem;
     margin: 0.3rem 0 0.3rem 1rem; } code { font-size: 0.85rem; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
               figure, table { break-inside: avoid; } }
"""


def build(
    scenario: Scenario,
    *,
    result: Result,
    tornado: Sensitivity,
    comparisons: Sequence[Comparison] = (),
    register: Register | None = None,
) -> str:
    """The report of ``scenario`` as one HTML page, from its computed ``result``, the
    ``tornado`` of its top rung and its ``comparisons`` with other scenarios (see
    :func:`belwar.run.report_inputs.report_inputs`); it runs nothing."""
    meta = result.metadata
    parts = [
        f"<h1>{escape(scenario.title)}</h1>",
        f'<p class="muted">Scenario <code>{escape(scenario.id)}</code>'
        + (f", as of {scenario.as_of.isoformat()}" if scenario.as_of else "")
        + f". {meta.samples:,} samples, seed {meta.seed}.</p>",
        f"<p>{escape(scenario.description)}</p>" if scenario.description else "",
        "<h2>Escalation likelihood</h2>",
        "<p>Each cell: the probability that the highest rung reached by that month is at least "
        "that rung, ± its Monte Carlo error in percentage points, its ICD-203 words, and its 90% "
        "spread across the assumptions.</p>",
        report.run_html(result),
        _figure(result.plot(), "Fan chart of each rung's probability over the months"),
        "<h2>What moves the top rung</h2>",
        report.sensitivity_html(tornado),
        _figure(tornado.plot(), "Tornado chart of the inputs' swings"),
        "<h2>Assumptions and the evidence behind them</h2>",
        _assumptions(scenario, result, register),
    ]
    for comparison in comparisons:
        parts += [
            f"<h2>Compared with <code>{escape(comparison.b)}</code></h2>",
            report.diff_html(comparison),
            _figure(comparison.plot(), f"Changes from {comparison.a} to {comparison.b}"),
        ]
    parts += ["<h2>Reproducing this run</h2>", _metadata(result)]
    body = "\n".join(p for p in parts if p)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(scenario.title)}: belwar report</title>"
        f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n"
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


def _spec(dist: DistModel) -> str:
    fields = dist.model_dump(exclude_none=True)
    kind = fields.pop("type")
    return f"{kind} " + ", ".join(f"{k} {v}" for k, v in fields.items())


def _heading(entry: Entry) -> str:
    """The assumption's heading: the entry's label, in the report's own words for the hazards
    (named by rung, not by the rung's label) and the momentum."""
    if entry.kind == "hazard":
        return f"monthly hazard of {entry.name}"
    return "momentum above the start" if entry.kind == "momentum" else entry.label


def _detail(spec: Spec) -> str:
    """What the heading of an assumption adds to its distribution."""
    if isinstance(spec, Driver) and spec.reference is not None:
        return f"reference {spec.reference:g}"
    if isinstance(spec, Event):
        return f"lasts {spec.lasts_months} month(s)"
    if isinstance(spec, OddsRatio):
        return f"per {spec.per:g}" if spec.per is not None else "while active"
    return ""


def _assumptions(scenario: Scenario, result: Result, register: Register | None) -> str:
    known = register.citations() if register is not None else {}
    sampled = {i.key: i for i in result.inputs}
    blocks = []
    for entry in entries(scenario):
        key, label, extra = entry.stream, _heading(entry), _detail(entry.spec)
        summary = sampled.get(key)
        quantiles = (
            f" Sampled 5th/50th/95th: {summary.p05:.3g} / {summary.p50:.3g} / {summary.p95:.3g}."
            if summary is not None
            else ""
        )
        facts = []
        for ref in entry.evidence:
            if ref in known:
                source, fact = known[ref]
                figures = ", ".join(f"{k} = {v:g}" for k, v in fact.figures.items())
                facts.append(
                    f'<div class="fact"><code>{escape(ref)}</code>: {escape(fact.claim)}'
                    + (f' <span class="muted">({escape(figures)})</span>' if figures else "")
                    + f' <span class="muted">— {escape(source.title)}, {escape(source.outlet)}, '
                    f"{source.published:%B %Y}</span></div>"
                )
            else:
                facts.append(f'<div class="fact"><code>{escape(ref)}</code></div>')
        note = f"<div>{escape(entry.note)}</div>" if entry.note else ""
        cites = "".join(facts) or '<div class="fact muted">No facts cited.</div>'
        blocks.append(
            f'<div class="assumption"><strong>{escape(label)}</strong> <code>{escape(key)}</code>'
            f"<div>{escape(_spec(entry.dist))}{('; ' + escape(extra)) if extra else ''}."
            f"{escape(quantiles)}</div>"
            f"{note}{cites}</div>"
        )
    return "\n".join(blocks)


def _metadata(result: Result) -> str:
    meta = result.metadata
    rows = [
        ["scenario", f"{meta.scenario_id} (fingerprint {meta.fingerprint})"],
        ["samples, seed, block size", f"{meta.samples:,}, {meta.seed}, {meta.block_size:,}"],
        ["belwar, numpy, Python", f"{meta.belwar}, {meta.numpy}, {meta.python}"],
        ["created", meta.created],
    ]
    return report.html_table(["what", "value"], rows)
