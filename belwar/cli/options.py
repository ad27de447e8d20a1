"""The command line's shared flags, each defined once, and turning them into what the library
takes.

A command names the shared flags it takes with :func:`shared` and receives them as one
:class:`Flags`; its own flags stay in its signature, as typer reads them. Each shared flag has
one help text, one metavar and one panel of ``--help`` (:data:`INPUTS`, :data:`SAMPLING`,
:data:`READING`, :data:`OUTPUT`), so ``run``, ``diff``, ``report`` and the rest read alike.
Numbers are read as people write them: ``--samples 200k``, ``1e6`` or ``1_000_000``, and
``--threshold 10%`` or ``0.1``; a bad one is a usage error naming the flag (exit 2).

:data:`FLAGS` names the flag each library parameter is given by: library errors name the Python
parameter (``samples: must be at least 1, got -4``) and the error boundary renames the ones that
come from a flag (``--samples: ...``). Every import of the library here is inside a function, so
that ``belwar --help`` stays quick.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from belwar.cli.output import Delivery

if TYPE_CHECKING:
    from belwar.run.options import RunOptions
    from belwar.spec.evidence import Register
    from belwar.spec.history_loader import LoadedHistory
    from belwar.spec.scenario import Scenario

# The flag each library parameter is given by, for messages about options (not about files).
FLAGS = {
    "at": "--at",
    "dask": "--dask",
    "given": "--given",
    "extremize": "--extremize",
    "history": "--history",
    "method": "--method",
    "month": "--month",
    "months": "--months",
    "output_dir": "--output-dir",
    "paths": "DIR_OR_FILES",
    "reference": "--reference",
    "samples": "--samples",
    "seed": "--seed",
    "sobol_samples": "--sobol-samples",
    "target": "--target",
    "threshold": "--threshold",
    "tolerance": "--tolerance",
    "vary": "--vary",
    "weights": "--weights",
    "workers": "--workers",
}

# The panels of a command's --help, in the order they are first used.
INPUTS = "Inputs"
SAMPLING = "Sampling"
READING = "What to read"
OUTPUT = "Output"
PANELS = (INPUTS, SAMPLING, READING, OUTPUT)

_SUFFIXES = {"k": 1_000, "m": 1_000_000}
_NUMBER = re.compile(
    r"(?P<number>[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?)(?P<suffix>[kKmM]?)"
)


def parse_count(text: str | int) -> int:
    """A whole number as people write it: ``200000``, ``200_000``, ``200k``, ``1e6``, ``2M``
    (typer passes a default through as it is)."""
    if isinstance(text, int):
        return text
    found = _NUMBER.fullmatch(text.strip())
    if found is None:
        raise typer.BadParameter(
            f"expected a whole number such as 200000, 200k or 1e6; got '{text}'"
        )
    value = float(found["number"].replace("_", "")) * _SUFFIXES.get(found["suffix"].lower(), 1)
    if not value.is_integer():
        raise typer.BadParameter(f"expected a whole number; '{text}' is {value:g}")
    return int(value)


def parse_positive(text: str | int) -> int:
    """A whole number of at least 1, written as :func:`parse_count` reads it."""
    value = parse_count(text)
    if value < 1:
        raise typer.BadParameter(f"expected at least 1; got {value}")
    return value


def parse_probability(text: str | float) -> float:
    """A probability as people write it: ``0.1`` or ``10%`` (typer passes a default through
    as it is). The range is the library's to check, as it is for callers in Python."""
    if isinstance(text, float | int):
        return float(text)
    stripped = text.strip()
    try:
        value = float(stripped[:-1]) / 100 if stripped.endswith("%") else float(stripped)
    except ValueError:
        raise typer.BadParameter(
            f"expected a probability such as 0.1 or 10%; got '{text}'"
        ) from None
    return value


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


def complete_scenario(incomplete: str) -> list[str]:
    """Shell completion of a scenario argument: YAML files and folders under what is typed."""
    base = Path(incomplete or ".")
    folder, stem = (
        (base, "") if incomplete.endswith("/") or not incomplete else (base.parent, base.name)
    )
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    shown = [
        str(entry) + ("/" if entry.is_dir() else "")
        for entry in entries
        if entry.name.startswith(stem)
        and not entry.name.startswith(".")
        and (entry.is_dir() or entry.suffix in {".yaml", ".yml", ".json"})
    ]
    return [item.removeprefix("./") if not incomplete.startswith("./") else item for item in shown]


