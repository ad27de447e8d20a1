"""The commands that compare: ``diff`` (two assumption sets), ``sweep`` (a range of inputs)
and ``sensitivity`` (which inputs matter). Each parses its options, calls one library function
and delivers what it returns."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from belwar.cli.options import (
    INPUTS,
    OUTPUT,
    READING,
    RUNNING,
    SAMPLING,
    Flags,
    complete_scenario,
    opt,
    parse_count,
    parse_positive,
    parse_probability,
    scenario_argument,
    shared,
)
from belwar.cli.output import RUN_FORMATS, deliver, progress
from belwar.run.defaults import (
    DEFAULT_METHOD,
    DEFAULT_SOBOL_SAMPLES,
    DEFAULT_TOLERANCE,
    DEFAULT_TOP,
)

if TYPE_CHECKING:
    from belwar.spec.scenario import Scenario


@shared(*RUNNING, "months", "history", "given")
def diff_command(
    a: Annotated[
        Path, scenario_argument("A scenario or pool file, or a saved result (.json).", "A")
    ],
    b: Annotated[
        Optional[Path],  # noqa: UP045 (typer reads the annotation at run time)
        typer.Argument(
            metavar="[B]",
            help="The other scenario, pool or saved result (default: A changed by --set).",
            show_default=False,
            autocompletion=complete_scenario,
        ),
    ] = None,
    tolerance: Annotated[
        float,
        opt(
            "--tolerance",
            metavar="P",
            parser=parse_probability,
            panel=READING,
            help="Smallest change that matters, e.g. 0.005 or 0.5%.",
        ),
    ] = DEFAULT_TOLERANCE,
    show_all: Annotated[bool, opt("--all", panel=OUTPUT, help="Show unchanged rows too.")] = False,
    exit_code: Annotated[
        bool,
        opt("--exit-code", panel=OUTPUT, help="Exit 1 if any change is material, else 0."),
    ] = False,
    *,
    flags: Flags,
) -> int:
    """Compare two assumption sets: what changed, and what it did to every probability.

    Two scenarios run with the same seed and samples, so their draws are paired (common random
    numbers) and a change is judged against the paired Monte Carlo error. Saved results are
    compared unpaired. A change is material when it exceeds --tolerance and 3 errors.

    With one scenario, --set makes the other side: A against A changed, the quickest what-if.
    With two, --set changes B only. With --history both scenarios are conditioned on it and
    their forecasts after it compared; --given conditions both on an event or indicator. A
    pool file on either side is compared as its pooled forecast, its members run on the same
    draws (paired when both sides pool linearly).

    Examples:
        What a scenario changes against the baseline:
            belwar diff scenarios/baseline.yaml scenarios/kremlin-squeeze.yaml
        What if Kremlin pressure were most likely 0.8:
            belwar diff scenarios/baseline.yaml \\
                --set drivers.kremlin_pressure.dist.mode=0.8
    """
    from dataclasses import replace
    from functools import partial

    from belwar.cli.pooling import diff_pools
    from belwar.render import report, xlsx
    from belwar.run.diff import compare
    from belwar.spec.pool import is_pool_file

    how = flags.delivery().checked(RUN_FORMATS)
    if is_pool_file(a) or (b is not None and is_pool_file(b)):
        return diff_pools(
            a, b, flags, how, tolerance=tolerance, show_all=show_all, exit_code=exit_code
        )
    side_a, side_b, named = _sides(a, b, flags)
    chosen = flags.run_options()
    register = flags.register_at()
    comparison = compare(
        side_a,
        side_b,
        options=chosen,
        tolerance=tolerance,
        register=register,
        history=flags.given_history(),
        given=flags.given or (),
    )
    if named is not None:
        comparison = replace(comparison, b=named)
    text = partial(report.diff_text, show_all=show_all)
    tables = partial(report.diff_tables, show_all=show_all)
    deliver(comparison, how, text=text, tables=tables, sheets=xlsx.diff_sheets)
    return 1 if exit_code and comparison.material else 0


def _sides(
    a: Path, b: Path | None, flags: Flags
) -> tuple[Path | Scenario, Path | Scenario, str | None]:
    """The two sides of the diff and, when --set made one, its name. One scenario with --set:
    the scenario against itself changed, named by its id (``baseline`` and ``baseline +
    drivers.x.dist.mode=0.8``); two with --set: A against B changed (``path/b.yaml + ...``)."""
    from belwar.errors import input_error

    if not flags.set_:
        if b is None:
            raise input_error("diff needs two scenarios (A and B), or one with --set")
        return a, b, None
    changed = b if b is not None else a
    if changed.suffix.lower() == ".json":
        raise input_error(
            f"only a scenario can be changed; {changed} is a saved result", key="--set"
        )
    sets = ", ".join(flags.set_)
    if b is not None:
        return a, flags.load(b), f"{b} + {sets}"
    scenario = flags.load(a, [])
    return scenario, flags.load(a), f"{scenario.id} + {sets}"


@shared(*RUNNING, "target", "month", "history", "given")
def sweep_command(
    scenario: Annotated[Path, scenario_argument()],
    vary: Annotated[
        list[str],
        opt(
            "--vary",
            metavar="KEY=A:B:N",
            panel=INPUTS,
            help="Vary an input from A to B in N steps, e.g. [bold]kremlin_pressure=0.2:0.9:8[/] "
            "(a driver is pinned to each value) or hazards.full_entry.base=0.001:0.01:10. "
            "Twice for a grid.",
        ),
    ],
    threshold: Annotated[
        Optional[float],  # noqa: UP045
        opt(
            "--threshold",
            metavar="P",
            parser=parse_probability,
            panel=READING,
            help="Find where the probability crosses P, e.g. 0.1 or 10%.",
        ),
    ] = None,
    *,
    flags: Flags,
) -> int:
    """Run a scenario across a range of one input (or a grid of two) and find tipping points.

    Every point uses the same seed (common random numbers), so the curve is smooth and the
    differences between points are the inputs' doing. With --threshold, the crossing is refined
    beyond the grid and given with a 95% interval. With --history every point is conditioned on
    it and --month counts from its end; --given conditions every point on an event or indicator.

    Examples:
        The top rung's chance at eight levels of Kremlin pressure, and where it crosses 10%:
            belwar sweep scenarios/baseline.yaml --vary kremlin_pressure=0.2:0.9:8 \\
                --threshold 10% --plot sweep.png
    """
    from dataclasses import replace

    from belwar.render import report, xlsx
    from belwar.run.sweeps import parse_vary, sweep

    how = flags.delivery().checked(RUN_FORMATS)
    loaded = flags.load(scenario)
    axes = [parse_vary(text, loaded) for text in vary]
    chosen = flags.run_options()
    with progress(flags.quiet, unit="points") as tick:
        runs = replace(chosen, progress=tick)
        result = sweep(
            loaded,
            axes,
            options=runs,
            target=flags.target,
            month=flags.month,
            threshold=threshold,
            history=flags.given_history(),
            conditions=flags.given or (),
        )
    deliver(
        result, how, text=report.sweep_text, tables=report.sweep_tables, sheets=xlsx.sweep_sheets
    )
    return 0


@shared(*RUNNING, "target", "month", "history", "given")
def sensitivity_command(  # noqa: PLR0917 - typer maps each parameter to an option
    scenario: Annotated[Path, scenario_argument()],
    method: Annotated[
        str,
        opt(
            "--method",
            metavar="METHOD",
            panel=SAMPLING,
            help="tornado (one run) or sobol (ranks by Sobol indices).",
        ),
    ] = DEFAULT_METHOD,
    sobol_samples: Annotated[
        int,
        opt(
            "--sobol-samples",
            metavar="N",
            parser=parse_count,
            panel=SAMPLING,
            help="Base samples of the Sobol design (a power of 2).",
        ),
    ] = DEFAULT_SOBOL_SAMPLES,
    top: Annotated[
        int,
        opt(
            "--top",
            metavar="N",
            parser=parse_positive,
            panel=READING,
            help="Show the N inputs that matter most.",
        ),
    ] = DEFAULT_TOP,
    show_all: Annotated[bool, opt("--all", panel=READING, help="Show every input.")] = False,
    keys: Annotated[
        bool,
        opt("--keys", panel=READING, help="Name inputs by key (driver:x) instead of label."),
    ] = False,
    *,
    flags: Flags,
) -> int:
    """Rank the uncertain inputs by how much they move the target probability (a tornado).

    For each input: the target when the input is in its bottom tenth against its top tenth,
    and its rank correlation with the target, all from one run. --method sobol ranks by
    first-order and total Sobol indices with 95% intervals instead; correlated drivers are
    counted together as one group. With --history the tornado is the conditioned run's (the
    posterior's tenths, weighted) and --month counts from the history's end; --given
    conditions it on an event or indicator.

    Examples:
        What moves the top rung's chance by the horizon, then with Sobol indices:
            belwar sensitivity scenarios/baseline.yaml
            belwar sensitivity scenarios/baseline.yaml --method sobol
    """
    from dataclasses import replace
    from functools import partial

    from belwar.render import report, xlsx
    from belwar.run.sensitivities import sensitivity

    how = flags.delivery().checked(RUN_FORMATS)
    loaded = flags.load(scenario)
    with progress(flags.quiet, unit="samples") as tick:
        result = sensitivity(
            loaded,
            options=replace(flags.run_options(), progress=tick),
            target=flags.target,
            month=flags.month,
            method=method,
            sobol_samples=sobol_samples,
            history=flags.given_history(),
            given=flags.given or (),
        )
    rows = None if show_all else top
    deliver(
        result,
        how,
        text=partial(report.sensitivity_text, top=rows, keys=keys),
        tables=partial(report.sensitivity_tables, top=rows, keys=keys),
        sheets=xlsx.sensitivity_sheets,
    )
    return 0
