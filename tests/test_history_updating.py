"""Exact conditioning on an observed history, against closed forms computed here from beta
functions and normal densities (independently of the engine), a brute-force rejection sampler,
and the invariants: an empty history is the unconditioned run bit for bit, and the digits do
not depend on the workers or the cluster."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest
from scipy import special, stats

from belwar.core.calendar import add_months, month_of, whole_months
from belwar.core.weighted import paired_log_ratio
from belwar.errors import InputError
from belwar.results.run import Result
from belwar.run.diff import compare
from belwar.run.sensitivities import MAX_KEPT_VALUES, check_kept, sensitivity
from belwar.run.simulation import simulate
from belwar.spec.compile import compile_model
from belwar.spec.history_loader import LoadedHistory, history_from_data
from belwar.spec.loader import scenario_from_data
from belwar.spec.scenario import Scenario

SINCE = date(2022, 4, 15)
N = 200_000


def _scenario(hazards: dict[str, Any], rungs: int = 2, **extra: Any) -> Scenario:
    data: dict[str, Any] = {
        "id": "tiny",
        "title": "A tiny scenario",
        "as_of": SINCE,
        "simulation": {"samples": N, "seed": 11, "horizon_months": 12, "report_months": [12]},
        "ladder": {"rungs": [{"id": f"r{i}", "label": f"Rung {i}"} for i in range(rungs)]},
        "hazards": hazards,
        **extra,
    }
    return scenario_from_data(data)


def _history(months: int = 36, **observed: Any) -> LoadedHistory:
    through = add_months(SINCE, months)
    data = {"id": "record", "title": "A record", "since": SINCE, "through": through, **observed}
    return history_from_data(data)


def _within(value: float, exact: float, mcse: float, times: float = 4.0) -> None:
    assert abs(value - exact) <= times * mcse, (value, exact, mcse)


def _posterior(result: Result, key: str) -> Any:
    assert result.conditioning is not None
    index = [i.key for i in result.inputs].index(key)
    return result.conditioning.posterior[index]


def test_the_months_are_counted_from_since() -> None:
    assert month_of(date(2022, 10, 10), SINCE) == 6
    assert whole_months(SINCE, date(2025, 12, 31)) == 44
    assert _history(36).history.months == 36


def test_a_beta_hazard_not_reached_in_36_months() -> None:
    scenario = _scenario({"r1": {"base": {"type": "beta", "alpha": 2, "beta": 98}}})
    result = simulate(scenario, history=_history(ladder={"r1": {"reached": None}}), workers=1)
    prior = simulate(scenario, workers=1)
    # P(reached within 12 more months) = 1 - E[(1-h)^12 | (1-h)^36] = 1 - B(2,146)/B(2,134)
    forecast = 1 - math.exp(special.betaln(2, 146) - special.betaln(2, 134))
    assert forecast == pytest.approx(0.157115, abs=1e-6)
    assert 1 - math.exp(special.betaln(2, 110) - special.betaln(2, 98)) == pytest.approx(
        0.205405, abs=1e-6
    )
    cell = result.cell("r1", 12)
    _within(cell.p, forecast, cell.mcse)
    _within(prior.cell("r1", 12).p, 0.205405, prior.cell("r1", 12).mcse)
    c = result.conditioning
    assert c is not None
    assert c.observed_months == 36
    evidence = math.exp(special.betaln(2, 134) - special.betaln(2, 98))
    assert evidence == pytest.approx(0.536318, abs=1e-6)
    _within(c.log_evidence, math.log(evidence), c.log_evidence_mcse)
    # ESS/N tends to E[w]^2 / E[w^2], w = (1-h)^36: B(2,134)^2 / (B(2,98) B(2,170))
    ess = math.exp(2 * special.betaln(2, 134) - special.betaln(2, 98) - special.betaln(2, 170))
    assert ess == pytest.approx(0.8618, abs=1e-4)
    assert c.ess / N == pytest.approx(ess, abs=0.005)
    hazard = _posterior(result, "hazard:r1")
    _within(hazard.mean, 2 / 136, hazard.mcse)
    assert c.pareto_k < 0.5  # weights bounded by 1: a light tail


def test_a_point_hazard_gives_the_exact_forecast_and_every_sample() -> None:
    scenario = _scenario({"r1": {"base": 0.02}})
    result = simulate(scenario, history=_history(ladder={"r1": {"reached": None}}), workers=1)
    assert result.cell("r1", 12).p == pytest.approx(1 - 0.98**12, abs=1e-12)
    assert result.conditioning is not None
    assert result.conditioning.ess == pytest.approx(N, rel=1e-12)
    assert result.conditioning.log_evidence == pytest.approx(36 * math.log(0.98), abs=1e-12)


def test_the_bayes_factor_of_two_point_hazards_is_exact() -> None:
    history = _history(ladder={"r1": {"reached": None}})
    kept = [
        simulate(_scenario({"r1": {"base": base}}), history=history, workers=1, keep_samples=True)
        for base in (0.02, 0.05)
    ]
    logs = [r.samples.log_weights for r in kept if r.samples is not None]
    a, b = logs
    assert a is not None
    assert b is not None
    value, mcse = paired_log_ratio(a, b)
    assert math.exp(value) == pytest.approx((0.98 / 0.95) ** 36, rel=1e-10)
    bayes_factor = (0.98 / 0.95) ** 36
    assert bayes_factor == pytest.approx(3.06259, abs=1e-5)
    assert mcse == 0.0


def test_a_rung_reached_and_a_higher_one_not_are_two_beta_updates() -> None:
    scenario = _scenario(
        {
            "r1": {"base": {"type": "beta", "alpha": 2, "beta": 30}},
            "r2": {"base": {"type": "beta", "alpha": 1, "beta": 60}},
        },
        rungs=3,
    )
    ladder = {"r1": {"reached": date(2022, 10, 10)}, "r2": {"reached": None}}
    result = simulate(scenario, history=_history(ladder=ladder), workers=1)
    # months 1-5 neither fires, month 6 r1 fires and r2 does not, months 7-36 r2 does not:
    # h1 (1 - h1)^5 (1 - h2)^36
    evidence = math.exp(
        special.betaln(3, 35)
        - special.betaln(2, 30)
        + special.betaln(1, 96)
        - special.betaln(1, 60)
    )
    c = result.conditioning
    assert c is not None
    _within(c.log_evidence, math.log(evidence), c.log_evidence_mcse)
    h1, h2 = _posterior(result, "hazard:r1"), _posterior(result, "hazard:r2")
    _within(h1.mean, 3 / 38, h1.mcse)
    _within(h2.mean, 1 / 97, h2.mcse)
    # the state is r1 at month 36; r2 within 12 more months is 1 - E[(1 - h2)^12] under
    # Beta(1, 96)
    forecast = 1 - math.exp(special.betaln(1, 108) - special.betaln(1, 96))
    cell = result.cell("r2", 12)
    _within(cell.p, forecast, cell.mcse)
    assert result.cell("r1", 12).p == pytest.approx(1.0, abs=1e-12)


def test_an_event_observed_without_onsets_updates_its_chance() -> None:
    events = {"shock": {"label": "A shock", "monthly": {"type": "beta", "alpha": 1, "beta": 9}}}
    scenario = _scenario({"r1": {"base": 0.01}}, events=events)
    result = simulate(scenario, history=_history(events={"shock": {"onsets": []}}), workers=1)
    shock = _posterior(result, "event:shock")
    _within(shock.mean, 1 / 46, shock.mcse)
    c = result.conditioning
    assert c is not None
    evidence = math.exp(special.betaln(1, 45) - special.betaln(1, 9))
    _within(c.log_evidence, math.log(evidence), c.log_evidence_mcse)


def test_a_normal_driver_measured_once() -> None:
    drivers = {
        "x": {"label": "A driver", "reference": 0.0, "dist": {"type": "normal", "mean": 0, "sd": 1}}
    }
    hazards = {"r1": {"base": 0.01, "odds_ratios": {"x": {"per": 1, "dist": 1.5}}}}
    scenario = _scenario(hazards, drivers=drivers)
    reading = {"date": date(2022, 6, 1), "value": 1.0, "sd": 1.0}
    result = simulate(scenario, history=_history(measurements={"x": [reading]}), workers=1)
    x = _posterior(result, "driver:x")
    _within(x.mean, 0.5, x.mcse)
    sd = (x.p95 - x.p05) / (2 * stats.norm.ppf(0.95))
    assert sd == pytest.approx(math.sqrt(0.5), abs=0.01)
    c = result.conditioning
    assert c is not None
    evidence = stats.norm.pdf(1.0, 0.0, math.sqrt(2.0))
    assert evidence == pytest.approx(0.219696, abs=1e-6)
    _within(c.log_evidence, math.log(evidence), c.log_evidence_mcse)


# --- Brute force -------------------------------------------------------------------------------

_BASES = {"r1": (2.0, 40.0), "r2": (1.0, 80.0)}
_EVENT = (2.0, 18.0)  # the event's monthly chance, a beta
_MOMENTUM = (math.log(2.0), 0.3)  # log-normal: median 2
_ODDS = (math.log(3.0), 0.2)  # the event's odds ratio on r2, log-normal: median 3
_T, _H = 6, 6


def _small_scenario() -> Scenario:
    def lognormal(mu: float, sigma: float) -> dict[str, Any]:
        return {"type": "lognormal", "median": math.exp(mu), "sigma": sigma}

    hazards: dict[str, Any] = {
        rung: {"base": {"type": "beta", "alpha": a, "beta": b}} for rung, (a, b) in _BASES.items()
    }
    hazards["r2"]["odds_ratios"] = {"shock": {"dist": lognormal(*_ODDS)}}
    data = {
        "events": {
            "shock": {
                "label": "A shock",
                "monthly": {"type": "beta", "alpha": _EVENT[0], "beta": _EVENT[1]},
                "lasts_months": 2,
            }
        },
        "momentum": {"dist": lognormal(*_MOMENTUM)},
    }
    scenario = _scenario(hazards, rungs=3, **data)
    return scenario.with_overrides(
        {"simulation.horizon_months": _H, "simulation.report_months": [_H]}, check_citations=False
    )


def _hazard(b: np.ndarray, odds: np.ndarray) -> np.ndarray:
    hazard: np.ndarray = b * odds / (1 - b + b * odds)
    return hazard


def _rejection(n: int, rng: np.random.Generator) -> tuple[float, float, float]:
    """Coin-flip paths of the small scenario, kept when they match the history (r1 first
    reached in month 3, r2 not through month 6, the shock beginning in month 2 only): the
    acceptance rate (the evidence) and P(r2 reached by month T + H) among those kept, with
    that estimate's standard error."""
    b1 = rng.beta(*_BASES["r1"], n)
    b2 = rng.beta(*_BASES["r2"], n)
    q = rng.beta(*_EVENT, n)
    momentum = np.exp(rng.normal(*_MOMENTUM, n))
    odds = np.exp(rng.normal(*_ODDS, n))
    state = np.zeros(n, dtype=np.int64)
    onsets = rng.random((_T + _H, n)) < q
    active = onsets.copy()
    active[1:] |= onsets[:-1]  # lasts two months
    keep = (onsets[:_T] == (np.arange(1, _T + 1) == 2)[:, None]).all(axis=0)
    for t in range(_T + _H):
        up = np.where(state > 0, momentum, 1.0)
        fire1 = rng.random(n) < _hazard(b1, up)
        fire2 = rng.random(n) < _hazard(b2, up * np.where(active[t], odds, 1.0))
        state = np.maximum(state, np.where(fire2, 2, np.where(fire1 & (state < 1), 1, 0)))
        if t < _T:
            keep &= (state >= 1) == (t + 1 >= 3)
            keep &= state < 2
    accepted = int(keep.sum())
    p = float((state[keep] >= 2).mean())
    return accepted / n, p, math.sqrt(p * (1 - p) / accepted)


