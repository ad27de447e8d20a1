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
``pip install 'belwar[dask]'``. Reaching a scheduler takes at most ``DASK_TIMEOUT`` seconds to
connect and as long again to register: an address that does not answer as a scheduler is bad
input, not a hang.

Errors cross every boundary intact: an :class:`~belwar.errors.InputError` raised in a worker
process or on a Dask worker is re-raised here as it was raised, so a user sees the message a
serial run gives. When the work stops early (an error, Ctrl-C, SIGTERM), the queued work is
cancelled and local worker processes are terminated at once; thread workers stop at their next
block. Local worker processes ignore Ctrl-C (the parent handles it) and, on Linux, are killed
by the kernel when the parent dies, even by SIGKILL (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import pathlib
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from belwar.core import engine, streams
from belwar.core.model import Model
from belwar.errors import InputError, Problem, input_error
from belwar.optional import require
from belwar.run import options
from belwar.run.memory import worker_environment

if TYPE_CHECKING:
    from belwar.results.run import Result
    from belwar.spec.evidence import Register
    from belwar.spec.scenario import Scenario

# From this many samples local workers are processes; below it, threads (see the module's docs).
PROCESS_THRESHOLD = 1_000_000
BATCHES_PER_WORKER = 4
DASK_TIMEOUT = 10  # seconds to connect to a scheduler, and again to register with it
_PR_SET_PDEATHSIG = 1  # from linux/prctl.h

# Set when a run stops early: thread workers check it between blocks and stop.
_STOP = threading.Event()

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
    options.check_samples(model.samples)
    workers, dask = options.check_workers(workers), options.check_dask(dask)
    if dask is None and _pool_size(workers, model.samples) == 1:
        work = streams.blocks(model.samples)
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
    samples = options.check_samples(samples)
    workers, dask = options.check_workers(workers), options.check_dask(dask)
    work = streams.blocks(samples)
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
    workers, dask = options.check_workers(workers), options.check_dask(dask)
    count = min(workers or default_workers(), len(items))
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
    """:func:`_unordered`'s results put back in the order of the items. An input error is
    the one a serial run meets: that of the first item in order that fails, raised as soon
    as every item before it has succeeded (later items are abandoned)."""

    def numbered(n: int) -> list[tuple[int, T]]:
        return list(enumerate(split(n)))

    found: dict[int, R] = {}
    failed: dict[int, InputError] = {}
    for index, part, error in _unordered(_Indexed(fn), numbered, workers, dask, threads=threads):
        if error is not None:
            failed[index] = error
        else:
            found[index] = cast("R", part)
            if done is not None:
                done(found[index])
        if failed and all(i in found for i in range(min(failed))):
            raise failed[min(failed)]
    return [found[i] for i in range(len(found))]


def _apply(fn: Callable[[T], R], item: T) -> R:
    return fn(item)


def _pool_size(workers: int | None, samples: int) -> int:
    count = default_workers() if workers is None else workers
    return max(1, min(count, len(streams.blocks(samples))))


@dataclass(frozen=True)
class _Indexed(Generic[T, R]):
    """``fn`` on an ``(index, item)`` pair, keeping the index (order for unordered results),
    and an input error as a value, so the caller can report the one a serial run would."""

    fn: Callable[[T], R]

    def __call__(self, pair: tuple[int, T]) -> tuple[int, R | None, InputError | None]:
        try:
            return pair[0], self.fn(pair[1]), None
        except InputError as error:
            return pair[0], None, error


@dataclass(frozen=True)
class _BatchJob:
    model: Model
    keep_samples: bool

    def __call__(self, work: list[tuple[int, int]]) -> engine.Totals:
        return engine.run_blocks(
            self.model, work, keep_samples=self.keep_samples, progress=check_stop
        )


class Stopped(Exception):
    """Raised in a thread worker whose run has stopped early (the parent raises the cause)."""


def check_stop(_done: int = 0) -> None:
    """Raise :class:`Stopped` if the run this thread works for has stopped: call it between
    blocks (it fits ``progress`` callbacks). A no-op in worker processes."""
    if _STOP.is_set():
        raise Stopped


def _worker_start(parent: int) -> None:
    """Set up a local worker process: Ctrl-C is the parent's to handle (it stops the workers),
    SIGTERM kills (a handler inherited from the parent by fork would raise in the worker), and
    on Linux the kernel kills the worker when the parent dies, however it dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})  # held by fork
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)


def _unordered(
    fn: Callable[[T], R],
    split: Callable[[int], Sequence[T]],
    workers: int,
    dask: str | None,
    *,
    threads: bool = False,
) -> Iterator[R]:
    """Yield ``fn(item)`` as each finishes, on ``workers`` threads or processes or the Dask
    cluster; ``split(n)`` cuts the work into items for ``n`` workers. If the work stops early
    (an error here or in a worker, an interrupt, the caller stops reading), the rest of it is
    cancelled and the workers are stopped before the exception goes on."""
    if dask is not None:
        yield from _on_dask(fn, split, dask)
        return
    _STOP.clear()
    pool: ThreadPoolExecutor | ProcessPoolExecutor
    if threads:
        pool = ThreadPoolExecutor(max_workers=workers)
    else:
        pool = ProcessPoolExecutor(
            max_workers=workers, initializer=_worker_start, initargs=(os.getpid(),)
        )
    futures: list[Future[R]] = []
    try:
        with _signals_held():
            futures = [pool.submit(fn, item) for item in split(workers)]
        for future in as_completed(futures):
            yield future.result()
    except BaseException:
        _stop(pool, futures)
        raise
    pool.shutdown()


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while worker processes are forked: one arriving mid-fork would
    be lost in the parent (raised inside a fork hook, where Python ignores it) or reach a
    child before it has set its own handlers. Held signals are delivered on leaving."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _stop(pool: ThreadPoolExecutor | ProcessPoolExecutor, futures: list[Future[Any]]) -> None:
    """Cancel what has not started and stop the workers: processes are terminated, threads
    finish the block they are on (they cannot be killed; :func:`check_stop`)."""
    for future in futures:
        future.cancel()
    if isinstance(pool, ThreadPoolExecutor):
        _STOP.set()
        pool.shutdown(wait=True, cancel_futures=True)
        return
    # CPython's pid -> Process map: the executor has no public way to stop its workers (3.14's
    # terminate_workers is the first)
    found = dict(getattr(pool, "_processes", None) or {})
    for process in found.values():
        with contextlib.suppress(OSError):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in found.values():
        process.join(timeout=5)


def _on_dask(
    fn: Callable[[T], R], split: Callable[[int], Sequence[T]], address: str
) -> Iterator[R]:
    dask_completed = require("distributed", extra="dask").as_completed

    with dask_client(address) as client:
        count = max(1, len(client.scheduler_info().get("workers", {})))
        shared = client.scatter(fn, broadcast=True)
        futures = [client.submit(_apply, shared, item, pure=False) for item in split(count)]
        try:
            for future in dask_completed(futures):
                yield future.result()
        except BaseException:
            with contextlib.suppress(Exception):
                client.cancel(futures)
            raise


def local_cluster(workers: int) -> Any:
    """A ``distributed.LocalCluster`` of ``workers`` single-threaded processes, listening on
    loopback only, its HTTP endpoints on a free port (never a fixed one that may be taken).
    Its logs are silenced: what goes wrong reaches the user as belwar's own message.

    Dask starts workers with ``MALLOC_TRIM_THRESHOLD_`` set low, which turns off glibc's
    adaptive mmap threshold: every block's quarter-megabyte temporaries are then mapped and
    unmapped afresh, and the engine runs 2.3 to 2.6 times slower (measured). These workers get
    the command line's own tuning instead (:mod:`belwar.run.memory`)."""

    dask = require("dask", extra="dask")
    LocalCluster = require("distributed", extra="dask").LocalCluster

    environ = {
        f"distributed.nanny.pre-spawn-environ.{name}": value
        for name, value in worker_environment().items()
    }
    # Ctrl-C is ignored while the cluster starts, so the worker processes it spawns inherit
    # that and never see SIGINT (a Ctrl-C at the terminal goes to the whole process group, and
    # the workers would print tracebacks); the parent stops them when it is interrupted. A
    # Ctrl-C in that second of start-up is lost (a blocked mask is not inherited by them).
    main = threading.current_thread() is threading.main_thread()
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        with dask.config.set(environ):
            return LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
                scheduler_kwargs={"dashboard": False},
                silence_logs=logging.CRITICAL,
            )
    finally:
        if main:
            signal.signal(signal.SIGINT, handler)


@contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` for ``address``, or for an embedded loopback ``LocalCluster``
    (one single-threaded worker process per core) when it is "local"; closed on exit.
    An address that is not a scheduler's, or does not answer within ``DASK_TIMEOUT`` seconds
    to connect and as long to register, is bad input."""
    address = options.check_dask(address) or "local"
    Client = require("distributed", extra="dask").Client
    cluster = None
    try:
        if address == "local":
            cluster = local_cluster(default_workers())
            client = Client(cluster)
        else:
            _probe(address)
            try:
                client = Client(address, timeout=DASK_TIMEOUT)
            except Exception as exc:  # whatever the comm layer raises
                raise _unreachable(address, exc) from None
        with client:
            yield client
    finally:
        if cluster is not None:
            with contextlib.suppress(Exception):  # a cluster stopped early may not close cleanly
                cluster.close()


def _probe(address: str) -> None:
    """Connect to ``address`` and exchange distributed's handshake, within ``DASK_TIMEOUT``
    seconds in all: ``Client`` bounds only the connect, so a listener that accepts and never
    answers would hang it, and one that answers junk makes it read a length of exabytes."""
    import asyncio  # noqa: PLC0415 - only the Dask path needs asyncio

    connect = require("distributed.comm.core", extra="dask").connect
    Security = require("distributed.security", extra="dask").Security

    async def handshake() -> None:
        arguments = Security().get_connection_args("client")
        comm = await connect(address, timeout=DASK_TIMEOUT, **arguments)
        await comm.close()

    async def bounded() -> None:
        await asyncio.wait_for(handshake(), DASK_TIMEOUT)

    try:
        asyncio.run(bounded())
    except (Exception, MemoryError) as exc:  # junk may fail anywhere in the comm
        raise _unreachable(address, exc) from None


def _unreachable(address: str, exc: BaseException) -> InputError:
    if isinstance(exc, TimeoutError):
        why = f"no answer within {DASK_TIMEOUT} s"
    elif isinstance(exc, OSError):
        why = str(exc) or type(exc).__name__
    else:  # junk: a length of exabytes, a malformed frame, an unexpected message
        why = "it does not answer as a Dask scheduler"
    return input_error(f"cannot reach the Dask scheduler at {address}: {why}", key="dask")


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
    The options, every file and the output folder are checked first, so a bad one stops the
    batch before any work; if a result cannot be written, the error says which were."""
    # the loader (pydantic, ruamel) stays out of worker processes, which only run blocks
    from belwar.spec.loader import load_scenario  # noqa: PLC0415 - keeps workers light

    if samples is not None:
        options.check_samples(samples)
    if seed is not None:
        options.check_seed(seed)
    workers, dask = options.check_workers(workers), options.check_dask(dask)
    files: list[pathlib.Path] = []
    for item in paths:
        path = pathlib.Path(item)
        files += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        raise input_error("no scenario files given", key="paths")
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
    target = pathlib.Path(output_dir)
    made = _writable_folder(target, output_dir)
    jobs = [(s, samples, seed) for s in scenarios]
    try:
        results = map_ordered(_run_one, jobs, workers=workers, dask=dask)
    except BaseException:
        for folder in made:  # nothing was written: leave no empty folders behind
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    names = [f"{scenario.id}.json" for scenario in scenarios]
    for i, (name, result) in enumerate(zip(names, results, strict=True)):
        try:
            result.save(target / name)
        except (InputError, OSError) as exc:
            raise _stopped_writing(output_dir, names, i, exc) from None
    return [(str(f), r) for f, r in zip(files, results, strict=True)]


def _writable_folder(target: pathlib.Path, shown: str) -> list[pathlib.Path]:
    """Make ``target`` (and its missing parents) and check a file can be written in it;
    return the folders made, deepest first."""

    missing = [folder for folder in (target, *target.parents) if not folder.exists()]
    try:
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=target):
            pass
    except FileExistsError:
        raise input_error(f"{shown} is a file, not a folder", key="output_dir") from None
    except NotADirectoryError:
        raise input_error(
            f"cannot make the folder {shown}: a file stands where a folder on its path should be",
            key="output_dir",
        ) from None
    except OSError as exc:
        raise input_error(
            f"cannot write in the folder {shown}: {exc.strerror or exc}", key="output_dir"
        ) from None
    return missing


def _stopped_writing(shown: str, names: list[str], failed: int, exc: Exception) -> InputError:
    if isinstance(exc, InputError):
        why = exc.problems[0].message
    else:
        why = getattr(exc, "strerror", None) or str(exc)
    written = ", ".join(names[:failed]) or "none"
    rest = ", ".join(names[failed:])
    return input_error(
        f"stopped writing results in {shown}: cannot write {names[failed]}: {why}. "
        f"Written: {written} ({failed} of {len(names)}); not written: {rest}",
        key="output_dir",
    )


def _run_one(job: tuple[Scenario, int | None, int | None]) -> Result:
    from belwar.run.simulation import simulate  # noqa: PLC0415 - cycle (simulation)

    scenario, samples, seed = job
    return simulate(scenario, samples=samples, seed=seed, workers=1)
