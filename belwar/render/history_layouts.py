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
from belwar.render.tables import (
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


def prior_posterior(result: Result) -> Table:
    """Each input's prior (as sampled) against its posterior: mean and 5th/50th/95th, the
    prior on a cell's first line and the posterior on its second."""
    c: Conditioning | None = result.conditioning
    assert c is not None
    rows = []
    for prior, post in zip(result.inputs, c.posterior, strict=True):
        pairs = [
            (prior.mean, post.mean),
            (prior.p05, post.p05),
            (prior.p50, post.p50),
            (prior.p95, post.p95),
        ]
        rows.append(
            [
                user(prior.key),
                lines([Span("prior", "dim", own=True)], [Span("posterior", own=True)]),
                *(
                    lines([Span(_g(a), "dim", own=True)], [Span(_g(b), "bold", own=True)])
                    for a, b in pairs
                ),
            ]
        )
    return table(
        [
            Column("input", fold=True),
            Column("", wrap=False),
            *(Column(h, "right", wrap=False) for h in ("mean", "5th", "median", "95th")),
        ],
        rows,
        title=own("What the history taught: each input's prior and posterior"),
        ruled=True,
    )


def history_layout(result: Result) -> list[Table]:
    """The tables a conditioned run adds after its own."""
    return [diagnostics(result), prior_posterior(result)]


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
    return [*report.run_tables(result), *(r for t in history_layout(result) for r in to_rich(t))]


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
