"""The engine against independent computations: closed forms, a hand-built Markov chain, a
coin-flip simulation, and the randomness contract (reproducible, order-free, common numbers)."""

from __future__ import annotations

import copy
import itertools
import math
from typing import Any

import numpy as np
import pytest
from scipy import special, stats

from belwar.core import engine, streams
from belwar.results.run import Result
from belwar.run.simulation import simulate, summarise
from belwar.spec.compile import compile_model
from belwar.spec.loader import scenario_from_data
from belwar.spec.scenario import Scenario

RUNGS = ["start", "one", "two", "three"]


def make(**parts: Any) -> Scenario:
    """A scenario on a four-rung ladder from plain data; ``parts`` override the defaults."""
    data: dict[str, Any] = {
        "id": "test",
        "title": "A test scenario",
        "simulation": {"samples": 20_000, "seed": 11, "horizon_months": 6},
        "ladder": {"rungs": [{"id": r, "label": r.title()} for r in RUNGS]},
        "hazards": {"one": {"base": 0.05}, "two": {"base": 0.02}, "three": {"base": 0.01}},
    }
    data.update(parts)
    return scenario_from_data(data)


def exceed_closed_form(hazards: list[float], month: int, k: int) -> float:
    """P(S_month >= k) with constant point hazards and no momentum: every rung at or above k is
    eligible until one fires, so P(not yet) = prod over months and those rungs of (1 - h)."""
    return 1.0 - math.prod(1.0 - h for h in hazards[k - 1 :]) ** month


# --- Closed forms ----------------------------------------------------------------------------


def test_point_inputs_match_the_closed_form_exactly() -> None:
    hazards = [0.05, 0.02, 0.01]
    result = simulate(make(), samples=1000, months=[1, 3, 6])
    for k, rung in enumerate(RUNGS[1:], start=1):
        for month in (1, 3, 6):
            cell = result.cell(rung, month)
            assert cell.p == pytest.approx(exceed_closed_form(hazards, month, k), abs=1e-14)
            assert cell.mcse == pytest.approx(0.0, abs=1e-14)  # nothing random reaches the ladder


def test_hazard_limits_are_exact() -> None:
    never = make(hazards={"one": {"base": 0.0}})
    assert simulate(never, samples=100).probability("one", 6) == 0.0
    certain = make(hazards={"two": {"base": 1.0}})
    result = simulate(certain, samples=100, months=[1])
    assert result.probability("two", 1) == 1.0
    assert result.probability("three", 1) == 0.0


def test_point_driver_and_odds_ratio_match_the_closed_form() -> None:
    # a driver 0.3 above its reference, with odds x2 per 0.1 on rung "one": M = 2 ** 3
    scenario = make(
        drivers={"pressure": {"label": "Pressure", "reference": 0.5, "dist": 0.8, "range": [0, 1]}},
        hazards={
            "one": {"base": 0.05, "odds_ratios": {"pressure": {"per": 0.1, "dist": 2.0}}},
            "two": {"base": 0.02},
            "three": {"base": 0.01},
        },
    )
    result = simulate(scenario, samples=500, months=[1, 6])
    moved = 0.05 * 8 / (1 - 0.05 + 0.05 * 8)
    for month in (1, 6):
        expected = exceed_closed_form([moved, 0.02, 0.01], month, 1)
        assert result.probability("one", month) == pytest.approx(expected, abs=1e-14)
    # a point odds ratio is drawn as it is, not through exp(log(.))
    drawn = {i.key: i.mean for i in result.inputs}
    assert drawn["odds:one:pressure"] == 2.0
    assert drawn["driver:pressure"] == 0.8


def _chain_probability(h0: list[float], h1: list[float], months: int) -> np.ndarray:
    """State distribution after ``months`` by a transition matrix built by enumerating every
    subset of rungs that could fire (independent of the engine's formula)."""
    states = len(h0) + 1
    matrix = np.zeros((states, states))
    for j in range(states):
        h = h0 if j == 0 else h1
        above = list(range(j + 1, states))
        for fired in itertools.product([False, True], repeat=len(above)):
            weight = math.prod(
                h[r - 1] if f else 1 - h[r - 1] for r, f in zip(above, fired, strict=True)
            )
            top = max([r for r, f in zip(above, fired, strict=True) if f], default=j)
            matrix[j, top] += weight
    p = np.zeros(states)
    p[0] = 1.0
    for _ in range(months):
        p = p @ matrix
    return p


