"""A sensitivity analysis: which inputs move the target probability most, as a tornado and,
if asked, Sobol indices. :mod:`belwar.run.sensitivities` computes it.

Printed as JSON (``"format": "belwar-sensitivity", "version": 1``)::

    {"format": "belwar-sensitivity", "version": 1, "scenario_id", "target", "month", "samples",
     "seed", "p", "method", "sobol_samples",
     "records": [{"key", "kind", "name", "label", "low", "high", "swing", "swing_mcse",
                  "rank_correlation", "first_order", "first_low", "first_high", "total_order",
                  "total_low", "total_high"}, ...]}                  # widest swing first
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from belwar.results import jsonio
from belwar.results.display import Display


@dataclass(frozen=True)
class Influence:
    """How one input moves the target. Sobol fields are ``None`` unless asked for."""

    key: str
    kind: str
    name: str
    label: str
    low: float  # mean target when the input is in its bottom tenth
    high: float  # ... in its top tenth
    swing: float  # high - low
    swing_mcse: float
    rank_correlation: float
    first_order: float | None = None
    first_low: float | None = None
    first_high: float | None = None
    total_order: float | None = None
    total_low: float | None = None
    total_high: float | None = None


@dataclass(frozen=True)
class Sensitivity(Display):
    """The inputs ranked by the size of their swing (largest first)."""

    scenario_id: str
    target: str
    month: int
    samples: int
    seed: int
    p: float
    method: str
    influences: tuple[Influence, ...]
    sobol_samples: int = 0
    history: dict[str, str] | None = None  # given a history: its id, fingerprint and through

    def records(self) -> list[dict[str, Any]]:
        """One record per input, widest swing first."""
        return [asdict(i) for i in self.influences]

    def to_dict(self) -> dict[str, Any]:
        """The analysis' settings, then one record per input (see the module docs)."""
        meta = {k: v for k, v in asdict(self).items() if k != "influences"}
        if self.history is None:  # only a conditioned analysis names its history
            del meta["history"]
        return jsonio.envelope("sensitivity", {**meta, "records": self.records()})
