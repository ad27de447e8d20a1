"""What a scenario may ask for: the numeric limits that keep every draw finite and one block of
samples within memory, so the engine never meets an input it cannot compute through. This
module holds the numbers and the memory a block needs; :mod:`belwar.spec.limit_checks` checks a
scenario against them when a file is validated.

The limits, and why:

- ``MAX_SAMPLES`` samples: a hundred million, a few minutes on one core; more buys nothing a
  probability table can show (its MCSE is already below 5e-5).
- Numbers a driver states or can draw: at most ``MAX_VALUE`` (1e15) in size. A driver enters a
  hazard's odds as ``(value - reference) / per`` times a log odds ratio; with values of this size,
  ``per`` at least ``MIN_PER`` and odds ratios within the limits below, every such product and
  their sums stay finite.
- Odds ratios and momentum: every draw within ``[ODDS_MIN, ODDS_MAX]`` (1e-100 to 1e100).
- Beta shapes: ``alpha`` and ``beta`` within ``[BETA_MIN, BETA_MAX]``; outside it the fitted
  inverse CDF loses its accuracy, and a beta that narrow is a fixed value (write the number).
- Size: at most ``MAX_DRIVERS`` drivers and ``MAX_EVENTS`` events, and one block of
  ``streams.BLOCK_SIZE`` samples within ``BLOCK_BUDGET`` bytes (512 MiB, so that a 240-month
  horizon reported month by month fits) by :func:`block_bytes`. The block size is part of the
  randomness contract (streams are keyed by block), so a model that needs more is refused
  rather than run in smaller blocks.

Draws are judged at the extremes the engine can reach (:func:`belwar.core.distributions.extremes`:
the quantiles at the smallest and the largest uniform), so a distribution that passes cannot
overflow in any sample.
"""

from __future__ import annotations

from belwar.core.reductions import CHUNK, HIST_SLOTS
from belwar.core.streams import BLOCK_SIZE

MAX_SAMPLES = 100_000_000
MAX_VALUE = 1e15
MIN_PER = 1e-100
BETA_MIN = 1e-3
BETA_MAX = 1e7
MAX_DRIVERS = 200
MAX_EVENTS = 200
BLOCK_BUDGET = 512 * 2**20


# --- Memory --------------------------------------------------------------------------------------


def block_bytes(
    *,
    drivers: int,
    correlated: int,
    odds: int,
    events: int,
    states: int,
    horizon: int,
    reported: int,
    n: int = BLOCK_SIZE,
    moving: int = 0,
) -> dict[str, float]:
    """The bytes one block of ``n`` samples holds at its peak, by part (their sum is the
    peak): ``engine.evaluate`` holds the inputs ``(inputs, n)`` and odds' logs, the hazards'
    and the ladder's buffers ``(rungs or states, n)``, the events' active months ``(events,
    horizon, n)`` as booleans and the per-sample tables ``(rungs, reported, n)``, and for a
    moment either the drivers' uniforms and the copula's normals or one event's uniforms
    ``(horizon, n)``; the reductions after it hold the tables with a chunk's temporaries and
    the histogram's counts. ``moving`` drivers add their paths' month ``(moving, n)`` in a few
    copies (start, scale, current value) and their values in the reported months ``(moving,
    reported, n)`` with the shares binned from them. Within a few percent above what
    tracemalloc measures (see tests/test_ranges.py, tests/test_processes.py)."""
    rungs = states - 1
    inputs = drivers + rungs + odds + events + 1
    evaluate = {
        "inputs": n * 8.0 * (inputs + odds + drivers + 3 * correlated),
        "events": n * (events * horizon + 9.0 * horizon),
        "tables": n * 8.0 * rungs * reported,
        "ladder": n * 8.0 * (8 * rungs + 2 * states + 2),
    }
    if 8 * (drivers + 3 * correlated) > 9 * horizon:  # the larger of the two passing needs
        evaluate["events"] -= n * 9.0 * horizon
    else:
        evaluate["inputs"] -= n * 8.0 * (drivers + 3 * correlated)
    tables = rungs * reported * n
    reduce = n * 8.0 * (inputs + states) + 8.0 * tables + 28.0 * min(tables, CHUNK)
    step = max(1, CHUNK // max(1, rungs * n))  # months per chunk, each with its own counts
    chunked = reported if step >= reported else reported + step
    reduce += 8.0 * rungs * chunked * HIST_SLOTS
    if reduce > sum(evaluate.values()):
        evaluate["tables"] += reduce - sum(evaluate.values())
    if moving:
        evaluate["paths"] = n * 8.0 * moving * (4 + 8 * reported)
    return evaluate
