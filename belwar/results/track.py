"""A scenario's forecast across its git revisions (:mod:`belwar.run.tracking` computes it): one
row per revision that changed the file or a parent, with the target probability, its change
from the row before and the assumptions that moved it most. Saved as JSON::

    {"format": "belwar-track", "version": 1, "path", "target", "month",
     "history": {id, fingerprint, through} | null,
     "rows": [{commit, short, date, as_of, scenario_id, samples, seed, p, mcse, p05, p95,
               change, moved: [{key, delta, mcse}], unattributed: [key, ...],
               mean_brier, mean_baseline}, ...]}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from belwar.results import jsonio
from belwar.results.display import Display, share, short_repr

ROW_FIELDS = ("date", "short", "as_of", "p", "p05", "p95", "change", "moved", "mean_brier")


@dataclass(frozen=True)
class Moved:
    """How far one changed assumption (applied alone to the revision before) moved the
    target, paired with the revision before (same seed and samples)."""

    key: str
    delta: float
    mcse: float


@dataclass(frozen=True, kw_only=True)
class TrackRow:
    """One revision's forecast of the target."""

    commit: str
    short: str
    date: str
    as_of: str
    scenario_id: str
    samples: int
    seed: int
    p: float
    mcse: float
    p05: float
    p95: float
    change: float | None  # from the row before (None for the first)
    moved: tuple[Moved, ...]  # largest first
    unattributed: tuple[str, ...]  # changed settings that are no assumption (ids, samples...)
    mean_brier: float | None = None
    mean_baseline: float | None = None


@dataclass(frozen=True, kw_only=True)
class Track(Display):
    """The target's forecast at every revision of one scenario file, oldest first."""

    path: str
    target: str
    month: int
    history: dict[str, str] | None
    rows: tuple[TrackRow, ...]

    def __repr__(self) -> str:
        lines = [f"{r.date[:10]} {r.short}: {share(r.p)}" for r in self.rows[-5:]]
        return short_repr("Track", f"{self.path}: {self.target} by month {self.month}", *lines)

    def records(self) -> list[dict[str, Any]]:
        """One tidy row per revision (the moved assumptions as ``key +delta`` text)."""
        return [
            {
                **{k: v for k, v in asdict(r).items() if k != "moved"},
                "moved": "; ".join(f"{m.key} {100 * m.delta:+.2f}" for m in r.moved),
                "unattributed": ", ".join(r.unattributed),
            }
            for r in self.rows
        ]

    def to_dict(self) -> dict[str, Any]:
        """The saved form (see the module docs)."""
        return jsonio.envelope(
            "track",
            {
                "path": self.path,
                "target": self.target,
                "month": self.month,
                "history": self.history,
                "rows": [
                    {
                        **asdict(r),
                        "moved": [asdict(m) for m in r.moved],
                        "unattributed": list(r.unattributed),
                    }
                    for r in self.rows
                ],
            },
        )
