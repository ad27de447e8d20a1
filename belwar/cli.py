"""The ``belwar`` command line: a thin adapter from options to library calls and renderers.

One error boundary (:func:`main`) maps outcomes to exit codes: 0 success; 1 the command found what
it looks for (``validate`` found problems); 2 bad input or usage; 3 an internal error; 130 when
interrupted. Heavy libraries are imported inside the commands so that ``--help`` stays quick.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from belwar import __version__

ISSUES_URL = "https://github.com/belwar/belwar/issues"

app = typer.Typer(
    name="belwar",
    help="Escalation-likelihood scenarios for Belarus's part in Russia's war on Ukraine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)

SetOption = Annotated[
    Optional[list[str]],  # noqa: UP045 (typer reads the annotation at run time)
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Override a field, VALUE read as YAML, e.g. "
        "[bold]--set drivers.kremlin_pressure.dist.ci90=[0.6,0.9][/]. Repeatable.",
    ),
]
RegisterOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--register",
        metavar="DIR",
        help="Evidence register folder (default: the nearest seeds/ folder, else the shipped one).",
        file_okay=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        import platform

        typer.echo(f"belwar {__version__} (Python {platform.python_version()})")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show belwar's version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Escalation-likelihood scenarios for Belarus's part in Russia's war on Ukraine.

    Write your judgments as cited, uncertain numbers in a YAML scenario; belwar checks them,
    and shows the evidence they rest on.
    """


@app.command(rich_help_panel="Check scenarios")
def validate(
    paths: Annotated[
        list[Path], typer.Argument(metavar="SCENARIO...", help="Scenario files to check.")
    ],
    set_: SetOption = None,
    register: RegisterOption = None,
) -> int:
    """Check scenario files and list every problem (exit 1 if any has one).

    Checks the format, the rules between fields, the numbers (fits, ranges, correlations) and
    that every citation resolves in the evidence register.
    """
    from belwar.errors import InputError
    from belwar.loader import load_register, load_scenario

    reg = load_register(register) if register is not None else None
    failed = 0
    for path in paths:
        try:
            scenario = load_scenario(path, overrides=set_ or (), register=reg)
        except InputError as exc:
            failed += 1
            count = len(exc.problems)
            typer.echo(exc.render())
            typer.echo(f"{path}: {count} problem{'s' if count != 1 else ''}\n")
        else:
            typer.echo(f"{path}: ok ({scenario.id}, fingerprint {scenario.fingerprint()})")
    if len(paths) > 1:
        typer.echo(f"{len(paths)} files checked: {len(paths) - failed} ok, {failed} with problems")
    return 1 if failed else 0


@app.command(rich_help_panel="Check scenarios")
def schema(
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (atomically) instead of stdout.",
            dir_okay=False,
        ),
    ] = None,
) -> int:
    """Print the JSON Schema of scenario files (draft-07), for editors and validators.

    Point the YAML language server at it with a first line
    [bold]# yaml-language-server: $schema=schema.json[/].
    """
    from belwar.atomic import write_text
    from belwar.editor_schema import scenario_schema_text

    text = scenario_schema_text()
    if output is None:
        sys.stdout.write(text)
    else:
        write_text(output, text)
    return 0


@app.command(rich_help_panel="Evidence")
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
    from belwar import report
    from belwar.errors import input_error
    from belwar.evidence import find_register
    from belwar.loader import load_register
    from belwar.scenario import suggest

    if fmt not in report.FORMATS:
        raise input_error(
            f"unknown format '{fmt}'{suggest(fmt, report.FORMATS)} (one of: table, markdown, json)",
            key="--format",
        )
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


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the command line and exit with its documented code."""
    sys.exit(run(argv))


def run(argv: list[str] | None = None) -> int:
    """The command line as a function returning the exit code (what tests call)."""
    from typer import main as typer_main

    from belwar.errors import BelwarError, InputError

    command = typer_main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="belwar", standalone_mode=False)
    except InputError as exc:
        _stderr(exc.render())
        return 2
    except BelwarError as exc:
        _stderr(f"error: {exc}")
        return 2
    except (KeyboardInterrupt, typer.Abort):
        _stderr("interrupted")
        return 130
    except _click_exception() as exc:  # usage errors: click already wrote a good message
        exc.show()  # type: ignore[attr-defined]
        return int(getattr(exc, "exit_code", 2))
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        import traceback

        traceback.print_exc()
        _stderr(
            f"belwar {__version__}: internal error ({type(exc).__name__}: {exc}).\n"
            f"This is a bug in belwar, not in your input; please report it with the "
            f"traceback above at {ISSUES_URL}"
        )
        return 3
    return int(result or 0)


def _click_exception() -> type[Exception]:
    # click's base exception, whether typer vendors click or depends on it
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def _stderr(text: str) -> None:
    print(text, file=sys.stderr)
