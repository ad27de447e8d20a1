"""The layouts of what a history adds: a conditioned run's diagnostics and each input's prior
against its posterior, and the ranking of stories by their evidence. Table models only
(:mod:`belwar.render.tables` draws them)."""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

from belwar.core.pareto import WARN_ABOVE
from belwar.render import report
from belwar.render.conditions import warning
from belwar.render.sensitivity_layouts import TOP, input_label
from belwar.render.tables import (
    Cell,
    Column,
    Span,
    Table,
    lines,
    own,
    table,
    to_markdown,
    to_rich,
    user,
)
from belwar.render.text import EN_DASH
from belwar.results.evidence import Evidence
from belwar.results.run import Conditioning, Result

if TYPE_CHECKING:
    from rich.console import RenderableType


def _k(k: float) -> str:
    return f"{k:.2f}" + (" (too high: not reliable)" if not k <= WARN_ABOVE else "")


def diagnostics(result: Result) -> Table:
    """How far the history moved the samples: ESS, Pareto ``k``, log evidence."""
    c = result.conditioning
    assert c is not None
    n = result.metadata.samples
    rows = [
        ("history", f"{c.history_id} ({c.fingerprint})"),
        ("observed", f"{c.observed_months} months, to {c.through}"),
        ("effective samples", f"{c.ess:,.0f} of {n:,} ({c.ess / n:.1%})"),
        ("Pareto k", _k(c.pareto_k)),
        ("log evidence", f"{c.log_evidence:.4f} ± {c.log_evidence_mcse:.4f}"),
    ]
    notes = (own(warning("this run"), "bold yellow"),) if not c.pareto_k <= WARN_ABOVE else ()
    return table(
        [Column("given the history", wrap=False), Column("", wrap=False)],
        [[own(a), own(b)] for a, b in rows],
        title=own("The samples' weights given the history"),
        notes=notes,
    )


def _g(value: float) -> str:
    return f"{value:.3g}" if math.isfinite(value) else "-"


LABEL_WIDTH = 22  # the narrowest an input's label is wrapped to


def _moved(moved: float) -> str:
    return f"{moved:+.2f} sd"


def prior_posterior(result: Result, *, top: int | None = None) -> Table:
    """Each input's prior (as sampled) against its posterior: mean and 5th/50th/95th, the
    prior on a cell's first line and the posterior on its second, and how far the history
    moved the mean in sds of the prior. Inputs are named by label and sorted by how far they
    moved (furthest first); ``top`` of them (``None``: all)."""
    c: Conditioning | None = result.conditioning
    assert c is not None
    by_key = {item.key: item for item in result.inputs}
    pairs = sorted(
        zip(result.inputs, c.posterior, strict=True), key=lambda pair: -abs(pair[1].moved)
    )
    shown = pairs if top is None else pairs[:top]
    two = [Span("prior", "dim", own=True)], [Span("posterior", own=True)]

    def pair(a: str, b: str) -> Cell:
        return lines([Span(a, "dim", own=True)], [Span(b, "bold", own=True)])

    rows, narrow = [], []
    for prior, post in shown:
        name = user(input_label(prior, by_key))
        moved = lines([Span("")], [Span(_moved(post.moved), "bold", own=True)])
        rows.append(
            [
                name,
                lines(*two),
                *(
                    pair(_g(a), _g(b))
                    for a, b in (
                        (prior.mean, post.mean),
                        (prior.p05, post.p05),
                        (prior.p50, post.p50),
                        (prior.p95, post.p95),
                    )
                ),
                moved,
            ]
        )
        ends = (
            f"{_g(prior.p05)}{EN_DASH}{_g(prior.p95)}",
            f"{_g(post.p05)}{EN_DASH}{_g(post.p95)}",
        )
        narrow.append([name, lines(*two), pair(_g(prior.mean), _g(post.mean)), pair(*ends), moved])
    hidden = len(pairs) - len(shown)
    notes = (
        own(
            f"{hidden} more input{'s' if hidden != 1 else ''} moved less (-f json or -f "
            "markdown lists every one)",
            "dim",
        ),
    )
    title = own("What the history taught: each input's prior and posterior")
    caption = "moved: the posterior mean less the prior's, in sds of the prior"
    label = Column("input", min_width=LABEL_WIDTH)
    return table(
        [
            label,
            Column("", wrap=False),
            *(Column(h, "right", wrap=False) for h in ("mean", "5th", "median", "95th")),
            Column("moved", "right", wrap=False),
        ],
        rows,
        title=title,
        caption=own(caption),
        notes=notes if hidden else (),
        ruled=True,
        narrow=table(
            [
                label,
                Column("", wrap=False),
                Column("mean", "right", wrap=False),
                Column(f"5th{EN_DASH}95th", "right", wrap=False),
                Column("moved", "right", wrap=False),
            ],
            narrow,
            title=title,
            caption=own(f"5th{EN_DASH}95th: percentiles; {caption}"),
            notes=notes if hidden else (),
            ruled=True,
        ),
    )


