"""Where work runs: in this process, on local threads or processes, or on a Dask cluster.

One layer serves every command. A run's work is the engine's fixed blocks, sent in batches; each
worker merges its batch and returns only the reduced statistics (per-block moments, one summed
histogram), never per-sample arrays. They merge exactly whatever order they arrive in, so the
result is bit-identical to a serial run for any number of workers and on any engine. Sweeps,
paired diffs, Sobol designs and sets of files go through :func:`map_ordered`, which keeps the
order of the work, so they too match a serial run bit for bit.

Locally, runs below ``PROCESS_THRESHOLD`` samples go to threads: numpy releases the GIL in its
loops, so two threads run nearly in parallel (about 2x at 200,000 samples on two cores,
measured) without the cost of starting processes. Bigger runs, and the whole runs that
:func:`map_ordered` hands out, go to processes, which no lock holds back.

``dask="local"`` starts an embedded ``LocalCluster`` on loopback; any other value is the address
of an existing ``dask.distributed`` scheduler (``tcp://host:8786``). Dask is an optional extra:
``pip install 'belwar[dask]'``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from belwar import engine
from belwar.errors import InputError, Problem, input_error
from belwar.model import Model

if TYPE_CHECKING:
    from belwar.evidence import Register
    from belwar.results import Result
    from belwar.scenario import Scenario

# From this many samples local workers are processes; below it, threads (see the module's docs).
PROCESS_THRESHOLD = 1_000_000
BATCHES_PER_WORKER = 4

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """Every core."""
    return os.cpu_count() or 1


def batches(work: Sequence[tuple[int, int]], count: int) -> list[list[tuple[int, int]]]:
    """Split blocks into ``count`` contiguous batches of near-equal size."""
    count = max(1, min(count, len(work)))
    size, extra = divmod(len(work), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(list(work[start:end]))
        start = end
    return out


def run(
    model: Model,
    *,
    workers: int | None = None,
    dask: str | None = None,
    keep_samples: bool = False,
    progress: Callable[[int], None] | None = None,
) -> engine.Totals:
    """Run every block of ``model`` on ``workers`` local threads or processes (default: every
    core; 1 runs here, reporting block by block) or on the Dask cluster ``dask``, and merge
    them."""
    if dask is None and _pool_size(workers, model.samples) == 1:
        work = engine.blocks(model.samples)
        return engine.run_blocks(model, work, keep_samples=keep_samples, progress=progress)

    def done(part: engine.Totals) -> None:
        if progress is not None:
            progress(part.n)

    totals = engine.Totals()
    job = _BatchJob(model, keep_samples)
    for part in map_batches(job, model.samples, workers=workers, dask=dask, done=done):
        totals.merge(part)
    return totals


def map_batches(
    fn: Callable[[list[tuple[int, int]]], R],
    samples: int,
    *,
    workers: int | None = None,
    dask: str | None = None,
    done: Callable[[R], None] | None = None,
) -> list[R]:
    """``fn`` over contiguous batches of the engine's blocks for ``samples``, in block order:
    one batch here when one worker will do (a single block, or ``workers`` is 1), else
    ``BATCHES_PER_WORKER`` batches a worker on local threads or processes (see the module's
    docs) or on the Dask cluster ``dask``. ``done(result)`` is called as each batch finishes."""
    work = engine.blocks(samples)
    count = _pool_size(workers, samples)
    if dask is None and count == 1:
        return [fn(work)]
    threads = samples < PROCESS_THRESHOLD

    def split(n: int) -> list[list[tuple[int, int]]]:
        return batches(work, n * BATCHES_PER_WORKER)

    return _in_order(fn, split, count, dask, done, threads=threads)


def map_ordered(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int | None = None,
    dask: str | None = None,
) -> list[R]:
    """``[fn(item) for item in items]``, on ``workers`` local processes (default: every core;
    1 runs here) or on the Dask cluster ``dask``. ``fn`` must be picklable; it travels once per
    worker, not once per item. The list is in the order of ``items`` whatever finishes first."""
    count = min(workers or os.cpu_count() or 1, len(items))
    if dask is None and count <= 1:
        return [fn(item) for item in items]
    return _in_order(fn, lambda _: items, count, dask)


def _in_order(
    fn: Callable[[T], R],
    split: Callable[[int], Sequence[T]],
    workers: int,
    dask: str | None,
    done: Callable[[R], None] | None = None,
    *,
    threads: bool = False,
) -> list[R]:
    """:func:`_unordered`'s results put back in the order of the items."""

    def numbered(n: int) -> list[tuple[int, T]]:
        return list(enumerate(split(n)))

    found: dict[int, R] = {}
    for index, part in _unordered(_Indexed(fn), numbered, workers, dask, threads=threads):
        found[index] = part
        if done is not None:
            done(part)
    return [found[i] for i in range(len(found))]


def _apply(fn: Callable[[T], R], item: T) -> R:
    return fn(item)


def _pool_size(workers: int | None, samples: int) -> int:
    count = default_workers() if workers is None else max(1, workers)
    return max(1, min(count, len(engine.blocks(samples))))


