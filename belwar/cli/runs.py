"""The commands that run scenarios: ``run``, ``report`` and ``run-many``. Each parses its
options, calls one library function and delivers what it returns."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from belwar.cli.history import run_given_history
from belwar.cli.options import INPUTS, OUTPUT, RUNNING, Flags, opt, scenario_argument, shared
from belwar.cli.output import RUN_FORMATS, deliver, print_tables, progress


@shared(*RUNNING, "months", "history", "given")
def run_command(
    scenario: Annotated[Path, scenario_argument("The scenario or pool file to run (YAML).")],
    *,
    flags: Flags,
) -> int:
    """Run a scenario and print its escalation-likelihood tables.

    For each rung and month: the probability of having reached it (with ICD-203 words), its 90%
    spread across the assumptions and its Monte Carlo error; then the highest rung reached by the
    horizon, the inputs as sampled, and what it takes to reproduce the run. Machine formats
    (json, csv, markdown) go to stdout unwrapped and uncoloured; xlsx goes to --output.

    Examples:
        Run the baseline, then read months 3, 6 and 12 from 200,000 samples as JSON:
            belwar run scenarios/baseline.yaml
            belwar run scenarios/baseline.yaml -n 200k --months 3,6,12 -f json
        Every table on its own sheet of a workbook:
            belwar run scenarios/baseline.yaml -f xlsx -o baseline.xlsx
        The forecast if reservists are called up next month:
            belwar run scenarios/baseline.yaml --given reservist_callup@1
    """
    from dataclasses import replace

    from belwar.cli.pooling import run_pool_file
    from belwar.render import report, xlsx
    from belwar.run.simulation import simulate
    from belwar.spec.pool import is_pool_file

    how = flags.delivery().checked(RUN_FORMATS)
    chosen = flags.run_options()
    if is_pool_file(scenario):
        return run_pool_file(scenario, flags, chosen, how)
    loaded = flags.load(scenario)
    if flags.history is not None or flags.given:
        return run_given_history(loaded, flags, chosen, how)
    with progress(flags.quiet) as tick:
        result = simulate(loaded, options=replace(chosen, progress=tick))
    deliver(result, how, text=report.run_text, tables=report.run_tables, sheets=xlsx.run_sheets)
    return 0


@shared(
    "set_",
    "samples",
    "seed",
    "months",
    "workers",
    "dask",
    "target",
    "month",
    "quiet",
    "history",
    "given",
)
def report_command(
    scenario: Annotated[Path, scenario_argument()],
    output: Annotated[
        Path,
        opt(
            "--output",
            "-o",
            metavar="FILE",
            panel=OUTPUT,
            help="The HTML file to write (atomically).",
            dir_okay=False,
        ),
    ],
    compare_with: Annotated[
        Optional[list[Path]],  # noqa: UP045 (typer reads the annotation at run time)
        opt(
            "--compare",
            metavar="OTHER",
            panel=INPUTS,
            help="Also diff against the scenario OTHER (repeatable).",
        ),
    ] = None,
    register: Annotated[
        Optional[Path],  # noqa: UP045
        opt(
            "--register",
            metavar="DIR",
            panel=INPUTS,
            help="Evidence register folder (default: the one nearest the scenario, else the "
            "shipped one).",
            file_okay=False,
        ),
    ] = None,
    *,
    flags: Flags,
) -> int:
    """Write a scenario's report: one self-contained HTML page.

    The report holds the tables, charts, the evidence behind every assumption, diffs against
    other scenarios, and the run's metadata; it needs no network to open.

    --set changes the reported scenario only; the scenarios given with --compare are read as
    they are. The tornado reads --target by --month (default: the top rung by the horizon).

    A scenario with indicators or events adds what to watch for next month: each one's chance
    of being seen and what seeing it would do to the target.

    With --history the report is the forecast after the history, conditioned on it exactly
    (months count from its end): the run, the tornado, what to watch for and every --compare
    diff are conditioned, and a section shows what the history taught about each input.
    --given conditions them all on an event or indicator as well.

    A pool file gives the pool's report: its members and weights, the pooled tables and chart,
    and every member beside the pool; with --history, the members re-weighted by their evidence.

    Examples:
        The baseline's report, then one that also compares it with another scenario:
            belwar report scenarios/baseline.yaml -o baseline.html
            belwar report scenarios/baseline.yaml -o report.html \\
                --compare scenarios/kremlin-squeeze.yaml -n 200k
        The baseline's report as of the end of 2025, given what happened since spring 2022:
            belwar report scenarios/baseline.yaml -o now.html \\
                --history scenarios/history/belarus-2022-2025.yaml
    """
    from belwar.render.atomic import write_text
    from belwar.render.html_report import build
    from belwar.render.report import clean
    from belwar.run.report_inputs import report_inputs
    from belwar.spec.loader import load_parent, load_scenario, register_for
    from belwar.spec.pool import is_pool_file

    if is_pool_file(scenario):
        from belwar.cli.pooling import report_pool

        return report_pool(scenario, output, flags, compare=bool(compare_with), register=register)
    reg = register_for(scenario, register)  # a shipped parent's register joins it
    main = load_scenario(scenario, overrides=flags.set_ or (), register=reg)
    others = [load_scenario(path, register=reg) for path in compare_with or []]
    chosen = flags.run_options()
    found = report_inputs(
        main,
        others,
        options=chosen,
        target=flags.target,
        month=flags.month,
        parent=load_parent(scenario, register=reg),
        history=flags.given_history(reg),
        given=flags.given or (),
    )
    page = build(
        main,
        result=found.result,
        tornado=found.tornado,
        comparisons=found.comparisons,
        register=reg,
        extends=found.extends,
        from_parent=found.from_parent,
        watch=found.watch,
    )
    write_text(output, page)
    if not flags.quiet:
        typer.echo(f"wrote the report to {clean(str(output))}", err=True)
    return 0


@shared("samples", "seed", "workers", "dask", "register", "history", "given")
def run_many_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="DIR_OR_FILES...",
            help="Scenario files or folders (each folder's *.yaml).",
        ),
    ],
    output_dir: Annotated[
        Path,
        opt(
            "--output-dir",
            "-o",
            metavar="DIR",
            panel=OUTPUT,
            help="Where the results go (one .json each; made if missing).",
            file_okay=False,
        ),
    ] = Path("."),
    *,
    flags: Flags,
) -> int:
    """Run a set of scenario files in parallel: one result file each and a summary table.

    With --history every scenario is conditioned on it (each must start where the history
    does) and each result remembers it; --given conditions each on an event or indicator.

    Examples:
        Every scenario of a folder, each result saved in results/:
            belwar run-many scenarios/ -o results/
        Every scenario given what happened since spring 2022:
            belwar run-many scenarios/ -o results/ \\
                --history scenarios/history/belarus-2022-2025.yaml
    """
    from belwar.render import report
    from belwar.run.batch import run_many

    chosen = flags.run_options()
    runs = run_many(
        paths,
        str(output_dir),
        options=chosen,
        register=flags.register_at(),
        history=flags.given_history(),
        given=flags.given or (),
    )
    print_tables(report.many_table(runs))
    return 0
