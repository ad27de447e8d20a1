"""The execution layer: serial, a local process pool and a Dask cluster give the same bits for
runs, sweeps, paired diffs, Sobol designs and sets of files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from belwar import engine, execution
from belwar.diff import compare
from belwar.errors import InputError
from belwar.execution import batches, dask_client, local_cluster, map_ordered, run_many
from belwar.loader import load_scenario
from belwar.memory import worker_environment
from belwar.results import Result, load_result
from belwar.scenario import Scenario
from belwar.sensitivities import sensitivity
from belwar.simulation import simulate
from belwar.sweeps import sweep

from .conftest import SCENARIOS

# Three full blocks and a partial one: enough to split across workers, quick to run.
SAMPLES = 3 * engine.BLOCK_SIZE + 17


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a two-worker Dask cluster on loopback, as a team's scheduler would be."""
    with local_cluster(2) as cluster:
        yield str(cluster.scheduler_address)


@pytest.fixture(scope="module")
def baseline() -> Scenario:
    return load_scenario(SCENARIOS / "baseline.yaml")


def numbers(result: Result) -> dict[str, Any]:
    """Everything a result says, but the wall-clock fields."""
    data = result.to_dict()
    for volatile in ("seconds", "created"):
        data["metadata"].pop(volatile)
    return data


def test_baseline_is_bit_identical_serially_on_two_workers_and_on_dask(
    baseline: Scenario, scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = numbers(simulate(baseline, samples=SAMPLES, workers=1))
    assert numbers(simulate(baseline, samples=SAMPLES, workers=2)) == serial  # threads
    assert numbers(simulate(baseline, samples=SAMPLES, workers=3)) == serial
    monkeypatch.setattr(execution, "PROCESS_THRESHOLD", 0)  # what bigger runs get
    assert numbers(simulate(baseline, samples=SAMPLES, workers=2)) == serial
    assert numbers(simulate(baseline, samples=SAMPLES, dask=scheduler)) == serial
    assert numbers(simulate(baseline, samples=SAMPLES, dask="local")) == serial


def test_sweep_is_bit_identical_serially_on_two_workers_and_on_dask(
    baseline: Scenario, scheduler: str
) -> None:
    axes = ["kremlin_pressure=0.2:1.0:3", "hazards.limited_involvement.base=0.01:0.03:2"]
    options: dict[str, Any] = {"samples": 20_000, "threshold": 0.5}
    serial = sweep(baseline, axes, workers=1, **options)
    assert len(serial.points) == 6
    assert sweep(baseline, axes, workers=2, **options) == serial
    assert sweep(baseline, axes, dask=scheduler, **options) == serial


def test_paired_diff_is_bit_identical_serially_on_two_workers_and_on_dask(
    baseline: Scenario, scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = load_scenario(SCENARIOS / "kremlin-squeeze.yaml")
    serial = compare(baseline, other, samples=SAMPLES, workers=1).to_dict()
    assert serial["paired"] is True
    assert compare(baseline, other, samples=SAMPLES, workers=2).to_dict() == serial  # threads
    with monkeypatch.context() as patch:
        patch.setattr(execution, "PROCESS_THRESHOLD", 0)
        assert compare(baseline, other, samples=SAMPLES, workers=2).to_dict() == serial
    assert compare(baseline, other, samples=SAMPLES, dask=scheduler).to_dict() == serial


def test_sobol_is_bit_identical_serially_and_on_dask(baseline: Scenario, scheduler: str) -> None:
    options: dict[str, Any] = {
        "method": "sobol",
        "samples": 4000,
        "sobol_samples": 128,
        "resamples": 20,
        "target": "full_entry",
    }
    serial = sensitivity(baseline, workers=1, **options)
    assert sensitivity(baseline, workers=2, **options) == serial
    assert sensitivity(baseline, dask=scheduler, **options) == serial


def test_run_many_on_dask_saves_what_a_serial_run_gives(scheduler: str, tmp_path: Path) -> None:
    files = [str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "regime-crisis.yaml")]
    runs = run_many(files, str(tmp_path), samples=5000, dask=scheduler)
    assert [path for path, _ in runs] == files
    for path, result in runs:
        alone = simulate(load_scenario(path), samples=5000, workers=1)
        saved = load_result(tmp_path / f"{alone.metadata.scenario_id}.json")
        assert numbers(saved) == numbers(alone) == numbers(result)


def test_map_ordered_keeps_the_order_of_the_work(scheduler: str) -> None:
    items = list(range(40))
    expected = [i * i for i in items]
    assert map_ordered(_square, items, workers=1) == expected
    assert map_ordered(_square, items, workers=2) == expected
    assert map_ordered(_square, items, dask=scheduler) == expected


def _square(x: int) -> int:
    return x * x


def _malloc_environment() -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in worker_environment()}


def test_local_cluster_workers_keep_freed_memory(scheduler: str) -> None:
    """The embedded cluster's workers get the command line's malloc tuning, not Dask's."""
    with dask_client(scheduler) as client:
        seen = client.run(_malloc_environment)
    assert len(seen) == 2
    assert all(environ == worker_environment() for environ in seen.values())


def test_batches_cover_every_block_once_in_order() -> None:
    work = engine.blocks(10 * engine.BLOCK_SIZE + 5)
    for count in (1, 3, 4, 11, 50):
        split = batches(work, count)
        assert [piece for batch in split for piece in batch] == work
        assert max(map(len, split)) - min(map(len, split)) <= 1


def test_unreachable_dask_scheduler_is_bad_input(baseline: Scenario) -> None:
    with pytest.raises(
        InputError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        simulate(baseline, samples=1000, dask="tcp://127.0.0.1:9")
