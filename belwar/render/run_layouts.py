"""The layouts of a run, of a batch of runs and of the evidence register: which tables, which
columns, which cells. Each function builds :class:`~belwar.render.tables.Table` models and
knows nothing of how they are drawn; where a view (terminal, markdown, HTML) shows a result
differently today, the difference is spelled here, in one place per result type."""

from __future__ import annotations

from belwar.core.pareto import WARN_ABOVE
from belwar.render.conditions import warning
from belwar.render.likelihood_layouts import (
    View,
    label_lines,
    run_heading,
    run_highest,
    run_likelihood,
)
from belwar.render.path_layouts import run_paths
from belwar.render.tables import Cell, Column, Span, Table, lines, own, table, user
from belwar.render.text import KEY_WIDTH, figure, key_lines, percent
from belwar.results.run import RECORD_FIELDS, Result
from belwar.spec.evidence import Register, Source

# the likelihood tables are re-exported: every layout of a run is found here
__all__ = [
    "View",
    "many_layout",
    "run_drivers",
    "run_heading",
    "run_highest",
    "run_layout",
    "run_likelihood",
    "run_records",
    "sources_documents",
    "sources_facts",
]


# --- a run (its likelihood tables are in belwar.render.likelihood_layouts) ---------------------


def run_drivers(result: Result) -> Table:
    """The drivers as sampled (terminal only), with the run's footer."""
    meta = result.metadata
    footer = (
        f"seed {meta.seed} · {meta.samples:,} samples · {meta.seconds:.2f} s · "
        f"scenario {meta.fingerprint} · belwar {meta.belwar} · numpy {meta.numpy}"
    )
    drivers = [item for item in result.inputs if item.kind == "driver"]
    figures = [
        [
            own(f"{item.p05:.3g}"),
            own(f"{item.p50:.3g}"),
            own(f"{item.p95:.3g}"),
            own(str(item.evidence)) if item.evidence else lines([Span("none", "yellow", own=True)]),
        ]
        for item in drivers
    ]
    numbers = [
        Column(c, "right", wrap=False, fold=True) for c in ("5th", "median", "95th", "facts")
    ]
    title = own("Drivers as sampled")
    notes = (user(footer, "dim"),)
    named = [  # too narrow for a column of units: each under its driver's name
        lines(
            *([Span(t)] for t in key_lines(item.name)),
            *([Span(t, "dim")] for t in label_lines(item.unit, KEY_WIDTH)),
        )
        for item in drivers
    ]
    return table(
        [Column("driver", wrap=False), Column("unit", fold=True), *numbers],
        [
            [user(item.name), user(item.unit), *row]
            for item, row in zip(drivers, figures, strict=True)
        ],
        title=title,
        notes=notes,
        narrow=table(
            [Column("driver", wrap=False), *numbers],
            [[name, *row] for name, row in zip(named, figures, strict=True)],
            title=title,
            notes=notes,
        ),
    )


def run_layout(result: Result, view: View = "terminal") -> list[Table]:
    """Every table of a run in ``view``: the terminal adds the drivers as sampled."""
    tables = [run_likelihood(result, view), run_highest(result, view)]
    if result.paths:
        tables.append(run_paths(result))
    return [*tables, run_drivers(result)] if view == "terminal" else tables


def _datum(value: object) -> Cell:
    """A datum for CSV as the csv module writes it (floats by repr, ``None`` empty)."""
    text = repr(value) if isinstance(value, float) else "" if value is None else str(value)
    return own(text, value=value)


def run_records(result: Result) -> Table:
    """One row per rung and month with the fields of :data:`RECORD_FIELDS` (floats by repr)."""
    return table(
        RECORD_FIELDS,
        [
            [_datum(record[field]) for field in RECORD_FIELDS]
            for record in (cell.record() for cell in result.cells)
        ],
    )


# --- a batch of runs -----------------------------------------------------------------------------


def _many_title(runs: list[tuple[str, Result]]) -> Cell:
    """The summary's title, then what every run was conditioned on (the runs of a batch are
    conditioned alike: the first names it)."""
    head = "Chance of reaching each rung by the last reported month"
    c = runs[0][1].conditioning if runs else None
    if c is None:
        return own(head)
    given = [Span("given ", own=True), Span(c.history_id)]
    if c.observed_months:
        given += [Span(f", as of {c.through} (months counted from there)", own=True)]
    return lines([Span(head, own=True)], given)


