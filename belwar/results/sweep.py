"""A sweep: the target probability across a range of one input (a curve) or two (a grid), and
where it crosses a threshold. :mod:`belwar.run.sweeps` computes it.

Printed as JSON (``"format": "belwar-sweep", "version": 1``)::

    {"format": "belwar-sweep", "version": 1, "scenario_id", "target", "month", "samples", "seed",
     "axes": [{"path", "driver", "values"}, ...],
     "threshold": p or null,
     "crossings": [{"along", "value", "low", "high", "direction"}, ...],
     "records": [{<each axis path>: value, "p", "mcse"}, ...],     # grid order
     "history": {"id", "fingerprint", "through", "given",          # only when conditioned (see
                 "ess_min", "pareto_k_max"}}                       # belwar.results.conditions)

A conditioned sweep's records also give each point's ``ess`` and ``pareto_k``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from belwar.optional import require
from belwar.results import jsonio
from belwar.results.conditions import Conditions, Weights
from belwar.results.display import Display, share, short_repr


@dataclass(frozen=True)
class Axis:
    """One varied input: the override path, the driver it pins (if any) and the grid values.
    A driver's axis also knows the 5th and 95th percentiles of the driver in the scenario swept
    (``spread``), to say where a value sits in the assumption's own distribution."""

    path: str
    values: tuple[float, ...]
    driver: str | None = None
    spread: tuple[float, float] | None = None

    @property
    def override(self) -> str:
        """The key path each value is written to."""
        return f"drivers.{self.driver}.dist" if self.driver else self.path


@dataclass(frozen=True, kw_only=True)
class Point:
    """The target probability at one grid point (``at`` has one value per axis)."""

    at: tuple[float, ...]
    p: float
    mcse: float
    weights: Weights | None = None  # given a history or --given: what the point's weights say


@dataclass(frozen=True)
class Crossing:
    """Where the curve along the first axis crosses the threshold, for one value of the second
    axis (``along`` is ``None`` on a curve). ``value`` is ``None`` when it does not cross.
    ``low`` and ``high`` bound it by the Monte Carlo error alone (95%); ``bracket`` holds the
    two runs the value is interpolated between (a chart draws the curve through them, so the
    crossing sits where the drawn curve meets the threshold); ``percentile`` is the share of
    the scenario's own distribution of the first axis' driver below the value (``None`` for an
    axis that is no driver)."""

    along: float | None
    value: float | None
    low: float | None = None
    high: float | None = None
    direction: str = ""  # "up" or "down" as the first axis grows
    bracket: tuple[Point, Point] | None = None
    percentile: float | None = None

    @property
    def found(self) -> bool:
        """Whether the threshold is crossed within the range."""
        return self.value is not None

    def __repr__(self) -> str:
        where = "" if self.along is None else f" where the second axis is {self.along:.4g}"
        if self.value is None:
            return f"<belwar.Crossing: not crossed within the range{where}>"
        interval = (
            f" (95% Monte Carlo: {self.low:.4g} to {self.high:.4g})"
            if self.low is not None and self.high is not None
            else ""
        )
        going = f", going {self.direction}" if self.direction else ""
        return f"<belwar.Crossing at {self.value:.4g}{interval}{going}{where}>"


@dataclass(frozen=True)
class Sweep(Display):
    """A sweep's points in grid order (the last axis varies fastest) and its crossings."""

    scenario_id: str
    target: str
    month: int
    axes: tuple[Axis, ...]
    points: tuple[Point, ...]
    samples: int
    seed: int
    threshold: float | None = None
    crossings: tuple[Crossing, ...] = ()
    conditions: Conditions | None = None  # given a history or --given: what every point was

    @property
    def weights(self) -> Weights | None:
        """The weights of the least reliable point (smallest ESS, largest ``k``, as one
        record), or ``None`` when the points are not conditioned."""
        found = [p.weights for p in self.points if p.weights is not None]
        if not found:
            return None
        return Weights(
            ess=min(w.ess for w in found),
            pareto_k=max(w.pareto_k for w in found),
            samples=self.samples,
        )

    def records(self) -> list[dict[str, Any]]:
        """One record per point: each axis value by its path, then ``p`` and ``mcse`` (and,
        conditioned, the point's ``ess`` and ``pareto_k``)."""
        return [
            {
                **{axis.path: v for axis, v in zip(self.axes, point.at, strict=True)},
                "p": point.p,
                "mcse": point.mcse,
                **({} if point.weights is None else point.weights.to_dict()),
            }
            for point in self.points
        ]

    def _history(self) -> dict[str, Any]:
        if self.conditions is None:
            return {}
        worst = self.weights
        diagnosed = {} if worst is None else {"ess_min": worst.ess, "pareto_k_max": worst.pareto_k}
        return {"history": {**self.conditions.to_dict(), **diagnosed}}

    def crossing_records(self) -> list[dict[str, Any]]:
        """One record per crossing: the second axis' value by its path (on a grid), then
        ``value``, ``low``, ``high`` (the 95% Monte Carlo interval) and ``direction``."""
        along = self.axes[1].path if len(self.axes) == 2 else None
        return [
            {
                **({along: c.along} if along is not None else {}),
                "value": c.value,
                "low": c.low,
                "high": c.high,
                "direction": c.direction,
            }
            for c in self.crossings
        ]

    def crossings_frame(self) -> Any:
        """:meth:`crossing_records` as a pandas DataFrame (pandas is an optional extra)."""
        columns = [*(a.path for a in self.axes[1:]), "value", "low", "high", "direction"]
        pd = require("pandas", extra="notebook")
        return pd.DataFrame.from_records(self.crossing_records(), columns=columns)

    def __repr__(self) -> str:
        over = " x ".join(f"{a.path} ({len(a.values)} values)" for a in self.axes)
        head = f"{self.scenario_id}: P({self.target} by month {self.month})"
        lines = [
            f"over {over}",
            f"{len(self.points)} points, {self.samples:,} samples, seed {self.seed}",
        ]
        if self.threshold is not None:
            found = [c for c in self.crossings if c.found]
            lines.append(
                f"threshold {share(self.threshold)}: crossed on {len(found)} of "
                f"{len(self.crossings)} curve(s)"
            )
            lines += [repr(c) for c in self.crossings[:3]]
            if len(self.crossings) > 3:
                lines.append(f"... and {len(self.crossings) - 3} more (crossings_frame())")
        return short_repr("Sweep", head, *lines)

    def to_dict(self) -> dict[str, Any]:
        """The sweep's settings, axes, crossings and points (see the module docs)."""
        return jsonio.envelope(
            "sweep",
            {
                "scenario_id": self.scenario_id,
                "target": self.target,
                "month": self.month,
                "samples": self.samples,
                "seed": self.seed,
                "axes": [
                    {"path": a.path, "driver": a.driver, "values": list(a.values)}
                    for a in self.axes
                ],
                "threshold": self.threshold,
                "crossings": [
                    {
                        "along": c.along,
                        "value": c.value,
                        "low": c.low,
                        "high": c.high,
                        "direction": c.direction,
                    }
                    for c in self.crossings
                ],
                "records": self.records(),
                **self._history(),
            },
        )
