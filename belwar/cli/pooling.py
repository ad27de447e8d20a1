"""The commands and checks that take pools: ``pool`` (an ad-hoc pool of scenario files),
``run POOL.yaml``, ``diff`` with a pool on either side, and pool files given to ``validate``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional, cast

import typer

from belwar.cli.options import INPUTS, Flags, opt, scenario_argument, shared
from belwar.cli.output import RUN_FORMATS, Delivery, deliver, progress

if TYPE_CHECKING:
    from belwar.results.pool import PoolResult
    from belwar.run.options import RunOptions
    from belwar.spec.evidence import Register
    from belwar.spec.pool import Method


def validate_pool_file(path: Path, register: Register | None) -> bool:
    """Check a pool file and its members; print what was found and return whether it is
    valid."""
    from belwar.errors import InputError
    from belwar.spec.pool_loader import load_pool

    try:
        found = load_pool(path, register=register)
    except InputError as exc:
        count = len(exc.problems)
        typer.echo(exc.render())
        typer.echo(f"{path}: {count} problem{'s' if count != 1 else ''}\n")
        return False
    weights = ", ".join(f"{m.scenario.id} {m.weight:.3f}" for m in found.members)
    typer.echo(
        f"{path}: ok (pool {found.id}, {found.method}, {len(found.members)} members: "
        f"{weights}; fingerprint {found.fingerprint()})"
    )
    return True


@shared(
    "samples",
    "seed",
    "months",
    "workers",
    "dask",
    "fmt",
    "output",
    "quiet",
    "plot",
    "register",
    "history",
)
def pool_command(
    scenarios: Annotated[
        list[Path], scenario_argument("The scenarios to pool, or one pool file.", "SCENARIO...")
    ],
    weights: Annotated[
        Optional[str],  # noqa: UP045 (typer reads the annotation at run time)
        opt(
            "--weights",
            metavar="W,W,...",
            panel=INPUTS,
            help="One positive weight per scenario, normalised (default: equal).",
        ),
    ] = None,
    method: Annotated[
        str,
        opt("--method", metavar="METHOD", panel=INPUTS, help="linear or log_odds."),
    ] = "linear",
    extremize: Annotated[
        float,
        opt(
            "--extremize",
            metavar="X",
            panel=INPUTS,
            help="log_odds only: multiply the pooled log odds by X.",
        ),
    ] = 1.0,
    *,
    flags: Flags,
) -> int:
    """Pool several scenarios into one forecast, with their disagreement shown.

    Every scenario runs on the same draws (common random numbers: the first one's samples and
    seed, or --samples and --seed). A linear pool gives each cell the weighted mean of the
    members' probabilities, and its spread is the mixture of theirs; a log_odds pool gives
    logistic(X * sum w logit p), a pool of the outputs. Beside the pool: each member, and how
    far they disagree (their range, and the weighted spread of their probabilities).

    With --history every member is conditioned on the history and a linear pool re-weights
    them by their evidence: posterior weight proportional to prior weight times evidence.

    Examples:
        The baseline and the Kremlin squeeze, 70:30, then the same as a log-odds pool:
            belwar pool scenarios/baseline.yaml scenarios/kremlin-squeeze.yaml \\
                --weights 0.7,0.3
            belwar pool scenarios/baseline.yaml scenarios/kremlin-squeeze.yaml \\
                --weights 0.7,0.3 --method log_odds --extremize 1.5
        The shipped panel, re-weighted on what happened since spring 2022:
            belwar pool scenarios/pools/panel.yaml \\
                --history scenarios/history/belarus-2022-2025.yaml
    """
    from belwar.run.pools import pool

    how = flags.delivery().checked(RUN_FORMATS)
    chosen = flags.run_options()
    reg = flags.register_at()
    with progress(flags.quiet) as tick:
        result = pool(
            *scenarios,
            weights=parse_weights(weights),
            method=cast("Method", method),  # the library checks it, and says so
            extremize=extremize,
            options=replace(chosen, progress=tick),
            history=flags.given_history(),
            register=reg,
        )
    _deliver(result, how)
    return 0


def run_pool_file(path: Path, flags: Flags, chosen: RunOptions, how: Delivery) -> int:
    """``run POOL.yaml``: the pool as its file says."""
    from belwar.errors import input_error
    from belwar.run.pools import pool

    if flags.set_:
        raise input_error(
            "--set changes one scenario, and a pool has several: change the member files",
            key="--set",
        )
    _refuse_given(flags)
    with progress(flags.quiet) as tick:
        result = pool(
            path,
            options=replace(chosen, progress=tick),
            history=flags.given_history(),
            register=flags.register_at(),
        )
    _deliver(result, how)
    return 0


def _refuse_given(flags: Flags) -> None:
    """A pool is conditioned on a history, not on ``--given``: say so rather than ignore it."""
    from belwar.errors import input_error

    if flags.given:
        raise input_error(
            "--given is not built for pools: give it to each member's own run, or condition "
            "the pool on a history with --history",
            key="--given",
        )


def _deliver(result: PoolResult, how: Delivery) -> None:
    from belwar.render.pool_layouts import pool_sheets, pool_tables, pool_text

    deliver(result, how, text=pool_text, tables=pool_tables, sheets=pool_sheets)


def parse_weights(text: str | None) -> list[float] | None:
    """``--weights 0.5,0.3,0.2`` as numbers (``None``: equal weights)."""
    from belwar.errors import input_error

    if text is None:
        return None
    try:
        return [float(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise input_error(
            f"expected numbers separated by commas, e.g. 0.5,0.3,0.2; got '{text}'",
            key="--weights",
        ) from None


def diff_pools(
    a: Path,
    b: Path | None,
    flags: Flags,
    how: Delivery,
    *,
    tolerance: float,
    show_all: bool,
    exit_code: bool,
) -> int:
    """``diff`` with a pool on either side: the pooled forecasts compared."""
    from functools import partial

    from belwar.errors import input_error
    from belwar.render import report, xlsx
    from belwar.run.pool_diff import compare_pools

    _refuse_given(flags)
    if b is None or flags.set_:
        raise input_error(
            "a pool is compared with a second scenario or pool, not changed by --set: give B",
            key="--set" if flags.set_ else "",
        )
    comparison = compare_pools(
        a,
        b,
        options=flags.run_options(),
        tolerance=tolerance,
        history=flags.given_history(),
        register=flags.register_at(),
    )
    text = partial(report.diff_text, show_all=show_all)
    tables = partial(report.diff_tables, show_all=show_all)
    deliver(comparison, how, text=text, tables=tables, sheets=xlsx.diff_sheets)
    return 1 if exit_code and comparison.material else 0


def report_pool(
    path: Path, output: Path, flags: Flags, *, compare: bool, register: Path | None
) -> int:
    """``report POOL.yaml``: the pool's HTML report, written atomically."""
    from belwar.cli.options import register_at
    from belwar.errors import input_error
    from belwar.render.atomic import write_text
    from belwar.render.pool_report import build_pool_report
    from belwar.render.report import clean
    from belwar.run.pools import pool

    reg = register_at(register)
    _refuse_given(flags)
    if flags.set_ or compare:
        flag = "--set" if flags.set_ else "--compare"
        raise input_error(
            f"{flag} is for a scenario's report: a pool's report shows its members, "
            "each beside the pool",
            key=flag,
        )
    with progress(flags.quiet) as tick:
        result = pool(
            path,
            options=replace(flags.run_options(), progress=tick),
            history=flags.given_history(reg),
            register=reg,
        )
    write_text(output, build_pool_report(result))
    if not flags.quiet:
        typer.echo(f"wrote the report to {clean(str(output))}", err=True)
    return 0
