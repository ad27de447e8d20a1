"""Stories weighed on one history: each scenario's log evidence (its marginal likelihood of the
history) with its MCSE, ESS and Pareto ``k``, and its log Bayes factor against the first with
the paired MCSE (the runs share their random numbers). Saved as JSON::

    {"format": "belwar-evidence", "version": 1, "history": {id, fingerprint, through},
     "samples", "seed", "stories": [{scenario_id, title, log_evidence, log_evidence_mcse, ess,
     pareto_k, log_bayes_factor, log_bayes_factor_mcse}, ...]}
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from belwar.results import jsonio
from belwar.results.display import Display


@dataclass(frozen=True, kw_only=True)
class Story:
    """One scenario on the history; the Bayes factor is against the first story."""

    scenario_id: str
    title: str
    log_evidence: float
    log_evidence_mcse: float
    ess: float
    pareto_k: float
    log_bayes_factor: float
    log_bayes_factor_mcse: float

    @property
    def bayes_factor(self) -> float:
        """The Bayes factor against the first story."""
        return math.exp(self.log_bayes_factor) if math.isfinite(self.log_bayes_factor) else 0.0


@dataclass(frozen=True, eq=False, kw_only=True)
class Evidence(Display):
    """Every story weighed on one history, in the order given."""

    history_id: str
    fingerprint: str
    through: str
    samples: int
    seed: int
    stories: tuple[Story, ...]

    def to_dict(self) -> dict[str, Any]:
        """The saved form (see the module docs)."""
        return jsonio.envelope(
            "evidence",
            {
                "history": {
                    "id": self.history_id,
                    "fingerprint": self.fingerprint,
                    "through": self.through,
                },
                "samples": self.samples,
                "seed": self.seed,
                "stories": [asdict(s) for s in self.stories],
            },
        )
