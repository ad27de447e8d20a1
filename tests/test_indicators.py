"""Indicators: loading, the exact update on seeing one (closed forms computed here), --given,
and the invariants: present but unobserved they change no digit; odds ratio 1 everywhere
changes no probability; the digits do not depend on the workers."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from belwar import cli
from belwar.core.calendar import add_months
from belwar.errors import HindsightWarning, InputError
from belwar.results.conditions import Conditions, Seen
from belwar.run.diff import compare
from belwar.run.given import Given
from belwar.run.simulation import simulate
from belwar.run.sweeps import sweep
from belwar.run.watch import watch
from belwar.spec.entries import citations, entries
from belwar.spec.history_loader import history_from_data
from belwar.spec.loader import load_scenario, scenario_from_data
from belwar.spec.scenario import Scenario

from .conftest import ROOT

SINCE = date(2022, 4, 15)
SIGN = {"label": "A sign", "base": 0.1, "odds_ratios": {"state_at_least:r1": {"dist": 6}}}


def _scenario(indicators: dict[str, Any] | None = None, **extra: Any) -> Scenario:
    data: dict[str, Any] = {
        "id": "tiny",
        "title": "A tiny scenario",
        "as_of": SINCE,
        "simulation": {"samples": 2000, "seed": 5, "horizon_months": 3, "report_months": [1, 3]},
        "ladder": {"rungs": [{"id": "r0", "label": "Rung 0"}, {"id": "r1", "label": "Rung 1"}]},
        "hazards": {"r1": {"base": 0.1}},
        **extra,
    }
    if indicators is not None:
        data["indicators"] = indicators
    return scenario_from_data(data)


def test_seeing_the_sign_in_month_one_against_the_closed_form() -> None:
    scenario = _scenario({"sign": SIGN})
    seen = simulate(scenario, workers=1, given=["sign@1"])
    unseen = simulate(scenario, workers=1, given=[Given("sign", 1, seen=False)])
    assert seen.conditioning is not None
    assert unseen.conditioning is not None
    # P(seen) = 0.9 * 0.1 + 0.1 * 0.4; P(r1 | seen) = 0.04 / 0.13; P(r1 | not) = 0.06 / 0.87
    p_seen = math.exp(seen.conditioning.log_evidence)
    p_unseen = math.exp(unseen.conditioning.log_evidence)
    assert p_seen == pytest.approx(0.13, abs=1e-12)
    assert seen.cell("r1", 1).p == pytest.approx(0.04 / 0.13, abs=1e-12)
    assert round(seen.cell("r1", 1).p, 6) == 0.307692
    assert unseen.cell("r1", 1).p == pytest.approx(0.06 / 0.87, abs=1e-12)
    assert round(unseen.cell("r1", 1).p, 6) == 0.068966
    total = p_seen * seen.cell("r1", 1).p + p_unseen * unseen.cell("r1", 1).p
    assert p_seen + p_unseen == pytest.approx(1.0, abs=1e-12)
    assert total == pytest.approx(0.1, abs=1e-12)


def test_a_given_event_against_the_closed_form() -> None:
    scenario = _scenario(
        events={"e": {"label": "A shock", "monthly": 0.01}},
        hazards={"r1": {"base": 0.01, "odds_ratios": {"e": {"dist": 4}}}},
    )
    given = simulate(scenario, workers=1, given=["e@1"])
    assert given.cell("r1", 1).p == pytest.approx(0.04 / 1.03, abs=1e-12)
    assert round(given.cell("r1", 1).p, 6) == 0.038835


def test_an_unobserved_indicator_changes_no_digit() -> None:
    bare = simulate(_scenario(), workers=1)
    watched = simulate(_scenario({"sign": SIGN}), workers=1)
    assert watched.cells == bare.cells
    assert watched.highest == bare.highest
    assert watched.inputs == bare.inputs
    assert watched.metadata.fingerprint != bare.metadata.fingerprint


def test_a_scenario_without_indicators_keeps_its_fingerprint() -> None:
    scenario = _scenario()
    assert "indicators" not in scenario.resolved()
    assert scenario.fingerprint() == _scenario({}).fingerprint()


def test_an_indicator_with_odds_ratio_one_moves_nothing() -> None:
    flat = {
        "label": "Noise",
        "base": {"type": "beta", "ci90": [0.05, 0.3]},
        "odds_ratios": {"state_at_least:r1": {"dist": 1}},
    }
    scenario = _scenario(
        {"flat": flat}, hazards={"r1": {"base": {"type": "beta", "ci90": [0.02, 0.2]}}}
    )
    bare = simulate(scenario, workers=1)
    assert bare.cells == simulate(_scenario(hazards=scenario.to_data()["hazards"]), workers=1).cells
    # observed, its chance is the same in every state: the per-sample forecast is untouched
    seen = simulate(scenario, workers=1, given=["flat@1"])
    for a, b in zip(seen.cells, bare.cells, strict=True):
        assert a.p == pytest.approx(b.p, abs=1e-3)  # reweighted by the drawn base only


def test_history_indicators_are_conditioned_on_like_given_ones() -> None:
    scenario = _scenario(
        {"sign": SIGN},
        simulation={"samples": 3000, "seed": 2, "horizon_months": 4, "report_months": [1, 3]},
    )
    history = history_from_data(
        {
            "id": "record",
            "title": "A record",
            "since": SINCE,
            "through": add_months(SINCE, 1),
            "indicators": {"sign": {"onsets": [date(2022, 5, 1)]}},
        }
    )
    from_history = simulate(scenario, workers=1, history=history)
    assert from_history.conditioning is not None
    assert math.exp(from_history.conditioning.log_evidence) == pytest.approx(0.13, abs=1e-12)
    # a month later, the forecast of r1 by (history) month 1 is now a cell of month 0: check the
    # next month's climb instead: P(S_2 >= r1 | seen in 1) = 1 - (0.09/0.13) * 0.9
    assert from_history.cell("r1", 1).p == pytest.approx(1 - 0.09 / 0.13 * 0.9, abs=1e-12)


@pytest.mark.parametrize("workers", [1, 2])
def test_given_digits_do_not_depend_on_the_workers(workers: int) -> None:
    scenario = _scenario(
        {"sign": {**SIGN, "base": {"type": "beta", "ci90": [0.05, 0.2]}}},
        simulation={"samples": 70_000, "seed": 9, "horizon_months": 3, "report_months": [1, 3]},
    )
    one = simulate(scenario, workers=1, given=["sign@1"])
    assert simulate(scenario, workers=workers, given=["sign@1"]).cells == one.cells


def test_given_with_dask_local_is_bit_identical() -> None:
    scenario = _scenario(
        {"sign": {**SIGN, "base": {"type": "beta", "ci90": [0.05, 0.2]}}},
        simulation={"samples": 40_000, "seed": 9, "horizon_months": 3, "report_months": [1, 3]},
    )
    one = simulate(scenario, workers=1, given=["sign@1"])
    assert simulate(scenario, dask="local", workers=2, given=["sign@1"]).cells == one.cells


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("sing@1", "'sing' is neither an event nor an indicator; did you mean 'sign'?"),
        ("sign@4", "past the horizon"),
        ("sign@2", "after the first reported month (1)"),
        ("sign", "is not NAME@MONTH"),
    ],
)
def test_bad_givens_are_refused(given: str, says: str) -> None:
    with pytest.raises(InputError) as caught:
        simulate(_scenario({"sign": SIGN}), workers=1, given=[given])
    assert says in str(caught.value)


def test_indicator_citations_are_walked() -> None:
    cited = {**SIGN, "evidence": ["src/fact-a"]}
    cited["odds_ratios"] = {"state_at_least:r1": {"dist": 6, "evidence": ["src/fact-b"]}}
    with pytest.raises(InputError) as caught:  # the register is checked for them like any other
        _scenario({"sign": cited})
    assert [p.key for p in caught.value.problems] == [
        "indicators.sign.evidence[0]",
        "indicators.sign.odds_ratios.state_at_least:r1.evidence[0]",
    ]
    scenario = _scenario({"sign": SIGN})
    assert citations(scenario) == []
    kinds = [(e.kind, e.stream) for e in entries(scenario) if e.kind.startswith("indicator")]
    assert kinds == [
        ("indicator", "indicator:sign"),
        ("indicator_odds", "indicator_odds:sign:state_at_least:r1"),
    ]


def test_watching_is_conditioning() -> None:
    scenario = _scenario(
        {"sign": SIGN},
        events={"e": {"label": "A shock", "monthly": 0.01}},
        hazards={"r1": {"base": 0.1, "odds_ratios": {"e": {"dist": 4}}}},
    )
    found = watch(scenario, target="r1", month=1)
    by_name = {s.name: s for s in found.signposts}
    sign = by_name["sign"]
    assert [s.name for s in found.signposts] == ["sign", "e"]  # the sign moves r1 the most
    # P(seen) = 0.1 (1 - h) + 0.4 h, h the month's hazard with the event drawn
    given = simulate(scenario, workers=1, months=[1], given=["sign@1"])
    assert sign.if_seen == pytest.approx(given.cell("r1", 1).p, abs=1e-12)
    total = sign.p_seen * sign.if_seen + (1 - sign.p_seen) * sign.if_not
    assert total == pytest.approx(found.p, abs=1e-12)
    assert by_name["e"].p_seen == pytest.approx(0.01, abs=1e-12)
    assert by_name["e"].if_seen == pytest.approx(0.4 / 1.3, abs=1e-12)
    odds = (sign.if_seen / (1 - sign.if_seen)) / (found.p / (1 - found.p))
    assert sign.likelihood_ratio == pytest.approx(odds, rel=1e-12)


def test_watch_and_given_on_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(
        "id: tiny\ntitle: A tiny scenario\nas_of: 2022-04-15\n"
        "simulation: {samples: 2000, seed: 5, horizon_months: 3}\n"
        "ladder: {rungs: [{id: r0, label: Rung 0}, {id: r1, label: Rung 1}]}\n"
        "hazards: {r1: {base: 0.1}}\n"
        "indicators:\n  sign:\n    label: A sign\n    base: 0.1\n"
        "    odds_ratios: {state_at_least:r1: {dist: 6}}\n"
    )
    assert cli.run(["watch", str(path), "--month", "1", "-f", "json", "-q", "-j", "1"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["format"] == "belwar-watch"
    assert found["signposts"][0]["p_seen"] == pytest.approx(0.13, abs=1e-12)
    assert found["signposts"][0]["if_seen"] == pytest.approx(0.04 / 0.13, abs=1e-12)
    args = ["run", str(path), "--given", "sign@1", "--months", "1", "-f", "json", "-q"]
    assert cli.run([*args, "-j", "1"]) == 0
    run = json.loads(capsys.readouterr().out)
    assert run["records"][0]["p"] == pytest.approx(0.04 / 0.13, abs=1e-12)
    assert cli.run(["run", str(path), "--given", "nope@1", "-q"]) == 2
    err = capsys.readouterr().err
    assert "--given: 'nope' is neither an event nor an indicator" in err


def test_a_diff_given_an_indicator_compares_the_conditional_forecasts() -> None:
    a = _scenario({"sign": SIGN})
    b = a.with_overrides({"hazards.r1.base": 0.2}, check_citations=False)
    found = compare(a, b, given=["sign@1"], workers=1)
    # B: P(seen) = 0.8 * 0.1 + 0.2 * 0.4 = 0.16, P(r1 | seen) = 0.08 / 0.16
    assert found.result_a.cell("r1", 1).p == pytest.approx(0.04 / 0.13, abs=1e-12)
    assert found.result_b.cell("r1", 1).p == pytest.approx(0.5, abs=1e-12)
    history = found.to_dict()["history"]
    assert history["id"] is None
    assert history["given"] == [{"name": "sign", "month": 1, "seen": True}]
    assert set(history["a"]) == {"ess", "pareto_k"}


def test_an_indicator_citing_a_later_fact_warns_of_hindsight(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        "extends: belwar:baseline.yaml\nid: x\ntitle: x\nindicators:\n  units_at_border:\n"
        "    evidence: [essay-2022-05/polls-six-to-eleven]\n"
    )
    with pytest.warns(HindsightWarning) as caught:
        load_scenario(path)
    [warning] = [w.message for w in caught]
    assert isinstance(warning, HindsightWarning)
    assert warning.problem.key == "indicators.units_at_border.evidence[0]"


def test_the_baseline_indicators_are_cited_or_judged() -> None:
    baseline = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    assert {"reservist_callup", "units_at_border", "minsk_commits"} <= set(baseline.indicators)
    for indicator in baseline.indicators.values():
        assert indicator.evidence or "analyst judgment" in indicator.note.lower()
        for ratio in indicator.odds_ratios.values():
            assert ratio.evidence or "analyst judgment" in (ratio.note + indicator.note).lower()


def test_watch_refuses_a_target_that_is_not_a_rung_above_the_start() -> None:
    with pytest.raises(InputError) as caught:
        watch(_scenario({"sign": SIGN}), target="r2", month=1)
    assert (
        str(caught.value)
        == "--target: 'r2' is not a rung above the start (rungs above the start: r1)"
    )


def test_a_sweep_given_an_indicator_follows_the_closed_form() -> None:
    scenario = _scenario({"sign": SIGN})
    found = sweep(
        scenario,
        ["hazards.r1.base=0.1:0.3:3"],
        target="r1",
        month=1,
        conditions=["sign@1"],
        workers=1,
    )
    # P(r1 by 1 | seen) = 0.4 h / (0.4 h + 0.1 (1 - h)) at each base hazard h
    for point, h in zip(found.points, (0.1, 0.2, 0.3), strict=True):
        assert point.p == pytest.approx(0.4 * h / (0.4 * h + 0.1 * (1 - h)), abs=1e-12)
    assert found.conditions == Conditions(given=(Seen("sign", 1),))
    assert all(p.weights is not None for p in found.points)
    with pytest.raises(InputError, match="neither an event nor an indicator"):
        sweep(scenario, ["hazards.r1.base=0.1:0.3:3"], month=1, conditions=["nope@1"], workers=1)


def test_watch_given_one_signpost_watches_the_rest_given_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Two signs, each base 0.1 and odds ratio 6 on the rung (so 0.4 when it is reached), on a
    rung of point hazard 0.1. Given the first seen in month 1: P(rung) = 0.04 / 0.13; the second
    is then seen with chance (0.1 * 0.4 * 0.4 + 0.9 * 0.1 * 0.1) / 0.13 = 0.025 / 0.13, and
    seen, the rung's chance is 0.016 / 0.025 = 0.64. The first is known, so not watched."""
    sign = "    base: 0.1\n    odds_ratios: {state_at_least:r1: {dist: 6}}\n"
    path = tmp_path / "two.yaml"
    path.write_text(
        "id: two\ntitle: Two signs\nas_of: 2022-04-15\n"
        "simulation: {samples: 2000, seed: 5, horizon_months: 3}\n"
        "ladder: {rungs: [{id: r0, label: Rung 0}, {id: r1, label: Rung 1}]}\n"
        "hazards: {r1: {base: 0.1}}\n"
        f"indicators:\n  first:\n    label: First\n{sign}  second:\n    label: Second\n{sign}"
    )
    argv = ["watch", str(path), "--month", "1", "--given", "first@1", "-f", "json", "-q"]
    assert cli.run([*argv, "-j", "1"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["p"] == pytest.approx(0.04 / 0.13, abs=1e-12)
    [second] = found["signposts"]
    assert second["name"] == "second"
    assert second["p_seen"] == pytest.approx(0.025 / 0.13, abs=1e-12)
    assert second["if_seen"] == pytest.approx(0.64, abs=1e-12)
    assert found["history_id"] == "first@1"
