"""The history format, version 1: what happened after a scenario's ``as_of`` date, as pydantic
models, and the rules a history obeys on its own (dates inside ``since..through``, observations
that agree with each other). The rules against a scenario (names, the ladder's order, drivers'
ranges) are :mod:`belwar.spec.history_check`'s; reading files is
:mod:`belwar.spec.history_loader`'s.

A history observes months ``1..T`` of a scenario made as of ``since`` (see
:mod:`belwar.core.calendar`): ``T`` is the number of whole months from ``since`` to
``through``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Annotated, Any, Union

from pydantic import Discriminator, Field, Tag

from belwar.core.calendar import month_of, whole_months
from belwar.spec.dists import TAG_PREFIX
from belwar.spec.dists import FrozenModel as _Model
from belwar.spec.scenario import Evidence, Name, Note

HISTORY_FORMAT = 1
HistoryId = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=64,
        description="The history's name in snake_case.",
    ),
]
MAX_ONSETS = 1_000
MAX_READINGS = 1_000


class RungSeen(_Model):
    """When a rung was first reached: a date, or null for not reached through `through`."""

    reached: date | None = Field(description="First reached in this date's month; null: not yet.")
    evidence: Evidence = ()
    note: Note = ""


class EventSeen(_Model):
    """An event observed through `through`: the dates it began (none: it never occurred)."""

    onsets: tuple[date, ...] = Field(max_length=MAX_ONSETS)
    evidence: Evidence = ()
    note: Note = ""


class Reading(_Model):
    """A noisy reading of a driver's value: normal with standard deviation `sd`."""

    date: date
    value: float
    sd: Annotated[float, Field(gt=0)]
    evidence: Evidence = ()
    note: Note = ""


class Count(_Model):
    """A binomial reading of a driver that is a share: `successes` of `trials`."""

    date: date
    successes: Annotated[int, Field(ge=0)]
    trials: Annotated[int, Field(ge=1, le=10_000_000)]
    evidence: Evidence = ()
    note: Note = ""


def _reading_tag(value: Any) -> str:
    # a count names its successes or trials; anything else is read as a value with its sd
    # (the tags carry the union-tag prefix, so placed errors skip them as they skip dist forms)
    keys = value if isinstance(value, dict) else vars(value)
    return TAG_PREFIX + ("count" if {"successes", "trials"} & set(keys) else "reading")


Measurement = Annotated[
    Union[  # noqa: UP007 (Tag needs each member spelled out)
        Annotated[Reading, Tag(TAG_PREFIX + "reading")],
        Annotated[Count, Tag(TAG_PREFIX + "count")],
    ],
    Discriminator(_reading_tag),
    Field(description="`{date, value, sd}` or `{date, successes, trials}`."),
]


class History(_Model):
    """An observed history, format version 1."""

    id: HistoryId
    title: str
    since: date = Field(description="Equal to the as_of of every scenario conditioned on it.")
    through: date = Field(description="Observations run to here; forecasts start here.")
    ladder: dict[Name, RungSeen] = Field(default_factory=dict)
    events: dict[Name, EventSeen] = Field(default_factory=dict)
    measurements: dict[Name, tuple[Measurement, ...]] = Field(default_factory=dict)
    indicators: dict[Name, EventSeen] = Field(
        default_factory=dict,
        description="Indicators watched through `through`: the dates each was seen (none: never).",
    )
    evidence: Evidence = ()
    note: Note = ""

    @property
    def months(self) -> int:
        """``T``, the whole months observed from ``since`` to ``through``."""
        return whole_months(self.since, self.through)

    def month(self, day: date) -> int:
        """The month (1..T) ``day`` falls in."""
        return month_of(day, self.since)

    def fingerprint(self) -> str:
        """SHA-256 of the history in canonical JSON (first 16 hex digits)."""
        data = self.model_dump(mode="json", exclude=self.unset_sections())
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def unset_sections(self) -> set[str]:
        """Sections added after format 1 shipped and left empty: out of the fingerprint and the
        saved data, so a history without them keeps the fingerprint it always had."""
        return set() if self.indicators else {"indicators"}

    def is_empty(self) -> bool:
        """Whether nothing is observed: then conditioning on it changes nothing."""
        return self.months == 0 and not (
            self.ladder or self.events or self.measurements or self.indicators
        )

    def citations(self) -> list[tuple[str, str]]:
        """Every ``(key, citation)`` the history makes, in file order."""
        found = [("evidence", ref) for ref in self.evidence]
        for rung, seen in self.ladder.items():
            found += [(f"ladder.{rung}.evidence", ref) for ref in seen.evidence]
        for event, observed in self.events.items():
            found += [(f"events.{event}.evidence", ref) for ref in observed.evidence]
        for driver, readings in self.measurements.items():
            for i, reading in enumerate(readings):
                key = f"measurements.{driver}[{i}].evidence"
                found += [(key, ref) for ref in reading.evidence]
        for name, watched in self.indicators.items():
            found += [(f"indicators.{name}.evidence", ref) for ref in watched.evidence]
        return found


def rules(history: History) -> list[tuple[str, str]]:
    """``(key, message)`` for every way the history disagrees with itself."""
    found: list[tuple[str, str]] = []
    since, through = history.since.isoformat(), history.through.isoformat()
    if history.through < history.since:
        return [("through", f"{through} is before since ({since})")]
    window = f"the observed window {since} (exclusive) to {through}"
    last = history.months
    last_day = history.through

    def check_date(key: str, day: date) -> int | None:
        if not history.since < day <= last_day:
            found.append((key, f"{day.isoformat()} lies outside {window}"))
            return None
        month = history.month(day)
        if month > last:
            found.append(
                (
                    key,
                    f"{day.isoformat()} falls in month {month}, after the last whole month "
                    f"observed ({last}, ending on or before {through})",
                )
            )
            return None
        return month

    for rung, seen in history.ladder.items():
        if seen.reached is not None:
            check_date(f"ladder.{rung}.reached", seen.reached)
    watched = [("events", history.events), ("indicators", history.indicators)]
    for section, onsets in watched:
        for event, observed in onsets.items():
            first: dict[int, int] = {}
            for i, day in enumerate(observed.onsets):
                month = check_date(f"{section}.{event}.onsets[{i}]", day)
                if month is None:
                    continue
                if month in first:
                    what = "an event begins" if section == "events" else "an indicator is seen"
                    found.append(
                        (
                            f"{section}.{event}.onsets[{i}]",
                            f"{day.isoformat()} is in month {month}, like onsets[{first[month]}]: "
                            f"{what} at most once a month",
                        )
                    )
                first.setdefault(month, i)
    for driver, readings in history.measurements.items():
        for i, reading in enumerate(readings):
            check_date(f"measurements.{driver}[{i}].date", reading.date)
            if isinstance(reading, Count) and reading.successes > reading.trials:
                found.append(
                    (
                        f"measurements.{driver}[{i}].successes",
                        f"{reading.successes} successes of {reading.trials} trials: at most the "
                        "trials",
                    )
                )
    return found


def plain(history: History) -> dict[str, Any]:
    """The history as JSON data (what a result records)."""
    data: dict[str, Any] = history.model_dump(mode="json", exclude=history.unset_sections())
    return data
