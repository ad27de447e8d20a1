"""The scenario format, version 1: pydantic models and the rules that tie their fields together.

This module knows nothing of files, positions, random numbers or the terminal. It turns plain data
(what the YAML loader produced) into a frozen :class:`Scenario`, and :func:`check` lists what is
wrong across fields as ``(key path, message)`` pairs for the loader to place in the file.

Sequences are tuples throughout: a validated scenario is immutable all the way down.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from belwar.core.estimative import BANDS, Term
from belwar.spec.limits import MAX_SAMPLES
from belwar.spec.yamlio import Loc, from_python

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
Interval = tuple[float, float]
Note = Annotated[str, Field(description="Free text: why this number, what it rests on.")]
Evidence = Annotated[
    tuple[Citation, ...],
    Field(description="Facts this number rests on, as `source-id/fact-id` citations."),
]


class _Model(BaseModel):
    model_config = ConfigDict(
        strict=True, extra="forbid", frozen=True, allow_inf_nan=False, str_max_length=10_000
    )


# --- Distributions -------------------------------------------------------------------------------


class Point(_Model):
    """A fixed value (a bare number means the same)."""

    type: Literal["point"]
    value: float


class Uniform(_Model):
    """Every value between `low` and `high` equally likely."""

    type: Literal["uniform"]
    low: float
    high: float

    @field_validator("high")
    @classmethod
    def _above_low(cls, high: float, info: ValidationInfo) -> float:
        low = info.data.get("low")
        if low is not None and not high > low:
            raise ValueError(f"must be above low ({number(low)})")
        return high


def _ordered(ci90: Interval | None) -> Interval | None:
    if ci90 is not None and not ci90[0] < ci90[1]:
        raise ValueError("low must be below high")
    return ci90


class Normal(_Model):
    """A normal distribution, as `mean, sd` or as a 90% interval `ci90: [low, high]`."""

    type: Literal["normal"]
    mean: float | None = None
    sd: Annotated[float, Field(gt=0)] | None = None
    ci90: Interval | None = Field(None, description="5th and 95th percentiles, [low, high].")

    _ci90 = field_validator("ci90")(_ordered)

    @model_validator(mode="after")
    def _one_form(self) -> Normal:
        _one_form_of(self, (("mean", "sd"), ("ci90",)))
        return self


class LogNormal(_Model):
    """A log-normal distribution, as `ci90: [low, high]` or as `median, sigma` (of the log)."""

    type: Literal["lognormal"]
    ci90: Interval | None = Field(None, description="5th and 95th percentiles, [low, high].")
    median: Annotated[float, Field(gt=0)] | None = None
    sigma: Annotated[float, Field(gt=0)] | None = None

    @field_validator("ci90")
    @classmethod
    def _positive(cls, ci90: Interval | None) -> Interval | None:
        if ci90 is not None and ci90[0] <= 0:
            raise ValueError("a log-normal lives above 0: low must be positive")
        return _ordered(ci90)

    @model_validator(mode="after")
    def _one_form(self) -> LogNormal:
        _one_form_of(self, (("ci90",), ("median", "sigma")))
        return self


class Beta(_Model):
    """A beta distribution on [0, 1], as `alpha, beta`, as `mean, sd`, or as `ci90: [low, high]`.

    The `ci90` form is fitted so that the 5th and 95th percentiles fall on the bounds.
    """

    type: Literal["beta"]
    alpha: Annotated[float, Field(gt=0)] | None = None
    beta: Annotated[float, Field(gt=0)] | None = None
    mean: Annotated[float, Field(gt=0, lt=1)] | None = None
    sd: Annotated[float, Field(gt=0)] | None = None
    ci90: Interval | None = Field(None, description="5th and 95th percentiles, [low, high].")

    @field_validator("ci90")
    @classmethod
    def _inside_unit(cls, ci90: Interval | None) -> Interval | None:
        if ci90 is not None and not (ci90[0] > 0 and ci90[1] < 1):
            raise ValueError("a beta lives on [0, 1]: both bounds must lie strictly inside it")
        return _ordered(ci90)

    @model_validator(mode="after")
    def _one_form(self) -> Beta:
        _one_form_of(self, (("alpha", "beta"), ("mean", "sd"), ("ci90",)))
        if self.mean is not None and self.sd is not None:
            limit = (self.mean * (1 - self.mean)) ** 0.5
            if self.sd >= limit:
                raise ValueError(
                    f"sd {number(self.sd)} is too large for a beta with mean {number(self.mean)}: "
                    f"it must be below {limit:.4g}"
                )
            # alpha + beta = mean (1 - mean) / sd^2 - 1: beyond floats, there is no beta to fit
            variance = self.sd * self.sd
            if variance == 0 or not math.isfinite(self.mean * (1 - self.mean) / variance):
                raise ValueError(
                    f"sd {number(self.sd)} is too small to fit a beta (its alpha and beta would "
                    "be infinite); for a fixed value write the number itself"
                )
        return self


class _ThreePoint(_Model):
    min: float
    mode: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> _ThreePoint:
        if not self.min < self.max:
            raise ValueError(f"min ({number(self.min)}) must be below max ({number(self.max)})")
        if not self.min <= self.mode <= self.max:
            raise ValueError(f"mode ({number(self.mode)}) must lie between min and max")
        return self


class Pert(_ThreePoint):
    """A PERT distribution (a scaled beta, lambda 4) from `min, mode, max`."""

    type: Literal["pert"]


class Triangular(_ThreePoint):
    """A triangular distribution from `min, mode, max`."""

    type: Literal["triangular"]


class Estimative(_Model):
    """An ICD-203 word: a beta whose 90% interval is the word's band."""

    type: Literal["estimative"]
    term: Term = Field(
        description="One of: " + ", ".join(f"{t} ({lo:g}-{hi:g})" for t, (lo, hi) in BANDS.items())
    )


