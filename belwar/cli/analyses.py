"""The commands that compare: ``diff`` (two assumption sets), ``sweep`` (a range of inputs)
and ``sensitivity`` (which inputs matter). Each parses its options, calls one library function
and delivers what it returns."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from belwar.cli.history import HistoryOption, history_at
from belwar.cli.options import (
    DaskOption,
    FormatOption,
    MonthOption,
    OutputOption,
    PlotOption,
    QuietOption,
    RegisterOption,
    SamplesOption,
    SeedOption,
    SetOption,
    TargetOption,
    WorkersOption,
    check_format,
    load,
    register_at,
    run_options,
)
from belwar.cli.output import Delivery, deliver
from belwar.run.defaults import DEFAULT_METHOD, DEFAULT_SOBOL_SAMPLES, DEFAULT_TOLERANCE


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
    history: HistoryOption = None,
) -> int:
    """Compare two assumption sets: what changed, and what it did to every probability.

    Two scenarios run with the same seed and samples, so their draws are paired (common random
    numbers) and a change is judged against the paired Monte Carlo error. Saved results are
    compared unpaired. A change is material when it exceeds --tolerance and 3 errors. With
    --history both scenarios are conditioned on it and their forecasts after it compared.
    """
    from functools import partial

    from belwar.render import report
    from belwar.run.diff import compare

    check_format(fmt, report.RUN_FORMATS)
    chosen = run_options(samples=samples, seed=seed, months=months, workers=workers, dask=dask)
    given = history_at(history, register)
    comparison = compare(
        a, b, options=chosen, tolerance=tolerance, register=register_at(register), history=given
    )
    how = Delivery(fmt=fmt, output=output, quiet=quiet, plot=plot)
    text = partial(report.diff_text, show_all=show_all)
    deliver(comparison, how, text=text, tables=partial(report.diff_tables, show_all=show_all))
    return 1 if exit_code and comparison.material else 0


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
    history: HistoryOption = None,
) -> int:
    """Run a scenario across a range of one input (or a grid of two) and find tipping points.

    Every point uses the same seed (common random numbers), so the curve is smooth and the
    differences between points are the inputs' doing. With --threshold, the crossing is refined
    beyond the grid and given with a 95% interval. With --history every point is conditioned on
    it and --month counts from its end.
    """
    from belwar.render import report
    from belwar.run.sweeps import parse_vary, sweep

    check_format(fmt, report.RUN_FORMATS)
    loaded = load(scenario, set_, register)
    axes = [parse_vary(text, loaded) for text in vary]
    chosen = run_options(samples=samples, seed=seed, workers=workers, dask=dask)
    given = history_at(history, register)
    result = sweep(
        loaded, axes, options=chosen, target=target, month=month, threshold=threshold, history=given
    )
    how = Delivery(fmt=fmt, output=output, quiet=quiet, plot=plot)
    deliver(result, how, text=report.sweep_text, tables=report.sweep_tables)
    return 0


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
    history: HistoryOption = None,
) -> int:
    """Rank the uncertain inputs by how much they move the target probability (a tornado).

    For each input: the target when the input is in its bottom tenth against its top tenth,
    and its rank correlation with the target, all from one run. --method sobol adds first-order
    and total Sobol indices with 95% intervals. With --history the tornado is the conditioned
    run's (the posterior's tenths, weighted) and --month counts from the history's end.
    """
    from belwar.render import report
    from belwar.run.sensitivities import sensitivity

    check_format(fmt, report.RUN_FORMATS)
    loaded = load(scenario, set_, register)
    chosen = run_options(samples=samples, seed=seed, workers=workers, dask=dask)
    result = sensitivity(
        loaded,
        options=chosen,
        target=target,
        month=month,
        method=method,
        sobol_samples=sobol_samples,
        history=history_at(history, register),
    )
    how = Delivery(fmt=fmt, output=output, quiet=quiet, plot=plot)
    deliver(result, how, text=report.sensitivity_text, tables=report.sensitivity_tables)
    return 0
