"""RunOptions: one frozen options object every entry point takes, its defaults in one place."""

from __future__ import annotations

import inspect
import pickle
from collections.abc import Callable
from dataclasses import FrozenInstanceError, replace
from pathlib import Path
from typing import Any

import pytest

import belwar
from belwar.cli import analyses
from belwar.run import defaults
from belwar.run.batch import run_many
from belwar.run.diff import compare
from belwar.run.options import RunOptions
from belwar.run.sensitivities import sensitivity, sobol_with_intervals
from belwar.run.simulation import simulate
from belwar.run.sweeps import sweep
from belwar.spec.loader import load_scenario
from belwar.spec.scenario import Scenario

from .conftest import SCENARIOS

ENTRY_POINTS: list[Callable[..., Any]] = [simulate, compare, sweep, sensitivity, run_many]


@pytest.fixture(scope="module")
def baseline() -> Scenario:
    return load_scenario(SCENARIOS / "baseline.yaml")


@pytest.fixture(scope="module")
def squeeze() -> Scenario:
    return load_scenario(SCENARIOS / "kremlin-squeeze.yaml")


def test_public_and_frozen() -> None:
    assert belwar.RunOptions is RunOptions
    chosen = RunOptions(samples=100)
    with pytest.raises(FrozenInstanceError):
        chosen.samples = 200  # type: ignore[misc]
    with pytest.raises(TypeError):
        RunOptions(100)  # type: ignore[call-arg]  # keyword-only
    assert replace(chosen, seed=7) == RunOptions(samples=100, seed=7)
    assert RunOptions(months=[3, 6]).months == (3, 6)  # type: ignore[arg-type]


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=lambda f: f.__name__)
def test_every_entry_point_takes_options_keyword_only(entry: Callable[..., Any]) -> None:
    parameter = inspect.signature(entry).parameters["options"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is None


def test_the_library_defaults_live_in_options_and_the_cli_shows_them() -> None:
    """compare's tolerance and sensitivity's sizes are run.defaults' constants, and each command
    line flag defaults to that same value (not a copy that could drift)."""

    def default(function: Callable[..., Any], name: str) -> Any:
        return inspect.signature(function).parameters[name].default

    assert default(compare, "tolerance") == defaults.DEFAULT_TOLERANCE
    assert default(analyses.diff_command, "tolerance") == defaults.DEFAULT_TOLERANCE
    for name, value in [
        ("method", defaults.DEFAULT_METHOD),
        ("sobol_samples", defaults.DEFAULT_SOBOL_SAMPLES),
    ]:
        assert default(sensitivity, name) == value
        assert default(analyses.sensitivity_command, name) == value
    assert default(sensitivity, "resamples") == defaults.DEFAULT_RESAMPLES
    assert default(sobol_with_intervals, "resamples") == defaults.DEFAULT_RESAMPLES
    # the run's own options all default to "the scenario's" or "every core"
    fields = RunOptions()
    assert (fields.samples, fields.seed, fields.months, fields.workers, fields.dask) == (None,) * 5


def test_options_and_a_conflicting_keyword_is_a_type_error(baseline: Scenario) -> None:
    chosen = RunOptions(samples=500, seed=3)
    with pytest.raises(TypeError, match=r"options= and the keyword argument\(s\) samples"):
        simulate(baseline, options=chosen, samples=600)
    with pytest.raises(TypeError, match=r"seed"):
        compare(baseline, baseline, options=chosen, seed=4)
    with pytest.raises(TypeError, match=r"workers"):
        sweep(baseline, ["kremlin_pressure=0.2:0.9:2"], options=chosen, workers=2)
    with pytest.raises(TypeError, match=r"dask"):
        sensitivity(baseline, options=chosen, dask="local")
    with pytest.raises(TypeError, match=r"samples"):
        run_many([str(SCENARIOS / "baseline.yaml")], ".", options=chosen, samples=1)


def test_a_keyword_that_agrees_with_the_options_is_fine(baseline: Scenario) -> None:
    chosen = RunOptions(samples=500, seed=3, workers=1)
    one = simulate(baseline, options=chosen, samples=500)
    assert one.metadata.samples == 500


def test_options_pickle_as_they_travel_to_workers() -> None:
    chosen = RunOptions(samples=500, seed=3, months=(3, 6), workers=4, dask="local")
    assert pickle.loads(pickle.dumps(chosen)) == chosen
    watched = replace(chosen, progress=lambda done, total: None)
    travelling = watched.serial()
    assert travelling.progress is None
    assert (travelling.workers, travelling.dask) == (1, None)
    assert pickle.loads(pickle.dumps(travelling)) == travelling


def _numbers(data: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in data["metadata"].items() if k not in {"seconds", "created"}}
    return {**data, "metadata": meta}


def test_simulate_gives_the_same_result_either_way(baseline: Scenario) -> None:
    by_keywords = simulate(baseline, samples=3000, seed=11, months=[3, 12], workers=1)
    chosen = RunOptions(samples=3000, seed=11, months=(3, 12), workers=1)
    by_options = simulate(baseline, options=chosen)
    assert _numbers(by_options.to_dict()) == _numbers(by_keywords.to_dict())


def test_the_analyses_give_the_same_result_either_way(
    baseline: Scenario, squeeze: Scenario
) -> None:
    chosen = RunOptions(samples=2000, seed=5, workers=1)
    keywords: dict[str, Any] = {"samples": 2000, "seed": 5, "workers": 1}
    assert (
        compare(baseline, squeeze, options=chosen).to_dict()
        == compare(baseline, squeeze, **keywords).to_dict()
    )
    axes = ["kremlin_pressure=0.2:0.9:3"]
    assert sweep(baseline, axes, options=chosen) == sweep(baseline, axes, **keywords)
    assert sensitivity(baseline, options=chosen) == sensitivity(baseline, **keywords)


def test_run_many_gives_the_same_results_either_way(tmp_path: Path) -> None:
    files = [str(SCENARIOS / "baseline.yaml")]
    by_keywords = run_many(files, str(tmp_path / "k"), samples=2000, seed=2, workers=1)
    chosen = RunOptions(samples=2000, seed=2, workers=1)
    by_options = run_many(files, str(tmp_path / "o"), options=chosen)
    assert [_numbers(r.to_dict()) for _, r in by_options] == [
        _numbers(r.to_dict()) for _, r in by_keywords
    ]
