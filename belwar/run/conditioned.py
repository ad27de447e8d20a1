"""Runs given an observed history: the model conditioned on it (checked against its scenario,
memory counted over the longer horizon) and the weighted block statistics turned into a
:class:`~belwar.results.run.Result` whose tables are the forecast after ``through``, with the
diagnostics and each input's prior against its posterior.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from belwar.core import streams
from belwar.core.distributions import Distribution
from belwar.core.engine import Totals
from belwar.core.model import Model
from belwar.core.pareto import WARN_ABOVE
from belwar.core.reductions import percentiles
from belwar.core.weighted import held_bytes, merge_blocks, quantile_of
from belwar.errors import input_error
from belwar.results.conditions import Conditions, Seen
from belwar.results.run import Cell, Conditioning, Highest, Posterior, Result
from belwar.run.given import Given
from belwar.run.paths import summarise_paths
from belwar.spec import limits
from belwar.spec.history import History
from belwar.spec.history_check import observed
from belwar.spec.history_loader import LoadedHistory, check_against
from belwar.spec.located import Loc, from_python
from belwar.spec.scenario import Scenario

SPREAD = (0.05, 0.5, 0.95)
PRIOR_NODES = 4096  # slices of a prior its sd is computed over
MAX_HELD_BYTES = 2 << 30  # what a conditioned run may hold in per-block histograms


def loaded(history: History | LoadedHistory) -> LoadedHistory:
    """A history with the tree its problems are placed in (a bare :class:`History`, already
    validated, is placed at ``<history id>``)."""
    if isinstance(history, LoadedHistory):
        return history
    root = from_python(history.model_dump(mode="python"), Loc(f"<history {history.id}>"))
    return LoadedHistory(history, root)


def conditioned(model: Model, scenario: Scenario, history: History | LoadedHistory) -> Model:
    """``model`` given ``history``, or ``model`` itself for an empty history (nothing
    observed: then the run is exactly the unconditioned one). Raises :class:`InputError` when
    the history disagrees with the scenario or the run would not fit in memory."""
    found = loaded(history)
    check_against(found, scenario)
    if found.history.is_empty():
        return model
    _check_memory(model, found.history.months)
    return replace(model, observed=observed(found.history, model))


def _check_memory(model: Model, months: int) -> None:
    """Refuse a conditioned run whose block (over the horizon plus the observed months) or
    whose per-block histograms held until the merge would not fit."""
    rungs = model.states - 1
    parts = limits.block_bytes(
        drivers=len(model.drivers),
        correlated=len(model.correlated),
        odds=len(model.odds),
        events=len(model.events),
        states=model.states,
        horizon=model.horizon + months,
        reported=len(model.months),
        moving=len(model.processes),
    )
    need = sum(parts.values()) + 8.0 * streams.BLOCK_SIZE * len(model.inputs())
    if need > limits.BLOCK_BUDGET:
        raise input_error(
            f"one block given the history ({months} observed months and a horizon of "
            f"{model.horizon}) needs {need / 2**20:.0f} MiB; must be at most "
            f"{limits.BLOCK_BUDGET / 2**20:.0f} MiB",
            key="history",
        )
    blocks = len(streams.blocks(model.samples))
    held = blocks * held_bytes(rungs, len(model.months), len(model.inputs()))
    if held > MAX_HELD_BYTES:
        per = held_bytes(rungs, len(model.months), len(model.inputs()))
        most = MAX_HELD_BYTES // per * streams.BLOCK_SIZE
        raise input_error(
            f"a run given a history keeps {per / 2**20:.1f} MiB of histograms per block of "
            f"{streams.BLOCK_SIZE:,} samples: at most {most:,} samples, got {model.samples:,}",
            key="samples",
        )


def summarise_conditioned(model: Model, totals: Totals, result: Result) -> Result:
    """``result`` (the unweighted summary's metadata and input priors) with the weighted
    tables, the highest rung, the diagnostics and the posteriors of the inputs."""
    assert model.observed is not None
    merged = merge_blocks(totals.weighted)
    est = merged.estimates
    if not est.ess > 0:
        raise input_error(
            f"history '{model.observed.history_id}' is impossible under scenario "
            f"'{model.scenario_id}': every sample gives it probability 0 (a rung reached whose "
            "hazard is 0, or an event or reading the scenario rules out)",
            key="history",
        )
    rungs, months = model.states - 1, len(model.months)
    cells_n = rungs * months
    mean, mcse = est.mean, est.mcse
    spread = percentiles(merged.histogram, SPREAD)
    cells = []
    for k, rung in enumerate(model.rungs[1:]):
        for m, month in enumerate(model.months):
            i = k * months + m
            q = spread[k, m]
            p05, p50, p95 = (float(v) for v in q)
            cells.append(
                Cell(
                    rung=rung,
                    month=month,
                    p=_p(mean[i], mcse[i]),
                    mcse=float(mcse[i]),
                    p05=p05,
                    p50=p50,
                    p95=p95,
                )
            )
    highest = tuple(
        Highest(rung, _p(mean[cells_n + s], mcse[cells_n + s]), float(mcse[cells_n + s]))
        for s, rung in enumerate(model.rungs)
    )
    start = cells_n + model.states
    priors = tuple(i.mean for i in result.inputs)
    posterior = _posteriors(model, priors, mean[start:], mcse[start:], merged.quantiles)
    shape = merged.pareto_k
    conditioning = Conditioning(
        history_id=model.observed.history_id,
        fingerprint=model.observed.fingerprint,
        through=model.observed.through,
        observed_months=model.observed.months,
        ess=float(est.ess),
        pareto_k=0.0 if math.isnan(shape) else float(shape),  # NaN: equal weights, no tail
        log_evidence=float(est.log_evidence),
        log_evidence_mcse=float(est.log_evidence_mcse),
        posterior=posterior,
    )
    title = (
        f"{result.metadata.title}, as of {conditioning.through}, given {conditioning.history_id}"
    )
    return replace(
        result,
        cells=tuple(cells),
        highest=highest,
        conditioning=conditioning,
        metadata=replace(result.metadata, title=title),
        paths=summarise_paths(model, totals),
    )


def _p(value: float, mcse: float) -> float:
    """A weighted mean probability, in [0, 1]. With no Monte Carlo error every sample gave the
    same value; when that is 0 or 1 (a rung the history reached, or one it cannot reach yet),
    the rounding of the weighted sums is undone, so a certainty reads as one."""
    if not math.isfinite(value):
        return math.nan
    value = min(max(float(value), 0.0), 1.0)
    if mcse == 0 and abs(value - round(value)) < 1e-9:
        return float(round(value))
    return value


def _posteriors(
    model: Model,
    priors: tuple[float, ...],
    means: np.ndarray,
    mcse: np.ndarray,
    quantiles: np.ndarray,
) -> tuple[Posterior, ...]:
    """Each input's weighted mean and its 5th, 50th and 95th percentiles, read back through
    the input's own inverse CDF from the weighted quantiles of its uniforms; and how far its
    mean moved from ``priors`` (the run's unweighted means), in sds of its prior."""
    qs = np.stack([quantile_of(quantiles, q) for q in SPREAD])  # (3, inputs)
    found = []
    for i, item in enumerate(model.inputs()):
        u = np.clip(qs[:, i], 0.0, np.nextafter(1.0, 0.0))
        values = np.full(3, math.nan) if np.isnan(u).any() else item.inverse(u)
        sd = _prior_sd(item.dist)
        moved = (float(means[i]) - priors[i]) / sd if sd > 0 else 0.0
        p05, p50, p95 = (float(v) for v in values)
        found.append(
            Posterior(
                item.key,
                float(means[i]),
                float(mcse[i]),
                p05,
                p50,
                p95,
                prior_sd=sd,
                moved=moved if math.isfinite(moved) else 0.0,
            )
        )
    return tuple(found)


_NODES = (np.arange(PRIOR_NODES) + 0.5) / PRIOR_NODES  # midpoints of equal-probability slices


def _prior_sd(dist: Distribution) -> float:
    """The sd of an input's prior by the midpoint rule in probability: its values at the
    middles of :data:`PRIOR_NODES` equal slices of probability (within about 0.3% of a large
    sample's sd for the shipped scenarios' inputs, and the same on every run)."""
    values = dist.ppf(_NODES)
    if not np.ptp(values) > 0:  # a fixed value (np.std would give its rounding error)
        return 0.0
    sd = float(np.std(values))
    return sd if math.isfinite(sd) else 0.0


def conditions_of(
    history: History | LoadedHistory | None, given: Sequence[Given]
) -> Conditions | None:
    """What an analysis records of the history and the givens it was conditioned on (``None``:
    neither)."""
    if history is None and not given:
        return None
    seen = tuple(Seen(g.name, g.month, g.seen) for g in given)
    if history is None:
        return Conditions(given=seen)
    h = history.history if isinstance(history, LoadedHistory) else history
    return Conditions(
        history_id=h.id, fingerprint=h.fingerprint(), through=h.through.isoformat(), given=seen
    )


def warns(conditioning: Conditioning) -> bool:
    """Whether the weights are too degenerate to trust (Pareto ``k`` above 0.7)."""
    return not conditioning.pareto_k <= WARN_ABOVE
