"""Sobol indices of correlated drivers: one index for each correlated block taken together,
checked against a brute-force variance of the conditional mean; independent inputs keep the
per-input indices bit for bit."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from belwar.run.sensitivities import sensitivity
from belwar.run.sobol import _Design, sobol_groups, sobol_matrices, sobol_with_intervals
from belwar.spec.compile import compile_model
from belwar.spec.loader import scenario_from_data
from belwar.spec.scenario import Scenario

SOBOL_N = 8192
RESAMPLES = 200
GRID = 40  # midpoints a factor: the brute force evaluates GRID**3 points


def _driver(label: str, dist: dict[str, Any]) -> dict[str, Any]:
    return {"label": label, "range": [0, 1], "reference": 0.5, "dist": dist}


def three_drivers(correlations: list[dict[str, Any]]) -> Scenario:
    """War's odds move with three bounded drivers and nothing else is uncertain, so the
    target is a function of three uniforms: a brute-force grid can integrate it."""
    per = {"per": 0.1}
    return scenario_from_data(
        {
            "id": "groups",
            "title": "Sobol groups",
            "simulation": {"samples": 4000, "seed": 5, "horizon_months": 6, "report_months": [6]},
            "ladder": {"rungs": [{"id": r, "label": r} for r in ("calm", "war")]},
            "drivers": {
                "a": _driver("Driver a", {"type": "pert", "min": 0, "mode": 0.4, "max": 1}),
                "b": _driver("Driver b", {"type": "pert", "min": 0, "mode": 0.6, "max": 1}),
                "c": _driver("Driver c", {"type": "beta", "alpha": 2, "beta": 3}),
            },
            "correlations": correlations,
            "hazards": {
                "war": {
                    "base": 0.03,
                    "odds_ratios": {
                        "a": {**per, "dist": 1.6},
                        "b": {**per, "dist": 0.75},
                        "c": {**per, "dist": 1.4},
                    },
                }
            },
        }
    )


def _run(s: Scenario) -> Any:
    return sensitivity(
        s, method="sobol", sobol_samples=SOBOL_N, resamples=RESAMPLES, seed=5, workers=1
    )


def test_a_correlated_pair_is_one_group_and_the_rest_stand_alone() -> None:
    s = three_drivers([{"between": ["a", "b"], "rho": 0.7}])
    model = compile_model(s)
    keys = ["driver:a", "driver:b", "driver:c"]
    assert sobol_groups(model, keys) == ((0, 1), (2,))
    assert sobol_groups(model, ["driver:c", "driver:a", "driver:b"]) == ((0,), (1, 2))
    chained = three_drivers(
        [{"between": ["a", "b"], "rho": 0.5}, {"between": ["b", "c"], "rho": -0.3}]
    )
    assert sobol_groups(compile_model(chained), keys) == ((0, 1, 2),)
    assert sobol_groups(compile_model(three_drivers([])), keys) == ((0,), (1,), (2,))


def _brute_force_first_order(s: Scenario, group: tuple[int, ...]) -> float:
    """Var(E[Y | group]) / Var(Y) by the midpoint rule on a GRID**3 grid of the three
    independent uniforms behind the drivers (the copula's factors): the group's factors are a
    one-to-one transform of its drivers, so conditioning on either is the same."""
    model = replace(compile_model(s), months=(6,))
    keys = ("driver:a", "driver:b", "driver:c")
    design = _Design(model, keys, 0, 6, {})
    mids = (np.arange(GRID) + 0.5) / GRID
    cube = np.stack(np.meshgrid(mids, mids, mids, indexing="ij")).reshape(3, -1)
    y = design(cube).reshape(GRID, GRID, GRID)
    others = tuple(axis for axis in range(3) if axis not in group)
    conditional = y.mean(axis=others)
    return float(conditional.var() / y.var())


def test_the_group_index_is_the_variance_of_the_conditional_mean() -> None:
    s = three_drivers([{"between": ["a", "b"], "rho": 0.7}])
    result = _run(s)
    pair = next(g for g in result.groups if g.keys == ("driver:a", "driver:b"))
    alone = next(g for g in result.groups if g.keys == ("driver:c",))
    for found, group in ((pair, (0, 1)), (alone, (2,))):
        truth = _brute_force_first_order(s, group)
        # the bootstrap's 95% interval gives the Monte Carlo standard error of the estimate;
        # the midpoint rule on 40 points a factor is good to well below it
        error = (found.first_high - found.first_low) / (2 * 1.96)
        assert 0 < error < 0.03
        assert found.first_order == pytest.approx(truth, abs=4 * error), (group, truth)
    by_key = {i.key: i for i in result.influences}
    assert by_key["driver:a"].first_order is None
    assert by_key["driver:b"].first_order is None
    assert by_key["driver:c"].first_order == alone.first_order


def test_independent_drivers_keep_their_per_driver_indices() -> None:
    """Without correlations every input is a group of its own, and the indices are those of
    the per-input design, bit for bit; an input outside a correlated block keeps them too."""
    s = three_drivers([])
    result = _run(s)
    model = replace(compile_model(s), months=(6,), seed=5)
    keys = ("driver:a", "driver:b", "driver:c")
    design = _Design(model, keys, 0, 6, {})
    a, b, ab = sobol_matrices(3, SOBOL_N, 5)
    first, total, first_ci, _ = sobol_with_intervals(
        design(a), design(b), np.stack([design(page) for page in ab]), seed=5, resamples=RESAMPLES
    )
    by_key = {g.keys: g for g in result.groups}
    assert set(by_key) == {(k,) for k in keys}
    for i, key in enumerate(keys):
        assert by_key[(key,)].first_order == first[i]
        assert by_key[(key,)].total_order == total[i]
        assert by_key[(key,)].first_low == first_ci[0, i]
        influence = next(x for x in result.influences if x.key == key)
        assert influence.first_order == first[i]
    # a correlated pair elsewhere leaves c's page of the design, and so its indices, as the
    # per-input design gives them
    correlated = three_drivers([{"between": ["a", "b"], "rho": 0.7}])
    model = replace(compile_model(correlated), months=(6,), seed=5)
    design = _Design(model, keys, 0, 6, {})
    first, _, first_ci, _ = sobol_with_intervals(
        design(a), design(b), np.stack([design(page) for page in ab]), seed=5, resamples=RESAMPLES
    )
    c_alone = next(g for g in _run(correlated).groups if g.keys == ("driver:c",))
    assert c_alone.first_order == first[2]
    assert c_alone.first_low == first_ci[0, 2]


def test_groups_are_written_to_json_with_sobol_only() -> None:
    s = three_drivers([{"between": ["a", "b"], "rho": 0.7}])
    data = json.loads(_run(s).to_json())
    assert [g["keys"] for g in data["groups"]] == [["driver:c"], ["driver:a", "driver:b"]]
    assert "groups" not in json.loads(sensitivity(s, samples=2000, workers=1).to_json())


def test_a_fixed_driver_in_a_correlation_still_moves_its_partners() -> None:
    """Driver a is fixed at a point but correlated with b: a's normal factor comes first in the
    copula and still spreads b. The design varies it with b's group (a held at one uniform
    would narrow b's marginal), so b's index matches the brute force over all three factors."""
    s = three_drivers([{"between": ["a", "b"], "rho": 0.7}]).with_overrides({"drivers.a.dist": 0.5})
    result = _run(s)
    assert {g.keys for g in result.groups} == {("driver:b",), ("driver:c",)}
    b = next(g for g in result.groups if g.keys == ("driver:b",))
    truth = _brute_force_first_order(s, (0, 1))
    error = (b.first_high - b.first_low) / (2 * 1.96)
    assert b.first_order == pytest.approx(truth, abs=4 * error)
    assert next(i for i in result.influences if i.key == "driver:b").first_order == b.first_order