DistModel = Point | Uniform | Normal | LogNormal | Beta | Pert | Triangular | Estimative
DIST_TYPES: dict[str, type[DistModel]] = {
    "point": Point,
    "uniform": Uniform,
    "normal": Normal,
    "lognormal": LogNormal,
    "beta": Beta,
    "pert": Pert,
    "triangular": Triangular,
    "estimative": Estimative,
}
# Union tags show in error locations; the prefix keeps them apart from field names ("beta").
TAG_PREFIX = "dist:"
UNKNOWN_TYPE = "dist:?"


def _one_form_of(model: BaseModel, forms: tuple[tuple[str, ...], ...]) -> None:
    given = {
        name
        for name in model.model_fields_set
        if name != "type" and getattr(model, name) is not None
    }
    for form in forms:
        if given == set(form):
            return
    choices = " or ".join("`" + ", ".join(form) + "`" for form in forms)
    raise ValueError(
        f"give exactly one of {choices}; got `{', '.join(sorted(given)) or 'nothing'}`"
    )


def _number_is_point(value: Any) -> Any:
    # A bare number is a point value; bools are not numbers here (strict types).
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"type": "point", "value": value}
    return value


def _dist_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return f"dist:{kind}" if isinstance(kind, str) and kind in DIST_TYPES else UNKNOWN_TYPE


Dist = Annotated[
    Union[  # noqa: UP007 (Tag needs each member spelled out)
        Annotated[Point, Tag("dist:point")],
        Annotated[Uniform, Tag("dist:uniform")],
        Annotated[Normal, Tag("dist:normal")],
        Annotated[LogNormal, Tag("dist:lognormal")],
        Annotated[Beta, Tag("dist:beta")],
        Annotated[Pert, Tag("dist:pert")],
        Annotated[Triangular, Tag("dist:triangular")],
        Annotated[Estimative, Tag("dist:estimative")],
    ],
    Discriminator(_dist_tag),
    BeforeValidator(_number_is_point, json_schema_input_type=float | DistModel),
    Field(description="A distribution `{type: ..., ...}`, or a bare number for a point value."),
]


# --- The scenario --------------------------------------------------------------------------------


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