@dataclass(frozen=True)
class _Indexed(Generic[T, R]):
    """``fn`` on an ``(index, item)`` pair, keeping the index: order for unordered results."""

    fn: Callable[[T], R]

    def __call__(self, pair: tuple[int, T]) -> tuple[int, R]:
        return pair[0], self.fn(pair[1])


@dataclass(frozen=True)
class _BatchJob:
    model: Model
    keep_samples: bool

    def __call__(self, work: list[tuple[int, int]]) -> engine.Totals:
        return engine.run_blocks(self.model, work, keep_samples=self.keep_samples)


def _unordered(
    fn: Callable[[T], R],
    split: Callable[[int], Sequence[T]],
    workers: int,
    dask: str | None,
    *,
    threads: bool = False,
) -> Iterator[R]:
    """Yield ``fn(item)`` as each finishes, on ``workers`` threads or processes or the Dask
    cluster; ``split(n)`` cuts the work into items for ``n`` workers."""
    if dask is not None:
        from distributed import as_completed as dask_completed

        with dask_client(dask) as client:
            count = max(1, len(client.scheduler_info().get("workers", {})))
            shared = client.scatter(fn, broadcast=True)
            futures = [client.submit(_apply, shared, item, pure=False) for item in split(count)]
            for future in dask_completed(futures):
                yield future.result()
        return
    pool: Executor = (ThreadPoolExecutor if threads else ProcessPoolExecutor)(max_workers=workers)
    with pool:
        for future in as_completed([pool.submit(fn, item) for item in split(workers)]):
            yield future.result()


def local_cluster(workers: int) -> Any:
    """A ``distributed.LocalCluster`` of ``workers`` single-threaded processes, listening on
    loopback only, its HTTP endpoints on a free port (never a fixed one that may be taken).

    Dask starts workers with ``MALLOC_TRIM_THRESHOLD_`` set low, which turns off glibc's
    adaptive mmap threshold: every block's quarter-megabyte temporaries are then mapped and
    unmapped afresh, and the engine runs 2.3 to 2.6 times slower (measured). These workers get
    the command line's own tuning instead (:mod:`belwar.memory`)."""
    import dask
    from distributed import LocalCluster

    from belwar.memory import worker_environment

    environ = {
        f"distributed.nanny.pre-spawn-environ.{name}": value
        for name, value in worker_environment().items()
    }
    with dask.config.set(environ):
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            scheduler_kwargs={"dashboard": False},
        )


@contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` for ``address``, or for an embedded loopback ``LocalCluster``
    (one single-threaded worker process per core) when it is "local"; closed on exit."""
    try:
        from distributed import Client
    except ImportError:
        raise input_error(
            "--dask needs the dask extra: pip install 'belwar[dask]'", key="--dask"
        ) from None
    cluster = None
    try:
        if address == "local":
            cluster = local_cluster(os.cpu_count() or 1)
            client = Client(cluster)
        else:
            try:
                client = Client(address, timeout=10)
            except (OSError, TimeoutError) as exc:
                raise input_error(
                    f"cannot reach the Dask scheduler at {address}: {exc}", key="--dask"
                ) from None
        with client:
            yield client
    finally:
        if cluster is not None:
            cluster.close()


def run_many(
    paths: Sequence[str],
    output_dir: str,
    *,
    samples: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    dask: str | None = None,
    register: Register | None = None,
) -> list[tuple[str, Result]]:
    """Run every scenario file (a folder means its ``*.yaml`` files, ``schema.json`` aside),
    save one result each as ``<output_dir>/<scenario id>.json`` (the folder is made if need
    be), and return them in input order. Files run in parallel, one per worker (local
    processes or the Dask cluster ``dask``); each result is what a serial run gives.
    All files are validated first, so one bad file stops the batch before any work."""
    from pathlib import Path

    from belwar.loader import load_scenario

    files: list[Path] = []
    for item in paths:
        path = Path(item)
        files += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        raise input_error("no scenario files given", key="PATHS")
    target = Path(output_dir)
    if target.exists() and not target.is_dir():
        raise input_error(f"{output_dir} is a file, not a folder", key="--output-dir")
    problems: list[Problem] = []
    scenarios: list[Scenario] = []
    for file in files:
        try:
            scenarios.append(load_scenario(file, register=register))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    ids = [s.id for s in scenarios]
    clash = sorted({i for i in ids if ids.count(i) > 1})
    if clash:
        raise input_error(f"scenario ids must differ to name the result files: {', '.join(clash)}")
    jobs = [(s, samples, seed) for s in scenarios]
    results = map_ordered(_run_one, jobs, workers=workers, dask=dask)
    target.mkdir(parents=True, exist_ok=True)
    for scenario, result in zip(scenarios, results, strict=True):
        result.save(target / f"{scenario.id}.json")
    return [(str(f), r) for f, r in zip(files, results, strict=True)]


def _run_one(job: tuple[Scenario, int | None, int | None]) -> Result:
    from belwar.simulation import simulate

    scenario, samples, seed = job
    return simulate(scenario, samples=samples, seed=seed, workers=1)
