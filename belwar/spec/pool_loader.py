"""Loading a pool file (:mod:`belwar.spec.pool` holds its format): the file validated, each
member found as ``extends`` finds a parent and loaded with every check a scenario gets, and the
members checked to share the pool's ``as_of``, the ladder and the report months, every problem
placed in the file that has it."""

from __future__ import annotations

import os
from pathlib import Path

from belwar.errors import InputError, Problem
from belwar.spec import yamlio
from belwar.spec.evidence import Register
from belwar.spec.extends import joined, member_path
from belwar.spec.loader import load_scenario
from belwar.spec.placing import place, validate
from belwar.spec.pool import Member, Pool, PoolFile, misaligned


def load_pool(path: str | os.PathLike[str], *, register: Register | None = None) -> Pool:
    """Load a pool file and its members; raises :class:`InputError` with every problem."""
    display = os.fspath(path)
    file = Path(display)
    root = yamlio.read(file, display)
    spec = validate(PoolFile, root)
    problems: list[Problem] = []
    members: list[Member] = []
    total = sum(m.weight for m in spec.pool.members)
    for i, item in enumerate(spec.pool.members):
        key = ("pool", "members", i, "scenario")
        node = root.deepest(key)[0]
        try:
            target = member_path(file, item.scenario, node.loc, f"pool.members[{i}].scenario")
            if not target.is_file():
                raise InputError([place(root, key, f"member scenario '{item.scenario}' not found")])
            shown = joined(display, item.scenario)
            at = target if shown.startswith("belwar:") else Path(shown)
            scenario = load_scenario(at, register=register)
        except InputError as exc:
            problems += exc.problems
            continue
        weight = item.weight / total
        members.append(
            Member(name=item.scenario, scenario=scenario, weight=weight, stated=item.weight)
        )
    if spec.pool.method == "linear" and spec.pool.extremize != 1.0:
        problems.append(
            place(root, ("pool", "extremize"), "extremize applies to a log_odds pool only")
        )
    if not problems:
        for index, message in misaligned([m.scenario for m in members], spec.as_of):
            problems.append(place(root, ("pool", "members", index, "scenario"), message))
    if problems:
        raise InputError(problems)
    return Pool(
        id=spec.id,
        title=spec.title,
        as_of=spec.as_of,
        method=spec.pool.method,
        extremize=spec.pool.extremize,
        members=tuple(members),
        description=spec.description,
    )
