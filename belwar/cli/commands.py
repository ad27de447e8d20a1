"""The ``belwar`` command line: a thin adapter from options to library calls and renderers.

One error boundary (:func:`run`) maps outcomes to exit codes: 0 success; 1 the command found what
it looks for (``validate`` found problems); 2 bad input or usage; 3 an internal error; 130 when
interrupted (Ctrl-C) and 143 when terminated (SIGTERM), after stopping every worker. Heavy
libraries are imported inside the commands so that ``--help`` stays quick.

A closed output is a normal end, not an error: when the reader of a pipe goes away
(``belwar run ... | head -c 10``) belwar stops writing and exits 0 quietly, as ripgrep does
(so ``set -o pipefail`` scripts do not fail because ``head`` had enough), and a closed stdout
(``>&-``) is treated as ``/dev/null``.

Library errors name the Python parameter (``samples: must be at least 1, got -4``); the boundary
renames the ones that come from a flag to that flag (``--samples: ...``), by :data:`FLAGS`.
"""

from __future__ import annotations

import contextlib
import errno
import inspect
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer
from typer import core as typer_core

from belwar import __version__
from belwar.run.defaults import DEFAULT_METHOD, DEFAULT_SOBOL_SAMPLES, DEFAULT_TOLERANCE

if TYPE_CHECKING:
    from types import FrameType

    from typer._click import Context, Parameter

    from belwar.errors import InputError
    from belwar.spec.evidence import Register
    from belwar.spec.scenario import Scenario

# The flag each library parameter is given by, for messages about options (not about files).
FLAGS = {
    "dask": "--dask",
    "method": "--method",
    "month": "--month",
    "months": "--months",
    "output_dir": "--output-dir",
    "paths": "DIR_OR_FILES",
    "samples": "--samples",
    "seed": "--seed",
    "sobol_samples": "--sobol-samples",
    "target": "--target",
    "threshold": "--threshold",
    "tolerance": "--tolerance",
    "vary": "--vary",
    "workers": "--workers",
}


def _no_flag_values(params: list[Parameter]) -> list[Parameter]:
    """Flags take no value, so ``--help`` shows none (typer would label them ``<bool>``)."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


def _unwrapped(help_text: str | None) -> str | None:
    """A docstring's paragraphs each on one line: typer keeps its single line breaks, which
    at a narrower terminal than the source leave ragged half-lines; rich wraps them instead."""
    if help_text is None:
        return None
    return re.sub(r"(?<=\S)[ \t]*\n[ \t]*(?=\S)", " ", inspect.cleandoc(help_text))


class _Escape(BaseException):
    """Carries an interrupt or a closed pipe past typer, which would turn them silently into
    exit codes of its own (130 with no message; 1, which means "found")."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


class _Command(typer_core.TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _unwrapped(self.help)

    def get_params(self, ctx: Context) -> list[Parameter]:
        return _no_flag_values(super().get_params(ctx))

    def invoke(self, ctx: Context) -> object:
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
        self.help = _unwrapped(self.help)

    def get_params(self, ctx: Context) -> list[Parameter]:
        return _no_flag_values(super().get_params(ctx))


app = typer.Typer(
    cls=_Group,
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
SamplesOption = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--samples", "-n", metavar="N", help="Monte Carlo samples (default: the scenario's)."
    ),
]
SeedOption = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--seed", metavar="SEED", help="Seed of every random stream (default: the scenario's)."
    ),
]
FormatOption = Annotated[
    str, typer.Option("--format", "-f", metavar="FORMAT", help="table, json, csv or markdown.")
]
OutputOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (atomically) instead of stdout.",
        dir_okay=False,
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or messages.")]
PlotOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--plot", metavar="FILE", help="Also write a chart to FILE (.png or .svg).", dir_okay=False
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


WorkersOption = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--workers",
        "-j",
        metavar="N",
        help="Parallel workers, 1 to 1024 (default: every core; 1 runs serially).",
    ),
]
DaskOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--dask",
        metavar="ADDRESS",
        help="Run on a Dask scheduler (tcp://host:8786 or tls://...), or 'local' for an "
        "embedded cluster. A scheduler that does not answer within 10 s (to connect, and 10 s "
        "more to register) is an error.",
    ),
]


@app.command("run", rich_help_panel="Run", cls=_Command)
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
) -> int:
    """Run a scenario and print its escalation-likelihood tables.

    For each rung and month: the probability of having reached it (with ICD-203 words), its 90%
    spread across the assumptions and its Monte Carlo error; then the highest rung reached by the
    horizon, the inputs as sampled, and what it takes to reproduce the run. Machine formats
    (json, csv, markdown) go to stdout unwrapped and uncoloured.
    """
    from belwar.render import report
    from belwar.run.simulation import simulate

    _check_format(fmt, report.RUN_FORMATS)
    chosen = _parse_months(months)
    loaded = _load(scenario, set_, register)
    with _progress(quiet) as tick:
        result = simulate(
            loaded,
            samples=samples,
            seed=seed,
            months=chosen,
            workers=workers,
            dask=dask,
            progress=tick,
        )
    _deliver(
        result,
        fmt,
        output,
        quiet,
        plot,
        lambda: report.run_text(result, fmt),
        lambda: report.run_tables(result),
    )
    return 0


