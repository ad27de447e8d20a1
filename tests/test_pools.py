"""Pools, against closed forms computed here: the log-odds pool of given numbers, a linear pool
as the weighted sum of its members' runs (computed from the members run alone), mixture
percentiles against the quantiles of the members' pooled samples, posterior weights as prior
times evidence; and the invariants: a pool of one member or of identical members is the
member bit for bit, a log-odds pool is monotone across rungs and months."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import belwar
from belwar.core import pooling
from belwar.core.reductions import BINS, LOGIT_LIMIT
from belwar.errors import InputError
from belwar.results.run import Result
from belwar.run.options import RunOptions
from belwar.run.pools import pool, run_pool
from belwar.run.scoring import score
from belwar.run.simulation import simulate
from belwar.spec.history_loader import read_history
from belwar.spec.loader import load_register, load_scenario
from belwar.spec.pool import pool_of
from belwar.spec.pool_loader import load_pool

from .conftest import SCENARIOS, TESTS

OPTIONS = RunOptions(samples=6_000, workers=1)
BASELINE = SCENARIOS / "baseline.yaml"
SQUEEZE = SCENARIOS / "kremlin-squeeze.yaml"


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _logistic(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# --- the arithmetic ------------------------------------------------------------------------------


def test_log_odds_pool_of_four_forecasts() -> None:
    ps = [0.0140, 0.0221, 0.0039, 0.0040]
    pooled = pooling.log_odds(np.array(ps), np.full(4, 0.25))
    assert float(pooled) == pytest.approx(0.008358, abs=5e-7)
    assert float(pooled) == pytest.approx(_logistic(sum(_logit(p) for p in ps) / 4), rel=1e-12)


def test_extremizing_a_single_forecast() -> None:
    pooled = pooling.log_odds(np.array([0.7]), np.array([1.0]), 1.73)
    assert float(pooled) == pytest.approx(0.812422, abs=5e-7)


def test_a_log_odds_pool_is_monotone_across_rungs_and_months() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        members = rng.integers(1, 6)
        # each member's table: non-decreasing over months, non-increasing up the rungs
        steps = rng.random((members, 4, 6)) ** 3
        tables = np.cumsum(steps, axis=2)
        tables = tables[:, ::-1].cumsum(axis=1)[:, ::-1]
        tables = tables / (tables.max() * 1.01)
        tables[:, :, 0] = np.minimum(tables[:, :, 0], 1e-12)  # near 0: clipping is monotone
        weights = rng.random(members)
        weights /= weights.sum()
        extremize = float(rng.uniform(0.5, 3))
        raw = pooling.log_odds(tables, weights, extremize)
        pooled = pooling.monotone(raw)
        assert np.all(np.diff(pooled, axis=1) >= 0)
        assert np.all(np.diff(pooled, axis=0) <= 0)
        assert np.max(np.abs(pooled - raw)) < 1e-15  # the fix moves nothing but rounding


def test_posterior_weights_are_prior_times_evidence() -> None:
    prior = np.array([0.5, 0.3, 0.2])
    logs = np.array([-1003.0, -1001.0, -1010.0])  # each exp underflows: the log scale keeps them
    post = pooling.posterior_weights(prior, logs)
    expected = prior * np.exp([-2.0, 0.0, -9.0])
    assert post == pytest.approx(expected / expected.sum(), rel=1e-12)
    assert post[2] > 0


# --- pools of runs -------------------------------------------------------------------------------


def _members(*paths: Path) -> list[Result]:
    return [simulate(load_scenario(p), options=OPTIONS) for p in paths]


def test_a_pool_of_one_member_is_the_member_bit_for_bit() -> None:
    (alone,) = _members(BASELINE)
    for method in ("linear", "log_odds"):
        pooled = pool(BASELINE, method=method, options=OPTIONS).pooled
        assert pooled.cells == alone.cells
        assert pooled.highest == alone.highest


def test_a_pool_of_identical_members_is_the_member_bit_for_bit() -> None:
    (alone,) = _members(BASELINE)
    for method in ("linear", "log_odds"):
        result = pool(
            BASELINE,
            BASELINE,
            BASELINE,
            weights=[0.2, 0.5, 0.3],
            method=method,
            options=OPTIONS,
        )
        assert result.pooled.cells == alone.cells
        assert result.pooled.highest == alone.highest
        assert all(g.low == g.high and g.sd == 0 for g in result.disagreement)


def test_a_linear_pool_is_the_weighted_sum_of_its_members_in_every_cell() -> None:
    base, squeeze = _members(BASELINE, SQUEEZE)
    result = pool(BASELINE, SQUEEZE, weights=[0.7, 0.3], options=OPTIONS)
    assert [m.weight for m in result.members] == pytest.approx([0.7, 0.3], abs=1e-15)
    for cell in result.pooled.cells:
        expected = 0.7 * base.probability(cell.rung, cell.month)
        expected += 0.3 * squeeze.probability(cell.rung, cell.month)
        assert abs(cell.p - expected) <= 1e-12
    for h, hb, hs in zip(result.pooled.highest, base.highest, squeeze.highest, strict=True):
        assert abs(h.p - (0.7 * hb.p + 0.3 * hs.p)) <= 1e-12
    assert sum(h.p for h in result.pooled.highest) == pytest.approx(1, abs=1e-12)


def test_the_members_run_on_the_same_draws_as_alone() -> None:
    base, squeeze = _members(BASELINE, SQUEEZE)
    result = pool(BASELINE, SQUEEZE, options=OPTIONS)
    assert result.members[0].result.cells == base.cells
    assert result.members[1].result.cells == squeeze.cells


def test_disagreement_is_the_range_and_weighted_spread_of_the_members() -> None:
    base, squeeze = _members(BASELINE, SQUEEZE)
    result = pool(BASELINE, SQUEEZE, weights=[3, 1], options=OPTIONS)
    for gap in result.disagreement:
        a, b = base.probability(gap.rung, gap.month), squeeze.probability(gap.rung, gap.month)
        mean = 0.75 * a + 0.25 * b
        assert gap.low == min(a, b)
        assert gap.high == max(a, b)
        sd = math.sqrt(0.75 * (a - mean) ** 2 + 0.25 * (b - mean) ** 2)
        assert gap.sd == pytest.approx(sd, rel=1e-9)


def test_a_linear_pools_spread_is_the_mixture_of_the_members_samples() -> None:
    kept = RunOptions(samples=6_000, workers=1, keep_samples=True)
    runs = [simulate(load_scenario(p), options=kept) for p in (BASELINE, SQUEEZE)]
    result = pool(BASELINE, SQUEEZE, options=OPTIONS)  # equal weights, equal sample counts
    pooled_samples = np.concatenate([r.samples.exceed for r in runs if r.samples], axis=-1)
    for k, rung in enumerate(result.pooled.rungs):
        for m, month in enumerate(result.pooled.months):
            cell = result.pooled.cell(rung, month)
            exact = np.quantile(pooled_samples[k, m], [0.05, 0.5, 0.95])
            for got, want in zip((cell.p05, cell.p50, cell.p95), exact, strict=True):
                # within one log-odds bin of the exact sample quantile (reductions.BINS), and
                # the gap between neighbouring order statistics
                p = min(max(want, 1e-9), 1 - 1e-9)
                bound = p * (1 - p) * 2 * LOGIT_LIMIT / BINS * 1.01
                assert abs(got - want) <= bound + 2e-3 * p


def test_a_log_odds_pool_of_runs_against_the_formula() -> None:
    base, squeeze = _members(BASELINE, SQUEEZE)
    result = pool(
        BASELINE, SQUEEZE, weights=[0.6, 0.4], method="log_odds", extremize=1.5, options=OPTIONS
    )
    assert "pool of the outputs" in result.how
    for cell in result.pooled.cells:
        a, b = base.probability(cell.rung, cell.month), squeeze.probability(cell.rung, cell.month)
        expected = _logistic(1.5 * (0.6 * _logit(a) + 0.4 * _logit(b)))
        assert cell.p == pytest.approx(expected, rel=1e-12)
    assert sum(h.p for h in result.pooled.highest) == pytest.approx(1, abs=1e-12)
    assert all(h.p >= 0 for h in result.pooled.highest)


def test_pool_options_come_from_the_first_member() -> None:
    result = pool(BASELINE, SQUEEZE, options=RunOptions(samples=2_000, workers=1))
    assert result.pooled.metadata.seed == load_scenario(BASELINE).simulation.seed
    assert result.pooled.metadata.samples == 2_000


# --- on a history ------------------------------------------------------------------------------


def test_a_linear_pool_on_a_history_reweights_its_members_by_their_evidence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(TESTS)
    register = load_register("data/register")
    history = read_history("data/history.yaml", register=register)
    members = [
        load_scenario(p, register=register) for p in ("data/valid.yaml", "data/valid-higher.yaml")
    ]
    alone = [simulate(s, options=OPTIONS, history=history) for s in members]
    spec = pool_of([(s.id, s) for s in members], weights=[0.25, 0.75])
    result = run_pool(spec, options=OPTIONS, history=history)
    logs = [r.conditioning.log_evidence for r in alone if r.conditioning]
    expected = np.array([0.25, 0.75]) * np.exp(np.array(logs) - max(logs))
    expected /= expected.sum()
    assert [m.prior_weight for m in result.members] == pytest.approx([0.25, 0.75], rel=1e-15)
    assert [m.weight for m in result.members] == pytest.approx(list(expected), rel=1e-12)
    for cell in result.pooled.cells:
        want = sum(
            w * r.probability(cell.rung, cell.month) for w, r in zip(expected, alone, strict=True)
        )
        assert abs(cell.p - want) <= 1e-12
    assert result.pooled.conditioning is not None
    mixed = math.log(0.25 * math.exp(logs[0]) + 0.75 * math.exp(logs[1]))
    assert result.pooled.conditioning.log_evidence == pytest.approx(mixed, rel=1e-12)


# --- pool files ----------------------------------------------------------------------------------


def test_a_pool_file_runs_as_the_same_ad_hoc_pool(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "a.yaml").write_text(BASELINE.read_text().replace("id: baseline", "id: mine"))
    (tmp_path / "pool.yaml").write_text(
        "id: two\ntitle: Two stories\nas_of: 2022-04-15\npool:\n  method: linear\n  members:\n"
        "    - {scenario: a.yaml, weight: 2}\n"
        "    - {scenario: belwar:kremlin-squeeze.yaml, weight: 1}\n"
    )
    monkeypatch.chdir(tmp_path)
    spec = load_pool("pool.yaml")
    assert [m.weight for m in spec.members] == pytest.approx([2 / 3, 1 / 3])
    assert [m.stated for m in spec.members] == [2.0, 1.0]
    from_file = pool("pool.yaml", options=OPTIONS)
    ad_hoc = pool("a.yaml", SQUEEZE, weights=[2, 1], options=OPTIONS)
    assert from_file.pooled.cells == ad_hoc.pooled.cells
    assert from_file.pool_id == "two"


def test_ad_hoc_pools_refuse_what_a_file_would() -> None:
    base, wide = load_scenario(BASELINE), load_scenario(BASELINE, overrides=["as_of=2022-05-01"])
    with pytest.raises(InputError, match="must share as_of"):
        pool_of([("a", base), ("b", wide)])
    with pytest.raises(InputError, match="2 weights for 1 member:"):
        pool_of([("a", base)], weights=[1, 2])
    with pytest.raises(InputError, match="positive"):
        pool_of([("a", base), ("b", base)], weights=[1, 0])
    with pytest.raises(InputError, match="log_odds pool only"):
        pool_of([("a", base)], extremize=2.0)


def test_the_pool_result_as_json_and_pandas() -> None:
    result = pool(BASELINE, SQUEEZE, weights=[0.7, 0.3], options=OPTIONS)
    data = result.to_dict()
    assert data["format"] == "belwar-pool"
    assert [m["weight"] for m in data["members"]] == pytest.approx([0.7, 0.3])
    assert data["pool"]["how"].startswith("linear pool")
    record = data["records"][0]
    wanted = {"p", "low", "high", "range", "sd", "member:baseline", "member:kremlin_squeeze"}
    assert wanted <= set(record)
    twice = pool(BASELINE, BASELINE, options=OPTIONS).records()[0]
    assert {"member:baseline", "member:baseline#2"} <= set(twice)
    frame = result.to_pandas()
    assert list(frame["p"]) == [c.p for c in result.pooled.cells]


def test_belwar_pool_displays_in_a_notebook() -> None:
    result = belwar.pool(BASELINE, SQUEEZE, options=OPTIONS)
    assert isinstance(result, belwar.PoolResult)
    html = result._repr_html_()
    assert "The pool beside its members" in html
    assert "linear pool" in html
    assert "kremlin_squeeze: weight 0.500" in repr(result)
    assert "| baseline |" in result._repr_markdown_()


def test_a_pool_too_large_to_hold_is_refused_with_the_cap_named() -> None:
    months = "[" + ", ".join(map(str, range(1, 241))) + "]"
    long = load_scenario(
        BASELINE,
        overrides=["simulation.horizon_months=240", f"simulation.report_months={months}"],
    )
    spec = pool_of([(str(i), long) for i in range(20)])
    with pytest.raises(InputError, match=r"14,400 rung-months .* at most 1 GiB"):
        run_pool(spec, options=OPTIONS)


def test_a_pool_file_is_scored_as_its_pooled_forecast(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # a pool of one member is the member bit for bit, so it scores exactly as the member does
    (tmp_path / "one.yaml").write_text(
        "id: one\ntitle: One story\nas_of: 2022-04-15\npool:\n  method: linear\n  members:\n"
        "    - {scenario: belwar:baseline.yaml, weight: 1}\n"
    )
    record = SCENARIOS / "history" / "belarus-2022-2025.yaml"
    monkeypatch.chdir(tmp_path)
    pooled, alone = score(["one.yaml", BASELINE], record, options=OPTIONS).forecasts
    assert (pooled.name, pooled.kind, alone.kind) == ("one", "pool", "scenario")
    assert pooled.as_of == alone.as_of == "2022-04-15"
    assert pooled.cells == alone.cells
    assert pooled.months == alone.months
