"""Which ladder cells a record settles, and how: an array function on plain parameters.

The state ``S_m`` is the highest rung reached by month ``m`` and never goes down, so a record
that says "rung ``j`` first reached in month ``r``" settles ``S_m >= k`` as 1 for every rung
``k <= j`` and month ``m >= r`` (even a month that ends after the record's last day: the rung
cannot be un-reached), and as 0 for every rung ``k >= j`` and month ``m < r``; "rung ``j`` not
reached through month ``T``" settles ``S_m >= k`` as 0 for every ``k >= j`` and ``m <= T``.
Nothing else is settled: a rung not reached is unknown after the last whole month observed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray


def settled_outcomes(
    reached: Mapping[int, int | None], observed_months: int, rungs: int, months: Sequence[int]
) -> NDArray[np.float64]:
    """``1[S_m >= k]`` for the rungs ``k = 1..rungs`` and ``months``, shape
    ``(rungs, len(months))``, NaN where the record does not settle it. ``reached`` maps an
    observed rung (1..rungs) to the month it was first reached in, or to None for not reached
    through month ``observed_months``; rungs left out are unobserved."""
    out = np.full((rungs, len(months)), np.nan)
    for col, m in enumerate(months):
        for k in range(1, rungs + 1):
            above = [r for j, r in reached.items() if j >= k and r is not None and r <= m]
            below = [
                j
                for j, r in reached.items()
                if j <= k and ((r is None and m <= observed_months) or (r is not None and r > m))
            ]
            if above:
                out[k - 1, col] = 1.0
            elif below:
                out[k - 1, col] = 0.0
    return out


def settled_states(outcomes: NDArray[np.float64]) -> list[int | None]:
    """The state ``s_m`` (0 is the start) of each month whose every rung is settled, else None,
    from :func:`settled_outcomes`' ``(rungs, months)`` array."""
    states: list[int | None] = []
    for col in range(outcomes.shape[1]):
        column = outcomes[:, col]
        states.append(None if np.isnan(column).any() else int(column.sum()))
    return states
