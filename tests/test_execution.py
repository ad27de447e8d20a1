"""The execution layer: serial, a local process pool and a Dask cluster give the same bits for
runs, sweeps, paired diffs, Sobol designs and sets of files."""

from __future__ import annotations

import os
import pickle
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from belwar import cli
from belwar.core import engine, streams
from belwar.errors import InputError, Problem, input_error
from belwar.results.run import Result
from belwar.results.saved import load_result
from belwar.run import cluster, execution
from belwar.run.batch import run_many
from belwar.run.cluster import dask_client, local_cluster
from belwar.run.diff import compare
from belwar.run.execution import batches, map_ordered
from belwar.run.memory import worker_environment
from belwar.run.sensitivities import sensitivity
from belwar.run.simulation import simulate
from belwar.run.sweeps import parse_vary, sweep
from belwar.spec.compile import compile_model
from belwar.spec.loader import load_scenario
from belwar.spec.scenario import Scenario

from .conftest import SCENARIOS

# Three full blocks and a partial one: enough to split across workers, quick to run.
SAMPLES = 3 * streams.BLOCK_SIZE + 17


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
    work = streams.blocks(10 * streams.BLOCK_SIZE + 5)
    for count in (1, 3, 4, 11, 50):
        split = batches(work, count)
        assert [piece for batch in split for piece in batch] == work
        assert max(map(len, split)) - min(map(len, split)) <= 1