def scenario_argument(
    help_text: str = "The scenario file (YAML).", metavar: str = "SCENARIO"
) -> Any:
    """A positional scenario, completed by the shell from YAML files and folders."""
    return typer.Argument(metavar=metavar, help=help_text, autocompletion=complete_scenario)


def opt(*decls: str, panel: str, help: str, **extra: Any) -> Any:
    """A ``typer.Option`` in ``--help``'s ``panel``; flags get no value label (see app)."""
    return typer.Option(*decls, rich_help_panel=panel, help=help, **extra)


# typer reads these annotations at run time, so they say Optional[...] (ruff's UP045 is off here)
Set = Annotated[
    Optional[list[str]],  # noqa: UP045
    opt(
        "--set",
        metavar="KEY=VALUE",
        panel=INPUTS,
        help="Change one field of the scenario to VALUE (read as YAML), e.g. "
        "[bold]drivers.kremlin_pressure.dist.mode=0.8[/]. Repeatable.",
    ),
]
_REGISTER_HELP = (
    "Evidence register folder (default: the nearest seeds/ folder, else the shipped one)."
)
Register_ = Annotated[
    Optional[Path],  # noqa: UP045
    opt("--register", metavar="DIR", panel=INPUTS, help=_REGISTER_HELP, file_okay=False),
]
_SAMPLES_HELP = "Monte Carlo samples, e.g. 200000, 200k or 1e6 (default: the scenario's)."
Samples = Annotated[
    Optional[int],  # noqa: UP045
    opt("--samples", "-n", metavar="N", parser=parse_count, panel=SAMPLING, help=_SAMPLES_HELP),
]
_SEED_HELP = "Seed of every random stream (default: the scenario's)."
Seed = Annotated[Optional[int], opt("--seed", metavar="SEED", panel=SAMPLING, help=_SEED_HELP)]  # noqa: UP045
_MONTHS_HELP = "Months to report, e.g. 3,6,12, within the horizon (default: the scenario's)."
Months = Annotated[
    Optional[str],  # noqa: UP045
    opt("--months", metavar="M,M,...", panel=SAMPLING, help=_MONTHS_HELP),
]
_WORKERS_HELP = "Parallel workers, 1 to 1024 (default: every core; 1 runs serially)."
Workers = Annotated[
    Optional[int],  # noqa: UP045
    opt("--workers", "-j", metavar="N", panel=SAMPLING, help=_WORKERS_HELP),
]
_DASK_HELP = "Run on the Dask scheduler at ADDRESS (tcp://host:8786), or 'local'; 10 s to answer."
Dask = Annotated[Optional[str], opt("--dask", metavar="ADDRESS", panel=SAMPLING, help=_DASK_HELP)]  # noqa: UP045
_TARGET_HELP = "The rung whose probability is read (default: the top)."
Target = Annotated[Optional[str], opt("--target", metavar="RUNG", panel=READING, help=_TARGET_HELP)]  # noqa: UP045
_MONTH_HELP = "The month it is read at (default: the horizon)."
Month = Annotated[Optional[int], opt("--month", metavar="M", panel=READING, help=_MONTH_HELP)]  # noqa: UP045
_FORMAT_HELP = "table, json, csv, markdown, or xlsx (a workbook: to --output or a redirect)."
Format = Annotated[str, opt("--format", "-f", metavar="FORMAT", panel=OUTPUT, help=_FORMAT_HELP)]
_OUTPUT_HELP = "Write to FILE (atomically) instead of stdout."
Output = Annotated[
    Optional[Path],  # noqa: UP045
    opt("--output", "-o", metavar="FILE", panel=OUTPUT, help=_OUTPUT_HELP, dir_okay=False),
]
Quiet = Annotated[bool, opt("--quiet", "-q", panel=OUTPUT, help="No progress bar or messages.")]
_PLOT_HELP = "Also write a chart to FILE (.png or .svg)."
Plot = Annotated[
    Optional[Path],  # noqa: UP045
    opt("--plot", metavar="FILE", panel=OUTPUT, help=_PLOT_HELP, dir_okay=False),
]
_HISTORY_HELP = "Condition on an observed history (scenarios/history/): forecast from its end."
History = Annotated[
    Optional[Path],  # noqa: UP045
    opt("--history", metavar="FILE", panel=INPUTS, help=_HISTORY_HELP, dir_okay=False),
]
_GIVEN_HELP = (
    "Forecast given an event beginning or an indicator seen in MONTH (counted from the "
    "forecast start); repeatable."
)
Given_ = Annotated[
    Optional[list[str]],  # noqa: UP045
    opt("--given", metavar="NAME@MONTH", panel=INPUTS, help=_GIVEN_HELP),
]


