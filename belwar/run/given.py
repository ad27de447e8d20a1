"""Conditional forecasts: ``--given NAME@MONTH``, an event that begins or an indicator that is
seen in a month counted from the forecast start (after the history, if there is one).

A given is one more observation for the forward filter (:mod:`belwar.core.conditioning`,
:mod:`belwar.core.indicators`): the run becomes a weighted one, exactly as a history makes it.
The filter runs forward, so a month reported before a given month would be the forecast given
only what came before it; such a month is refused rather than reported wrongly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from belwar.core.conditioning import Observed
from belwar.core.model import Model
from belwar.errors import input_error
from belwar.results.conditions import Seen
from belwar.spec.scenario import Scenario
from belwar.spec.words import listing, suggest

_FORM = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)@(?P<month>[0-9]{1,4})$")


@dataclass(frozen=True)
class Given(Seen):
    """What a run is given, as a result records it (:class:`~belwar.results.conditions.Seen`:
    ``name`` seen, or with ``seen=False`` not, in ``month`` from the forecast start), read from
    the command line."""

    @classmethod
    def parse(cls, text: str) -> Given:
        """``NAME@MONTH`` (``reservist_callup@1``). Raises :class:`InputError` otherwise."""
        found = _FORM.match(text.strip())
        if found is None or int(found["month"]) < 1:
            raise input_error(
                f"'{text}' is not NAME@MONTH (an event or indicator, then a month from 1: "
                "reservist_callup@1)",
                key="--given",
            )
        return cls(found["name"], int(found["month"]))

    def __str__(self) -> str:
        return f"{self.name}@{self.month}" + ("" if self.seen else " not seen")


def forecast_start(scenario: Scenario) -> str:
    """Where a scenario's forecast starts, as what is given names it: its ``as_of``."""
    return scenario.as_of.isoformat() if scenario.as_of is not None else "its start"


def givens(items: Iterable[Given | str]) -> tuple[Given, ...]:
    """Each item as a :class:`Given` (text is parsed)."""
    return tuple(g if isinstance(g, Given) else Given.parse(g) for g in items)


def with_given(model: Model, given: Sequence[Given], *, as_of: str) -> Model:
    """``model`` conditioned also on ``given`` (nothing given: ``model`` itself). ``as_of`` is
    where the forecast starts when there is no history. Raises :class:`InputError` for a name
    that is neither an event nor an indicator, a month past the horizon or after the first
    reported month, or the same name given twice in a month."""
    if not given:
        return model
    observed = model.observed or Observed(
        history_id="",
        fingerprint="",
        through=as_of,
        months=0,
        masks=np.ones((0, model.states), dtype=bool),
        events=(),
        measurements=(),
    )
    events = [e.name for e in model.events]
    indicators = [i.name for i in model.indicators]
    signals = dict(observed.signals)
    given_events = list(observed.given_events)
    seen: set[tuple[str, int]] = set()
    for g in given:
        _check_month(model, g, seen)
        month = observed.months + g.month
        if g.name in events:
            given_events.append((events.index(g.name), month, g.seen))
        elif g.name in indicators:
            i = indicators.index(g.name)
            old = signals.get(i, np.zeros(0, dtype=np.int8))
            path = np.full(max(old.shape[0], month), -1, dtype=np.int8)
            path[: old.shape[0]] = old
            path[month - 1] = int(g.seen)
            signals[i] = path
        else:
            known = [*events, *indicators]
            raise input_error(
                f"'{g.name}' is neither an event nor an indicator{suggest(g.name, known)} "
                f"(defined: {listing(known)})",
                key="--given",
            )
    label = ", ".join(str(g) for g in given)
    history_id = f"{observed.history_id} and {label}" if observed.history_id else label
    return replace(
        model,
        observed=replace(
            observed,
            history_id=history_id,
            signals=tuple(sorted(signals.items(), key=lambda item: item[0])),
            given_events=tuple(given_events),
        ),
    )


def _check_month(model: Model, g: Given, seen: set[tuple[str, int]]) -> None:
    if g.month > model.horizon:
        raise input_error(
            f"{g}: month {g.month} is past the horizon ({model.horizon} months)", key="--given"
        )
    if g.month > min(model.months):
        raise input_error(
            f"{g}: month {g.month} is after the first reported month ({min(model.months)}); "
            "the forecast for an earlier month given what is seen later is not built (the "
            "filter runs forward): report later months with --months",
            key="--given",
        )
    if (g.name, g.month) in seen:
        raise input_error(f"{g.name} is given twice in month {g.month}", key="--given")
    seen.add((g.name, g.month))
