"""The commands that run scenarios: ``run``, ``report`` and ``run-many``. Each parses its
options, calls one library function and delivers what it returns."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from belwar.cli.history import HistoryOption, run_given_history
from belwar.cli.options import (
    DaskOption,
    FormatOption,
    OutputOption,
    PlotOption,
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
from belwar.cli.output import Delivery, deliver, print_tables, progress


def run_command(  # noqa: PLR0917 - typer maps each parameter to an option
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", help="The scenario file to run.")],
    samples: SamplesOption = None,
    seed: SeedOption = None,
    months: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--months",
            metavar="M,M,...",
            help="Months to report, e.g. 3,6,12 (within the horizon).",
        ),
    ] = None,
    set_: SetOption = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    workers: WorkersOption = None,
    dask: DaskOption = None,
    plot: PlotOption = None,
    register: RegisterOption = None,
    history: HistoryOption = None,
) -> int:
    """Run a scenario and print its escalation-likelihood tables.

    For each rung and month: the probability of having reached it (with ICD-203 words), its 90%
    spread across the assumptions and its Monte Carlo error; then the highest rung reached by the
    horizon, the inputs as sampled, and what it takes to reproduce the run. Machine formats
    (json, csv, markdown) go to stdout unwrapped and uncoloured.
    """
    from dataclasses import replace

    from belwar.render import report
    from belwar.run.simulation import simulate

    check_format(fmt, report.RUN_FORMATS)
    chosen = run_options(samples=samples, seed=seed, months=months, workers=workers, dask=dask)
    loaded = load(scenario, set_, register)
    how = Delivery(fmt=fmt, output=output, quiet=quiet, plot=plot)
    if history is not None:
        return run_given_history(loaded, history, register, chosen, how)
    with progress(quiet) as tick:
        result = simulate(loaded, options=replace(chosen, progress=tick))
    deliver(result, how, text=report.run_text, tables=report.run_tables)
    return 0


def report_command(  # noqa: PLR0917 - typer maps each parameter to an option
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", help="The scenario file.")],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="The HTML file to write (atomically).",
            dir_okay=False,
        ),
    ],
    compare_with: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option("--compare", metavar="OTHER", help="Also diff against OTHER (repeatable)."),
    ] = None,
    samples: SamplesOption = None,
    workers: WorkersOption = None,
    dask: DaskOption = None,
    register: RegisterOption = None,
) -> int:
    """Write one self-contained HTML report: tables, charts, the evidence behind every
    assumption, diffs against other scenarios, and the run's metadata (no network needed)."""
    from belwar.render import report
    from belwar.render.atomic import write_text
    from belwar.render.html_report import build
    from belwar.run.report_inputs import report_inputs
    from belwar.spec.evidence import find_register
    from belwar.spec.loader import load_register, load_scenario

    folder = register or find_register(scenario.resolve().parent)
    reg = load_register(folder) if folder is not None else None
    main = load_scenario(scenario, register=reg)
    others = [load_scenario(path, register=reg) for path in compare_with or []]
    found = report_inputs(
        main, others, options=run_options(samples=samples, workers=workers, dask=dask)
    )
    page = build(
        main,
        result=found.result,
        tornado=found.tornado,
        comparisons=found.comparisons,
        register=reg,
    )
    write_text(output, page)
    typer.echo(f"wrote {report.clean(str(output))}", err=True)
    return 0


def run_many_command(  # noqa: PLR0917 - typer maps each parameter to an option
    paths: Annotated[
        list[str], typer.Argument(metavar="DIR_OR_FILES...", help="Scenario files or folders.")
    ],
    output_dir: Annotated[
        Path,
        typer.Option(
            "--output-dir",
            "-o",
            metavar="DIR",
            help="Where the results go (one .json each; made if missing).",
            file_okay=False,
        ),
    ] = Path("."),
    samples: SamplesOption = None,
    seed: SeedOption = None,
    workers: WorkersOption = None,
    dask: DaskOption = None,
    register: RegisterOption = None,
) -> int:
    """Run a set of scenario files in parallel: one result file each and a summary table."""
    from belwar.render import report
    from belwar.run.batch import run_many

    chosen = run_options(samples=samples, seed=seed, workers=workers, dask=dask)
    runs = run_many(paths, str(output_dir), options=chosen, register=register_at(register))
    print_tables(report.many_table(runs))
    return 0