def test_unreachable_dask_scheduler_is_bad_input(baseline: Scenario) -> None:
    with pytest.raises(
        InputError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        simulate(baseline, samples=1000, dask="tcp://127.0.0.1:9")


# --- Errors cross every boundary intact (issue 11, items 18 and 23) ------------------------------


def test_an_input_error_survives_pickling_as_it_was() -> None:
    error = InputError(
        [
            Problem("a.yaml", 3, 7, "drivers.x.dist", "mode must lie between min and max", "x: 1"),
            Problem("", None, None, "samples", "must be at least 1, got -4"),
        ]
    )
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is InputError
    assert again.problems == error.problems
    assert str(again) == str(error)


def _fails_on_three(x: int) -> int:
    if x == 3:
        raise input_error("three is not allowed here", key="vary")
    return x


def test_an_input_error_in_a_worker_is_raised_as_in_a_serial_run(scheduler: str) -> None:
    """Serially, on local processes and on Dask: the same error, not a broken pool."""
    seen = []
    for where in ({"workers": 1}, {"workers": 2}, {"dask": scheduler}):
        with pytest.raises(InputError) as caught:
            map_ordered(_fails_on_three, list(range(8)), **where)
        seen.append(caught.value.problems)
    assert seen == [seen[0]] * 3
    assert str(InputError(seen[0])) == "vary: three is not allowed here"


BAD_MODE = "drivers.kremlin_pressure.dist.mode=0.3:1.9:7"  # 1.9 is above the driver's max


@pytest.mark.parametrize("where", [["-j", "1"], ["-j", "2"], ["--dask", "local"]])
def test_a_bad_sweep_value_found_in_a_worker_is_reported_as_serially(
    where: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the up-front check of the grid's corners turned off, the bad value is met by a
    worker (a process, a Dask worker), and the user sees what a serial run shows: exit 2."""
    monkeypatch.setattr("belwar.run.sweeps._corners", lambda axes: [])
    argv = ["sweep", str(SCENARIOS / "baseline.yaml"), "--vary", BAD_MODE, "-n", "2000", "-q"]
    code = cli.run([*argv, *where])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert out == ""
    assert err == (
        "override drivers.kremlin_pressure.dist.mode: drivers.kremlin_pressure.dist: "
        "mode (1.1) must lie between min and max\n"  # the first bad point, as serially
    )


def test_a_bad_sweep_value_is_refused_before_any_work(
    baseline: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_work(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("work started")

    monkeypatch.setattr("belwar.run.sweeps.map_ordered", no_work)
    with pytest.raises(InputError, match=r"mode \(1\.9\) must lie between min and max"):
        sweep(baseline, [BAD_MODE], samples=2000)


def test_grid_values_are_the_decimals_typed(baseline: Scenario) -> None:
    """0.3:0.9:7 is 0.3, 0.4, ..., 0.9: float noise (0.8999999999999999) would step outside a
    driver's bounds at the end."""
    axis = parse_vary("drivers.kremlin_pressure.dist.mode=0.3:0.9:7", baseline)
    assert axis.values == (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    assert parse_vary("kremlin_pressure=0.2:1.0:3", baseline).values == (0.2, 0.6, 1.0)
    assert parse_vary("kremlin_pressure=1:0:5", baseline).values == (1.0, 0.75, 0.5, 0.25, 0.0)
    thirds = parse_vary("kremlin_pressure=0:1:4", baseline).values
    assert thirds == (0.0, 1 / 3, 2 / 3, 1.0)  # the float nearest each third


def test_library_errors_name_the_parameter(baseline: Scenario) -> None:
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: sweep(baseline, ["kremlin_pressure=0.2:0.9:3"], threshold=2), "threshold"),
        (lambda: simulate(baseline, samples=-4), "samples"),
        (lambda: simulate(baseline, seed=-1), "seed"),
        (lambda: simulate(baseline, months=[0]), "months"),
        (lambda: simulate(baseline, workers=0), "workers"),
        (lambda: simulate(baseline, dask="not a url"), "dask"),
        (lambda: sensitivity(baseline, month=0), "month"),
        (lambda: sensitivity(baseline, target="nope"), "target"),
        (lambda: sensitivity(baseline, method="sobol", sobol_samples=-4), "sobol_samples"),
        (lambda: sweep(baseline, ["kremlin_pressure=0.2:0.9"]), "vary"),
        (lambda: compare(baseline, baseline, tolerance=float("nan")), "tolerance"),
    ]
    for call, key in cases:
        with pytest.raises(InputError) as caught:
            call()
        (problem,) = caught.value.problems
        assert (problem.file, problem.key) == ("", key), problem
        assert not problem.message.startswith(key), problem  # not "samples: samples must ..."
        assert "--" not in str(problem), problem
    with pytest.raises(InputError, match=r"^samples: must be at least 1, got -4$"):
        simulate(baseline, samples=-4)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"samples": 0}, r"samples: must be at least 1, got 0"),
        ({"samples": 10**12}, r"samples: must be at most 100,000,000, got 1,000,000,000,000"),
        ({"samples": 2.5}, r"samples: must be a whole number, got 2\.5"),
        ({"seed": 2**63}, r"seed: must be between 0 and 2\*\*63 - 1"),
        ({"month": 0}, r"month: must lie between 1 and the horizon \(12\), got 0"),
        ({"month": 13}, r"month: must lie between 1 and the horizon \(12\), got 13"),
        ({"workers": 5000}, r"workers: must be between 1 and 1024, got 5000"),
        ({"threshold": float("nan")}, r"threshold: must lie strictly between 0 and 1, got nan"),
        ({"threshold": 0}, r"threshold: must lie strictly between 0 and 1, got 0"),
    ],
)
def test_sweep_options_are_checked_not_replaced_by_defaults(
    baseline: Scenario, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        sweep(baseline, ["kremlin_pressure=0.2:0.9:3"], **options)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x=0.2:0.9:" + "9" * 5000, r"N must be at most 1,000 points"),
        ("kremlin_pressure=0.2:0.9:1001", r"N must be at most 1,000 points"),
        ("kremlin_pressure=nan:0.9:3", r"START and STOP must be finite numbers"),
        ("kremlin_pressure=0.2:1e999:3", r"START and STOP must be finite numbers"),
        ("kremlin_pressure=0.2:" + "1" * 60 + ":3", r"START and STOP must be finite numbers"),
        ("kremlin_pressure=0.5:0.5:3", r"need N >= 2 and START != STOP"),
    ],
)
def test_vary_text_is_refused_with_a_message(baseline: Scenario, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_vary(text, baseline)


def test_a_sweep_grid_is_capped(baseline: Scenario) -> None:
    with pytest.raises(InputError, match=r"vary: 2,601 points is more than 2,500"):
        sweep(baseline, ["kremlin_pressure=0:1:51", "hazards.full_entry.base=0.001:0.01:51"])


def test_sensitivity_refuses_what_it_could_not_keep_in_memory(baseline: Scenario) -> None:
    with pytest.raises(InputError, match=r"samples: a sensitivity keeps \d+ numbers a sample"):
        sensitivity(baseline, samples=90_000_000)
    with pytest.raises(InputError, match=r"sobol_samples: must be a power of 2.*got 3"):
        sensitivity(baseline, method="sobol", sobol_samples=3)
    with pytest.raises(InputError, match=r"sobol_samples: must be at most 1,048,576"):
        sensitivity(baseline, method="sobol", sobol_samples=1 << 21)


# --- Dask addresses (item 19) --------------------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["", "not a url", "tcp://", "tcp://host", "tcp://h:0", "h:99999"]
)
def test_a_malformed_dask_address_is_refused_before_connecting(
    baseline: Scenario, address: str
) -> None:
    with pytest.raises(InputError, match=r"^dask: expected 'local' or a scheduler address"):
        simulate(baseline, samples=1000, dask=address)


