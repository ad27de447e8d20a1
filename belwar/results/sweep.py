"""A sweep: the target probability across a range of one input (a curve) or two (a grid), and
where it crosses a threshold. :mod:`belwar.run.sweeps` computes it.

Printed as JSON (``"format": "belwar-sweep", "version": 1``)::

    {"format": "belwar-sweep", "version": 1, "scenario_id", "target", "month", "samples", "seed",
     "axes": [{"path", "driver", "values"}, ...],
     "threshold": p or null,
     "crossings": [{"along", "value", "low", "high", "direction"}, ...],
     "records": [{<each axis path>: value, "p", "mcse"}, ...]}     # grid order
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from belwar.results import jsonio
from belwar.results.display import Display


@dataclass(frozen=True)
class Axis:
    """One varied input: the override path, the driver it pins (if any) and the grid values."""

    path: str
    values: tuple[float, ...]
    driver: str | None = None

    @property
    def override(self) -> str:
        """The key path each value is written to."""
        return f"drivers.{self.driver}.dist" if self.driver else self.path


@dataclass(frozen=True)
class Point:
    """The target probability at one grid point (``at`` has one value per axis)."""

    at: tuple[float, ...]
    p: float
    mcse: float


@dataclass(frozen=True)
class Crossing:
    """Where the curve along the first axis crosses the threshold, for one value of the second
    axis (``along`` is ``None`` on a curve). ``value`` is ``None`` when it does not cross."""

    along: float | None
    value: float | None
    low: float | None = None
    high: float | None = None
    direction: str = ""  # "up" or "down" as the first axis grows

    @property
    def found(self) -> bool:
        """Whether the threshold is crossed within the range."""
        return self.value is not None


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
    history: dict[str, str] | None = None  # given a history: its id, fingerprint and through

    def records(self) -> list[dict[str, Any]]:
        """One record per point: each axis value by its path, then ``p`` and ``mcse``."""
        return [
            {
                **{axis.path: v for axis, v in zip(self.axes, point.at, strict=True)},
                "p": point.p,
                "mcse": point.mcse,
            }
            for point in self.points
        ]

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
                "crossings": [asdict(c) for c in self.crossings],
                "records": self.records(),
                **({"history": self.history} if self.history is not None else {}),
            },
        )