def many_layout(runs: list[tuple[str, Result]]) -> Table:
    """One row per scenario: the chance of reaching each rung by its last reported month.
    Conditioned runs add each one's effective samples and Pareto ``k``: as columns where the
    terminal is wide enough, else in a note under the table."""
    rungs: list[str] = []
    for _, result in runs:
        rungs += [r for r in result.rungs if r not in rungs]
    rows = []
    for _path, result in runs:
        month = max(result.months)
        cells = [
            own(percent(result.probability(r, month)) if r in result.rungs else "-") for r in rungs
        ]
        rows.append([user(result.metadata.scenario_id), own(str(month)), *cells])
    columns = [
        Column("scenario", wrap=False),
        Column("month", "right"),
        *(Column(r.replace("_", " "), "right") for r in rungs),
    ]
    title = _many_title(runs)
    weighed = [(r.metadata.scenario_id, r.conditioning) for _, r in runs if r.conditioning]
    if not weighed:
        return table(columns, rows, title=title)
    high = [name for name, c in weighed if _high(c.pareto_k)]
    warned = (own(warning(", ".join(high)), "bold yellow"),) if high else ()
    listed = "; ".join(f"{name} {c.ess:,.0f}, k {c.pareto_k:.2f}" for name, c in weighed)
    return table(
        [*columns, Column("ESS", "right", wrap=False), Column("k", "right", wrap=False)],
        [[*row, *_weights(r)] for row, (_, r) in zip(rows, runs, strict=True)],
        title=title,
        caption=own("ESS: effective samples; k: Pareto shape of the largest weights"),
        notes=warned,
        narrow=table(
            columns,
            rows,
            title=title,
            caption=own(f"effective samples and Pareto k of the weights: {listed}"),
            notes=warned,
        ),
    )


def _weights(result: Result) -> list[Cell]:
    c = result.conditioning
    if c is None:
        return [own("-"), own("-")]
    return [
        own(f"{c.ess:,.0f}"),
        own(f"{c.pareto_k:.2f}", "bold yellow" if _high(c.pareto_k) else ""),
    ]


# --- the evidence register -----------------------------------------------------------------------


def _published(source: Source) -> str:
    day = source.published
    if source.date_precision == "day":
        return day.isoformat()
    if source.date_precision == "month":
        return f"~{day:%Y-%m}"
    return f"~{day.year} Q{(day.month - 1) // 3 + 1}"


def sources_documents(register: Register) -> Table:
    """The register's documents, one row each (terminal only)."""
    heads = ("id", "title", "outlet", "author", "published")
    return table(
        [*(Column(h, fold=True) for h in heads), Column("facts", "right", fold=True)],
        [
            [
                user(source.id),
                user(source.title),
                user(source.outlet),
                user(source.author or "-"),
                own(_published(source)),
                own(str(len(source.facts))),
            ]
            for source in register.sources
        ],
        title=own("Sources"),
    )


def sources_facts(register: Register, driver: str | None = None, view: View = "terminal") -> Table:
    """The register's facts (only those bearing on ``driver``, if given)."""
    rows = []
    for ref, source, fact in register.facts():
        if driver is not None and driver not in fact.drivers:
            continue
        figures = [[Span(f"{k} = {figure(v)}")] for k, v in fact.figures.items()]
        when = own((fact.date or source.published).isoformat())
        if view == "markdown":
            bearing = user(", ".join(fact.drivers) + f" ({fact.direction})")
            rows.append([user(ref), when, user(fact.claim), lines(*figures), bearing])
        else:
            bearing = lines([Span(", ".join(fact.drivers) or "-")], [Span(f"({fact.direction})")])
            shown = lines(*figures) if figures else user("-")
            rows.append([user(ref), when, user(fact.claim), shown, bearing])
    if view == "markdown":
        return table(["fact", "date", "claim", "figures", "drivers"], rows)
    return table(
        [
            Column("source", fold=True, ratio=2),
            Column("date", wrap=False),
            Column("fact", fold=True, ratio=5),
            Column("figures", fold=True, ratio=3, min_width=20),
            Column("drivers", fold=True, ratio=2),
        ],
        rows,
        title=user("Facts" + (f" bearing on {driver}" if driver else "")),
        ruled=True,
    )


def _high(k: float) -> bool:
    return not k <= WARN_ABOVE
