"""The ``belwar`` command line: the typer app, its commands in the order ``--help`` lists them,
and the error boundary. The commands themselves are in :mod:`belwar.cli.runs`,
:mod:`belwar.cli.analyses` and :mod:`belwar.cli.checks`; their shared flags in
:mod:`belwar.cli.options`; delivering their results in :mod:`belwar.cli.output`; how their help
reads in :mod:`belwar.cli.helptext`.

One error boundary (:func:`run`) maps outcomes to exit codes: 0 success; 1 the command found what
it looks for (``validate`` found problems); 2 bad input or usage; 3 an internal error; 130 when
interrupted (Ctrl-C) and 143 when terminated (SIGTERM), after stopping every worker. Heavy
libraries are imported inside the commands so that ``--help`` stays quick.

A closed output is a normal end, not an error: when the reader of a pipe goes away
(``belwar run ... | head -c 10``) belwar stops writing and exits 0 quietly, as ripgrep does
(so ``set -o pipefail`` scripts do not fail because ``head`` had enough), and a closed stdout
(``>&-``) is treated as ``/dev/null``.

Library errors name the Python parameter (``samples: must be at least 1, got -4``); the boundary
renames the ones that come from a flag to that flag (``--samples: ...``), by
:data:`~belwar.cli.options.FLAGS`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer import core as typer_core

from belwar import __version__
from belwar.cli import analyses, authoring, checks, history, ledger, pooling, runs, watching
from belwar.cli.helptext import (
    help_and_examples,
    no_flag_values,
    panel_rank,
    unpadded_help,
    usage_name,
)
from belwar.cli.notices import placed_warnings
from belwar.cli.options import FLAGS

if TYPE_CHECKING:
    from types import FrameType

    from belwar.errors import InputError

# typer vendors click privately (typer._click): its Context and Parameter are typer's to name,
# so the few signatures that pass them through say Any.


class _Escape(BaseException):
    """Carries an interrupt or a closed pipe past typer, which would turn them silently into
    exit codes of its own (130 with no message; 1, which means "found")."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


