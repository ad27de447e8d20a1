"""The result of a pool: the pooled tables, each member's beside them with its weight, and how far
the members disagree in every cell.

JSON (``"format": "belwar-pool", "version": 1``)::

    {"format": "belwar-pool", "version": 1,
     "pool": {id, title, method, extremize, fingerprint, how},
     "members": [{name, scenario_id, stated, prior_weight, weight, log_evidence,
                  log_evidence_mcse}, ...],   # weight: the one used (the posterior on a history)
     "records": [{rung, month, p, mcse, p05, p50, p95, words, low, high, range, sd,
                  "member:<id>": p, ...}, ...],
     "pooled": {belwar-result}, "member_results": [{belwar-result}, ...]}

``low``/``high``/``range``: the smallest and largest member probability and their gap; ``sd``:
the weighted standard deviation of the member probabilities about their weighted mean.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from belwar.results import jsonio
from belwar.results.display import Display, share, short_repr
from belwar.results.run import Result

HOW = {
    "linear": "linear pool: each probability the weighted mean of the members', its spread the "
    "weighted mixture of theirs",
    "log_odds": "log-odds pool of the outputs: each probability logistic(extremize x weighted "
    "mean of the members' log odds), its spread the members' percentiles pooled the same way",
}


@dataclass(frozen=True, kw_only=True)
class PoolMember:
    """One member's run and weight: ``weight`` is the one pooled with (on a history the
    posterior, proportional to ``prior_weight`` times the member's evidence)."""

    name: str
    stated: float
    prior_weight: float
    weight: float
    result: Result
    log_evidence: float | None = None
    log_evidence_mcse: float | None = None

    @property
    def scenario_id(self) -> str:
        """The member scenario's id."""
        return self.result.metadata.scenario_id

    def record(self) -> dict[str, Any]:
        """The member's row of the weights table (JSON)."""
        return {
            "name": self.name,
            "scenario_id": self.scenario_id,
            "stated": self.stated,
            "prior_weight": self.prior_weight,
            "weight": self.weight,
            "log_evidence": self.log_evidence,
            "log_evidence_mcse": self.log_evidence_mcse,
        }


@dataclass(frozen=True, kw_only=True)
class Disagreement:
    """How far the members disagree on one cell."""

    rung: str
    month: int
    low: float
    high: float
    sd: float

    @property
    def range(self) -> float:
        """The gap between the highest and lowest member probability."""
        return self.high - self.low


@dataclass(frozen=True, eq=False, kw_only=True)
class PoolResult(Display):
    """A pool's tables (``pooled``, a :class:`Result`), its members and their disagreement."""

    pool_id: str
    title: str
    method: str
    extremize: float
    fingerprint: str
    pooled: Result
    members: tuple[PoolMember, ...]
    disagreement: tuple[Disagreement, ...]

    @property
    def how(self) -> str:
        """What kind of pool this is, in words (shown wherever the pool is)."""
        extra = f", extremize {self.extremize:g}" if self.method == "log_odds" else ""
        return HOW[self.method] + extra

    @property
    def updated(self) -> bool:
        """Whether the weights were updated on a history."""
        return self.pooled.conditioning is not None

    def member_keys(self) -> list[str]:
        """Each member's column in the records: ``member:ID``, numbered from the second when
        two members share an id (``member:baseline#2``)."""
        keys: list[str] = []
        for m in self.members:
            key = f"member:{m.scenario_id}"
            count = sum(k == key or k.startswith(key + "#") for k in keys)
            keys.append(key if count == 0 else f"{key}#{count + 1}")
        return keys

    def records(self) -> list[dict[str, Any]]:
        """One tidy row per cell: the pool, its disagreement, and each member's probability."""
        rows = []
        for cell, gap in zip(self.pooled.cells, self.disagreement, strict=True):
            row = {**cell.record(), "low": gap.low, "high": gap.high}
            row |= {"range": gap.range, "sd": gap.sd}
            for key, m in zip(self.member_keys(), self.members, strict=True):
                row[key] = m.result.cell(cell.rung, cell.month).p
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The saved form (see the module docs)."""
        return jsonio.envelope(
            "pool",
            {
                "pool": {
                    "id": self.pool_id,
                    "title": self.title,
                    "method": self.method,
                    "extremize": self.extremize,
                    "fingerprint": self.fingerprint,
                    "how": self.how,
                },
                "members": [m.record() for m in self.members],
                "records": self.records(),
                "disagreement": [{**asdict(d), "range": d.range} for d in self.disagreement],
                "pooled": self.pooled.to_dict(),
                "member_results": [m.result.to_dict() for m in self.members],
            },
        )

    def __repr__(self) -> str:
        lines = [self.how, *(f"{m.scenario_id}: weight {m.weight:.3f}" for m in self.members)]
        pooled = self.pooled
        if pooled.rungs and pooled.months:
            top, last = pooled.rungs[-1], pooled.months[-1]
            gap = self.disagreement[-1]
            lines.append(
                f"{top} by month {last}: {share(pooled.cell(top, last).p)} "
                f"(members {share(gap.low)} to {share(gap.high)})"
            )
        return short_repr("PoolResult", self.pool_id, *lines)
