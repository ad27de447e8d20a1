"""Forecasts scored against an observed history (:mod:`belwar.run.scoring` computes them).

Every cell a forecast gives (rung ``k`` by month ``m``, months counted from the history's
``since``) is listed; the ones the record settles carry their outcome and Brier score, the rest
are marked not yet settled and scored nowhere. Each month whose every rung is settled carries
the ladder's ranked probability score (and divided by the rungs above the start), the log score
``ln P(S_m = s_m)`` and the baseline score ``100 ln(K p) / ln K``. Saved as JSON::

    {"format": "belwar-score", "version": 1,
     "history": {id, fingerprint, since, through, at, observed_months},
     "ranking": [name, ...],                        # best first, by mean baseline score
     "forecasts": [{name, kind, as_of, samples, seed, mean_brier, mean_rps,
                    mean_rps_normalised, mean_log, mean_baseline, settled_cells,
                    unsettled_cells, settled_months,
                    cells: [{rung, month, p, outcome, brier}],      # outcome null: unsettled
                    months: [{month, state, rps, rps_normalised, log, baseline}]}, ...]}
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from belwar.results import jsonio
from belwar.results.display import Display, short_repr

CELL_FIELDS = ("forecast", "rung", "month", "p", "outcome", "brier")


@dataclass(frozen=True, kw_only=True)
class CellScore:
    """One rung by one month: the forecast's probability, and, when the record settles it, the
    outcome (1 reached, 0 not) and the Brier score ``(p - o)^2``."""

    rung: str
    month: int
    p: float
    outcome: int | None
    brier: float | None


@dataclass(frozen=True, kw_only=True)
class MonthScore:
    """One settled month: the state reached and the scores of the whole ladder."""

    month: int
    state: str
    rps: float
    rps_normalised: float
    log: float
    baseline: float


def _mean(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


@dataclass(frozen=True, kw_only=True)
class ForecastScore:
    """One forecast's scores: ``kind`` is scenario (run here), pool (a pool file's pooled
    forecast, run here), result (a saved run) or reference (plain probabilities)."""

    name: str
    kind: str
    as_of: str
    samples: int | None
    seed: int | None
    cells: tuple[CellScore, ...]
    months: tuple[MonthScore, ...]

    @property
    def settled(self) -> tuple[CellScore, ...]:
        """The cells the record settles."""
        return tuple(c for c in self.cells if c.brier is not None)

    @property
    def unsettled(self) -> tuple[CellScore, ...]:
        """The cells the record does not settle yet."""
        return tuple(c for c in self.cells if c.brier is None)

    @property
    def mean_brier(self) -> float | None:
        """The mean Brier score over the settled cells (lower is better)."""
        return _mean([c.brier for c in self.cells if c.brier is not None])

    @property
    def mean_rps(self) -> float | None:
        """The mean RPS over the settled months (lower is better)."""
        return _mean([m.rps for m in self.months])

    @property
    def mean_rps_normalised(self) -> float | None:
        """The mean normalised RPS over the settled months (0 best, 1 worst)."""
        return _mean([m.rps_normalised for m in self.months])

    @property
    def mean_log(self) -> float | None:
        """The mean log score over the settled months (higher is better)."""
        return _mean([m.log for m in self.months])

    @property
    def mean_baseline(self) -> float | None:
        """The mean baseline score over the settled months (100 certain and right, 0 uniform)."""
        return _mean([m.baseline for m in self.months])

    def record(self) -> dict[str, Any]:
        """The forecast's JSON data."""
        return {
            "name": self.name,
            "kind": self.kind,
            "as_of": self.as_of,
            "samples": self.samples,
            "seed": self.seed,
            "mean_brier": self.mean_brier,
            "mean_rps": self.mean_rps,
            "mean_rps_normalised": self.mean_rps_normalised,
            "mean_log": _finite(self.mean_log),
            "mean_baseline": _finite(self.mean_baseline),
            "settled_cells": len(self.settled),
            "unsettled_cells": len(self.unsettled),
            "settled_months": len(self.months),
            "cells": [asdict(c) for c in self.cells],
            "months": [{k: _finite(v) for k, v in asdict(m).items()} for m in self.months],
        }


@dataclass(frozen=True, kw_only=True)
class Scores(Display):
    """Forecasts scored against one history as the record stood ``at`` a date."""

    history_id: str
    fingerprint: str
    since: str
    through: str
    at: str
    observed_months: int
    forecasts: tuple[ForecastScore, ...]

    @property
    def ranking(self) -> tuple[ForecastScore, ...]:
        """The forecasts best first: by mean baseline score (equivalently, mean log score),
        then by mean Brier; a forecast with no settled month comes last."""

        def key(f: ForecastScore) -> tuple[float, float]:
            base, brier = f.mean_baseline, f.mean_brier
            return (
                -base if base is not None and math.isfinite(base) else math.inf,
                brier if brier is not None else math.inf,
            )

        return tuple(sorted(self.forecasts, key=key))

    def __repr__(self) -> str:
        lines = [
            f"{f.name}: mean Brier {_g(f.mean_brier)}, mean baseline {_g(f.mean_baseline)}"
            for f in self.ranking
        ]
        return short_repr("Scores", f"on {self.history_id} as of {self.at}", *lines)

    def rows(self) -> list[dict[str, Any]]:
        """Every cell of every forecast as a tidy row (``CELL_FIELDS``)."""
        return [{"forecast": f.name, **asdict(c)} for f in self.forecasts for c in f.cells]

    def to_dict(self) -> dict[str, Any]:
        """The saved form (see the module docs)."""
        return jsonio.envelope(
            "score",
            {
                "history": {
                    "id": self.history_id,
                    "fingerprint": self.fingerprint,
                    "since": self.since,
                    "through": self.through,
                    "at": self.at,
                    "observed_months": self.observed_months,
                },
                "ranking": [f.name for f in self.ranking],
                "forecasts": [f.record() for f in self.forecasts],
            },
        )


def _g(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def _finite(value: Any) -> Any:
    # a forecast that gave the truth no chance has a log score of minus infinity: JSON says null
    return None if isinstance(value, float) and not math.isfinite(value) else value
