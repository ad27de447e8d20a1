"""Pools: several analysts' scenarios combined into one forecast (DESIGN.md, "Pools").

A pool file names its members and their weights::

    id: panel
    title: Five stories, pooled
    as_of: 2022-04-15
    pool:
      method: linear            # or log_odds
      members:
        - {scenario: belwar:baseline.yaml, weight: 0.4}
        - {scenario: mine.yaml, weight: 0.6}     # a path beside this file
      extremize: 1.0            # log_odds only

Members are found as ``extends`` parents are (a path inside the file's folder, or a shipped
scenario by name), loaded with every check a scenario gets, and must share the pool's ``as_of``,
the ladder and the report months: each disagreement is a problem placed at the member. Weights
are positive; the pool normalises them and keeps both the stated and the normalised.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator

from belwar.errors import InputError, input_error
from belwar.spec import yamlio
from belwar.spec.dists import FrozenModel
from belwar.spec.located import Located
from belwar.spec.scenario import Name, Note, Scenario

MAX_MEMBERS = 20
MAX_EXTREMIZE = 10.0
Method = Literal["linear", "log_odds"]


class PoolMemberSpec(FrozenModel):
    """One member of a pool: a scenario file and its weight."""

    scenario: str = Field(
        description="The member scenario: a path relative to this file, or a shipped scenario "
        "by name (`belwar:baseline.yaml`)."
    )
    weight: Annotated[float, Field(gt=0, le=1e6)] = Field(
        description="Positive; the pool normalises the weights to sum to 1."
    )


class PoolSection(FrozenModel):
    """How the members combine."""

    method: Method = Field(
        "linear",
        description="linear: the weighted mean of the members' probabilities, with the mixture "
        "of their spreads; log_odds: logistic(extremize * sum w logit p), a pool of the outputs.",
    )
    # the lengths are checked after the members (pydantic's own min_length also counts a member
    # that failed as missing, and says so beside that member's own problem)
    members: tuple[PoolMemberSpec, ...]
    extremize: Annotated[float, Field(gt=0, le=MAX_EXTREMIZE)] = Field(
        1.0, description="log_odds only: the pooled log odds are multiplied by this."
    )

    @field_validator("members")
    @classmethod
    def _members(cls, members: tuple[PoolMemberSpec, ...]) -> tuple[PoolMemberSpec, ...]:
        if not 1 <= len(members) <= MAX_MEMBERS:
            raise ValueError(f"a pool has 1 to {MAX_MEMBERS} members, got {len(members)}")
        return members


class PoolFile(FrozenModel):
    """A pool scenario file, format version 1."""

    id: Name
    title: str
    as_of: date
    description: Note = ""
    pool: PoolSection


@dataclass(frozen=True, kw_only=True)
class Member:
    """A pool's member: how it is named, the scenario, its weight normalised and as stated."""

    name: str
    scenario: Scenario
    weight: float
    stated: float


@dataclass(frozen=True, kw_only=True)
class Pool:
    """A pool of scenarios, checked: the members share ``as_of``, ladder and report months."""

    id: str
    title: str
    as_of: date | None
    method: Method
    extremize: float
    members: tuple[Member, ...]
    description: str = ""

    def fingerprint(self) -> str:
        """A hash of the members' fingerprints, their weights and the method."""
        data = {
            "method": self.method,
            "extremize": self.extremize,
            "members": [[m.scenario.fingerprint(), m.weight] for m in self.members],
        }
        text = json.dumps(data, sort_keys=True).encode()
        return hashlib.sha256(text).hexdigest()[:16]


def is_pool(root: Located) -> bool:
    """Whether a parsed file is a pool (a mapping with ``pool``)."""
    return isinstance(root.value, dict) and "pool" in root.value


def is_pool_file(path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` reads as a pool; a file that cannot be read is left to the
    scenario loader, which reports why. A ``.json`` file is a saved result, never a pool."""
    if Path(path).suffix.lower() == ".json":
        return False
    try:
        return is_pool(yamlio.read(Path(path), os.fspath(path)))
    except InputError:
        return False


def pool_of(
    scenarios: Sequence[tuple[str, Scenario]],
    *,
    weights: Sequence[float] | None = None,
    method: Method = "linear",
    extremize: float = 1.0,
    id: str = "pool",
    title: str | None = None,
) -> Pool:
    """An ad-hoc pool of ``(name, scenario)`` pairs, equally weighted unless ``weights`` (one
    positive number each) are given; checked as a pool file is."""
    if not scenarios:
        raise input_error("a pool needs at least one member", key="scenarios")
    if len(scenarios) > MAX_MEMBERS:
        raise input_error(f"at most {MAX_MEMBERS} members, got {len(scenarios)}", key="scenarios")
    stated = [1.0] * len(scenarios) if weights is None else [float(w) for w in weights]
    if len(stated) != len(scenarios):
        raise input_error(
            f"{_count(len(stated), 'weight')} for {_count(len(scenarios), 'member')}: give "
            "one weight each",
            key="weights",
        )
    if not all(0 < w <= 1e6 for w in stated):
        raise input_error("every weight must be positive (at most 1e6)", key="weights")
    if method not in ("linear", "log_odds"):
        raise input_error(f"unknown method '{method}' (linear or log_odds)", key="method")
    if not 0 < extremize <= MAX_EXTREMIZE:
        raise input_error(f"must be above 0 and at most {MAX_EXTREMIZE:g}", key="extremize")
    if method == "linear" and extremize != 1.0:
        raise input_error("extremize applies to a log_odds pool only", key="extremize")
    as_of = scenarios[0][1].as_of
    found = misaligned([s for _, s in scenarios], as_of)
    if found:
        index, message = found[0]
        raise input_error(f"{scenarios[index][0]}: {message}", key="scenarios")
    total = sum(stated)
    members = tuple(
        Member(name=name, scenario=s, weight=w / total, stated=w)
        for (name, s), w in zip(scenarios, stated, strict=True)
    )
    shown = title or "Pool of " + ", ".join(s.id for _, s in scenarios)
    return Pool(
        id=id, title=shown, as_of=as_of, method=method, extremize=extremize, members=members
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def misaligned(scenarios: Sequence[Scenario], as_of: date | None) -> list[tuple[int, str]]:
    """The members that do not share ``as_of``, the first member's ladder or its report months,
    each with why: ``(index, message)``."""
    first = scenarios[0]
    ladder = _ladder(first)
    found = []
    for i, s in enumerate(scenarios):
        if s.as_of != as_of:
            found.append(
                (i, f"'{s.id}' is as of {s.as_of}, the pool of {as_of}: members must share as_of")
            )
        elif _ladder(s) != ladder:
            found.append(
                (i, f"'{s.id}' has another ladder than '{first.id}': members must share the ladder")
            )
        elif s.simulation.months != first.simulation.months:
            months = ", ".join(map(str, s.simulation.months))
            theirs = ", ".join(map(str, first.simulation.months))
            found.append(
                (
                    i,
                    f"'{s.id}' reports months {months}, '{first.id}' {theirs}: members must "
                    "share the report months",
                )
            )
    return found


def _ladder(scenario: Scenario) -> tuple[str | None, tuple[str, ...]]:
    return scenario.ladder.start_id, tuple(r.id for r in scenario.ladder.rungs)


__all__ = [
    "MAX_MEMBERS",
    "Member",
    "Pool",
    "PoolFile",
    "is_pool",
    "is_pool_file",
    "misaligned",
    "pool_of",
]
