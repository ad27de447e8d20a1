"""Moving drivers in a run's reported months: each one's mean and 5th/50th/95th percentiles,
from the blocks' moments and their histograms of shares (see :mod:`belwar.core.processes`);
given a history, the weighted ones (the months after the history, under the posterior).
"""

from __future__ import annotations

from belwar.core import engine
from belwar.core.model import Model
from belwar.core.processes import from_shares
from belwar.core.weighted import merge_paths
from belwar.results.run import DriverPath

SPREAD = (0.05, 0.5, 0.95)


def summarise_paths(model: Model, totals: engine.Totals) -> tuple[DriverPath, ...]:
    """Each moving driver in each reported month, in the model's order of drivers."""
    if not model.processes:
        return ()
    if totals.weighted_paths:
        estimates, histogram = merge_paths(totals.weighted_paths)
        means = estimates.mean.reshape(len(model.processes), len(model.months))
        spread = engine.percentiles(histogram, SPREAD)
    elif totals.paths and totals.paths_histogram is not None:
        means = engine.merge_means([m.sums for m in totals.paths], totals.n)
        spread = engine.percentiles(totals.paths_histogram, SPREAD)
    else:
        return ()
    found = []
    for i, process in enumerate(model.processes):
        key = model.drivers[process.driver].key
        for m, month in enumerate(model.months):
            p05, p50, p95 = (float(v) for v in from_shares(process, spread[i, m]))
            found.append(
                DriverPath(key=key, month=month, mean=float(means[i, m]), p05=p05, p50=p50, p95=p95)
            )
    return tuple(found)
