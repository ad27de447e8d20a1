"""What an analysis (a diff, a sweep, a sensitivity) was conditioned on: an observed history,
named by its id and fingerprint, whose end ``through`` is where the forecast months count from,
and what was given (``--given NAME@MONTH``); and what the weights of its conditioned runs say.

Printed in the analysis' JSON as ``"history"``::

    {"id", "fingerprint", "through",             # null without a history (only --given)
     "given": [{"name", "month", "seen"}, ...],
     ...}                                        # each analysis adds its runs' ESS and k
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from belwar.core.pareto import WARN_ABOVE

if TYPE_CHECKING:
    from belwar.results.run import Result


@dataclass(frozen=True)
class Seen:
    """An event beginning, or an indicator being seen (``seen=False``: not), in ``month``
    counted from the forecast start."""

    name: str
    month: int
    seen: bool = True


@dataclass(frozen=True, kw_only=True)
class Weights:
    """What the weights of one conditioned run of ``samples`` samples say: its effective
    sample size and the Pareto shape ``k`` of its largest weights."""

    ess: float
    pareto_k: float
    samples: int

    @property
    def unreliable(self) -> bool:
        """Whether the weights are too degenerate to trust (``k`` above 0.7)."""
        return not self.pareto_k <= WARN_ABOVE

    def to_dict(self) -> dict[str, float]:
        """``{"ess", "pareto_k"}`` (the samples are the analysis' own)."""
        return {"ess": self.ess, "pareto_k": self.pareto_k}


@dataclass(frozen=True, kw_only=True)
class Conditions:
    """An observed history (``history_id`` ``None`` without one) and what was given."""

    history_id: str | None = None
    fingerprint: str | None = None
    through: str | None = None  # the history's end: forecast months count from here
    given: tuple[Seen, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON of the module docs, without the runs' diagnostics."""
        return {
            "id": self.history_id,
            "fingerprint": self.fingerprint,
            "through": self.through,
            "given": [asdict(g) for g in self.given],
        }


def weights_of(result: Result) -> Weights | None:
    """The effective sample size and Pareto ``k`` of a conditioned run (``None``: not
    conditioned)."""
    c = result.conditioning
    if c is None:
        return None
    return Weights(ess=c.ess, pareto_k=c.pareto_k, samples=result.metadata.samples)