def test_momentum_matches_a_hand_built_markov_chain() -> None:
    base = [0.05, 0.02, 0.01]
    m = 3.0
    with_momentum = [b * m / (1 - b + b * m) for b in base]
    result = simulate(make(momentum={"dist": m}), samples=1000, months=[1, 2, 6])
    for month in (1, 2, 6):
        p = _chain_probability(base, with_momentum, month)
        for k, rung in enumerate(RUNGS[1:], start=1):
            assert result.probability(rung, month) == pytest.approx(p[k:].sum(), abs=1e-14)
    horizon = _chain_probability(base, with_momentum, 6)
    assert [h.p for h in result.highest] == pytest.approx(list(horizon), abs=1e-14)


def test_event_with_known_probability_and_duration() -> None:
    # An event of monthly probability q lasting L months multiplies the odds of rung "two".
    # Exact expectation: enumerate all 2^T onset paths, weight them, and for each path take
    # the closed form with month-by-month hazards.
    q, lasts, odds, months = 0.2, 2, 6.0, 5
    scenario = make(
        simulation={"samples": 100_000, "seed": 3, "horizon_months": months},
        events={"shock": {"label": "A shock", "monthly": q, "lasts_months": lasts}},
        hazards={
            "one": {"base": 0.05},
            "two": {"base": 0.02, "odds_ratios": {"shock": {"dist": odds}}},
            "three": {"base": 0.01},
        },
    )
    result = simulate(scenario, months=[months])
    boosted = 0.02 * odds / (1 - 0.02 + 0.02 * odds)
    expected = {2: 0.0, 3: 0.0}
    for onsets in itertools.product([False, True], repeat=months):
        weight = math.prod(q if o else 1 - q for o in onsets)
        active = [any(onsets[max(0, t - lasts + 1) : t + 1]) for t in range(months)]
        for k in (2, 3):
            survive = 1.0
            for t in range(months):
                h = [0.05, boosted if active[t] else 0.02, 0.01]
                survive *= math.prod(1 - x for x in h[k - 1 :])
            expected[k] += weight * (1 - survive)
    for k, rung in ((2, "two"), (3, "three")):
        cell = result.cell(rung, months)
        assert abs(cell.p - expected[k]) < 4 * cell.mcse + 1e-12
    assert result.cell("two", months).mcse > 0  # the event path is random


# --- Against a plain coin-flip simulation -------------------------------------------------------


def test_agrees_with_a_coin_flip_simulation() -> None:
    scenario = make(
        simulation={"samples": 200_000, "seed": 5, "horizon_months": 6},
        drivers={
            "pressure": {
                "label": "Pressure",
                "range": [0, 1],
                "reference": 0.5,
                "dist": {"type": "uniform", "low": 0.2, "high": 0.8},
            }
        },
        events={"shock": {"label": "A shock", "monthly": 0.1, "lasts_months": 2}},
        hazards={
            "one": {
                "base": {"type": "uniform", "low": 0.02, "high": 0.08},
                "odds_ratios": {"pressure": {"per": 0.1, "dist": 1.3}},
            },
            "two": {"base": 0.01, "odds_ratios": {"shock": {"dist": 5.0}}},
            "three": {"base": 0.004},
        },
        momentum={"dist": 2.0},
    )
    result = simulate(scenario, months=[3, 6])

    # Independent: numpy's own samplers, a coin for every rung in every month.
    rng = np.random.default_rng(2024)
    n = 200_000
    pressure = rng.uniform(0.2, 0.8, n)
    base = np.stack([rng.uniform(0.02, 0.08, n), np.full(n, 0.01), np.full(n, 0.004)])
    onset = rng.random((6, n)) < 0.1
    active = onset | np.vstack([np.zeros((1, n), bool), onset[:-1]])
    odds_static = np.stack([1.3 ** ((pressure - 0.5) / 0.1), np.ones(n), np.ones(n)])
    state = np.zeros(n, dtype=int)
    reached = {}
    for t in range(6):
        odds = odds_static.copy()
        odds[1] = np.where(active[t], 5.0, 1.0)
        odds = odds * np.where(state > 0, 2.0, 1.0)
        hazard = base * odds / (1 - base + base * odds)
        fired = rng.random((3, n)) < hazard
        for k in (1, 2, 3):
            climb = fired[k - 1] & (state < k)
            state = np.where(climb & (k > state), np.maximum(state, k), state)
        reached[t + 1] = state.copy()
    for month in (3, 6):
        for k, rung in enumerate(RUNGS[1:], start=1):
            hits = reached[month] >= k
            brute, brute_se = hits.mean(), hits.std(ddof=1) / math.sqrt(n)
            cell = result.cell(rung, month)
            assert abs(cell.p - brute) < 4 * math.hypot(cell.mcse, brute_se), (rung, month)


