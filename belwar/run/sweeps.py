"""Sweeps: the target probability across a range of one input (a curve) or two (a grid), with
common random numbers at every point, and where it crosses a threshold (the tipping point).

A path that names a driver (``drivers.kremlin_pressure``, or just ``kremlin_pressure``) pins the
driver to each value; any other path (``hazards.full_entry.base``) is overridden as given. Every
point is its own full run with the same seed, so neighbouring points share their draws and the
curve is smooth; points are independent of one another, so they run on every core and the
result is the same as a serial run.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

import numpy as np

from belwar.core.distributions import Distribution
from belwar.core.zscores import Z95
from belwar.errors import input_error
from belwar.results.conditions import weights_of
from belwar.results.sweep import Axis, Crossing, Point, Sweep
from belwar.run import options as check
from belwar.run.conditioned import conditions_of, loaded
from belwar.run.execution import map_ordered
from belwar.run.given import Given, givens, with_given
from belwar.run.options import MAX_AXIS_POINTS, MAX_GRID_POINTS, RunOptions, merged
from belwar.run.simulation import resolve_target, simulate
from belwar.spec.compile import compile_model
from belwar.spec.history import History
from belwar.spec.history_loader import LoadedHistory, check_against
from belwar.spec.scenario import Scenario, suggest

REFINE_STEPS = 12


def parse_vary(text: str, scenario: Scenario) -> Axis:
    """``PATH=START:STOP:N`` as an :class:`Axis`: N evenly spaced values, ends included, each
    the decimal a person would write (``0.3:0.9:7`` gives 0.3, 0.4, ..., 0.9, with no float
    noise such as 0.8999999999999999 that could step outside a bound)."""
    match = re.fullmatch(r"\s*([^=\s]+)\s*=\s*([^:]+):([^:]+):(\d+)\s*", text)
    shown = text if len(text) <= 100 else text[:100] + "..."
    if match is None:
        raise input_error(
            f"expected PATH=START:STOP:N, e.g. drivers.x=0.2:0.9:8; got '{shown}'", key="vary"
        )
    path, start_text, stop_text, count_text = match.groups()
    count_text = count_text.lstrip("0") or "0"
    if len(count_text) > len(str(MAX_AXIS_POINTS)) or int(count_text) > MAX_AXIS_POINTS:
        raise input_error(f"N must be at most {MAX_AXIS_POINTS:,} points in '{shown}'", key="vary")
    count = int(count_text)
    start, stop = _decimal(start_text, shown), _decimal(stop_text, shown)
    if count < 2 or start == stop:
        raise input_error(f"need N >= 2 and START != STOP in '{shown}'", key="vary")
    values = tuple(float(v) for v in _spaced(start, stop, count))
    name = path.removeprefix("drivers.")
    if name in scenario.drivers and path in (name, f"drivers.{name}"):
        return Axis(path, values, driver=name)
    if path.startswith("drivers.") and "." not in name and name not in scenario.drivers:
        raise input_error(f"unknown driver '{name}'{suggest(name, scenario.drivers)}", key="vary")
    return Axis(path, values)


def _decimal(text: str, shown: str) -> Decimal:
    """A finite number as typed (at most 50 characters), exactly."""
    try:
        value = Decimal(text.strip()) if len(text.strip()) <= 50 else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not math.isfinite(float(value)):
        raise input_error(f"START and STOP must be finite numbers in '{shown}'", key="vary")
    return value


def _spaced(start: Decimal, stop: Decimal, count: int) -> list[Decimal]:
    """``count`` evenly spaced decimals from ``start`` to ``stop``, in decimal arithmetic with
    digits to spare, so a point that is a short decimal (0.4) is exactly that decimal and
    becomes the float nearest it; the ends are the numbers typed."""
    with localcontext() as context:
        context.prec = 60
        inner = [start + (stop - start) * i / (count - 1) for i in range(1, count - 1)]
    return [start, *inner, stop]


def sweep(
    scenario: Scenario,
    given: Sequence[Axis | str],
    *,
    options: RunOptions | None = None,
    target: str | None = None,
    month: int | None = None,
    threshold: float | None = None,
    samples: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    dask: str | None = None,
    history: History | LoadedHistory | None = None,
    conditions: Sequence[Given | str] = (),
) -> Sweep:
    """Run ``scenario`` at every grid point of the ``given`` axes (one or two) and read the
    probability of reaching ``target`` (default: the top rung) by ``month`` (default: the
    horizon).
    Points run on ``workers`` processes (default: every core; 1 runs serially) or on the Dask
    cluster ``dask``, with identical results.
    An axis may be given as ``"PATH=START:STOP:N"`` text, as on the command line.
    ``options`` (a :class:`~belwar.run.options.RunOptions`) gives samples, seed, workers and
    dask at once, in place of the keywords. Given a ``history``, every point is conditioned
    on it and ``month`` counts from its end; ``conditions`` (``"e@1"``, the command line's
    ``--given``) condition every point on an event or indicator too."""
    chosen = merged(options, samples=samples, seed=seed, workers=workers, dask=dask)
    axes = [parse_vary(a, scenario) if isinstance(a, str) else a for a in given]
    if not 1 <= len(axes) <= 2:
        raise input_error("vary one input (a curve) or two (a grid)", key="vary")
    if len(axes) == 2 and axes[0].override == axes[1].override:
        raise input_error(f"'{axes[0].path}' is varied twice: a grid needs two inputs", key="vary")

    target, month = resolve_target(scenario, target, month)
    sim = scenario.simulation
    if threshold is not None:
        threshold = check.check_probability(threshold, key="threshold")
    grid = _grid(axes)
    if len(grid) > MAX_GRID_POINTS:
        raise input_error(f"{len(grid):,} points is more than {MAX_GRID_POINTS:,}", key="vary")
    samples = sim.samples if chosen.samples is None else check.check_samples(chosen.samples)
    seed = sim.seed if chosen.seed is None else check.check_seed(chosen.seed)
    workers, dask = check.check_workers(chosen.workers), check.check_dask(chosen.dask)
    also = givens(conditions)
    job = _Job(scenario, tuple(axes), target, month, samples, seed, history, also)
    for corner in _corners(axes):  # a bad path or value fails once, clearly, before any work
        job.check(corner)
    lines = len(axes[1].values) if len(axes) == 2 else 1
    tick = _Ticker(
        chosen.progress, len(grid) + (REFINE_STEPS * lines if threshold is not None else 0)
    )
    points = map_ordered(job, grid, workers=workers, dask=dask, done=tick)
    crossings: tuple[Crossing, ...] = ()
    if threshold is not None:
        crossings = _crossings(job, points, threshold, tick)
    axes = [_with_spread(axis, scenario) for axis in axes]
    if axes[0].driver is not None:
        crossings = tuple(_placed(c, scenario, axes[0].driver) for c in crossings)
    return Sweep(
        scenario.name,
        target,
        month,
        tuple(axes),
        tuple(points),
        samples,
        seed,
        threshold,
        crossings,
        conditions=conditions_of(history, also),
    )


class _Ticker:
    """Counts the runs made for ``progress(done, total)``: the grid's points, then up to
    ``REFINE_STEPS`` a crossing (a line that ends its bisection early skips the rest)."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress, self.done, self.total = progress, 0, total

    def __call__(self, _: object = None, runs: int = 1) -> None:
        self.done += runs
        if self.progress is not None:
            self.progress(self.done, self.total)


