"""The commands that check and show files: ``validate``, ``schema`` and ``sources``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from belwar.cli.options import OutputOption, RegisterOption, SetOption, check_format, register_at


def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help="Scenario and history files to check."),
    ],
    set_: SetOption = None,
    register: RegisterOption = None,
) -> int:
    """Check scenario files and list every problem (exit 1 if any has one).

    Checks the format, the rules between fields, the numbers (fits, ranges, correlations) and
    that every citation resolves in the evidence register. A history file is checked on its
    own and against every scenario given beside it.
    """
    from belwar.cli.history import is_history_file, validate_history_file
    from belwar.errors import InputError
    from belwar.spec.loader import load_scenario

    reg = register_at(register)
    failed = 0
    histories = [p for p in paths if is_history_file(p)]
    scenarios = []
    for path in paths:
        if path in histories:
            continue
        try:
            scenario = load_scenario(path, overrides=set_ or (), register=reg)
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


def schema(output: OutputOption = None) -> int:
    """Print the JSON Schema of scenario files (draft-07), for editors and validators.

    Point the YAML language server at it with a first line
    [bold]# yaml-language-server: $schema=schema.json[/].
    """
    from belwar.render.atomic import write_text
    from belwar.spec.editor_schema import scenario_schema_text

    text = scenario_schema_text()
    if output is None:
        sys.stdout.write(text)
    else:
        write_text(output, text)
    return 0


def sources(
    driver: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--driver", metavar="NAME", help="Only facts bearing on this driver or event."
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAT", help="table, markdown or json."),
    ] = "table",
    register: RegisterOption = None,
) -> int:
    """Show the evidence register: each source document, its facts and their figures."""
    from belwar.errors import input_error
    from belwar.render import report
    from belwar.spec.evidence import find_register
    from belwar.spec.loader import load_register
    from belwar.spec.scenario import suggest

    check_format(fmt, report.FORMATS)
    folder = register or find_register(Path.cwd())
    if folder is None:
        raise input_error("no evidence register found: pass --register DIR", key="--register")
    reg = load_register(folder)
    names = list(report.known_drivers(reg))
    if driver is not None and driver not in names:
        raise input_error(
            f"no fact bears on '{driver}'{suggest(driver, names)} (known: {', '.join(names)})",
            key="--driver",
        )
    if fmt == "json":
        sys.stdout.write(report.sources_json(reg, driver))
    elif fmt == "markdown":
        sys.stdout.write(report.sources_markdown(reg, driver))
    else:
        from rich.console import Console

        console = Console()
        for table in report.sources_tables(reg, driver):
            console.print(table)
    return 0
