"""The commands and checks that take observed histories: ``evidence``, ``run --history``, and
history files given to ``validate`` (checked on their own and against every scenario given
beside them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from belwar.cli.options import (
    DaskOption,
    OutputOption,
    QuietOption,
    RegisterOption,
    SamplesOption,
    SeedOption,
    SetOption,
    WorkersOption,
    check_format,
    load,
    register_at,
    run_options,
)
from belwar.cli.output import Delivery, deliver, progress

if TYPE_CHECKING:
    from belwar.run.options import RunOptions
    from belwar.spec.evidence import Register
    from belwar.spec.history_loader import LoadedHistory
    from belwar.spec.scenario import Scenario

HistoryOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--history",
        metavar="FILE",
        help="Condition on an observed history (scenarios/history/): forecast from its end.",
    ),
]
EVIDENCE_FORMATS = ("table", "json", "markdown")


def history_at(path: Path | None, register: Path | None) -> LoadedHistory | None:
    """The history file at ``--history`` read and checked on its own, or None."""
    from belwar.spec.history_loader import read_history

    return None if path is None else read_history(path, register=register_at(register))


def run_given_history(
    scenario: Scenario, history: Path, register: Path | None, chosen: RunOptions, how: Delivery
) -> int:
    """``run --history``: the run conditioned on the history, its diagnostics and what the
    history taught about each input."""
    from dataclasses import replace

    from belwar.render.history_layouts import conditioned_tables, conditioned_text
    from belwar.run.simulation import simulate
    from belwar.spec.history_loader import read_history

    found = read_history(history, register=register_at(register))
    with progress(how.quiet) as tick:
        result = simulate(scenario, options=replace(chosen, progress=tick), history=found)
    deliver(result, how, text=conditioned_text, tables=conditioned_tables)
    return 0


def evidence_command(  # noqa: PLR0917 - typer maps each parameter to an option
    scenarios: Annotated[
        list[Path], typer.Argument(metavar="SCENARIO...", help="The stories to weigh.")
    ],
    history: Annotated[
        Path, typer.Option("--history", metavar="FILE", help="The observed history.")
    ],
    samples: SamplesOption = None,
    seed: SeedOption = None,
    set_: SetOption = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="table, json or markdown.")
    ] = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    workers: WorkersOption = None,
    dask: DaskOption = None,
    register: RegisterOption = None,
) -> int:
    """Weigh stories on an observed history: each scenario's log evidence, its Bayes factor
    against the first with the paired Monte Carlo error, ESS and Pareto k.

    Every scenario runs with the first one's samples and seed (or --samples and --seed), so
    their weights are paired sample by sample.
    """
    from belwar.render.history_layouts import evidence_tables, evidence_text
    from belwar.run.evidence import weigh
    from belwar.spec.history_loader import read_history

    check_format(fmt, EVIDENCE_FORMATS)
    chosen = run_options(samples=samples, seed=seed, workers=workers, dask=dask)
    stories = [load(path, set_, register) for path in scenarios]
    found = read_history(history, register=register_at(register))
    result = weigh(stories, found, options=chosen)
    how = Delivery(fmt=fmt, output=output, quiet=quiet)
    deliver(result, how, text=evidence_text, tables=evidence_tables)
    return 0


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
