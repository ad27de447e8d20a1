"""A scenario checked against the limits of :mod:`belwar.spec.limits`: the numbers it states or
can draw, the odds ratios and momentum, the beta shapes, its size and the memory of one block.
Draws are judged at the extremes the engine can reach, so a distribution that passes cannot
overflow in any sample.
"""

from __future__ import annotations

import math

from belwar.core import distributions
from belwar.core.distributions import ODDS_MAX, ODDS_MIN, Distribution
from belwar.core.streams import BLOCK_SIZE
from belwar.spec.compile import resolve
from belwar.spec.entries import entries
from belwar.spec.limits import (
    BETA_MAX,
    BETA_MIN,
    BLOCK_BUDGET,
    MAX_DRIVERS,
    MAX_EVENTS,
    MAX_VALUE,
    MIN_PER,
    block_bytes,
)
from belwar.spec.scenario import DistModel, Scenario

Found = list[tuple[str, str]]


def problems(scenario: Scenario) -> Found:
    """Every limit ``scenario`` breaks, as ``(key path, message)`` pairs."""
    found: Found = []
    for key, items, cap in (
        ("drivers", scenario.drivers, MAX_DRIVERS),
        ("events", scenario.events, MAX_EVENTS),
    ):
        if len(items) > cap:
            found.append((key, f"must be at most {cap} {key}, got {len(items)}"))
    if found:
        return found  # the rest would take long on a file this size, and says nothing new
    need, biggest = _block_need(scenario)
    if need > BLOCK_BUDGET:
        found.append(
            (
                biggest[0],
                f"one block of {BLOCK_SIZE} samples needs {_size(need)} of memory, mostly for "
                f"{biggest[1]}; must be at most {_size(BLOCK_BUDGET)}",
            )
        )
    found += _numbers(scenario)
    return found


# --- Numbers -------------------------------------------------------------------------------------


def _numbers(scenario: Scenario) -> Found:
    found: Found = []
    for key, driver in scenario.drivers.items():
        at = f"drivers.{key}"
        for i, value in enumerate(driver.range or ()):
            found += _magnitude(f"{at}.range[{i}]", value)
        if driver.reference is not None:
            found += _magnitude(f"{at}.reference", driver.reference)
    for entry in entries(scenario):
        key, spec, bounds = entry.dist_path, entry.dist, entry.bounds
        kind = "odds" if entry.kind in {"odds", "momentum", "indicator_odds"} else "value"
        stated = _stated(key, spec, kind)
        found += stated
        try:
            dist = resolve(spec, bounds)
        except (distributions.FitError, ArithmeticError, ValueError):
            continue  # the loader reports what does not fit
        shape = _shape(key, spec, dist)
        found += shape
        if stated or shape:
            continue
        if kind == "odds":
            found += _odds_reach(key, dist)
        else:
            found += _value_reach(key, dist)
    for rung, hazard in scenario.hazards.items():
        for name, ratio in hazard.odds_ratios.items():
            if ratio.per is not None and ratio.per < MIN_PER:
                found.append(
                    (
                        f"hazards.{rung}.odds_ratios.{name}.per",
                        f"must be at least {MIN_PER:g}, got {ratio.per:g}",
                    )
                )
    return found


_NUMBER_FIELDS = ("value", "low", "high", "mean", "sd", "median", "min", "mode", "max")


def _stated(key: str, spec: DistModel, kind: str) -> Found:
    """Each number the spec states, at most ``MAX_VALUE`` in size; for an odds ratio or the
    momentum, each within ``[ODDS_MIN, ODDS_MAX]``."""
    found: Found = []
    numbers = [(f"{key}.{f}", getattr(spec, f, None)) for f in _NUMBER_FIELDS]
    numbers += [(f"{key}.ci90[{i}]", v) for i, v in enumerate(getattr(spec, "ci90", None) or ())]
    for where, value in numbers:
        if not isinstance(value, float | int):
            continue
        if kind == "value":
            found += _magnitude(where, value)
        elif value > ODDS_MAX:
            found.append((where, f"must be at most {ODDS_MAX:g}, got {value:g}"))
        elif 0 < value < ODDS_MIN:
            found.append((where, f"must be at least {ODDS_MIN:g}, got {value:g}"))
    return found


