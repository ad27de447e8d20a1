"""A scenario's random inputs, walked once.

Citations, the numeric checks, compilation and the report's list of assumptions each need every
driver, event, hazard, odds ratio and the momentum of a scenario, with its key path, its
distribution and its evidence. :func:`entries` yields them in one order (drivers, events, hazards
each followed by its odds ratios, momentum, indicators each followed by theirs), as frozen
:class:`Entry` records; :data:`PATTERNS` gives the same entries' places in a tree that may not
validate (see :mod:`belwar.spec.salvage`).

An entry has no line and column of its own: its ``path`` is the key the loader places it by.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from belwar.core.model import MOMENTUM_KEY
from belwar.spec.dists import DistModel, Interval
from belwar.spec.scenario import (
    Driver,
    Event,
    Hazard,
    Indicator,
    Momentum,
    OddsRatio,
    Process,
    Scenario,
)

Kind = Literal[
    "driver",
    "monthly_sd",
    "reversion",
    "event",
    "hazard",
    "odds",
    "momentum",
    "indicator",
    "indicator_odds",
]
Spec = Driver | Process | Event | Hazard | OddsRatio | Momentum | Indicator
#: the kinds that are parameters of a driver's process (``drivers.x.process.monthly_sd``)
PROCESS_KINDS: tuple[Kind, ...] = ("monthly_sd", "reversion")

# Each kind's entries in a tree, as key paths (None: any name) and the key of the distribution in
# each entry: what `entries` spells out below, for trees that may not validate.
PATTERNS: dict[Kind, tuple[tuple[str | None, ...], str]] = {
    "driver": (("drivers", None), "dist"),
    "monthly_sd": (("drivers", None, "process"), "monthly_sd"),
    "reversion": (("drivers", None, "process"), "reversion"),
    "event": (("events", None), "monthly"),
    "hazard": (("hazards", None), "base"),
    "odds": (("hazards", None, "odds_ratios", None), "dist"),
    "momentum": (("momentum",), "dist"),
    "indicator": (("indicators", None), "base"),
    "indicator_odds": (("indicators", None, "odds_ratios", None), "dist"),
}


@dataclass(frozen=True)
class Entry:
    """One random input of a scenario, as the scenario states it.

    ``path`` is the entry's key path (``hazards.full_entry.odds_ratios.pressure``), ``name`` its
    name in the model (``full_entry:pressure`` for an odds ratio), ``label`` and ``unit`` what
    results call it, ``bounds`` a driver's range, ``spec`` the pydantic entry itself.
    """

    kind: Kind
    path: str
    name: str
    label: str
    unit: str
    dist: DistModel
    bounds: Interval | None
    spec: Spec

    @property
    def dist_path(self) -> str:
        """The key path of the distribution (``drivers.x.dist``, ``events.x.monthly``)."""
        return f"{self.path}.{PATTERNS[self.kind][1]}"

    @property
    def stream(self) -> str:
        """The key of the input's random stream (``driver:x``, ``odds:rung:name``, a process's
        ``driver:x:monthly_sd``)."""
        if self.kind in PROCESS_KINDS:
            return f"driver:{self.name}"  # the name is ``x:monthly_sd``
        return MOMENTUM_KEY if self.kind == "momentum" else f"{self.kind}:{self.name}"

    @property
    def evidence(self) -> tuple[str, ...]:
        """The facts the entry cites, as ``source-id/fact-id``."""
        return self.spec.evidence

    @property
    def note(self) -> str:
        """The entry's free-text note."""
        return self.spec.note

    def citations(self) -> Iterator[tuple[str, str]]:
        """Each ``(key path, citation)`` of the entry."""
        for i, ref in enumerate(self.evidence):
            yield f"{self.path}.evidence[{i}]", ref


def entries(scenario: Scenario) -> Iterator[Entry]:
    """Every random input of ``scenario``: drivers (each followed by its process's
    parameters), events, hazards (each followed by its odds ratios) and momentum, each section
    in the order the scenario lists it."""
    for name, driver in scenario.drivers.items():
        path = f"drivers.{name}"
        yield Entry(
            "driver", path, name, driver.label, driver.unit, driver.dist, driver.range, driver
        )
        yield from _process(name, driver)
    for name, event in scenario.events.items():
        unit = "monthly probability"
        yield Entry("event", f"events.{name}", name, event.label, unit, event.monthly, None, event)
    rungs = {r.id: r.label for r in scenario.ladder.rungs}
    for rung, hazard in scenario.hazards.items():
        label = rungs.get(rung, rung)
        path = f"hazards.{rung}"
        yield Entry("hazard", path, rung, label, "monthly hazard", hazard.base, None, hazard)
        for name, ratio in hazard.odds_ratios.items():
            yield Entry(
                "odds",
                f"{path}.odds_ratios.{name}",
                f"{rung}:{name}",
                f"odds ratio of {name} on {rung}",
                f"odds multiplier per {ratio.per:g}" if ratio.per else "odds multiplier",
                ratio.dist,
                None,
                ratio,
            )
    if (momentum := scenario.momentum) is not None:
        label = "momentum once above the start"
        yield Entry(
            "momentum",
            "momentum",
            "momentum",
            label,
            "odds multiplier",
            momentum.dist,
            None,
            momentum,
        )
    yield from _indicator_entries(scenario)


def _indicator_entries(scenario: Scenario) -> Iterator[Entry]:
    """Each indicator's base chance, followed by its odds ratios (``indicator_odds:x:term``)."""
    for name, indicator in scenario.indicators.items():
        path = f"indicators.{name}"
        unit = "monthly probability"
        yield Entry("indicator", path, name, indicator.label, unit, indicator.base, None, indicator)
        for term, ratio in indicator.odds_ratios.items():
            yield Entry(
                "indicator_odds",
                f"{path}.odds_ratios.{term}",
                f"{name}:{term}",
                f"odds ratio of {term} on indicator {name}",
                f"odds multiplier per {ratio.per:g}" if ratio.per else "odds multiplier",
                ratio.dist,
                None,
                ratio,
            )


def _process(name: str, driver: Driver) -> Iterator[Entry]:
    """The parameters of a driver's process: its monthly sd and an AR(1)'s reversion."""
    process = driver.process
    if process is None:
        return
    path = f"drivers.{name}.process"
    scale = "logit" if driver.range is not None else (driver.unit or "units")
    sd_unit = f"sd per month ({scale})"
    label = f"monthly step of {name}"
    yield Entry(
        "monthly_sd", path, f"{name}:monthly_sd", label, sd_unit, process.monthly_sd, None, process
    )
    if process.reversion is not None:
        label = f"reversion of {name}"
        yield Entry(
            "reversion",
            path,
            f"{name}:reversion",
            label,
            "share of the gap per month",
            process.reversion,
            None,
            process,
        )


def citations(scenario: Scenario) -> list[tuple[str, str]]:
    """Every ``(key path, citation)`` in ``scenario``."""
    found = (cited for entry in entries(scenario) for cited in entry.citations())
    return list(dict.fromkeys(found))  # a process's two parameters cite the same facts
