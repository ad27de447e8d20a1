"""A sensitivity analysis: which inputs move the target probability most, as a tornado and,
if asked, Sobol indices. :mod:`belwar.run.sensitivities` computes it.

Printed as JSON (``"format": "belwar-sensitivity", "version": 1``)::

    {"format": "belwar-sensitivity", "version": 1, "scenario_id", "target", "month", "samples",
     "seed", "p", "method", "sobol_samples",
     "records": [{"key", "kind", "name", "label", "low", "high", "swing", "swing_mcse",
                  "rank_correlation", "first_order", "first_low", "first_high", "total_order",
                  "total_low", "total_high"}, ...],                  # widest swing first
     "groups": [{"keys", "first_order", "first_low", "first_high", "total_order",
                 "total_low", "total_high"}, ...],     # with method "sobol" only; largest first
     "history": {"id", "fingerprint", "through", "given",     # only when conditioned (see
                 "ess", "pareto_k"}}                           # belwar.results.conditions)

Sobol indices belong to groups of inputs that are independent of one another: each block of
drivers tied by correlations is one group (its indices are those of the block's drivers taken
together), every other input a group of its own. A record's own Sobol fields are filled when its
input is a group of its own, and ``null`` for a member of a correlated block, whose share is not
defined apart from the drivers it moves with.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from belwar.results import jsonio
from belwar.results.conditions import Conditions, Weights
from belwar.results.display import Display, share, short_repr


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
class SobolGroup:
    """First-order and total Sobol indices (with 95% bootstrap intervals) of inputs taken
    together: a block of correlated drivers, or one input on its own. Groups are independent of
    one another, so these are the indices of the inputs named, whatever their correlations."""

    keys: tuple[str, ...]
    first_order: float
    first_low: float
    first_high: float
    total_order: float
    total_low: float
    total_high: float


@dataclass(frozen=True)
class Sensitivity(Display):
    """The inputs ranked by the size of their swing (largest first) and, with Sobol indices,
    the groups of inputs ranked by their first-order index (largest first)."""

    scenario_id: str
    target: str
    month: int
    samples: int
    seed: int
    p: float
    method: str
    influences: tuple[Influence, ...]
    sobol_samples: int = 0
    groups: tuple[SobolGroup, ...] = ()
    conditions: Conditions | None = None  # given a history: what the run was conditioned on
    weights: Weights | None = None  # ... and what its weights say

    def __repr__(self) -> str:
        head = (
            f"{self.scenario_id}: what moves P({self.target} by month {self.month}) = "
            f"{share(self.p)}"
        )
        lines = [
            f"{self.method}, {len(self.influences)} inputs, {self.samples:,} samples, "
            f"seed {self.seed}",
            "the target at each input's bottom -> top tenth, widest first:",
        ]
        lines += [f"{i.label}: {share(i.low)} -> {share(i.high)}" for i in self.influences[:3]]
        return short_repr("Sensitivity", head, *lines)

    def records(self) -> list[dict[str, Any]]:
        """One record per input, widest swing first."""
        return [asdict(i) for i in self.influences]

    def to_dict(self) -> dict[str, Any]:
        """The analysis' settings, then one record per input (see the module docs)."""
        kept = ("influences", "groups", "conditions", "weights")
        meta = {k: v for k, v in asdict(self).items() if k not in kept}
        groups = {"groups": [asdict(g) for g in self.groups]} if self.groups else {}
        history = {}
        if self.conditions is not None:  # only a conditioned analysis names its history
            diagnosed = {} if self.weights is None else self.weights.to_dict()
            history = {"history": {**self.conditions.to_dict(), **diagnosed}}
        return jsonio.envelope(
            "sensitivity", {**meta, "records": self.records(), **groups, **history}
        )