@contextmanager
def listener(answer: bytes | None) -> Iterator[str]:
    """A TCP server on loopback that accepts connections and sends ``answer`` (junk), or
    nothing at all, and never closes them until the test ends."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    held: list[socket.socket] = []
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            held.append(conn)
            if answer is not None:
                conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        done.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


# A frame count of one, then a frame length of about 3 EiB: what made distributed allocate it
JUNK = (1).to_bytes(8, "little") + (0x2FFF_FFFF_FFFF_FFFF).to_bytes(8, "little") + b"x" * 64


@pytest.mark.parametrize("junk", [JUNK, b"\xff" * 64], ids=["exabytes", "garbage"])
def test_a_listener_that_sends_junk_is_not_a_scheduler(baseline: Scenario, junk: bytes) -> None:
    with (
        listener(junk) as address,
        pytest.raises(InputError, match=r"it does not answer as a Dask scheduler"),
    ):
        simulate(baseline, samples=1000, dask=address)


def test_a_listener_that_never_answers_is_bounded(
    baseline: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster, "DASK_TIMEOUT", 1)
    with (
        listener(None) as address,
        pytest.raises(
            InputError, match=r"cannot reach the Dask scheduler at .*: no answer within 1 s"
        ),
    ):
        simulate(baseline, samples=1000, dask=address)


@pytest.mark.parametrize("answer", [None, JUNK], ids=["silent", "junk"])
def test_the_command_line_gives_up_on_a_bad_scheduler_with_exit_2(answer: bytes | None) -> None:
    """The real executable, with its real timeout: exit 2 and one line, never a hang (the
    subprocess timeout fails the test) or a MemoryError."""
    with listener(answer) as address:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "belwar",
                "run",
                str(SCENARIOS / "baseline.yaml"),
                "-n",
                "1000",
                "--dask",
                address,
            ],
            capture_output=True,
            text=True,
            timeout=4 * cluster.DASK_TIMEOUT + 30,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"--dask: cannot reach the Dask scheduler at {address}: ")
    assert "Traceback" not in done.stderr


def test_thread_workers_stop_at_their_next_block_when_the_run_stops(
    baseline: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threads cannot be killed: on Ctrl-C they stop between blocks, and queued batches never
    start, rather than running every queued batch to the end."""

    model = replace(compile_model(baseline), samples=40 * streams.BLOCK_SIZE)
    ran = []
    real = engine.run_block

    def counted(*args: Any, **kwargs: Any) -> engine.BlockStats:
        ran.append(args[1])
        return real(*args, **kwargs)

    def interrupt(_done: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "run_block", counted)
    with pytest.raises(KeyboardInterrupt):
        execution.run(model, workers=2, progress=interrupt)  # 40 blocks on threads
    assert len(ran) < 20, len(ran)  # the first batch is 5 blocks; then one more each at most
