"""The layouts of a pool: its members and weights (prior and posterior on a history), the pooled
likelihood tables, and every member beside the pool with how far they disagree. Table models
only (:mod:`belwar.render.tables` draws them)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from belwar.render.likelihood_layouts import View, run_highest, run_likelihood
from belwar.render.tables import (
    Cell,
    Column,
    Table,
    own,
    table,
    to_csv,
    to_html,
    to_markdown,
    to_rich,
    user,
)
from belwar.render.text import percent, spread, two_figures
from belwar.results.pool import Disagreement, PoolResult

if TYPE_CHECKING:
    from rich.console import RenderableType


def pool_weights(result: PoolResult) -> Table:
    """The members, their weights as stated and normalised and, on a history, each one's log
    evidence and posterior weight."""
    updated = result.updated and any(m.log_evidence is not None for m in result.members)
    heads = ["member", "stated", "weight"]
    if updated:
        heads = ["member", "prior", "log evidence", "posterior"]
    rows = []
    for m in result.members:
        if updated:
            assert m.log_evidence is not None
            assert m.log_evidence_mcse is not None
            rest = [
                own(f"{m.prior_weight:.3f}"),
                own(f"{m.log_evidence:.3f} ±{m.log_evidence_mcse:.3f}"),
                own(f"{m.weight:.3f}", "bold"),
            ]
        else:
            rest = [own(f"{m.stated:g}"), own(f"{m.weight:.3f}", "bold")]
        rows.append([user(m.scenario_id), *rest])
    if updated:
        caption = (
            "prior: the stated weights, normalised; posterior: proportional to prior x "
            "evidence (exp of the log evidence), as the history re-weights the members"
        )
        if result.method != "linear":
            caption = (
                "a log-odds pool is a pool of the outputs: the history conditions each member "
                "but leaves the weights as stated"
            )
    else:
        caption = "weight: the stated weights normalised to sum to 1"
    meta = result.pooled.metadata
    return table(
        [
            Column("member", fold=True, min_width=24),
            *(Column(h, "right", wrap=False) for h in heads[1:]),
        ],
        rows,
        title=user(f"{result.title} ({result.pool_id}): members and weights"),
        notes=(
            own(f"This is a {result.how}.", "bold"),
            own(
                f"{caption}; every member run on the same draws ({meta.samples:,} samples, "
                f"seed {meta.seed}: common random numbers)"
            ),
        ),
    )


def pool_members(result: PoolResult) -> Table:
    """Each rung's block: every member's probability by month, the pool's, and the
    disagreement (the range of the members, and the weighted spread of their probabilities
    about their weighted mean, in percentage points)."""
    pooled = result.pooled
    months = pooled.months
    gaps = {(g.rung, g.month): g for g in result.disagreement}
    rows, breaks = [], set()
    for rung in pooled.rungs:
        rows.append([own(rung, "bold"), *(own("") for _ in months)])
        for m in result.members:
            cells = [own(percent(m.result.cell(rung, month).p)) for month in months]
            rows.append([user("  " + m.scenario_id), *cells])
        shown = [pooled.cell(rung, month).p for month in months]
        rows.append([own("  pool"), *(own(percent(p), "bold") for p in shown)])
        cut = [gaps[rung, month] for month in months]
        rows.append([own("  range", "dim"), *(_range(g) for g in cut)])
        rows.append([own("  sd (points)", "dim"), *(_sd(g) for g in cut)])
        breaks.add(len(rows) - 1)
    return table(
        [
            Column("by month:", wrap=False),
            *(Column(str(m), "right", wrap=False) for m in months),
        ],
        rows,
        title=own("The pool beside its members: each rung's probability by month"),
        caption=own(
            "how far the members disagree: range, their lowest to highest probability; sd, "
            "the weighted spread of their probabilities about their weighted mean, in "
            "percentage points"
            + (
                "; extremized, a log-odds pool moves away from 50%, beyond its members"
                if result.method == "log_odds" and result.extremize > 1
                else ""
            )
        ),
        breaks=frozenset(breaks),
        notes=(own(_footer(result), "dim"),),
    )


AGREE = 5e-5  # members closer than this (0.005 points) are shown as agreeing


def _range(gap: Disagreement) -> Cell:
    """The members' range; one figure where they agree to the shown precision."""
    if gap.range < AGREE:
        return own(percent(gap.high), "dim")
    return own(spread(gap.low, gap.high), "dim")


def _sd(gap: Disagreement) -> Cell:
    return own("0" if gap.sd < AGREE else two_figures(100 * gap.sd), "dim")


def _footer(result: PoolResult) -> str:
    meta = result.pooled.metadata
    return (
        f"seed {meta.seed} · {meta.samples:,} samples · {meta.seconds:.2f} s · pool "
        f"{result.fingerprint} · belwar {meta.belwar} · numpy {meta.numpy}"
    )


def pool_layout(result: PoolResult, view: View = "terminal") -> list[Table]:
    """Every table of a pool in ``view``."""
    pooled = result.pooled
    return [
        pool_weights(result),
        run_likelihood(pooled, view),
        pool_members(result),
        run_highest(pooled, view),
    ]


def pool_records(result: PoolResult) -> Table:
    """One row per rung and month: the pool's cell, its disagreement, each member's p."""
    records = result.records()
    heads = list(records[0]) if records else []
    return table(heads, [[own(_datum(r[h])) for h in heads] for r in records])


def _datum(value: object) -> str:
    return repr(value) if isinstance(value, float) else "" if value is None else str(value)


def pool_sheets(result: PoolResult) -> list[tuple[str, Table]]:
    """A pool as a workbook: its records, then each table as markdown shows it."""
    tables = pool_layout(result, "markdown")
    names = ("weights", "likelihood", "members", "highest")
    return [("results", pool_records(result)), *zip(names, tables, strict=True)]


# --- drawn ---------------------------------------------------------------------------------------


def pool_tables(result: PoolResult) -> list[RenderableType]:
    """The pool as rich renderables."""
    return [item for model in pool_layout(result) for item in to_rich(model)]


def pool_text(result: PoolResult, fmt: str) -> str:
    """The pool in ``fmt``: json, csv, markdown or the table format (plain, 120 columns)."""
    if fmt == "json":
        return result.to_json()
    if fmt == "csv":
        return to_csv(pool_records(result))
    if fmt == "markdown":
        return to_markdown(pool_layout(result, "markdown"))
    from rich.console import Console  # noqa: PLC0415 - heavy (rich)

    console = Console(file=io.StringIO(), width=120, color_system=None, record=True)
    for item in pool_tables(result):
        console.print(item)
    return console.export_text()


def pool_html(result: PoolResult) -> str:
    """The pool as HTML tables (a notebook's display)."""
    return "".join(to_html(model) for model in pool_layout(result, "html"))
