"""The command line's shared flags, and turning them into what the library takes.

:data:`FLAGS` names the flag each library parameter is given by: library errors name the Python
parameter (``samples: must be at least 1, got -4``) and the error boundary renames the ones that
come from a flag (``--samples: ...``). Every import of the library here is inside a function, so
that ``belwar --help`` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

if TYPE_CHECKING:
    from belwar.run.options import RunOptions
    from belwar.spec.evidence import Register
    from belwar.spec.scenario import Scenario

# The flag each library parameter is given by, for messages about options (not about files).
FLAGS = {
    "dask": "--dask",
    "history": "--history",
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


def check_format(fmt: str, formats: tuple[str, ...]) -> None:
    """Refuse a ``--format`` that is not one of ``formats``."""
    from belwar.errors import input_error
    from belwar.spec.scenario import suggest

    if fmt not in formats:
        raise input_error(
            f"unknown format '{fmt}'{suggest(fmt, formats)} (one of: {', '.join(formats)})",
            key="--format",
        )


def parse_months(text: str | None) -> list[int] | None:
    """``--months 3,6,12`` as whole months (``None``: the scenario's)."""
    from belwar.errors import input_error

    if text is None:
        return None
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise input_error(
            f"expected whole months separated by commas, e.g. 3,6,12; got '{text}'", key="--months"
        ) from None


def register_at(folder: Path | None) -> Register | None:
    """The register at ``--register``, or None for the loader's own search."""
    from belwar.spec.loader import load_register

    return load_register(folder) if folder is not None else None


def load(path: Path, overrides: list[str] | None, register: Path | None) -> Scenario:
    """The scenario at ``path`` with its ``--set`` overrides, checked against the register."""
    from belwar.spec.loader import load_scenario

    return load_scenario(path, overrides=overrides or (), register=register_at(register))


def run_options(
    *,
    samples: int | None = None,
    seed: int | None = None,
    months: str | None = None,
    workers: int | None = None,
    dask: str | None = None,
) -> RunOptions:
    """The one :class:`~belwar.run.options.RunOptions` a command passes down, from its flags."""
    from belwar.run.options import RunOptions

    chosen = parse_months(months)
    return RunOptions(
        samples=samples,
        seed=seed,
        months=None if chosen is None else tuple(chosen),
        workers=workers,
        dask=dask,
    )