def test_the_weighted_engine_agrees_with_rejection_sampling() -> None:
    ladder = {"r1": {"reached": date(2022, 7, 1)}, "r2": {"reached": None}}
    history = _history(_T, ladder=ladder, events={"shock": {"onsets": [date(2022, 6, 1)]}})
    result = simulate(_small_scenario(), history=history, workers=1)
    evidence, p, se = _rejection(2_000_000, np.random.default_rng(5))
    cell = result.cell("r2", _H)
    _within(cell.p, p, math.hypot(cell.mcse, se))
    c = result.conditioning
    assert c is not None
    evidence_se = math.sqrt(evidence * (1 - evidence) / 2_000_000)
    engine_se = math.exp(c.log_evidence) * c.log_evidence_mcse  # the log's MCSE is relative
    _within(math.exp(c.log_evidence), evidence, math.hypot(evidence_se, engine_se))


# --- Invariants --------------------------------------------------------------------------------


def _digits(result: Result) -> dict[str, Any]:
    data = result.to_dict()
    data["metadata"] = {
        k: v for k, v in data["metadata"].items() if k not in {"seconds", "created"}
    }
    return data


def test_an_empty_history_is_the_unconditioned_run_bit_for_bit() -> None:
    scenario = _small_scenario()
    empty = history_from_data(
        {"id": "nothing", "title": "Nothing yet", "since": SINCE, "through": SINCE}
    )
    assert empty.history.is_empty()
    assert _digits(simulate(scenario, history=empty, samples=70_000)) == _digits(
        simulate(scenario, samples=70_000)
    )