def _check_format(fmt: str, formats: tuple[str, ...]) -> None:
    from belwar.errors import input_error
    from belwar.spec.scenario import suggest

    if fmt not in formats:
        raise input_error(
            f"unknown format '{fmt}'{suggest(fmt, formats)} (one of: {', '.join(formats)})",
            key="--format",
        )


def _parse_months(text: str | None) -> list[int] | None:
    from belwar.errors import input_error

    if text is None:
        return None
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise input_error(
            f"expected whole months separated by commas, e.g. 3,6,12; got '{text}'", key="--months"
        ) from None


def _print_tables(items: Sequence[object]) -> None:
    from rich.console import Console

    console = Console()
    for item in items:
        console.print(item)


def _deliver(  # noqa: PLR0917 - private; every analysis command calls it the same way
    item: object,
    fmt: str,
    output: Path | None,
    quiet: bool,
    plot: Path | None,
    text: Callable[[], str],
    tables: Callable[[], Sequence[object]],
) -> None:
    """Write the chart when asked, then ``text()`` to ``output`` (atomically) or to stdout for a
    machine format, else print ``tables()`` to the terminal. Only what is shown is rendered."""
    from belwar.render.atomic import write_text
    from belwar.render.report import clean

    if plot is not None:
        from belwar.render.charts import save

        save(item.plot(), str(plot))  # type: ignore[attr-defined]
    if output is not None:
        write_text(output, text())
        if not quiet:
            typer.echo(f"wrote {clean(str(output))}", err=True)
    elif fmt != "table":
        sys.stdout.write(text())
    else:
        _print_tables(tables())


def _register(folder: Path | None) -> Register | None:
    """The register at ``--register``, or None for the loader's own search."""
    from belwar.spec.loader import load_register

    return load_register(folder) if folder is not None else None


def _load(path: Path, overrides: list[str] | None, register: Path | None) -> Scenario:
    from belwar.spec.loader import load_scenario

    return load_scenario(path, overrides=overrides or (), register=_register(register))


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A transient progress bar on stderr, only when stderr is a terminal and not ``--quiet``."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Samples(ProgressColumn):
        """``done/total samples``; the total is unknown (None) until the model is compiled,
        and the bar is drawn from its start, so this column must draw without one."""

        def render(self, task: Task) -> Text:
            total = "" if task.total is None else f"/{task.total:,.0f}"
            return Text(f"{task.completed:,.0f}{total} samples")

    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        Samples(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("run", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tick


@app.command("report", rich_help_panel="Run", cls=_Command)
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
    from belwar.run.options import RunOptions
    from belwar.run.report_inputs import report_inputs
    from belwar.spec.evidence import find_register
    from belwar.spec.loader import load_register, load_scenario

    folder = register or find_register(scenario.resolve().parent)
    reg = load_register(folder) if folder is not None else None
    main = load_scenario(scenario, register=reg)
    others = [load_scenario(path, register=reg) for path in compare_with or []]
    chosen = RunOptions(samples=samples, workers=workers, dask=dask)
    found = report_inputs(main, others, options=chosen)
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


@app.command("run-many", rich_help_panel="Run", cls=_Command)
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

    runs = run_many(
        paths,
        str(output_dir),
        samples=samples,
        seed=seed,
        workers=workers,
        dask=dask,
        register=_register(register),
    )
    _print_tables(report.many_table(runs))
    return 0


@app.command("diff", rich_help_panel="Compare", cls=_Command)
def diff_command(  # noqa: PLR0917 - typer maps each parameter to an option
    a: Annotated[Path, typer.Argument(metavar="A", help="Scenario file or saved result (.json).")],
    b: Annotated[Path, typer.Argument(metavar="B", help="Scenario file or saved result (.json).")],
    samples: SamplesOption = None,
    seed: SeedOption = None,
    months: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--months", metavar="M,M,...", help="Months to compare (default: A's)."),
    ] = None,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance", metavar="P", help="Smallest change that matters (probability)."
        ),
    ] = DEFAULT_TOLERANCE,
    show_all: Annotated[bool, typer.Option("--all", help="Show unchanged rows too.")] = False,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 if any change is material, else 0.")
    ] = False,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    workers: WorkersOption = None,
    dask: DaskOption = None,
    plot: PlotOption = None,
    register: RegisterOption = None,
) -> int:
    """Compare two assumption sets: what changed, and what it did to every probability.

    Two scenarios run with the same seed and samples, so their draws are paired (common random
    numbers) and a change is judged against the paired Monte Carlo error. Saved results are
    compared unpaired. A change is material when it exceeds --tolerance and 3 errors.
    """
    from belwar.render import report
    from belwar.run.diff import compare

    _check_format(fmt, report.RUN_FORMATS)
    comparison = compare(
        a,
        b,
        samples=samples,
        seed=seed,
        months=_parse_months(months),
        tolerance=tolerance,
        register=_register(register),
        workers=workers,
        dask=dask,
    )
    _deliver(
        comparison,
        fmt,
        output,
        quiet,
        plot,
        lambda: report.diff_text(comparison, fmt, show_all=show_all),
        lambda: report.diff_tables(comparison, show_all=show_all),
    )
    return 1 if exit_code and comparison.material else 0


TargetOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--target", metavar="RUNG", help="The rung whose probability is read (default: the top)."
    ),
]
MonthOption = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option("--month", metavar="M", help="The month it is read at (default: the horizon)."),
]


@app.command("sweep", rich_help_panel="Compare", cls=_Command)
def sweep_command(  # noqa: PLR0917 - typer maps each parameter to an option
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", help="The scenario file.")],
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            metavar="PATH=START:STOP:N",
            help="Input to vary, e.g. [bold]kremlin_pressure=0.2:0.9:8[/] (a driver is pinned to "
            "each value) or hazards.full_entry.base=0.001:0.01:10. Twice for a grid.",
        ),
    ],
    target: TargetOption = None,
    month: MonthOption = None,
    threshold: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option("--threshold", metavar="P", help="Find where the probability crosses P."),
    ] = None,
    samples: SamplesOption = None,
    seed: SeedOption = None,
    set_: SetOption = None,
    workers: WorkersOption = None,
    dask: DaskOption = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    plot: PlotOption = None,
    register: RegisterOption = None,
) -> int:
    """Run a scenario across a range of one input (or a grid of two) and find tipping points.

    Every point uses the same seed (common random numbers), so the curve is smooth and the
    differences between points are the inputs' doing. With --threshold, the crossing is refined
    beyond the grid and given with a 95% interval.
    """
    from belwar.render import report
    from belwar.run.sweeps import parse_vary, sweep

    _check_format(fmt, report.RUN_FORMATS)
    loaded = _load(scenario, set_, register)
    axes = [parse_vary(text, loaded) for text in vary]
    result = sweep(
        loaded,
        axes,
        target=target,
        month=month,
        threshold=threshold,
        samples=samples,
        seed=seed,
        workers=workers,
        dask=dask,
    )
    _deliver(
        result,
        fmt,
        output,
        quiet,
        plot,
        lambda: report.sweep_text(result, fmt),
        lambda: report.sweep_tables(result),
    )
    return 0


@app.command("sensitivity", rich_help_panel="Compare", cls=_Command)
def sensitivity_command(  # noqa: PLR0917 - typer maps each parameter to an option
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", help="The scenario file.")],
    target: TargetOption = None,
    month: MonthOption = None,
    method: Annotated[
        str,
        typer.Option(
            "--method", metavar="METHOD", help="tornado (one run) or sobol (adds Sobol indices)."
        ),
    ] = DEFAULT_METHOD,
    samples: SamplesOption = None,
    sobol_samples: Annotated[
        int,
        typer.Option(
            "--sobol-samples", metavar="N", help="Base samples of the Sobol design (a power of 2)."
        ),
    ] = DEFAULT_SOBOL_SAMPLES,
    seed: SeedOption = None,
    set_: SetOption = None,
    workers: WorkersOption = None,
    dask: DaskOption = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    quiet: QuietOption = False,
    plot: PlotOption = None,
    register: RegisterOption = None,
) -> int:
    """Rank the uncertain inputs by how much they move the target probability (a tornado).

    For each input: the target when the input is in its bottom tenth against its top tenth,
    and its rank correlation with the target, all from one run. --method sobol adds first-order
    and total Sobol indices with 95% intervals.
    """
    from belwar.render import report
    from belwar.run.sensitivities import sensitivity

    _check_format(fmt, report.RUN_FORMATS)
    loaded = _load(scenario, set_, register)
    result = sensitivity(
        loaded,
        target=target,
        month=month,
        samples=samples,
        seed=seed,
        method=method,
        sobol_samples=sobol_samples,
        workers=workers,
        dask=dask,
    )
    _deliver(
        result,
        fmt,
        output,
        quiet,
        plot,
        lambda: report.sensitivity_text(result, fmt),
        lambda: report.sensitivity_tables(result),
    )
    return 0


@app.command(rich_help_panel="Check scenarios", cls=_Command)
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
    from belwar.spec.loader import load_scenario

    reg = _register(register)
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


@app.command(rich_help_panel="Check scenarios", cls=_Command)
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


@app.command(rich_help_panel="Evidence", cls=_Command)
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

    _check_format(fmt, report.FORMATS)
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
    if isinstance(exc, _click_exception()):  # usage errors: click already wrote a good message
        exc.show()  # type: ignore[attr-defined]
        return int(getattr(exc, "exit_code", 2))
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


def _click_exception() -> type[Exception]:
    # click's base exception, whether typer vendors click or depends on it
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def _stderr(text: str) -> None:
    from belwar.render.report import clean

    # messages quote what the user typed, which may hold terminal control codes
    with contextlib.suppress(OSError):  # stderr itself is gone: the exit code still tells
        print(clean(text), file=sys.stderr)