def history_layout(result: Result, *, top: int | None = None) -> list[Table]:
    """The tables a conditioned run adds after its own (``top``: the inputs the history moved
    most, else every one)."""
    return [diagnostics(result), prior_posterior(result, top=top)]


def evidence_layout(evidence: Evidence) -> Table:
    """The stories in the order given, with Bayes factors against the first."""
    first = evidence.stories[0].scenario_id
    rows = []
    for s in evidence.stories:
        bf = s.bayes_factor
        rows.append(
            [
                user(s.scenario_id),
                own(f"{s.log_evidence:.3f} ±{s.log_evidence_mcse:.3f}"),
                own(f"{bf:.3g}" if bf < 1e6 else f"{bf:.2e}"),
                own(f"{s.log_bayes_factor:+.3f} ±{s.log_bayes_factor_mcse:.3f}"),
                own(f"{s.ess:,.0f}"),
                own(f"{s.pareto_k:.2f}", "" if s.pareto_k <= WARN_ABOVE else "bold yellow"),
            ]
        )
    high = [s.scenario_id for s in evidence.stories if not s.pareto_k <= WARN_ABOVE]
    notes = (own(warning(", ".join(high)), "bold yellow"),) if high else ()
    return table(
        [
            Column("story", fold=True),
            *(Column(h, "right", wrap=False) for h in ("log ev", "BF", "log BF", "ESS", "k")),
        ],
        rows,
        title=own(
            f"Evidence of each story on history {evidence.history_id}, to {evidence.through} "
            f"({evidence.samples:,} samples, seed {evidence.seed})"
        ),
        caption=own(
            f"log ev: log evidence (the story's log probability of the history) ± its Monte "
            f"Carlo error; BF: Bayes factor against {first}, and its log ± the paired error; "
            f"ESS: effective samples; k: Pareto shape of the largest weights (above "
            f"{WARN_ABOVE}: not reliable)"
        ),
        notes=notes,
    )


# --- drawn ---------------------------------------------------------------------------------------


def _plain(items: list[RenderableType]) -> str:
    from rich.console import Console  # noqa: PLC0415 - heavy (rich)

    console = Console(file=io.StringIO(), width=120, color_system=None, record=True)
    for item in items:
        console.print(item)
    return console.export_text()


def conditioned_tables(result: Result) -> list[RenderableType]:
    """A conditioned run as rich renderables: the run's tables, then the history's."""
    tables = history_layout(result, top=TOP)
    return [*report.run_tables(result), *(r for t in tables for r in to_rich(t))]


def conditioned_text(result: Result, fmt: str) -> str:
    """A conditioned run in ``fmt``: JSON and CSV as a run's (the JSON with its history),
    markdown and the table format with the history's tables after the run's."""
    if fmt in {"json", "csv"}:
        return report.run_text(result, fmt)
    if fmt == "markdown":
        return report.run_markdown(result) + "\n" + to_markdown(history_layout(result))
    return _plain(conditioned_tables(result))


def evidence_tables(evidence: Evidence) -> list[RenderableType]:
    """The evidence ranking as rich renderables."""
    return to_rich(evidence_layout(evidence))


def evidence_text(evidence: Evidence, fmt: str) -> str:
    """The evidence ranking in ``fmt`` (json, markdown or the table format)."""
    if fmt == "json":
        return evidence.to_json()
    if fmt == "markdown":
        return to_markdown([evidence_layout(evidence)])
    return _plain(evidence_tables(evidence))