# --- The copula ---------------------------------------------------------------------------------


def test_copula_delivers_the_rank_correlation_and_keeps_marginals() -> None:
    scenario = make(
        simulation={"samples": 200_000, "seed": 9, "horizon_months": 3},
        drivers={
            "a": {"label": "A", "dist": {"type": "beta", "ci90": [0.2, 0.7]}},
            "b": {"label": "B", "dist": {"type": "lognormal", "ci90": [1, 10]}},
            "c": {"label": "C", "dist": {"type": "triangular", "min": 0, "mode": 1, "max": 4}},
        },
        correlations=[
            {"between": ["a", "b"], "rho": 0.6},
            {"between": ["a", "c"], "rho": -0.4},
            {"between": ["b", "c"], "rho": -0.1},
        ],
    )
    result = simulate(scenario, keep_samples=True)
    assert result.samples is not None
    keys = result.samples.input_keys
    draws = {k: result.samples.inputs[keys.index(f"driver:{k}")] for k in "abc"}
    for (x, y), rho in ((("a", "b"), 0.6), (("a", "c"), -0.4), (("b", "c"), -0.1)):
        assert stats.spearmanr(draws[x], draws[y]).statistic == pytest.approx(rho, abs=0.02)
    model = compile_model(scenario)
    for driver in model.drivers:
        ks = stats.kstest(draws[driver.name], lambda x, d=driver.dist: d.cdf(x))
        assert ks.pvalue > 1e-3, driver.name


# --- The randomness contract --------------------------------------------------------------------


def _numbers(result: Result) -> dict[str, Any]:
    data = result.to_dict()
    for volatile in ("seconds", "created"):
        data["metadata"].pop(volatile)
    return data


RICH: dict[str, Any] = {
    "simulation": {"samples": 3 * streams.BLOCK_SIZE + 123, "seed": 1, "horizon_months": 6},
    "drivers": {
        "pressure": {
            "label": "Pressure",
            "range": [0, 1],
            "reference": 0.5,
            "dist": {"type": "pert", "min": 0.1, "mode": 0.5, "max": 0.9},
        },
        "opposition": {
            "label": "Opposition",
            "range": [0, 1],
            "reference": 0.7,
            "dist": {"type": "beta", "ci90": [0.5, 0.9]},
        },
    },
    "correlations": [{"between": ["pressure", "opposition"], "rho": -0.3}],
    "events": {"shock": {"label": "A shock", "monthly": {"type": "beta", "ci90": [0.01, 0.1]}}},
    "hazards": {
        "one": {
            "base": {"type": "beta", "ci90": [0.02, 0.1]},
            "odds_ratios": {
                "pressure": {"per": 0.1, "dist": {"type": "lognormal", "ci90": [1.1, 1.5]}}
            },
        },
        "two": {
            "base": {"type": "estimative", "term": "almost_no_chance"},
            "odds_ratios": {"shock": {"dist": {"type": "lognormal", "ci90": [2, 6]}}},
        },
        "three": {
            "base": 0.003,
            "odds_ratios": {
                "opposition": {"per": 0.1, "dist": {"type": "lognormal", "ci90": [0.4, 0.8]}}
            },
        },
    },
    "momentum": {"dist": {"type": "lognormal", "ci90": [1, 3]}},
}


