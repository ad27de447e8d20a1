"""Which cells a record settles, and forecasts scored on them, against the closed forms of
issue 15: a point hazard not reached, a rung reached in month 6, the record as it stood on a
date, and a reference forecast of plain probabilities."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from belwar.core.calendar import add_months
from belwar.core.settle import settled_outcomes, settled_states
from belwar.errors import InputError
from belwar.run.scoring import score
from belwar.run.simulation import simulate
from belwar.spec.history_loader import LoadedHistory, history_from_data
from belwar.spec.loader import scenario_from_data
from belwar.spec.scenario import Scenario

SINCE = date(2022, 4, 15)
NAN = math.nan


def _scenario(months: list[int], rungs: int = 2, base: float = 0.02, **extra: Any) -> Scenario:
    hazards = {f"r{i}": {"base": base} for i in range(1, rungs)}
    data: dict[str, Any] = {
        "id": "point",
        "title": "Point hazards",
        "as_of": SINCE,
        "simulation": {"samples": 100, "seed": 3, "horizon_months": 12, "report_months": months},
        "ladder": {"rungs": [{"id": f"r{i}", "label": f"Rung {i}"} for i in range(rungs)]},
        "hazards": hazards,
        **extra,
    }
    return scenario_from_data(data)


def _history(through: date, **observed: Any) -> LoadedHistory:
    data = {"id": "record", "title": "A record", "since": SINCE, "through": through, **observed}
    return history_from_data(data)


def test_a_rung_reached_in_month_six_settles_every_later_month() -> None:
    # rung 1 reached in month 6 of a record of 8 months; rung 2 not reached through month 8
    got = settled_outcomes({1: 6, 2: None}, 8, 3, [3, 5, 6, 8, 12])
    expected = np.array([[0, 0, 1, 1, 1], [0, 0, 0, 0, NAN], [0, 0, 0, 0, NAN]], dtype=float)
    np.testing.assert_array_equal(got, expected)
    assert settled_states(got) == [0, 0, 1, 1, None]


def test_an_unobserved_rung_is_settled_by_the_rungs_around_it() -> None:
    # only rung 2 observed, reached in month 4: rung 1 is then reached by month 4 too, and
    # rung 3 (unobserved) is settled nowhere after month 4, not before it either (unknown)
    got = settled_outcomes({2: 4}, 10, 3, [2, 4])
    np.testing.assert_array_equal(got, [[NAN, 1], [0, 1], [0, NAN]])


def test_a_point_hazard_not_reached_in_twelve_months() -> None:
    scores = score([_scenario([12])], _history(date(2023, 6, 1), ladder={"r1": {"reached": None}}))
    (forecast,) = scores.forecasts
    stay = 0.98**12
    assert forecast.cells[0].p == pytest.approx(1 - stay, abs=1e-12)
    assert forecast.mean_brier == pytest.approx(0.046347, abs=5e-7)
    assert forecast.mean_log == pytest.approx(12 * math.log(0.98), abs=1e-9)
    # the issue prints -0.242434; 12 ln 0.98 is -0.2424325 (the last digit is off)
    assert forecast.mean_log == pytest.approx(-0.2424325, abs=5e-8)
    assert forecast.mean_baseline == pytest.approx(100 * (1 + math.log2(stay)), abs=1e-9)
    assert forecast.mean_baseline == pytest.approx(65.02, abs=0.005)


def test_month_six_reached_settles_months_after_through_and_zero_before() -> None:
    # reached 2022-10-10 (month 6), through 2022-11-20 (7 whole months): the month-12 cell of
    # the rung reached is settled as 1, the higher rung's month-12 cell is not settled
    record = _history(
        date(2022, 11, 20),
        ladder={"r1": {"reached": date(2022, 10, 10)}, "r2": {"reached": None}},
    )
    scenario = _scenario([3, 6, 12], rungs=3, base=0.05)
    forecast = score([scenario], record).forecasts[0]
    cells = {(c.rung, c.month): c for c in forecast.cells}
    assert [cells["r1", m].outcome for m in (3, 6, 12)] == [0, 1, 1]
    assert [cells["r2", m].outcome for m in (3, 6)] == [0, 0]
    assert cells["r2", 12].outcome is None
    assert cells["r2", 12].brier is None
    assert [c.rung + str(c.month) for c in forecast.unsettled] == ["r212"]
    assert [m.month for m in forecast.months] == [3, 6]
    # the exact probabilities of two independent rungs with hazard 0.05 each month
    p1 = {m: 1 - 0.95 ** (2 * m) for m in (3, 6, 12)}  # reached r1 or above: either fired
    p2 = {m: 1 - 0.95**m for m in (3, 6, 12)}
    assert cells["r1", 6].brier == pytest.approx((p1[6] - 1) ** 2, abs=1e-12)
    assert cells["r2", 3].brier == pytest.approx(p2[3] ** 2, abs=1e-12)
    six = forecast.months[1]
    assert six.state == "r1"
    assert six.rps == pytest.approx((p1[6] - 1) ** 2 + p2[6] ** 2, abs=1e-12)
    assert six.rps_normalised == pytest.approx(six.rps / 2, abs=1e-12)
    assert six.log == pytest.approx(math.log(p1[6] - p2[6]), abs=1e-12)
    assert six.baseline == pytest.approx(100 * math.log(3 * (p1[6] - p2[6])) / math.log(3))


def test_at_a_date_before_an_observation_ignores_it() -> None:
    record = _history(
        date(2023, 6, 1),
        ladder={"r1": {"reached": date(2022, 10, 10)}, "r2": {"reached": None}},
    )
    scenario = _scenario([3, 6, 12], rungs=3)
    # on 2022-09-30 the rung was not reached yet: 5 whole months seen, so months 3 is settled
    # at 0 and months 6 and 12 not at all
    early = score([scenario], record, at="2022-09-30")
    assert early.at == "2022-09-30"
    assert early.observed_months == 5
    cells = {(c.rung, c.month): c.outcome for c in early.forecasts[0].cells}
    assert cells == {
        ("r1", 3): 0,
        ("r1", 6): None,
        ("r1", 12): None,
        ("r2", 3): 0,
        ("r2", 6): None,
        ("r2", 12): None,
    }
    late = score([scenario], record, at=date(2022, 10, 10))
    assert {(c.rung, c.month): c.outcome for c in late.forecasts[0].cells}[("r1", 12)] == 1


def test_a_forecast_not_made_as_of_the_records_since_is_refused() -> None:
    scenario = _scenario([12], as_of=date(2022, 5, 1))
    with pytest.raises(InputError, match=r"made as of 2022-05-01.*after 2022-04-15"):
        score([scenario], _history(date(2023, 6, 1)))


def test_at_before_since_is_refused() -> None:
    with pytest.raises(InputError, match="before the history's since"):
        score([_scenario([12])], _history(date(2023, 6, 1)), at="2022-01-01")


def test_a_reference_is_scored_beside_and_ranked(tmp_path: Path) -> None:
    reference = tmp_path / "crowd.yaml"
    reference.write_text("months: [12]\nprobabilities:\n  r1: [0.5]\n")
    record = _history(date(2023, 6, 1), ladder={"r1": {"reached": None}})
    scores = score([_scenario([12])], record, reference=reference)
    crowd = scores.forecasts[1]
    assert (crowd.name, crowd.kind) == ("crowd", "reference")
    assert crowd.mean_brier == pytest.approx(0.25)
    assert crowd.mean_baseline == pytest.approx(0.0, abs=1e-12)  # the uniform forecast on K = 2
    assert [f.name for f in scores.ranking] == ["point", "crowd"]
    csv = tmp_path / "crowd.csv"
    csv.write_text("rung,month,p\nr1,12,0.5\n")
    assert score([_scenario([12])], record, reference=csv).forecasts[1].mean_brier == 0.25


def test_a_bad_reference_is_placed(tmp_path: Path) -> None:
    reference = tmp_path / "bad.yaml"
    reference.write_text("months: [12]\nprobabilities:\n  r1: [0.2]\n  r2: [1.5]\n")
    with pytest.raises(InputError) as caught:
        score([_scenario([12], rungs=3)], _history(date(2023, 6, 1)), reference=reference)
    (problem,) = caught.value.problems
    assert (problem.line, problem.key) == (4, "probabilities.r2[0]")
    assert "expected a probability in [0, 1] or null, got 1.5" in problem.message
    unordered = tmp_path / "unordered.csv"
    unordered.write_text("rung,month,p\nr1,12,0.2\nr2,12,0.3\n")
    with pytest.raises(InputError, match=r"0\.3 for r2 is above 0\.2 for the lower rung r1"):
        score([_scenario([12], rungs=3)], _history(date(2023, 6, 1)), reference=unordered)


def test_the_scores_json_and_frame() -> None:
    record = _history(add_months(SINCE, 13), ladder={"r1": {"reached": None}})
    scores = score([_scenario([6, 12])], record)
    data = scores.to_dict()
    assert data["format"] == "belwar-score"
    assert data["ranking"] == ["point"]
    assert data["forecasts"][0]["settled_cells"] == 2
    frame = scores.to_pandas()
    assert list(frame.columns) == ["forecast", "rung", "month", "p", "outcome", "brier"]
    assert len(frame) == 2


def test_saved_and_conditioned_results_are_scored_from_their_months(tmp_path: Path) -> None:
    scenario = _scenario([6, 12])
    record = _history(date(2023, 6, 1), ladder={"r1": {"reached": None}})
    saved = tmp_path / "run.json"
    simulate(scenario).save(saved)
    from_file = score([saved], record).forecasts[0]
    assert (from_file.name, from_file.kind) == ("point", "result")
    assert from_file.mean_brier == score([scenario], record).forecasts[0].mean_brier
    # conditioned on 12 months, the forecast's months follow them: made as of 2023-04-15
    given = simulate(scenario, history=_history(add_months(SINCE, 12)))
    later = _history(date(2024, 6, 1)).history.model_copy(update={"since": add_months(SINCE, 12)})
    assert score([given], later).forecasts[0].as_of == "2023-04-15"
    with pytest.raises(InputError, match="made as of 2023-04-15"):
        score([given], record)