def _driver_dist(scenario: Scenario, driver: str) -> Distribution:
    model = compile_model(scenario)
    return next(d.dist for d in model.drivers if d.name == driver)


def _with_spread(axis: Axis, scenario: Scenario) -> Axis:
    """A driver's axis with the driver's 5th and 95th percentiles in ``scenario``."""
    if axis.driver is None:
        return axis
    low, high = _driver_dist(scenario, axis.driver).ppf(np.array([0.05, 0.95]))
    return replace(axis, spread=(float(low), float(high)))


def _placed(crossing: Crossing, scenario: Scenario, driver: str) -> Crossing:
    """The crossing with the share of the driver's distribution in ``scenario`` below it."""
    if crossing.value is None:
        return crossing
    share = _driver_dist(scenario, driver).cdf(np.array([crossing.value]))
    return replace(crossing, percentile=float(share[0]))


def _corners(axes: Sequence[Axis]) -> list[tuple[float, ...]]:
    """The grid's corners: every axis at its first and at its last value. Bounds on a value
    are ranges, so a grid whose corners pass has no point outside them."""
    return list(itertools.product(*[sorted({a.values[0], a.values[-1]}) for a in axes]))


def _grid(axes: Sequence[Axis]) -> list[tuple[float, ...]]:
    if len(axes) == 1:
        return [(v,) for v in axes[0].values]
    return [(x, y) for x in axes[0].values for y in axes[1].values]