class _Command(typer_core.TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help, self.epilog = help_and_examples(self.help)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        unpadded_help(lambda: super(_Command, self).format_help(ctx, formatter))

    def get_params(self, ctx: Any) -> list[Any]:
        params = no_flag_values(super().get_params(ctx))
        for param in params:
            if param.param_type_name == "argument":  # its metavar says what it is: no <path>
                param.display_type_rich = lambda ctx: None
        # help shows the panels in the order of their first option: the same in every command
        return sorted(params, key=panel_rank)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        arguments = [p for p in self.get_params(ctx) if p.param_type_name == "argument"]
        return [str(self.options_metavar), *(usage_name(p) for p in arguments)]

    def invoke(self, ctx: Any) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise _Escape(exc) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise _Escape(exc) from None
            raise


class _Group(typer_core.TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help, self.epilog = help_and_examples(self.help)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        unpadded_help(lambda: super(_Group, self).format_help(ctx, formatter))

    def get_params(self, ctx: Any) -> list[Any]:
        return no_flag_values(super().get_params(ctx))


app = typer.Typer(
    cls=_Group,
    name="belwar",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


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
    and shows the evidence they rest on. Each command's --help has worked examples.

    Examples:
        Check the baseline, run it, then see what one changed judgment does:
            belwar validate scenarios/baseline.yaml
            belwar run scenarios/baseline.yaml
            belwar diff scenarios/baseline.yaml \\
                --set drivers.kremlin_pressure.dist.mode=0.8
        Tab completion for your shell (bash, zsh, fish or PowerShell):
            belwar --install-completion
    """


# Every command, in the order --help lists them, each under its panel.
COMMANDS: list[tuple[str, str, Callable[..., int]]] = [
    ("run", "Run", runs.run_command),
    ("report", "Run", runs.report_command),
    ("run-many", "Run", runs.run_many_command),
    ("evidence", "Compare", history.evidence_command),
    ("score", "Compare", ledger.score_command),
    ("track", "Compare", ledger.track_command),
    ("watch", "Compare", watching.watch_command),
    ("diff", "Compare", analyses.diff_command),
    ("pool", "Compare", pooling.pool_command),
    ("sweep", "Compare", analyses.sweep_command),
    ("sensitivity", "Compare", analyses.sensitivity_command),
    ("validate", "Check scenarios", checks.validate),
    ("schema", "Check scenarios", checks.schema),
    ("init", "Write scenarios", authoring.init),
    ("show", "Write scenarios", authoring.show),
    ("sources", "Evidence", checks.sources),
]
for _name, _panel, _command in COMMANDS:
    app.command(_name, rich_help_panel=_panel, cls=_Command)(_command)


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the command line and exit with its documented code."""
    from belwar.run.memory import keep_freed_memory

    keep_freed_memory()
    _open_closed_streams()
    signal.signal(signal.SIGTERM, _terminated)
    code = run(argv)
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left before the last of the output: a normal end
        _discard_stdout()
    sys.exit(code)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread: stop as for Ctrl-C (workers stopped, no traceback)."""


def _terminated(_signum: int, _frame: FrameType | None) -> None:
    raise Terminated


def _open_closed_streams() -> None:
    """A standard stream closed at start (``>&-``) becomes /dev/null, on its own descriptor,
    so nothing else opened later takes that descriptor and receives output meant for it."""
    for fd, name in ((1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is None:
            null = os.open(os.devnull, os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            setattr(sys, name, open(fd, "w", closefd=False))  # noqa: SIM115 - for the process


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so what is still buffered (and Python's own flush at exit)
    goes nowhere instead of failing again with "Exception ignored ... BrokenPipeError"."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # not a real file (a test's capture)
        pass


def run(argv: list[str] | None = None) -> int:
    """The command line as a function returning the exit code (what tests call)."""
    from typer import main as typer_main

    command = typer_main.get_command(app)
    try:
        try:
            with placed_warnings():
                result = command.main(args=argv, prog_name="belwar", standalone_mode=False)
        except _Escape as escape:
            raise escape.error from None
    except BaseException as exc:  # this is the boundary
        return _exit_code(exc)
    return int(result or 0)


def _exit_code(exc: BaseException) -> int:
    """Tell the user what happened, in one message, and return the documented exit code."""
    from belwar.errors import BelwarError, InputError

    if isinstance(exc, InputError):
        _stderr(with_flags(exc).render())
        return 2
    if isinstance(exc, BelwarError):
        _stderr(f"error: {exc}")
        return 2
    if isinstance(exc, Terminated):
        _stderr("terminated")
        return 143
    if isinstance(exc, KeyboardInterrupt | typer.Abort):
        _stderr("interrupted")
        return 130
    if _is_usage_error(exc):  # click has a good message for it, and its exit code
        exc.show()  # type: ignore[attr-defined]
        return int(exc.exit_code)  # type: ignore[attr-defined]
    if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
        _discard_stdout()
        return 0
    if isinstance(exc, SystemExit):
        return exc.code if isinstance(exc.code, int) else 1
    if not isinstance(exc, Exception):
        raise exc
    import platform
    import traceback

    traceback.print_exception(exc)
    where = _issues_url()
    _stderr(
        f"belwar {__version__} (Python {platform.python_version()}): internal error "
        f"({type(exc).__name__}: {exc}).\n"
        "This is a bug in belwar, not in your input: please report it"
        + (f" at {where}" if where else "")
        + ", with the line above and the traceback."
    )
    return 3


def with_flags(exc: InputError) -> InputError:
    """``exc`` with each problem about an option keyed by its flag (``--samples``) instead of
    the library's parameter name (``samples``); problems placed in a file keep their keys."""
    from dataclasses import replace

    from belwar.errors import InputError

    return InputError(
        replace(problem, key=FLAGS[problem.key])
        if not problem.file and problem.key in FLAGS
        else problem
        for problem in exc.problems
    )


def _issues_url() -> str | None:
    """Where to report a bug, if the installed package declares it (a ``Project-URL`` labelled
    Issues, Bug Tracker or similar); belwar's metadata declares none, so no link is invented."""
    from importlib import metadata

    try:
        declared = metadata.metadata("belwar").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in declared:
        label, _, url = entry.partition(",")
        if label.strip().lower().replace(" ", "") in {"issues", "bugtracker", "bugs", "tracker"}:
            return str(url).strip()
    return None


def _is_usage_error(exc: BaseException) -> bool:
    """Whether ``exc`` is one of click's own errors (a usage error, a bad parameter): typer
    vendors click privately, so its classes are not the installed ``click``'s; what click
    documents of them, and this reads, is that each can ``show()`` itself and has an
    ``exit_code`` (``typer.Exit`` has an exit code but nothing to show)."""
    return callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int)


def _stderr(text: str) -> None:
    from belwar.render.report import clean

    # messages quote what the user typed, which may hold terminal control codes
    with contextlib.suppress(OSError):  # stderr itself is gone: the exit code still tells
        print(clean(text), file=sys.stderr)
