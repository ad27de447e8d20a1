"""The options of a run (:class:`RunOptions`) and the checks on what they may ask for, made
before any work starts. The analyses' own defaults (tolerance, Sobol sizes) are in
:mod:`belwar.run.defaults`.

Every library entry point (``simulate``, ``compare``, ``sweep``, ``sensitivity``, ``run_many``)
checks its options here, so a bad value fails at once, in the caller's process, with one clear
message, rather than in a worker halfway through. Problems are keyed by the Python parameter
(``samples: must be at least 1, got -4``); the command line renames the key to its flag
(``--samples: ...``). The caps keep what one call may ask for within memory and reason: a
larger request is refused with the cap named.
"""

from __future__ import annotations

import math
import operator
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from belwar.errors import input_error
from belwar.spec.limits import MAX_SAMPLES  # the cap of a scenario file's simulation.samples too

SEED_LIMIT = 2**63
MAX_WORKERS = 1024
MAX_SOBOL_SAMPLES = 1 << 20
MAX_AXIS_POINTS = 1_000  # points along one --vary axis
MAX_GRID_POINTS = 2_500  # points of a whole sweep (a grid of two axes)
# The scheme-less form host:port is what distributed itself accepts, and means tcp.
_DASK_ADDRESS = re.compile(
    r"(?:(?:tcp|tls|ws|wss)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
    r":(\d{1,5})"
)


@dataclass(frozen=True, kw_only=True)
class RunOptions:
    """How to run a scenario, passed as ``options=`` to every entry point (``simulate``,
    ``compare``, ``sweep``, ``sensitivity``, ``run_many``); vary it with
    :func:`dataclasses.replace`. ``None`` means the scenario's own ``simulation`` section
    (samples, seed, months) or every core (workers); ``dask`` is a scheduler address or
    "local". ``keep_samples`` applies to ``simulate`` alone, ``progress(done, total)`` to
    ``simulate``, ``sweep`` (points) and ``sensitivity`` (samples). The values are checked by
    the entry point that uses them, against its scenario."""

    samples: int | None = None
    seed: int | None = None
    months: tuple[int, ...] | None = None
    workers: int | None = None
    dask: str | None = None
    keep_samples: bool = False
    # a callback, not a setting: left out of equality, and dropped before options travel
    progress: Callable[[int, int], None] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.months is not None and not isinstance(self.months, tuple):
            object.__setattr__(self, "months", tuple(self.months))

    def serial(self) -> RunOptions:
        """These options as one worker runs them: here, on one core, reporting nothing (what
        travels to a worker when the work is a set of whole runs)."""
        return replace(self, workers=1, dask=None, progress=None)


def default_workers() -> int:
    """The workers when none are asked for (``workers=None``): every core."""
    return os.cpu_count() or 1


def merged(options: RunOptions | None, **given: Any) -> RunOptions:
    """``options`` with the keyword arguments ``given`` to an entry point (a keyword at its
    default is not given). With no ``options``, the keywords alone; a keyword that says
    otherwise than ``options`` is a programming error (``TypeError``), not bad input."""
    defaults = {f.name: f.default for f in fields(RunOptions)}
    changes = {key: value for key, value in given.items() if value is not defaults[key]}
    if "months" in changes and changes["months"] is not None:
        changes["months"] = tuple(changes["months"])
    if options is None:
        return RunOptions(**changes)
    clash = sorted(key for key, value in changes.items() if value != getattr(options, key))
    if clash:
        raise TypeError(
            f"options= and the keyword argument(s) {', '.join(clash)} disagree: give each once"
        )
    return options


def whole(value: object, key: str) -> int:
    """``value`` as an int, refusing floats, strings and booleans (a bool is no count)."""
    if isinstance(value, bool):
        raise input_error(f"must be a whole number, got {value}", key=key)
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise input_error(f"must be a whole number, got {value!r}", key=key) from None


def check_samples(samples: object, *, key: str = "samples", cap: int = MAX_SAMPLES) -> int:
    """A sample count: at least 1 and at most ``cap``."""
    n = whole(samples, key)
    if n < 1:
        raise input_error(f"must be at least 1, got {n}", key=key)
    if n > cap:
        raise input_error(f"must be at most {cap:,}, got {n:,}", key=key)
    return n


def check_seed(seed: object, *, key: str = "seed") -> int:
    """A seed: 0 <= seed < 2**63."""
    n = whole(seed, key)
    if not 0 <= n < SEED_LIMIT:
        raise input_error(f"must be between 0 and 2**63 - 1, got {n}", key=key)
    return n


def check_workers(workers: object, *, key: str = "workers") -> int | None:
    """A worker count (``None``: every core): at least 1 and at most ``MAX_WORKERS``."""
    if workers is None:
        return None
    n = whole(workers, key)
    if not 1 <= n <= MAX_WORKERS:
        raise input_error(f"must be between 1 and {MAX_WORKERS}, got {n}", key=key)
    return n


def check_month(month: object, horizon: int, *, key: str = "month") -> int:
    """One month: 1 <= month <= the horizon."""
    n = whole(month, key)
    if not 1 <= n <= horizon:
        raise input_error(f"must lie between 1 and the horizon ({horizon}), got {n}", key=key)
    return n


def check_months(months: Sequence[object], horizon: int, *, key: str = "months") -> tuple[int, ...]:
    """Report months, sorted and without repeats: at least one, each within the horizon."""
    chosen = tuple(sorted({whole(m, key) for m in months}))
    if not chosen or chosen[0] < 1 or chosen[-1] > horizon:
        shown = ",".join(str(m) for m in months) or "none"
        raise input_error(f"must lie between 1 and the horizon ({horizon}), got {shown}", key=key)
    return chosen


def check_probability(value: object, *, key: str, closed_low: bool = False) -> float:
    """A probability strictly between 0 and 1 (or in ``[0, 1)`` with ``closed_low``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise input_error(f"must be a number, got {value!r}", key=key)
    p = float(value)
    inside = (0 <= p < 1) if closed_low else (0 < p < 1)
    if not inside or not math.isfinite(p):
        span = "at least 0 and below 1" if closed_low else "strictly between 0 and 1"
        raise input_error(f"must lie {span}, got {value}", key=key)
    return p


def check_sobol_samples(n: object, *, key: str = "sobol_samples") -> int:
    """The base samples of a Sobol design: a power of 2 from 2 to ``MAX_SOBOL_SAMPLES``."""
    count = whole(n, key)
    if count < 2 or count & (count - 1):
        raise input_error(f"must be a power of 2 (such as 1024 or 4096), got {count}", key=key)
    if count > MAX_SOBOL_SAMPLES:
        raise input_error(f"must be at most {MAX_SOBOL_SAMPLES:,} (2**20), got {count:,}", key=key)
    return count


def check_dask(address: object, *, key: str = "dask") -> str | None:
    """``None``, ``"local"`` or a scheduler address (``tcp://host:8786``, ``tls://...``)."""
    if address is None:
        return None
    if not isinstance(address, str):
        raise input_error(f"must be 'local' or a scheduler address, got {address!r}", key=key)
    match = _DASK_ADDRESS.fullmatch(address)
    if address != "local" and (match is None or not 1 <= int(match.group(1)) <= 65535):
        shown = address if len(address) <= 100 else address[:100] + "..."
        raise input_error(
            f"expected 'local' or a scheduler address such as tcp://host:8786, got '{shown}'",
            key=key,
        )
    return address