def test_same_seed_same_result_bit_for_bit() -> None:
    scenario = make(**copy.deepcopy(RICH))
    assert _numbers(simulate(scenario)) == _numbers(simulate(scenario))


def test_block_order_and_grouping_do_not_matter() -> None:
    model = compile_model(make(**copy.deepcopy(RICH)))
    work = streams.blocks(model.samples)
    assert len(work) == 4
    forward = summarise(model, engine.run_blocks(model, work), seconds=0)
    backward = summarise(model, engine.run_blocks(model, reversed(work)), seconds=0)
    # two "workers" each run half, then merge
    merged = engine.Totals()
    for part in (work[1::2], work[0::2]):
        for block, n in part:
            merged.add(engine.run_block(model, block, n))
    grouped = summarise(model, merged, seconds=0)
    assert _numbers(forward) == _numbers(backward) == _numbers(grouped)


def test_a_different_seed_moves_results_within_their_mcse() -> None:
    scenario = make(**copy.deepcopy(RICH))
    a, b = simulate(scenario, seed=1), simulate(scenario, seed=2)
    assert _numbers(a)["records"] != _numbers(b)["records"]
    for x, y in zip(a.cells, b.cells, strict=True):
        assert abs(x.p - y.p) < 4 * math.hypot(x.mcse, y.mcse), x.rung


def test_adding_an_unrelated_driver_keeps_every_other_draw() -> None:
    parts = copy.deepcopy(RICH)
    parts["simulation"]["samples"] = 5000
    before = simulate(make(**copy.deepcopy(parts)), keep_samples=True)
    parts["drivers"]["weather"] = {
        "label": "Weather",
        "dist": {"type": "normal", "mean": 0, "sd": 1},
    }
    after = simulate(make(**parts), keep_samples=True)
    assert before.samples is not None
    assert after.samples is not None
    for i, key in enumerate(before.samples.input_keys):
        j = after.samples.input_keys.index(key)
        np.testing.assert_array_equal(before.samples.inputs[i], after.samples.inputs[j])
    np.testing.assert_array_equal(before.samples.exceed, after.samples.exceed)


# --- Reductions against the per-sample arrays ---------------------------------------------------


def test_mcse_and_percentiles_match_the_per_sample_arrays() -> None:
    result = simulate(make(**copy.deepcopy(RICH)), keep_samples=True)
    assert result.samples is not None
    exceed = result.samples.exceed
    width = 2 * engine.LOGIT_LIMIT / engine.BINS  # documented: within one bin in log-odds
    for k, rung in enumerate(result.rungs):
        for m, month in enumerate(result.months):
            values = exceed[k, m]
            cell = result.cell(rung, month)
            assert cell.p == pytest.approx(values.mean(), rel=1e-12)
            assert cell.mcse == pytest.approx(values.std(ddof=1) / math.sqrt(values.size), rel=1e-9)
            for q, got in zip((0.05, 0.5, 0.95), (cell.p05, cell.p50, cell.p95), strict=True):
                exact = float(np.quantile(values, q))
                assert abs(special.logit(got) - special.logit(exact)) <= width, (rung, month, q)


def test_highest_rung_distribution_sums_to_one() -> None:
    result = simulate(make(**copy.deepcopy(RICH)))
    assert sum(h.p for h in result.highest) == pytest.approx(1.0, abs=1e-12)
    top = result.rungs[-1]
    assert result.highest[-1].p == pytest.approx(result.probability(top, max(result.months)))


def test_probabilities_are_monotone_in_months_and_rungs() -> None:
    result = simulate(make(**copy.deepcopy(RICH)), months=[1, 2, 4, 6])
    for rung in result.rungs:
        ps = [result.probability(rung, m) for m in result.months]
        assert ps == sorted(ps)
    for month in result.months:
        ps = [result.probability(r, month) for r in result.rungs]
        assert ps == sorted(ps, reverse=True)
