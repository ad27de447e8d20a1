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
of an existing ``dask.distributed`` scheduler (``tcp://host:8786``); :mod:`belwar.run.cluster`
connects to either. Batches of whole scenario files are :mod:`belwar.run.batch`'s.

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
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from belwar.core import engine, streams
from belwar.core.model import Model
from belwar.errors import InputError
from belwar.optional import require
from belwar.run import options
from belwar.run.cluster import dask_client
from belwar.run.options import default_workers

# From this many samples local workers are processes; below it, threads (see the module's docs).
PROCESS_THRESHOLD = 1_000_000
BATCHES_PER_WORKER = 4
_PR_SET_PDEATHSIG = 1  # from linux/prctl.h

# Set when a run stops early: thread workers check it between blocks and stop.
_STOP = threading.Event()

T = TypeVar("T")
R = TypeVar("R")


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
    done: Callable[[R], None] | None = None,
) -> list[R]:
    """``[fn(item) for item in items]``, on ``workers`` local processes (default: every core;
    1 runs here) or on the Dask cluster ``dask``. ``fn`` must be picklable; it travels once per
    worker, not once per item. The list is in the order of ``items`` whatever finishes first;
    ``done(result)`` is called as each item finishes (for a progress bar)."""
    workers, dask = options.check_workers(workers), options.check_dask(dask)
    count = min(workers or default_workers(), len(items))
    if dask is None and count <= 1:
        found = []
        for item in items:
            found.append(fn(item))
            if done is not None:
                done(found[-1])
        return found
    return _in_order(fn, lambda _: items, count, dask, done)


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