@dataclass(frozen=True)
class _Job:
    """Everything a worker needs to evaluate one point (picklable)."""

    scenario: Scenario
    axes: tuple[Axis, ...]
    target: str
    month: int
    samples: int
    seed: int
    history: History | LoadedHistory | None = None
    given: tuple[Given, ...] = ()

    def scenario_at(self, at: tuple[float, ...]) -> Scenario:
        overrides: dict[str, Any] = {
            axis.override: value for axis, value in zip(self.axes, at, strict=True)
        }
        return self.scenario.with_overrides(overrides, check_citations=False)

    def check(self, at: tuple[float, ...]) -> None:
        scenario = self.scenario_at(at)
        if self.history is not None:
            check_against(loaded(self.history), scenario)
        if self.given:  # a name or month the scenario cannot take fails here, not in a worker
            with_given(replace(compile_model(scenario), months=(self.month,)), self.given, as_of="")

    def __call__(self, at: tuple[float, ...]) -> Point:
        # the points are what runs in parallel: each runs serially in its worker
        runs = RunOptions(samples=self.samples, seed=self.seed, months=(self.month,), workers=1)
        result = simulate(
            self.scenario_at(at), options=runs, history=self.history, given=self.given
        )
        cell = result.cell(self.target, self.month)
        return Point(at=at, p=cell.p, mcse=cell.mcse, weights=weights_of(result))


def _crossings(
    job: _Job, points: list[Point], threshold: float, tick: _Ticker
) -> tuple[Crossing, ...]:
    first = job.axes[0].values
    if len(job.axes) == 1:
        return (_crossing(job, points, threshold, None, tick),)
    out = []
    for j, along in enumerate(job.axes[1].values):
        line = [points[i * len(job.axes[1].values) + j] for i in range(len(first))]
        out.append(_crossing(job, line, threshold, along, tick))
    return tuple(out)


def _crossing(
    job: _Job, line: list[Point], threshold: float, along: float | None, tick: _Ticker
) -> Crossing:
    """Bracket the first sign change on the grid, bisect it with extra runs (same seed), then
    interpolate; the interval adds the Monte Carlo error through the local slope."""
    for left, right in itertools.pairwise(line):
        if (left.p - threshold) * (right.p - threshold) <= 0 and left.p != right.p:
            break
    else:
        tick(runs=REFINE_STEPS)
        return Crossing(along, None)
    direction = "up" if right.p > left.p else "down"

    def at(x: float) -> tuple[float, ...]:
        return (x,) if along is None else (x, along)

    for step in range(REFINE_STEPS):
        x_mid = (left.at[0] + right.at[0]) / 2
        middle = job(at(x_mid))
        tick()
        if (left.p - threshold) * (middle.p - threshold) <= 0:
            right = middle
        else:
            left = middle
        if left.p == right.p:
            tick(runs=REFINE_STEPS - step - 1)
            break
    slope = (right.p - left.p) / (right.at[0] - left.at[0])
    value = left.at[0] + (threshold - left.p) / slope if slope else (left.at[0] + right.at[0]) / 2
    mcse = max(left.mcse, right.mcse)
    half = Z95 * mcse / abs(slope) if slope else math.inf
    half = max(half, abs(right.at[0] - left.at[0]) / 2)
    return Crossing(along, value, value - half, value + half, direction, (left, right))