class Driver(_Model):
    """A named uncertain quantity, drawn once per sample and held for the horizon."""

    label: str
    unit: str = ""
    range: Interval | None = Field(
        None, description="Valid values [low, high]; a wider distribution is truncated to it."
    )
    reference: float | None = Field(
        None, description="The value at which the base hazards are stated (absolute)."
    )
    dist: Dist
    evidence: Evidence = ()
    note: Note = ""

    _range = field_validator("range")(_ordered)


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
        None, description="A parent scenario file (relative path) this one deep-merges over."
    )
    simulation: Simulation = Field(default_factory=Simulation)
    ladder: Ladder
    drivers: dict[Name, Driver] = Field(default_factory=dict)
    correlations: tuple[Correlation, ...] = ()
    events: dict[Name, Event] = Field(default_factory=dict)
    hazards: dict[Name, Hazard] = Field(default_factory=dict)
    momentum: Momentum | None = None

    def fingerprint(self) -> str:
        """SHA-256 of the fully resolved scenario in canonical JSON (first 16 hex digits)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def resolved(self) -> dict[str, Any]:
        """The fully resolved scenario as JSON data: what a result records and a diff compares."""
        data: dict[str, Any] = self.model_dump(mode="json", exclude_none=True)
        return data

    def to_data(self) -> dict[str, Any]:
        """The scenario as plain data (what a file would hold), defaults filled in."""
        data: dict[str, Any] = self.model_dump(mode="python", exclude_none=True)
        data.pop("extends", None)
        return data

    def with_overrides(
        self, overrides: Any, *, register: Any = None, check_citations: bool = True
    ) -> Scenario:
        """A new scenario with dotted-path ``overrides`` applied (``{"simulation.samples":
        5000}`` or ``["drivers.x.dist.mode=0.7"]``), validated exactly like a file; citations
        are checked against ``register`` (default: the nearest one) unless told not to."""
        from belwar.spec.loader import (  # noqa: PLC0415 - cycle (loader)
            apply_overrides,
            validate_scenario,
        )

        root = apply_overrides(from_python(self.to_data(), Loc(f"<scenario {self.id}>")), overrides)
        return validate_scenario(root, register=register, check_citations=check_citations)

    def citations(self) -> Iterator[tuple[str, str]]:
        """Every ``(key path, citation)`` in the scenario."""

        def walk(prefix: str, model: BaseModel) -> Iterator[tuple[str, str]]:
            for i, ref in enumerate(getattr(model, "evidence", ())):
                yield f"{prefix}.evidence[{i}]", ref

        for name, driver in self.drivers.items():
            yield from walk(f"drivers.{name}", driver)
        for name, event in self.events.items():
            yield from walk(f"events.{name}", event)
        for rung, hazard in self.hazards.items():
            yield from walk(f"hazards.{rung}", hazard)
            for name, ratio in hazard.odds_ratios.items():
                yield from walk(f"hazards.{rung}.odds_ratios.{name}", ratio)
        if self.momentum is not None:
            yield from walk("momentum", self.momentum)


# --- Rules across fields -------------------------------------------------------------------------

Support = tuple[float, float]
_INF = float("inf")


def support(dist: DistModel) -> Support:
    """The closed hull of a distribution's support, from its parameters alone."""
    match dist:
        case Point(value=v):
            return (v, v)
        case Uniform(low=lo, high=hi):
            return (lo, hi)
        case Normal():
            return (-_INF, _INF)
        case LogNormal():
            return (0.0, _INF)
        case Beta() | Estimative():
            return (0.0, 1.0)
        case Pert(min=lo, max=hi) | Triangular(min=lo, max=hi):
            return (lo, hi)
    raise TypeError(dist)  # pragma: no cover - the union is closed


def suggest(name: str, choices: Any) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices``, or ``""``."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def number(value: float) -> str:
    """A number for a message, as a person would write it: every digit it holds (``1.0000001``,
    not ``1``), whole numbers without ``.0``, very long integers cut short with their length."""
    if isinstance(value, int):
        if value.bit_length() > 14_000:  # beyond the digits Python will print
            return f"a number of about {int(value.bit_length() * 0.30103):,} digits"
        text = str(value)
        digits = len(text.lstrip("-"))
        return text if digits <= 24 else f"{text[:12]}…{text[-6:]} ({digits:,} digits)"
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _listing(choices: Any) -> str:
    names = list(choices)
    return ", ".join(names) if names else "none are defined"


Found = list[tuple[str, str]]


def check(scenario: Scenario) -> Found:
    """Rules that span fields, as ``(key path, message)`` pairs; empty when the scenario holds.

    Numeric rules that need the distributions themselves (mass inside a driver's range, a
    positive definite correlation matrix) are checked where the model is compiled.
    """
    problems = _check_ladder(scenario.ladder)
    if problems and problems[-1][0] == "ladder.start":
        return problems  # every later rule needs to know where the ladder starts
    problems += _check_names(scenario)
    problems += _check_hazards(scenario)
    problems += _check_correlations(scenario)
    problems += _check_simulation(scenario.simulation)
    return problems


def _check_ladder(ladder: Ladder) -> Found:
    problems: Found = []
    ids = [r.id for r in ladder.rungs]
    for i, rung in enumerate(ladder.rungs):
        first = ids.index(rung.id)
        if first != i:
            problems.append(
                (
                    f"ladder.rungs[{i}].id",
                    f"duplicate rung id '{rung.id}' (first at rungs[{first}])",
                )
            )
    start = ladder.start_id
    if start not in ids:
        message = f"unknown rung '{start}'{suggest(start, ids)} (rungs: {_listing(ids)})"
        problems.append(("ladder.start", message))
    elif start == ids[-1]:
        problems.append(
            ("ladder.start", f"'{start}' is the top rung: there is nothing to climb to")
        )
    return problems


