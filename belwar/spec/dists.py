"""The distribution forms of the scenario format: one pydantic model per ``type``, the tagged
union :data:`Dist` that reads them (a bare number is a point), and each form's support.

Their translation into the numeric core's plain distributions is :mod:`belwar.spec.compile`.
"""

from __future__ import annotations

import math
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
from belwar.spec.words import number

Interval = tuple[float, float]


class FrozenModel(BaseModel):
    """Strict, closed and frozen: every model of a file a person writes."""

    model_config = ConfigDict(
        strict=True, extra="forbid", frozen=True, allow_inf_nan=False, str_max_length=10_000
    )


# --- Distributions -------------------------------------------------------------------------------


class Point(FrozenModel):
    """A fixed value (a bare number means the same)."""

    type: Literal["point"]
    value: float


class Uniform(FrozenModel):
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


def ordered(ci90: Interval | None) -> Interval | None:
    """``ci90`` (or a range), refused unless low is below high."""
    if ci90 is not None and not ci90[0] < ci90[1]:
        raise ValueError("low must be below high")
    return ci90


class Normal(FrozenModel):
    """A normal distribution, as `mean, sd` or as a 90% interval `ci90: [low, high]`."""

    type: Literal["normal"]
    mean: float | None = None
    sd: Annotated[float, Field(gt=0)] | None = None
    ci90: Interval | None = Field(None, description="5th and 95th percentiles, [low, high].")

    _ci90 = field_validator("ci90")(ordered)

    @model_validator(mode="after")
    def _one_form(self) -> Normal:
        _one_form_of(self, (("mean", "sd"), ("ci90",)))
        return self


class LogNormal(FrozenModel):
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
        return ordered(ci90)

    @model_validator(mode="after")
    def _one_form(self) -> LogNormal:
        _one_form_of(self, (("ci90",), ("median", "sigma")))
        return self


class Beta(FrozenModel):
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
        return ordered(ci90)

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


class _ThreePoint(FrozenModel):
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


class Estimative(FrozenModel):
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