def test_the_digits_do_not_depend_on_the_workers_or_the_cluster() -> None:
    ladder = {"r1": {"reached": date(2022, 7, 1)}, "r2": {"reached": None}}
    history = _history(_T, ladder=ladder, events={"shock": {"onsets": [date(2022, 6, 1)]}})
    scenario = _small_scenario()
    one = _digits(simulate(scenario, history=history, samples=140_000, workers=1))
    assert _digits(simulate(scenario, history=history, samples=140_000, workers=2)) == one
    assert _digits(simulate(scenario, history=history, samples=140_000, dask="local")) == one


def test_a_sensitivity_counts_every_report_month_it_keeps() -> None:
    model = compile_model(_small_scenario())
    months = tuple(range(1, model.horizon + 1))
    for chosen in ((model.horizon,), months):
        wide = replace(model, months=chosen)
        per = len(wide.inputs()) + (wide.states - 1) * len(chosen) + wide.states
        most = MAX_KEPT_VALUES // per
        check_kept(replace(wide, samples=most))
        with pytest.raises(InputError, match=rf"keeps {per} numbers a sample: at most {most:,}"):
            check_kept(replace(wide, samples=most + 1))


def test_a_diff_given_a_history_is_paired_and_matches_the_runs() -> None:
    history = _history(_T, ladder={"r1": {"reached": None}})
    a = _small_scenario()
    b = a.with_overrides({"hazards.r2.base.alpha": 2.0}, check_citations=False)
    comparison = compare(a, b, history=history, samples=70_000)
    run_a = simulate(a, history=history, samples=70_000, keep_samples=True, workers=1)
    run_b = simulate(b, history=history, samples=70_000, keep_samples=True, workers=1)
    assert comparison.result_a.cells == run_a.cells
    assert comparison.result_b.cells == run_b.cells
    delta = next(d for d in comparison.deltas if d.rung == "r2")
    assert delta.delta == run_b.cell("r2", _H).p - run_a.cell("r2", _H).p
    # the paired error from the per-sample influences of both self-normalised means
    assert run_a.samples is not None
    assert run_b.samples is not None
    assert run_a.samples.log_weights is not None
    assert run_b.samples.log_weights is not None
    row = list(run_a.rungs).index("r2")
    influence = np.zeros(70_000)
    for run, sign in ((run_a, -1.0), (run_b, 1.0)):
        assert run.samples is not None
        assert run.samples.log_weights is not None
        w = np.exp(run.samples.log_weights - run.samples.log_weights.max())
        p = run.samples.exceed[row, 0]
        influence += sign * w * (p - np.sum(w * p) / np.sum(w)) / np.sum(w)
    assert delta.mcse == pytest.approx(math.sqrt(np.sum(influence**2)), rel=1e-6)
    assert delta.mcse < 0.5 * delta.unpaired_mcse