def _check_names(scenario: Scenario) -> Found:
    problems: Found = [
        (f"events.{name}", f"'{name}' is also a driver: drivers and events need different names")
        for name in sorted(set(scenario.drivers) & set(scenario.events))
    ]
    for name, driver in scenario.drivers.items():
        if driver.range is not None and driver.reference is not None:
            lo, hi = driver.range
            if not lo <= driver.reference <= hi:
                shown = f"[{number(lo)}, {number(hi)}]"
                message = f"{number(driver.reference)} lies outside the range {shown}"
                problems.append((f"drivers.{name}.reference", message))
    for name, event in scenario.events.items():
        problems += within_unit(f"events.{name}.monthly", event.monthly, "a monthly probability")
    if scenario.momentum is not None:
        problems += positive("momentum.dist", scenario.momentum.dist, "momentum")
    return problems


def _check_hazards(scenario: Scenario) -> Found:
    problems: Found = []
    ids = [r.id for r in scenario.ladder.rungs]
    start = scenario.ladder.start_id
    above = ids[ids.index(start) + 1 :]
    drivers, events = scenario.drivers, scenario.events
    known = [*drivers, *events]
    for rung, hazard in scenario.hazards.items():
        where = f"hazards.{rung}"
        if rung not in ids:
            hint = suggest(rung, above)
            problems.append(
                (where, f"unknown rung '{rung}'{hint} (rungs above the start: {_listing(above)})")
            )
        elif rung not in above:
            problems.append(
                (where, f"'{rung}' is not above the start rung '{start}': it cannot be climbed to")
            )
        problems += within_unit(f"{where}.base", hazard.base, "a monthly hazard")
        for name, ratio in hazard.odds_ratios.items():
            at = f"{where}.odds_ratios.{name}"
            problems += positive(f"{at}.dist", ratio.dist, "an odds ratio")
            if name in drivers:
                driver = drivers[name]
                if ratio.per is None:
                    step = driver.unit or "its units"
                    problems.append(
                        (at, f"an odds ratio on driver '{name}' needs `per`: the step in {step}")
                    )
                if driver.reference is None:
                    problems.append(
                        (at, f"driver '{name}' has no `reference` for its odds ratio to count from")
                    )
            elif name in events:
                if ratio.per is not None:
                    problems.append(
                        (
                            f"{at}.per",
                            f"'{name}' is an event: its odds ratio applies while it is active, "
                            "without `per`",
                        )
                    )
            else:
                problems.append(
                    (
                        at,
                        f"unknown driver or event '{name}'{suggest(name, known)} "
                        f"(defined: {_listing(known)})",
                    )
                )
    return problems


def _check_correlations(scenario: Scenario) -> Found:
    problems: Found = []
    drivers = scenario.drivers
    pairs: dict[frozenset[str], int] = {}
    for i, corr in enumerate(scenario.correlations):
        a, b = corr.between
        for j, name in enumerate((a, b)):
            if name not in drivers:
                problems.append(
                    (
                        f"correlations[{i}].between[{j}]",
                        f"unknown driver '{name}'{suggest(name, drivers)} "
                        f"(drivers: {_listing(drivers)})",
                    )
                )
        if a == b:
            problems.append(
                (f"correlations[{i}].between", f"a driver cannot be correlated with itself ('{a}')")
            )
        key = frozenset((a, b))
        if key in pairs:
            problems.append(
                (
                    f"correlations[{i}]",
                    f"the pair {a}, {b} is already correlated at correlations[{pairs[key]}]",
                )
            )
        pairs.setdefault(key, i)
    return problems


def _check_simulation(sim: Simulation) -> Found:
    problems: Found = []
    if sim.report_months == ():
        message = "list at least one month, or leave report_months out for the default months"
        problems.append(("simulation.report_months", message))
    for i, month in enumerate(sim.report_months or ()):
        at = f"simulation.report_months[{i}]"
        if month > sim.horizon_months:
            problems.append(
                (at, f"month {month} is beyond the horizon ({sim.horizon_months} months)")
            )
        if month in (sim.report_months or ())[:i]:
            problems.append((at, f"month {month} is listed twice"))
    return problems


def within_unit(path: str, dist: DistModel, what: str) -> Found:
    lo, hi = support(dist)
    if lo < 0 or hi > 1:
        reach = f"[{number(lo)}, {number(hi)}]"
        return [(path, f"{what} must lie on [0, 1], but this {dist.type} reaches {reach}")]
    return []


def positive(path: str, dist: DistModel, what: str) -> Found:
    lo, _ = support(dist)
    if lo < 0 or (lo == 0 and isinstance(dist, Point | Uniform | Pert | Triangular)):
        return [(path, f"{what} must be positive, but this {dist.type} reaches {number(lo)}")]
    return []
