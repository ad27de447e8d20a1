"""The commands and checks that take observed histories: ``evidence``, ``run --history``, and
history files given to ``validate`` (checked on their own and against every scenario given
beside them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from belwar.cli.options import INPUTS, OUTPUT, Flags, opt, scenario_argument, shared
from belwar.cli.output import Delivery, check_format, deliver, progress

if TYPE_CHECKING:
    from belwar.render.tables import Table
    from belwar.run.options import RunOptions
    from belwar.spec.evidence import Register
    from belwar.spec.scenario import Scenario

EVIDENCE_FORMATS = ("table", "json", "markdown")


def run_given_history(scenario: Scenario, flags: Flags, chosen: RunOptions, how: Delivery) -> int:
    """``run --history`` (or ``--given``): the run conditioned on the history and what is
    given, its diagnostics and what they taught about each input."""
    from dataclasses import replace

    from belwar.render import xlsx
    from belwar.render.history_layouts import (
        conditioned_tables,
        conditioned_text,
        history_layout,
    )
    from belwar.run.simulation import simulate

    found = flags.given_history()
    with progress(how.quiet) as tick:
        result = simulate(
            scenario,
            options=replace(chosen, progress=tick),
            history=found,
            given=flags.given or (),
        )
    sheets = [*xlsx.run_sheets(result), *xlsx.table_sheets(history_layout(result))]
    deliver(result, how, text=conditioned_text, tables=conditioned_tables, sheets=lambda _: sheets)
    return 0


@shared("set_", "samples", "seed", "workers", "dask", "output", "quiet", "register")
def evidence_command(
    scenarios: Annotated[list[Path], scenario_argument("The stories to weigh.", "SCENARIO...")],
    history: Annotated[
        Path,
        opt(
            "--history", metavar="FILE", panel=INPUTS, help="The observed history.", dir_okay=False
        ),
    ],
    fmt: Annotated[
        str, opt("--format", "-f", metavar="FORMAT", panel=OUTPUT, help="table, json or markdown.")
    ] = "table",
    *,
    flags: Flags,
) -> int:
    """Weigh stories on an observed history: which scenario fits the record best.

    For each scenario: its log evidence (the log of the mean weight the history gives its
    samples), its Bayes factor against the first with the paired Monte Carlo error, the
    effective sample size and the Pareto k of its weights (above 0.7 the numbers are not
    reliable). Every scenario runs with the first one's samples and seed (or --samples and
    --seed), so their weights are paired sample by sample.

    Examples:
        The baseline against the other shipped stories on the record since spring 2022:
            belwar evidence scenarios/baseline.yaml scenarios/kremlin-squeeze.yaml \\
                --history scenarios/history/belarus-2022-2025.yaml
    """
    from belwar.render.history_layouts import evidence_tables, evidence_text
    from belwar.run.evidence import weigh
    from belwar.spec.history_loader import read_history

    check_format(fmt, EVIDENCE_FORMATS)
    stories = [flags.load(path) for path in scenarios]
    found = read_history(history, register=flags.register_at())
    result = weigh(stories, found, options=flags.run_options())
    how = Delivery(fmt=fmt, output=flags.output, quiet=flags.quiet)
    deliver(result, how, text=evidence_text, tables=evidence_tables, sheets=_no_workbook)
    return 0


def _no_workbook(_: object) -> list[tuple[str, Table]]:
    raise AssertionError("evidence has no xlsx format (EVIDENCE_FORMATS)")


def is_history_file(path: Path) -> bool:
    """Whether ``path`` reads as a history file (a mapping with ``since``); a file that cannot
    be read is left to the scenario loader, which reports why."""
    from belwar.errors import InputError
    from belwar.spec import yamlio
    from belwar.spec.history_loader import is_history

    try:
        return is_history(yamlio.read(path, str(path)))
    except InputError:
        return False


def validate_history_file(path: Path, register: Register | None, scenarios: list[Scenario]) -> bool:
    """Check a history file, and against each of ``scenarios``; print what was found and
    return whether it is valid."""
    from belwar.errors import InputError
    from belwar.spec.history_loader import check_against, read_history

    problems = []
    try:
        loaded = read_history(path, register=register)
    except InputError as exc:
        problems = list(exc.problems)
        loaded = None
    if loaded is not None:
        for scenario in scenarios:
            try:
                check_against(loaded, scenario)
            except InputError as exc:
                problems += exc.problems
    if problems:
        count = len(problems)
        typer.echo(InputError(problems).render())
        typer.echo(f"{path}: {count} problem{'s' if count != 1 else ''}\n")
        return False
    assert loaded is not None
    history = loaded.history
    against = f", checked against {len(scenarios)} scenario(s)" if scenarios else ""
    typer.echo(
        f"{path}: ok (history {history.id}, {history.months} months observed, fingerprint "
        f"{history.fingerprint()}{against})"
    )
    return True