def _magnitude(key: str, value: float) -> Found:
    if abs(value) > MAX_VALUE:
        return [(key, f"must be at most {MAX_VALUE:g} in size, got {value:g}")]
    return []


def _shape(key: str, spec: DistModel, dist: Distribution) -> Found:
    """A beta's shapes (stated or fitted) within ``[BETA_MIN, BETA_MAX]``."""
    if dist.family != "beta" or getattr(spec, "type", "") == "pert":
        return []
    fitted = getattr(spec, "alpha", None) is None
    from_moments = getattr(spec, "sd", None) is not None
    for name, value in zip(("alpha", "beta"), dist.params[:2], strict=True):
        what = f"the {name} from mean and sd must" if from_moments else f"the fitted {name} must"
        where, what = (key, what) if fitted else (f"{key}.{name}", "must")
        if not value >= BETA_MIN:
            return [(where, f"{what} be at least {BETA_MIN:g}, got {value:g}")]
        if not value <= BETA_MAX:
            hint = " (a beta this narrow is a fixed value: write the number)" if fitted else ""
            return [(where, f"{what} be at most {BETA_MAX:g}, got {value:g}{hint}")]
    return []


def _value_reach(key: str, dist: Distribution) -> Found:
    lo, hi = distributions.extremes(dist)
    for value in (lo, hi):
        if not abs(value) <= MAX_VALUE:
            return [
                (
                    key,
                    f"its draws must be at most {MAX_VALUE:g} in size, got {value:g} "
                    "(at one draw in 2**53)",
                )
            ]
    return []


def _odds_reach(key: str, dist: Distribution) -> Found:
    lo, hi = distributions.log_extremes(dist)
    if dist.family == "beta":
        lo = distributions.log_extremes(_above_zero(dist))[0]  # u = 0 is held at ODDS_MIN
    if not hi <= math.log(ODDS_MAX):
        return [(key, f"its draws must be at most {ODDS_MAX:g}, got {_exp(hi)} (at 1 in 2**53)")]
    if not lo >= math.log(ODDS_MIN):
        return [(key, f"its draws must be at least {ODDS_MIN:g}, got {_exp(lo)} (at 1 in 2**53)")]
    return []


def _above_zero(dist: Distribution) -> Distribution:
    """``dist`` with its value at ``u = 0`` not counted (the engine holds it at ODDS_MIN)."""
    return Distribution(dist.family, dist.params, max(dist.lower, 1e-300), dist.upper)


def _exp(log: float) -> str:
    """``e ** log`` for a message, in powers of ten where a float cannot hold it."""
    if not math.isfinite(log):
        return "infinity" if log > 0 else "0"
    if abs(log) < 700:
        return f"{math.exp(log):g}"
    return f"1e{log / math.log(10):+.0f}"


# --- Memory --------------------------------------------------------------------------------------


def _block_need(scenario: Scenario) -> tuple[float, tuple[str, str]]:
    """Bytes one block's evaluation holds at its peak (see :func:`block_bytes`) and the key and
    description of the largest part."""
    ids = [r.id for r in scenario.ladder.rungs]
    # an unknown start rung is reported by the ladder's own rule; size the block for them all
    start = ids.index(scenario.ladder.start_id) if scenario.ladder.start_id in ids else 0
    states = len(ids) - start
    sim = scenario.simulation
    terms = sum(len(h.odds_ratios) for h in scenario.hazards.values())
    correlated = len({n for c in scenario.correlations for n in c.between})
    parts = block_bytes(
        drivers=len(scenario.drivers),
        correlated=correlated,
        odds=terms,
        events=len(scenario.events),
        states=states,
        horizon=sim.horizon_months,
        reported=len(sim.months),
        moving=sum(d.process is not None for d in scenario.drivers.values()),
    )
    biggest = max(parts, key=lambda p: parts[p])
    where = {
        "events": ("events", f"{len(scenario.events)} events over {sim.horizon_months} months"),
        "inputs": ("hazards", f"{len(scenario.drivers) + terms} drivers and odds ratios"),
        "tables": (
            "simulation.report_months",
            f"{states - 1} rungs in {len(sim.months)} report months",
        ),
        "ladder": ("ladder.rungs", f"{states} ladder states"),
        "paths": ("drivers", "the paths of the drivers that move"),
    }[biggest]
    return sum(parts.values()), where


def _size(nbytes: float) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes / 2**10:.3g} KiB"
