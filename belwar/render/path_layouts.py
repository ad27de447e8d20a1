"""The layout of a run's moving drivers: each driver's mean and 5th/50th/95th percentiles in
each reported month (a table model; see :mod:`belwar.render.tables`)."""

from __future__ import annotations

from belwar.render.tables import Column, Table, own, table, user
from belwar.results.run import Result


def run_paths(result: Result) -> Table:
    """One row per moving driver and reported month, the driver named on its first row."""
    names = {item.key: item.name for item in result.inputs}
    rows = []
    last = ""
    for path in result.paths:
        name = names.get(path.key, path.key)
        rows.append(
            [
                user(name if name != last else ""),
                own(str(path.month), value=path.month),
                *(own(f"{v:.3g}", value=v) for v in (path.mean, path.p05, path.p50, path.p95)),
            ]
        )
        last = name
    numbers = [Column(c, "right", wrap=False) for c in ("month", "mean", "5th", "median", "95th")]
    return table(
        [Column("driver", wrap=False), *numbers],
        rows,
        title=own("Drivers that move, by month"),
        notes=(
            own(
                "each month one step, on the logit scale of the driver's range if it has one, "
                "from its distribution at month 0",
                "dim",
            ),
        ),
    )