@dataclass(frozen=True, kw_only=True)
class Flags:
    """The shared flags one command was given (those it does not take keep their defaults)."""

    set_: list[str] | None = None
    register: Path | None = None
    samples: int | None = None
    seed: int | None = None
    months: str | None = None
    workers: int | None = None
    dask: str | None = None
    target: str | None = None
    month: int | None = None
    fmt: str = "table"
    output: Path | None = None
    quiet: bool = False
    plot: Path | None = None
    history: Path | None = None
    given: list[str] | None = None

    def run_options(self) -> RunOptions:
        """The one :class:`~belwar.run.options.RunOptions` the command passes down."""
        from belwar.run.options import RunOptions

        chosen = parse_months(self.months)
        return RunOptions(
            samples=self.samples,
            seed=self.seed,
            months=None if chosen is None else tuple(chosen),
            workers=self.workers,
            dask=self.dask,
        )

    def register_at(self) -> Register | None:
        """The register at ``--register``, or None for the loader's own search."""
        return register_at(self.register)

    def load(self, path: Path, overrides: list[str] | None = None) -> Scenario:
        """The scenario at ``path`` with ``overrides`` (default: ``--set``), checked against
        the register."""
        return load(path, self.set_ if overrides is None else overrides, self.register)

    def given_history(self, register: Register | None = None) -> LoadedHistory | None:
        """The history file at ``--history``, read and checked on its own against
        ``register`` (default: ``--register``'s), or None."""
        from belwar.spec.history_loader import read_history

        if self.history is None:
            return None
        return read_history(self.history, register=register or self.register_at())

    def delivery(self) -> Delivery:
        """Where and how the result goes."""
        return Delivery(fmt=self.fmt, output=self.output, quiet=self.quiet, plot=self.plot)


# Each shared flag: the annotation typer reads, and its default.
_SHARED: dict[str, tuple[Any, Any]] = {
    "set_": (Set, None),
    "register": (Register_, None),
    "samples": (Samples, None),
    "seed": (Seed, None),
    "months": (Months, None),
    "workers": (Workers, None),
    "dask": (Dask, None),
    "target": (Target, None),
    "month": (Month, None),
    "fmt": (Format, "table"),
    "output": (Output, None),
    "quiet": (Quiet, False),
    "plot": (Plot, None),
    "history": (History, None),
    "given": (Given_, None),
}
assert set(_SHARED) == {f.name for f in fields(Flags)}

#: the flags of every command that runs a scenario and shows its result
RUNNING = (
    "set_",
    "samples",
    "seed",
    "workers",
    "dask",
    "fmt",
    "output",
    "quiet",
    "plot",
    "register",
)


def shared(*names: str) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """Give a command the shared flags ``names`` (keys of :class:`Flags`): typer sees them as
    keyword parameters after the command's own, and the command receives them as one
    ``flags: Flags`` keyword."""

    unknown = set(names) - set(_SHARED)
    if unknown:
        raise ValueError(f"not shared flags: {', '.join(sorted(unknown))}")

    def decorate(func: Callable[..., int]) -> Callable[..., int]:
        params = inspect.signature(func, eval_str=True).parameters.values()
        own = [p for p in params if p.name != "flags"]
        added = [
            inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=a, default=d)
            for n, (a, d) in _SHARED.items()
            if n in names
        ]

        @functools.wraps(func)
        def command(**given: Any) -> int:
            flags = Flags(**{name: given.pop(name) for name in names})
            return func(**given, flags=flags)

        command.__signature__ = inspect.Signature([*own, *added])  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in (*own, *added)} | {"return": int}
        return command

    return decorate


def register_at(folder: Path | None) -> Register | None:
    """The register at ``--register``, or None for the loader's own search."""
    from belwar.spec.loader import load_register

    return load_register(folder) if folder is not None else None


def load(path: Path, overrides: list[str] | None, register: Path | None) -> Scenario:
    """The scenario at ``path`` with its ``--set`` overrides, checked against the register."""
    from belwar.spec.loader import load_scenario

    return load_scenario(path, overrides=overrides or (), register=register_at(register))
