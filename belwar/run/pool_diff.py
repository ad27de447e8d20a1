"""Comparing a pool with a scenario or another pool.

A scenario is a pool of one member (which equals it bit for bit), so both sides are pools, and
every member of both runs on the same draws (A's first member's samples and seed). A linear
pool's probability is the mean over samples of the weighted sum of its members' per-sample
probabilities, so when both sides are linear and unconditioned the change is paired sample by
sample, as :func:`~belwar.run.diff.compare` pairs two scenarios. A log-odds pool (a pool of the
outputs) has no per-sample value, and conditioned runs have weighted ones: those changes carry
the unpaired error ``hypot(mcse_a, mcse_b)``.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from typing import Any

import numpy as np

from belwar.core import engine, streams
from belwar.errors import input_error
from belwar.results.comparison import Change, Comparison
from belwar.results.pool import PoolResult
from belwar.results.run import Result
from belwar.run import options as check
from belwar.run.conditioned import loaded
from belwar.run.defaults import DEFAULT_TOLERANCE
from belwar.run.diff import _paired_comparison, _paired_errors, _unpaired, assumption_changes
from belwar.run.options import RunOptions
from belwar.run.pools import assemble, pool_options, run_members
from belwar.run.sensitivities import MAX_KEPT_VALUES
from belwar.spec.compile import compile_model
from belwar.spec.evidence import Register
from belwar.spec.history import History
from belwar.spec.history_loader import LoadedHistory
from belwar.spec.loader import load_scenario
from belwar.spec.pool import Member, Pool, is_pool_file
from belwar.spec.pool_loader import load_pool
from belwar.spec.scenario import Scenario

PoolSide = Pool | Scenario | str | os.PathLike[str]


def compare_pools(
    a: PoolSide,
    b: PoolSide,
    *,
    options: RunOptions | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    history: History | LoadedHistory | None = None,
    register: Register | None = None,
) -> Comparison:
    """Compare two sides, each a pool or a scenario (or a file of either), run on the same
    draws. The comparison's results are the pooled ones; its changes of assumptions are the
    pools' weights and methods (or, against a scenario, what each side is)."""
    tolerance = check.check_probability(tolerance, key="tolerance", closed_low=True)
    pool_a, pool_b = _as_pool(a, register), _as_pool(b, register)
    chosen = pool_options(pool_a, options)
    horizon = min(m.scenario.simulation.horizon_months for m in (*pool_a.members, *pool_b.members))
    first = pool_a.members[0].scenario.simulation.months
    months = chosen.months or tuple(m for m in first if m <= horizon)
    chosen = replace(chosen, months=months)
    found = loaded(history) if history is not None else None
    paired = found is None and pool_a.method == pool_b.method == "linear"
    if paired:
        _check_kept((*pool_a.members, *pool_b.members), chosen)
    kept = replace(chosen, keep_samples=paired)
    started = time.perf_counter()
    runs_a, runs_b = run_members(pool_a, kept, found), run_members(pool_b, kept, found)
    seconds = time.perf_counter() - started
    result_a, result_b = (
        _pooled(spec, runs, seconds) for spec, runs in ((pool_a, runs_a), (pool_b, runs_b))
    )
    names = (_name(a, pool_a), _name(b, pool_b))
    if not paired:
        compared = _unpaired(*names, result_a, result_b, tolerance)
        return replace(compared, changes=_changes(pool_a, pool_b))
    rungs_b = list(result_b.rungs)
    pairs = [(i, rungs_b.index(r)) for i, r in enumerate(result_a.rungs) if r in rungs_b]
    if not pairs:
        raise input_error("the two sides share no rung above their start", key="b")
    exceed_a = _weighted_exceed(pool_a, runs_a)[[i for i, _ in pairs]]
    exceed_b = _weighted_exceed(pool_b, runs_b)[[j for _, j in pairs]]
    differences, start = [], 0
    for _, n in streams.blocks(result_a.metadata.samples):  # block by block, as compare does
        gap = exceed_b[..., start : start + n] - exceed_a[..., start : start + n]
        differences.append(engine.Moments.of(gap))
        start += n
    compared = _paired_comparison(
        names,
        replace(result_a, scenario={}),
        replace(result_b, scenario={}),
        pairs,
        _paired_errors(differences),
        tolerance,
    )
    return replace(
        compared,
        changes=_changes(pool_a, pool_b),
        result_a=replace(result_a, scenario=None),
        result_b=replace(result_b, scenario=None),
    )