def test_a_tornado_given_a_history_agrees_with_resampling_by_weight() -> None:
    drivers = {
        "x": {"label": "A driver", "reference": 0.0, "dist": {"type": "normal", "mean": 0, "sd": 1}}
    }
    hazards = {
        "r1": {
            "base": {"type": "beta", "alpha": 2, "beta": 60},
            "odds_ratios": {"x": {"per": 1, "dist": 2.0}},
        }
    }
    scenario = _scenario(hazards, drivers=drivers)
    reading = {"date": date(2022, 6, 1), "value": 1.0, "sd": 1.0}
    history = _history(12, ladder={"r1": {"reached": None}}, measurements={"x": [reading]})
    found = sensitivity(scenario, history=history, samples=100_000, month=12, workers=1)
    swing = next(i for i in found.influences if i.key == "driver:x")
    # resample by weight and take the unweighted tornado of what is drawn
    run = simulate(scenario, history=history, samples=100_000, keep_samples=True, workers=1)
    assert run.samples is not None
    assert run.samples.log_weights is not None
    w = np.exp(run.samples.log_weights - run.samples.log_weights.max())
    pick = np.random.default_rng(3).choice(w.size, size=400_000, p=w / w.sum())
    x, y = run.samples.inputs[0][pick], run.samples.exceed[0, 0][pick]
    low_cut, high_cut = np.quantile(x, [0.1, 0.9])
    expected = y[x >= high_cut].mean() - y[x <= low_cut].mean()
    assert swing.swing > 0
    _within(swing.swing, float(expected), swing.swing_mcse)
    rho = stats.spearmanr(x, y).statistic
    assert swing.rank_correlation == pytest.approx(rho, abs=0.02)
    with pytest.raises(InputError, match="Sobol indices are not given"):
        sensitivity(scenario, history=history, method="sobol")
