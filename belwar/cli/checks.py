"""The commands that check and show files: ``validate``, ``schema`` and ``sources``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer

from belwar.cli.options import (
    INPUTS,
    OUTPUT,
    Flags,
    complete_scenario,
    opt,
    shared,
)
from belwar.cli.output import check_format


@shared("set_", "register")
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="Scenario, pool and history files to check.",
            autocompletion=complete_scenario,
        ),
    ],
    *,
    flags: Flags,
) -> int:
    """Check scenario files and list every problem (exit 1 if any has one).

    Checks the format, the rules between fields, the numbers (fits, ranges, correlations) and
    that every citation resolves in the evidence register. With --set, each file is checked as
    changed, and the changes are listed first.

    A history file is checked on its own and against every scenario given beside it; a pool
    file with its members.

    Examples:
        Check every shipped scenario, then one as changed:
            belwar validate scenarios/*.yaml
            belwar validate scenarios/baseline.yaml --set simulation.samples=1000
    """
    from belwar.cli.history import is_history_file, validate_history_file
    from belwar.cli.pooling import validate_pool_file
    from belwar.errors import InputError
    from belwar.render.report import clean
    from belwar.spec.loader import load_scenario
    from belwar.spec.pool import is_pool_file

    reg = flags.register_at()
    for change in flags.set_ or ():
        typer.echo(f"with --set {clean(change)}")
    failed = 0
    histories = [p for p in paths if is_history_file(p)]
    pools = [p for p in paths if is_pool_file(p)]
    scenarios = []
    for path in paths:
        if path in histories:
            continue
        if path in pools:
            failed += not validate_pool_file(path, reg)
            continue
        try:
            scenario = load_scenario(path, overrides=flags.set_ or (), register=reg)
        except InputError as exc:
            failed += 1
            count = len(exc.problems)
            typer.echo(exc.render())
            typer.echo(f"{path}: {count} problem{'s' if count != 1 else ''}\n")
        else:
            scenarios.append(scenario)
            typer.echo(f"{path}: ok ({scenario.id}, fingerprint {scenario.fingerprint()})")
    failed += sum(not validate_history_file(p, reg, scenarios) for p in histories)
    if len(paths) > 1:
        typer.echo(f"{len(paths)} files checked: {len(paths) - failed} ok, {failed} with problems")
    return 1 if failed else 0


@shared("output")
def schema(*, flags: Flags) -> int:
    """Print the JSON Schema of scenario files (draft-07), for editors and validators.

    Point the YAML language server at it with a first line
    [bold]# yaml-language-server: $schema=schema.json[/].

    Examples:
        Write the schema beside your scenarios:
            belwar schema -o scenarios/schema.json
    """
    from belwar.render.atomic import write_text
    from belwar.spec.editor_schema import scenario_schema_text

    text = scenario_schema_text()
    if flags.output is None:
        sys.stdout.write(text)
    else:
        write_text(flags.output, text)
    return 0


@shared("register")
def sources(
    driver: Annotated[
        Optional[str],  # noqa: UP045 (typer reads the annotation at run time)
        opt(
            "--driver",
            metavar="NAME",
            panel=INPUTS,
            help="Only facts bearing on this driver or event.",
        ),
    ] = None,
    source: Annotated[
        Optional[str],  # noqa: UP045
        opt("--source", metavar="ID", panel=INPUTS, help="Only this source document."),
    ] = None,
    grep: Annotated[
        Optional[str],  # noqa: UP045
        opt(
            "--grep",
            "-g",
            metavar="TEXT",
            panel=INPUTS,
            help="Only facts holding TEXT (any case) in their citation, claim, figures or drivers.",
        ),
    ] = None,
    fmt: Annotated[
        str,
        opt(
            "--format",
            "-f",
            metavar="FORMAT",
            panel=OUTPUT,
            help="table (a listing), markdown or json.",
        ),
    ] = "table",
    pager: Annotated[
        bool,
        opt(
            "--pager/--no-pager",
            panel=OUTPUT,
            help="Page a listing longer than the terminal (only when stdout is one).",
        ),
    ] = True,
    *,
    flags: Flags,
) -> int:
    """Show the evidence register: its source documents and their facts.

    Each fact is listed under the citation a scenario cites it by (source/fact), with its
    date, whether it raises or lowers the drivers it bears on, its claim and its figures.
    A listing longer than the terminal is paged.

    Examples:
        The facts bearing on Kremlin pressure, then those that mention troops:
            belwar sources --driver kremlin_pressure
            belwar sources --grep troops
    """
    from belwar.errors import input_error
    from belwar.render import report
    from belwar.render.sources_listing import LEGEND, Chosen, listing
    from belwar.spec.evidence import find_register
    from belwar.spec.loader import load_register
    from belwar.spec.scenario import suggest

    check_format(fmt, report.FORMATS)
    folder = flags.register or find_register(Path.cwd())
    if folder is None:
        raise input_error("no evidence register found: pass --register DIR", key="--register")
    reg = load_register(folder)
    names = list(report.known_drivers(reg))
    if driver is not None and driver not in names:
        raise input_error(
            f"no fact bears on '{driver}'{suggest(driver, names)} (known: {', '.join(names)})",
            key="--driver",
        )
    ids = [s.id for s in reg.sources]
    if source is not None and source not in ids:
        raise input_error(
            f"no source '{source}'{suggest(source, ids)} (sources: {', '.join(ids)})",
            key="--source",
        )
    chosen = Chosen(driver=driver, source=source, grep=grep)
    if fmt == "json":
        sys.stdout.write(report.sources_json(chosen.register(reg)))
    elif fmt == "markdown":
        sys.stdout.write(report.sources_markdown(chosen.register(reg)) + f"\n_{LEGEND}_\n")
    else:
        _show(listing(reg, chosen), page=pager)
    return 0


def _show(items: Sequence[object], *, page: bool) -> None:
    """Print ``items``; through the pager (``$PAGER``, else less) when stdout is a terminal,
    paging is on and they are longer than the screen."""
    import os

    from rich.console import Console

    from belwar.cli.output import print_tables

    console = Console()
    if not (page and console.is_terminal):
        print_tables(items)
        return
    with console.capture() as captured:
        for item in items:
            console.print(item)
    drawn = captured.get()
    if drawn.count("\n") < console.height:
        console.file.write(drawn)
        return
    os.environ.setdefault("LESS", "-FRX")  # colours through, and no paging of a short listing
    with console.pager(styles=True):  # the pager reads what is printed, not what is written
        for item in items:
            console.print(item)