def _as_pool(side: PoolSide, register: Register | None) -> Pool:
    """A side as a pool: a pool as it is, a scenario as the pool of it alone."""
    if isinstance(side, Pool):
        return side
    if not isinstance(side, Scenario):
        if is_pool_file(side):
            return load_pool(side, register=register)
        side = load_scenario(side, register=register)
    alone = Member(name=side.id, scenario=side, weight=1.0, stated=1.0)
    return Pool(
        id=side.id,
        title=side.title,
        as_of=side.as_of,
        method="linear",
        extremize=1.0,
        members=(alone,),
    )


def _name(side: PoolSide, spec: Pool) -> str:
    return spec.id if isinstance(side, Pool | Scenario) else os.fspath(side)


def _pooled(spec: Pool, runs: list[tuple[Result, Any]], seconds: float) -> Result:
    """A side's result: the pooled one, or the scenario's own run for a pool of one."""
    if len(spec.members) == 1 and spec.members[0].scenario.id == spec.id:
        result, _ = runs[0]  # a scenario on its own side: its run, with its own metadata
        return replace(result, samples=None)
    pooled: PoolResult = assemble(spec, runs, seconds=seconds)
    return pooled.pooled


def _weighted_exceed(spec: Pool, runs: list[tuple[Result, Any]]) -> np.ndarray:
    """Each sample's pooled probability ``(rungs, months, n)``: the weighted sum of the
    members' per-sample probabilities (whose mean over samples is the pool's)."""
    if len(spec.members) == 1:
        return _exceed(runs[0][0])  # exactly the member's, not 1.0 times it
    total = np.zeros_like(_exceed(runs[0][0]))
    for member, (result, _) in zip(spec.members, runs, strict=True):
        total += member.weight * _exceed(result)
    return total


def _exceed(result: Result) -> np.ndarray:
    assert result.samples is not None
    return result.samples.exceed


def _check_kept(members: tuple[Member, ...], chosen: RunOptions) -> None:
    """Refuse a paired pool comparison whose kept per-sample tables would not fit in
    ``MAX_KEPT_VALUES`` numbers, naming the largest sample count that fits."""
    per_sample = 0
    for m in members:
        model = compile_model(m.scenario)
        per_sample += len(model.inputs()) + model.states * (len(model.months) + 1)
    samples = chosen.samples or 0
    if samples * per_sample > MAX_KEPT_VALUES:
        most = MAX_KEPT_VALUES // per_sample
        raise input_error(
            f"a paired comparison of these pools keeps {per_sample} numbers a sample: at most "
            f"{most:,} samples, got {samples:,}",
            key="samples",
        )


def _changes(a: Pool, b: Pool) -> tuple[Change, ...]:
    """What differs between the sides: each pool's method and weights, by member id."""
    return assumption_changes(_described(a), _described(b))


def _described(spec: Pool) -> dict[str, Any]:
    if len(spec.members) == 1 and spec.members[0].scenario.id == spec.id:
        return {"scenario": spec.id}
    described: dict[str, Any] = {
        "pool": {
            "method": spec.method,
            "weights": {m.scenario.id: round(m.weight, 6) for m in spec.members},
        }
    }
    if spec.method == "log_odds":
        described["pool"]["extremize"] = spec.extremize
    return described
