"""What to watch for: for each indicator and event, its chance of being seen next month and
what seeing it, or not, would do to one target cell. Saved as JSON::

    {"format": "belwar-watch", "version": 1, "scenario_id", "title", "history_id", "target",
     "month", "p", "samples", "seed", "signposts": [{name, kind, label, p_seen, if_seen,
     if_not, likelihood_ratio, shift_points, words_now, words_if_seen}, ...]}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from belwar.results import jsonio
from belwar.results.display import Display, share, short_repr


@dataclass(frozen=True, kw_only=True)
class Signpost:
    """One indicator or event (``kind``) watched next month. ``likelihood_ratio`` is P(seen |
    target) / P(seen | not target): the posterior odds of the target over its prior odds."""

    name: str
    kind: str
    label: str
    p_seen: float
    if_seen: float
    if_not: float
    likelihood_ratio: float
    shift_points: float
    words_now: str
    words_if_seen: str


@dataclass(frozen=True, eq=False, kw_only=True)
class Watch(Display):
    """Every signpost of a scenario, sorted by how far seeing it would move the target."""

    scenario_id: str
    title: str
    history_id: str
    target: str
    month: int
    p: float
    samples: int
    seed: int
    signposts: tuple[Signpost, ...]

    def __repr__(self) -> str:
        given = f", given {self.history_id}" if self.history_id else ""
        head = (
            f"{self.scenario_id}: P({self.target} by month {self.month}) = {share(self.p)}{given}"
        )
        lines = [
            f"if {s.name} is seen next month ({share(s.p_seen)}): {share(s.if_seen)}"
            for s in self.signposts[:3]
        ]
        more = len(self.signposts) - len(lines)
        lines += [f"... {more} more"] if more > 0 else []
        return short_repr("Watch", head, *lines, f"{self.samples:,} samples, seed {self.seed}")

    def to_dict(self) -> dict[str, Any]:
        """The saved form (see the module docs)."""
        body = {k: v for k, v in asdict(self).items() if k != "signposts"}
        return jsonio.envelope("watch", {**body, "signposts": [asdict(s) for s in self.signposts]})
