"""A comparison of two assumption sets: what changed in the assumptions, what that did to every
probability, and whether each change is larger than Monte Carlo noise. :mod:`belwar.run.diff`
computes it.

Printed as JSON (``"format": "belwar-diff", "version": 1``)::

    {"format": "belwar-diff", "version": 1, "a", "b", "paired", "tolerance", "samples", "seed",
     "material",
     "changes": [{"key", "old", "new"}, ...],
     "records": [{"rung", "month", "p_a", "p_b", "delta", "mcse", "material"}, ...],
     "unpaired_mcse": [...],                     # one per record, hypot of the runs' own errors
     "history": {"id", "fingerprint", "through", "given",      # only when conditioned (see
                 "a": {"ess", "pareto_k"}, "b": {...}}}       # belwar.results.conditions)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from belwar.results import jsonio
from belwar.results.conditions import Conditions, Weights, weights_of
from belwar.results.display import Display, points, share, short_repr
from belwar.results.run import Result


@dataclass(frozen=True)
class Change:
    """One assumption that differs: a dotted key with its value in A and in B (``None`` where
    the key is absent on that side)."""

    key: str
    old: Any
    new: Any


@dataclass(frozen=True, kw_only=True)
class Delta:
    """How one rung's probability by one month moved from A to B."""

    rung: str
    month: int
    p_a: float
    p_b: float
    delta: float
    mcse: float  # paired when the comparison is paired
    unpaired_mcse: float  # hypot of the two runs' own errors, for reference
    material: bool


@dataclass(frozen=True, eq=False)
class Comparison(Display):
    """The two sides of a diff: assumption changes and result changes."""

    a: str
    b: str
    paired: bool
    tolerance: float
    changes: tuple[Change, ...]
    deltas: tuple[Delta, ...]
    result_a: Result
    result_b: Result
    conditions: Conditions | None = None  # what both sides were conditioned on

    @property
    def given(self) -> Conditions | None:
        """What both sides were conditioned on: :attr:`conditions`, or for saved results that
        were each conditioned, A's history as its result names it."""
        if self.conditions is not None:
            return self.conditions
        c = self.result_a.conditioning
        if c is None or self.result_b.conditioning is None:
            return None
        return Conditions(history_id=c.history_id, fingerprint=c.fingerprint, through=c.through)

    @property
    def weights(self) -> tuple[Weights | None, Weights | None]:
        """The effective sample size and Pareto ``k`` of each side's conditioned run."""
        return weights_of(self.result_a), weights_of(self.result_b)

    @property
    def material(self) -> bool:
        """Whether any probability moved by more than the tolerance and 3 MCSE."""
        return any(d.material for d in self.deltas)

    def __repr__(self) -> str:
        meta = self.result_a.metadata
        keys = [c.key for c in self.changes]
        shown = ", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
        kind = "paired" if self.paired else "unpaired"
        lines = [
            f"{kind}, {meta.samples:,} samples, seed {meta.seed}",
            f"{len(keys)} setting(s) changed" + (f": {shown}" if keys else ""),
        ]
        if self.deltas:
            big = max(self.deltas, key=lambda d: abs(d.delta))
            material = sum(d.material for d in self.deltas)
            lines.append(
                f"largest: {big.rung} by month {big.month}, {share(big.p_a)} -> "
                f"{share(big.p_b)} ({100 * big.delta:+.2f} points)"
            )
            lines.append(
                f"  MC error {points(big.mcse)}; {material} of {len(self.deltas)} changes material"
            )
        return short_repr("Comparison", f"{self.a} -> {self.b}", *lines)

    def to_dict(self) -> dict[str, Any]:
        """Tidy records plus the assumption changes and how the error was computed."""
        meta = self.result_a.metadata
        return jsonio.envelope(
            "diff",
            {
                "a": self.a,
                "b": self.b,
                "paired": self.paired,
                "tolerance": self.tolerance,
                "samples": meta.samples,
                "seed": meta.seed,
                "material": self.material,
                "changes": [asdict(c) for c in self.changes],
                "records": [
                    {k: v for k, v in asdict(d).items() if k != "unpaired_mcse"}
                    for d in self.deltas
                ],
                "unpaired_mcse": [d.unpaired_mcse for d in self.deltas],
                **self._history(),
            },
        )

    def _history(self) -> dict[str, Any]:
        """``{"history": {id, fingerprint, through, given, a, b}}`` when conditioned."""
        given = self.given
        if given is None:
            return {}
        sides = {
            side: None if w is None else w.to_dict()
            for side, w in zip("ab", self.weights, strict=True)
        }
        return {"history": {**given.to_dict(), **sides}}
