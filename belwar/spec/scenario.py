"""The scenario format, version 1: the pydantic models of a scenario file.

This module knows nothing of files, positions, random numbers or the terminal. It turns plain data
(what the YAML loader produced) into a frozen :class:`Scenario`; the distribution forms are
:mod:`belwar.spec.dists`, the rules across fields :mod:`belwar.spec.rules`, and
:mod:`belwar.spec.entries` walks a scenario's random inputs.

Sequences are tuples throughout: a validated scenario is immutable all the way down.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, field_validator

from belwar.spec.dists import (
    DIST_TYPES,
    TAG_PREFIX,
    Beta,
    Dist,
    DistModel,
    Estimative,
    Interval,
    LogNormal,
    Normal,
    Pert,
    Point,
    Triangular,
    Uniform,
    ordered,
)
from belwar.spec.dists import FrozenModel as _Model
from belwar.spec.limits import MAX_SAMPLES
from belwar.spec.located import Loc, from_python
from belwar.spec.overrides import apply_overrides
from belwar.spec.words import number, suggest

__all__ = [  # the distribution forms and message words are imported from here too
    "DIST_TYPES",
    "TAG_PREFIX",
    "Beta",
    "Correlation",
    "Dist",
    "DistModel",
    "Driver",
    "Estimative",
    "Event",
    "Hazard",
    "Indicator",
    "Interval",
    "Ladder",
    "LogNormal",
    "Momentum",
    "Normal",
    "OddsRatio",
    "Pert",
    "Point",
    "Process",
    "Rung",
    "Scenario",
    "Simulation",
    "Triangular",
    "Uniform",
    "number",
    "suggest",
]

Name = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=64,
        description="A name in snake_case: lower-case letters, digits and underscores.",
    ),
]
Citation = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$",
        description="A fact in the evidence register, as `source-id/fact-id`.",
    ),
]
Note = Annotated[str, Field(description="Free text: why this number, what it rests on.")]
Evidence = Annotated[
    tuple[Citation, ...],
    Field(description="Facts this number rests on, as `source-id/fact-id` citations."),
]


# --- The scenario --------------------------------------------------------------------------------

# How a tree of values becomes a checked Scenario, with every rule a file gets: the loader's
# validate_scenario. The loader builds on this module, so it registers itself here when it is
# imported (the package belwar.spec imports it first) rather than being imported back.
_validators: dict[str, Callable[..., Scenario]] = {}


def register_validator(validate: Callable[..., Scenario]) -> None:
    """Make ``validate`` (the loader's ``validate_scenario``) what :meth:`Scenario.with_overrides`
    checks a derived scenario with."""
    _validators["scenario"] = validate


class Simulation(_Model):
    """How the scenario is run."""

    samples: Annotated[int, Field(ge=1, le=MAX_SAMPLES)] = Field(
        100_000, description="Monte Carlo samples."
    )
    seed: Annotated[int, Field(ge=0, lt=2**63)] = Field(0, description="Seed of every stream.")
    horizon_months: Annotated[int, Field(ge=1, le=240)] = Field(12, description="Months simulated.")
    report_months: tuple[Annotated[int, Field(ge=1)], ...] | None = Field(
        None, description="Months reported (default: 1, 3, 6, 12, ... up to the horizon)."
    )

    @property
    def months(self) -> tuple[int, ...]:
        """The months to report, ascending; the default adds every year and the horizon."""
        if self.report_months is not None:
            return tuple(sorted(self.report_months))
        steps = {1, 3, 6, *range(12, self.horizon_months + 1, 12), self.horizon_months}
        return tuple(sorted(m for m in steps if m <= self.horizon_months))


class Rung(_Model):
    """One step of the escalation ladder."""

    id: Name
    label: str
    note: Note = ""


class Ladder(_Model):
    """The escalation ladder, lowest rung first."""

    start: Name | None = Field(None, description="The rung in force at month 0 (default: first).")
    rungs: tuple[Rung, ...] = Field(min_length=2, max_length=20)

    @property
    def start_id(self) -> str:
        """The start rung's id."""
        return self.start if self.start is not None else self.rungs[0].id


class Process(_Model):
    """How a driver moves month by month, on the logit scale of its range (the value itself
    when unbounded): a random walk, or an AR(1) that reverts towards the month-0 draw by the
    share `reversion` of the gap each month. Its `dist` gives the value at month 0."""

    type: Literal["random_walk", "ar1"]
    monthly_sd: Dist = Field(description="The sd of each month's step (on the logit scale).")
    reversion: Dist | None = Field(
        None, description="ar1 only: the share of the gap to the month-0 value closed each month."
    )
    evidence: Evidence = ()
    note: Note = ""


class Driver(_Model):
    """A named uncertain quantity, drawn once per sample and held for the horizon unless it
    has a `process`."""

    label: str
    unit: str = ""
    range: Interval | None = Field(
        None, description="Valid values [low, high]; a wider distribution is truncated to it."
    )
    reference: float | None = Field(
        None, description="The value at which the base hazards are stated (absolute)."
    )
    dist: Dist
    process: Process | None = Field(
        None, description="How the driver moves month by month (default: it holds)."
    )
    evidence: Evidence = ()
    note: Note = ""

    _range = field_validator("range")(ordered)


class Event(_Model):
    """A shock that occurs each month with probability `monthly` and lasts `lasts_months`."""

    label: str
    monthly: Dist
    lasts_months: Annotated[int, Field(ge=1, le=240)] = 1
    evidence: Evidence = ()
    note: Note = ""


class OddsRatio(_Model):
    """Multiplies a hazard's odds: per `per` units of a driver above its reference, or while an
    event is active (no `per`)."""

    per: Annotated[float, Field(gt=0)] | None = None
    dist: Dist
    evidence: Evidence = ()
    note: Note = ""


class Hazard(_Model):
    """The monthly hazard of stepping up to a rung."""

    base: Dist
    odds_ratios: dict[Name, OddsRatio] = Field(default_factory=dict)
    evidence: Evidence = ()
    note: Note = ""


STATE_TERM = "state_at_least:"
IndicatorTerm = Annotated[
    str,
    Field(
        pattern=r"^(state_at_least:)?[a-z][a-z0-9_]*$",
        max_length=80,
        description="A driver, an event, or `state_at_least:<rung>` (the state at month's end).",
    ),
]


class Indicator(_Model):
    """Something an analyst can watch for each month: seen with monthly chance `base` when
    every driver is at its reference, no event is active and the ladder is at its start; odds
    ratios on drivers (with `per`), on events, and on `state_at_least:<rung>`. It never moves
    the forecast unless it is observed or conditioned on."""

    label: str
    base: Dist
    odds_ratios: dict[IndicatorTerm, OddsRatio] = Field(default_factory=dict)
    evidence: Evidence = ()
    note: Note = ""


class Momentum(_Model):
    """Multiplies the odds of every climb once the state is above the start."""

    dist: Dist
    evidence: Evidence = ()
    note: Note = ""


class Correlation(_Model):
    """A Spearman rank correlation between two drivers."""

    between: tuple[Name, Name]
    rho: Annotated[float, Field(ge=-1, le=1)]
    note: Note = ""


class Scenario(_Model):
    """A belwar scenario, format version 1."""

    id: Name
    title: str
    as_of: date | None = None
    description: str = ""
    extends: str | None = Field(
        None,
        description="The parent this scenario deep-merges over: a file (a path relative to this "
        "one) or a scenario that ships with belwar, by name (`belwar:baseline.yaml`).",
    )
    simulation: Simulation = Field(default_factory=Simulation)
    ladder: Ladder
    drivers: dict[Name, Driver] = Field(default_factory=dict)
    correlations: tuple[Correlation, ...] = ()
    events: dict[Name, Event] = Field(default_factory=dict)
    hazards: dict[Name, Hazard] = Field(default_factory=dict)
    momentum: Momentum | None = None
    indicators: dict[Name, Indicator] = Field(default_factory=dict)
    # the overrides this scenario was derived with (``with_overrides``): its name, not its data,
    # so fingerprints, stream keys and diffs of assumptions never see them
    _derived: tuple[str, ...] = PrivateAttr(default=())

    @property
    def name(self) -> str:
        """The id, then the overrides it was derived with, if any (``baseline +
        drivers.kremlin_pressure.dist.mode=0.8``): what a result and a diff call the scenario.
        The id itself stays an identifier (it names result files)."""
        return " + ".join((self.id, *self._derived))

    def fingerprint(self) -> str:
        """SHA-256 of the fully resolved scenario in canonical JSON (first 16 hex digits)."""
        data = self.model_dump(mode="json", exclude=self._unset_sections())
        for driver in data["drivers"].values():
            if driver["process"] is None:
                del driver["process"]  # a static driver hashes as it did before processes
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _unset_sections(self) -> set[str]:
        """Sections added after format 1 shipped and left empty: out of the fingerprint and the
        resolved data, so a scenario without them keeps the fingerprint it always had."""
        return set() if self.indicators else {"indicators"}

    def resolved(self) -> dict[str, Any]:
        """The fully resolved scenario as JSON data: what a result records and a diff compares."""
        data: dict[str, Any] = self.model_dump(
            mode="json", exclude_none=True, exclude=self._unset_sections()
        )
        return data

    def to_data(self) -> dict[str, Any]:
        """The scenario as plain data (what a file would hold), defaults filled in."""
        data: dict[str, Any] = self.model_dump(mode="python", exclude_none=True)
        data.pop("extends", None)
        return data

    def __repr__(self) -> str:
        """A few lines (pydantic's own repr of a whole scenario runs to kilobytes)."""
        sim = self.simulation
        parts = [
            f"{len(self.drivers)} drivers",
            f"{len(self.events)} events",
            f"{len(self.hazards)} hazards",
            f"{len(self.correlations)} correlations",
        ]
        return (
            f"<belwar.Scenario {self.name}: {self.title!r}\n  {', '.join(parts)}\n  "
            f"{sim.samples:,} samples, seed {sim.seed}, horizon {sim.horizon_months} months>"
        )

    def __str__(self) -> str:
        return repr(self)

    def with_overrides(
        self, overrides: Any, *, register: Any = None, check_citations: bool = True
    ) -> Scenario:
        """A new scenario with dotted-path ``overrides`` applied (``{"simulation.samples":
        5000}`` or ``["drivers.x.dist.mode=0.7"]``), validated exactly like a file; citations
        are checked against ``register`` (default: the nearest one) unless told not to."""
        validate_scenario = _validators["scenario"]
        root = apply_overrides(from_python(self.to_data(), Loc(f"<scenario {self.id}>")), overrides)
        derived = validate_scenario(root, register=register, check_citations=check_citations)
        derived._derived = (*self._derived, *_override_names(overrides))
        return derived


def _override_names(overrides: Any) -> tuple[str, ...]:
    """Each override as ``PATH=VALUE`` text, as a person would type it on the command line."""
    if isinstance(overrides, dict):
        return tuple(
            f"{key}={json.dumps(value, ensure_ascii=False, default=str)}"
            for key, value in overrides.items()
        )
    return tuple(str(text).strip() for text in overrides)
