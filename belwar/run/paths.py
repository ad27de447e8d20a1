"""Moving drivers in a run's reported months: each one's mean and 5th/50th/95th percentiles,
from the blocks' moments and their histograms of shares (see :mod:`belwar.core.processes`).

An unconditioned run only: given a history the samples carry weights, and an unweighted
summary of the paths would not be the posterior's (a conditioned result reports none).
"""

from __future__ import annotations

from belwar.core import engine
from belwar.core.model import Model
from belwar.core.processes import from_shares
from belwar.results.run import DriverPath

SPREAD = (0.05, 0.5, 0.95)


def summarise_paths(model: Model, totals: engine.Totals) -> tuple[DriverPath, ...]:
    """Each moving driver in each reported month, in the model's order of drivers."""
    if not model.processes or not totals.paths or totals.paths_histogram is None:
        return ()
    means = engine.merge_means([m.sums for m in totals.paths], totals.n)
    spread = engine.percentiles(totals.paths_histogram, SPREAD)
    found = []
    for i, process in enumerate(model.processes):
        key = model.drivers[process.driver].key
        for m, month in enumerate(model.months):
            p05, p50, p95 = (float(v) for v in from_shares(process, spread[i, m]))
            found.append(
                DriverPath(key=key, month=month, mean=float(means[i, m]), p05=p05, p50=p50, p95=p95)
            )
    return tuple(found)
