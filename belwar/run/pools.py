"""``pool``: several scenarios run on the same draws and combined into one forecast, with the
members beside it and how far they disagree (DESIGN.md, "Pools").

Every member runs with the same seed and sample count (the first member's unless the options
give them), so their draws are shared input by input (common random numbers): where members
differ, it is their assumptions that differ, not their noise. Given a history every member is
conditioned on it, and a linear pool's weights become posterior weights, proportional to the
prior weight times the member's evidence (Bayesian model averaging); a log-odds pool, a pool of
the outputs, keeps its weights.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from belwar.core import pooling
from belwar.core.model import Model
from belwar.core.reductions import HIST_SLOTS
from belwar.core.weighted import merge_blocks
from belwar.errors import input_error
from belwar.results.pool import Disagreement, PoolMember, PoolResult
from belwar.results.run import Cell, Conditioning, Highest, Result
from belwar.run import execution
from belwar.run.conditioned import conditioned, loaded
from belwar.run.options import RunOptions
from belwar.run.simulation import SPREAD, summarise, with_options
from belwar.spec.compile import compile_model
from belwar.spec.evidence import Register
from belwar.spec.history import History
from belwar.spec.history_loader import LoadedHistory
from belwar.spec.loader import load_scenario
from belwar.spec.pool import Method, Pool, is_pool_file, pool_of
from belwar.spec.pool_loader import load_pool
from belwar.spec.scenario import Scenario

Array = np.ndarray
MAX_HELD_BYTES = 1 << 30  # the members' histograms a pool holds at once


def pool(
    *members: Scenario | str | os.PathLike[str],
    weights: Sequence[float] | None = None,
    method: Method = "linear",
    extremize: float = 1.0,
    options: RunOptions | None = None,
    history: History | LoadedHistory | None = None,
    register: Register | None = None,
) -> PoolResult:
    """Pool ``members`` (scenarios, or scenario file paths; one pool file path alone is run as
    the file says). ``weights`` default to equal; they are normalised. See :func:`run_pool`."""
    if len(members) == 1 and not isinstance(members[0], Scenario) and is_pool_file(members[0]):
        if weights is not None or method != "linear" or extremize != 1.0:
            raise input_error("a pool file gives its own weights and method", key="weights")
        return run_pool(load_pool(members[0], register=register), options=options, history=history)
    named = [
        (m.id, m)
        if isinstance(m, Scenario)
        else (os.fspath(m), load_scenario(m, register=register))
        for m in members
    ]
    return run_pool(
        pool_of(named, weights=weights, method=method, extremize=extremize),
        options=options,
        history=history,
    )


def run_pool(
    spec: Pool, *, options: RunOptions | None = None, history: History | LoadedHistory | None = None
) -> PoolResult:
    """Run every member of ``spec`` on the same draws and pool them."""
    chosen = pool_options(spec, options)
    found = loaded(history) if history is not None else None
    started = time.perf_counter()
    runs = run_members(spec, chosen, found)
    return assemble(spec, runs, seconds=time.perf_counter() - started)


def pool_options(spec: Pool, options: RunOptions | None) -> RunOptions:
    """``options`` with the samples and seed of the first member where they give none: every
    member runs with these (common random numbers)."""
    chosen = options or RunOptions()
    first = spec.members[0].scenario.simulation
    return replace(
        chosen,
        samples=chosen.samples if chosen.samples is not None else first.samples,
        seed=chosen.seed if chosen.seed is not None else first.seed,
    )


def run_members(
    spec: Pool, chosen: RunOptions, history: LoadedHistory | None
) -> list[tuple[Result, Array]]:
    """Each member's result and histograms, run with ``chosen`` (its samples and seed given)
    one after another, the progress counted over the whole pool."""
    assert chosen.samples is not None
    check_held(spec, chosen)
    total = chosen.samples * len(spec.members)
    return [
        _member_run(m.scenario, chosen, history, _ticks(chosen, i, total))
        for i, m in enumerate(spec.members)
    ]


def check_held(spec: Pool, chosen: RunOptions) -> None:
    """Refuse a pool whose members' histograms (held together until the weights are known,
    ``HIST_SLOTS`` numbers for each rung and month of each member) would pass
    ``MAX_HELD_BYTES``, naming the cap."""
    cells = 0
    for m in spec.members:
        model = with_options(compile_model(m.scenario), RunOptions(months=chosen.months))
        cells += (model.states - 1) * len(model.months)
    size = cells * HIST_SLOTS * 8
    if size > MAX_HELD_BYTES:
        raise input_error(
            f"a pool holds every member's histograms: {cells:,} rung-months of "
            f"{HIST_SLOTS:,} numbers ({size / 2**30:.1f} GiB), at most "
            f"{MAX_HELD_BYTES // 2**30} GiB: report fewer months or pool fewer members",
            key="months",
        )


def assemble(spec: Pool, runs: list[tuple[Result, Array]], *, seconds: float) -> PoolResult:
    """The pool of the members' runs (given a history, a linear pool's weights updated)."""
    prior = np.array([m.weight for m in spec.members])
    weights = prior
    evidence: list[float | None] = [None] * len(runs)
    errors: list[float | None] = [None] * len(runs)
    conditionings = [r.conditioning for r, _ in runs]
    if all(c is not None for c in conditionings):
        evidence = [c.log_evidence for c in conditionings if c is not None]
        errors = [c.log_evidence_mcse for c in conditionings if c is not None]
        if spec.method == "linear":
            weights = pooling.posterior_weights(prior, np.array(evidence))
    members = tuple(
        PoolMember(
            name=m.name,
            stated=m.stated,
            prior_weight=float(p),
            weight=float(w),
            result=replace(r, samples=None),
            log_evidence=e,
            log_evidence_mcse=s,
        )
        for m, p, w, (r, _), e, s in zip(
            spec.members, prior, weights, runs, evidence, errors, strict=True
        )
    )
    pooled, gaps = _pooled(spec, runs, weights)
    conditioning = _conditioning(members, prior)
    title = spec.title
    if conditioning is not None:
        title += f", as of {conditioning.through}, given {conditioning.history_id}"
    metadata = replace(
        pooled.metadata,
        scenario_id=spec.id,
        title=title,
        fingerprint=spec.fingerprint(),
        seconds=round(seconds, 4),
    )
    pooled = replace(pooled, metadata=metadata, conditioning=conditioning)
    return PoolResult(
        pool_id=spec.id,
        title=spec.title,
        method=spec.method,
        extremize=spec.extremize,
        fingerprint=spec.fingerprint(),
        pooled=pooled,
        members=members,
        disagreement=gaps,
    )


def _ticks(chosen: RunOptions, index: int, total: int) -> Callable[[int], None] | None:
    """Member ``index``'s progress as a share of the whole pool's ``total`` samples."""
    report, samples = chosen.progress, chosen.samples
    if report is None or samples is None:
        return None
    done = index * samples

    def tick(n: int) -> None:
        nonlocal done
        done += n
        report(done, total)

    return tick


def _member_run(
    scenario: Scenario,
    chosen: RunOptions,
    history: LoadedHistory | None,
    progress: Callable[[int], None] | None = None,
) -> tuple[Result, Array]:
    """One member's result (as :func:`~belwar.run.simulation.simulate` gives it, bit for bit)
    and its histograms of per-sample probabilities ``(rungs, months, slots)``."""
    model: Model = with_options(compile_model(scenario), chosen)
    if history is not None:
        model = conditioned(model, scenario, history)
    started = time.perf_counter()
    totals = execution.run(
        model,
        workers=chosen.workers,
        dask=chosen.dask,
        keep_samples=chosen.keep_samples,
        progress=progress,
    )
    result = summarise(model, totals, seconds=time.perf_counter() - started)
    if model.observed is not None:
        histogram = merge_blocks(totals.weighted).histogram
    else:
        assert totals.histogram is not None
        histogram = totals.histogram.astype(np.float64)
    return replace(result, scenario=scenario.resolved()), histogram


def _pooled(
    spec: Pool, runs: list[tuple[Result, Array]], weights: Array
) -> tuple[Result, tuple[Disagreement, ...]]:
    """The pooled result (the first member's metadata) and the disagreement of every cell."""
    first = runs[0][0]
    shape = (len(first.rungs), len(first.months))

    def table(field: str) -> Array:
        return np.array([[getattr(c, field) for c in r.cells] for r, _ in runs]).reshape(
            (len(runs), *shape)
        )

    p, mcse = table("p"), table("mcse")
    quantiles = np.stack([table(f) for f in ("p05", "p50", "p95")], axis=-1)
    if spec.method == "linear":
        pooled_p = pooling.linear(p, weights)
        pooled_mcse = pooling.linear(mcse, weights)  # at most this: errors correlate under CRN
        histograms = np.stack([h for _, h in runs])
        spread = pooling.mixture_percentiles(histograms, weights, quantiles, SPREAD)
    else:
        pooled_p = pooling.log_odds(p, weights, spec.extremize)
        pooled_mcse = pooling.log_odds_mcse(p, mcse, weights, spec.extremize)
        spread = pooling.log_odds(quantiles, weights, spec.extremize)
    pooled_p = pooling.monotone(pooled_p)
    low, high, sd = pooling.disagreement(p, weights)
    cells, gaps = [], []
    for k, rung in enumerate(first.rungs):
        for m, month in enumerate(first.months):
            q = spread[k, m]
            cells.append(
                Cell(
                    rung=rung,
                    month=month,
                    p=float(pooled_p[k, m]),
                    mcse=float(pooled_mcse[k, m]),
                    p05=float(q[0]),
                    p50=float(q[1]),
                    p95=float(q[2]),
                )
            )
            gaps.append(
                Disagreement(
                    rung=rung,
                    month=month,
                    low=float(low[k, m]),
                    high=float(high[k, m]),
                    sd=float(sd[k, m]),
                )
            )
    highest = _highest(spec, [r for r, _ in runs], weights)
    pooled = replace(
        first, cells=tuple(cells), highest=highest, inputs=(), scenario=None, samples=None
    )
    return pooled, tuple(gaps)


def _highest(spec: Pool, runs: list[Result], weights: Array) -> tuple[Highest, ...]:
    """The distribution of the highest rung at the horizon, pooled. A log-odds pool pools
    P(highest >= rung) and takes differences, so the distribution stays one that sums to 1."""
    p = np.array([[h.p for h in r.highest] for r in runs])
    mcse = np.array([[h.mcse for h in r.highest] for r in runs])
    if spec.method == "linear":
        pooled = pooling.linear(p, weights)
    else:
        survival = np.cumsum(p[:, ::-1], axis=1)[:, ::-1]
        pooled_survival = pooling.log_odds(np.clip(survival, 0.0, 1.0), weights, spec.extremize)
        pooled_survival[0] = 1.0
        pooled_survival = np.minimum.accumulate(pooled_survival)
        pooled = pooling.agreed(p, -np.diff(np.append(pooled_survival, 0.0)))
    errors = pooling.linear(mcse, weights)
    return tuple(
        Highest(h.rung, float(v), float(e))
        for h, v, e in zip(runs[0].highest, pooled, errors, strict=True)
    )


def _conditioning(members: tuple[PoolMember, ...], prior: Array) -> Conditioning | None:
    """Given a history: the pool's diagnostics. Its log evidence is that of the mixture,
    ``log sum_i prior_i exp(log_evidence_i)``, its error the members' added by the posterior
    weights (the derivative); ESS is the smallest member's and Pareto k the largest."""
    found = [m.result.conditioning for m in members]
    if any(c is None for c in found):
        return None
    cs = [c for c in found if c is not None]
    logs = np.log(prior) + np.array([c.log_evidence for c in cs])
    top = float(logs.max())
    log_evidence = top + math.log(float(np.exp(logs - top).sum()))
    error = sum(m.weight * c.log_evidence_mcse for m, c in zip(members, cs, strict=True))
    return replace(
        cs[0],
        ess=min(c.ess for c in cs),
        pareto_k=max(c.pareto_k for c in cs),
        log_evidence=log_evidence,
        log_evidence_mcse=error,
        posterior=(),
    )
