"""Where blocks run: in this process, on a local pool of processes, or on a Dask cluster.

Work is the engine's fixed blocks, sent in batches; each worker merges its batch and returns only
the reduced statistics (per-block moments, one summed histogram), never per-sample arrays. They
merge exactly whatever order they arrive in, so the result is bit-identical to a serial run for
any number of workers and on any engine.

``dask="local"`` starts an embedded ``LocalCluster`` on loopback; any other value is the address
of an existing ``dask.distributed`` scheduler (``tcp://host:8786``). Dask is an optional extra:
``pip install 'belwar[dask]'``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING

from belwar import engine
from belwar.errors import InputError, Problem, input_error
from belwar.model import Model

if TYPE_CHECKING:
    from belwar.evidence import Register
    from belwar.results import Result
    from belwar.scenario import Scenario

# Below this many samples a pool costs more (starting processes, importing numpy) than it saves.
POOL_THRESHOLD = 1_000_000
BATCHES_PER_WORKER = 4


def default_workers(samples: int) -> int:
    """Every core for large runs; one for small ones."""
    return (os.cpu_count() or 1) if samples >= POOL_THRESHOLD else 1


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


def run_batch(model: Model, work: list[tuple[int, int]], keep_samples: bool) -> engine.Totals:
    """Run a batch of blocks and merge them (what a worker does)."""
    return engine.run_blocks(model, work, keep_samples=keep_samples)


def run(
    model: Model,
    *,
    workers: int | None = None,
    dask: str | None = None,
    keep_samples: bool = False,
    progress: Callable[[int], None] | None = None,
) -> engine.Totals:
    """Run every block of ``model`` on ``workers`` local processes (default:
    :func:`default_workers`; 1 runs here) or on the Dask cluster ``dask``, and merge them."""
    work = engine.blocks(model.samples)
    if dask is not None:
        return _on_dask(model, work, dask, keep_samples, progress)
    count = default_workers(model.samples) if workers is None else max(1, workers)
    if count == 1 or len(work) == 1:
        return engine.run_blocks(model, work, keep_samples=keep_samples, progress=progress)
    totals = engine.Totals()
    with ProcessPoolExecutor(max_workers=count) as pool:
        futures = [
            pool.submit(run_batch, model, batch, keep_samples)
            for batch in batches(work, count * BATCHES_PER_WORKER)
        ]
        for future in as_completed(futures):
            part = future.result()
            totals.merge(part)
            if progress is not None:
                progress(part.n)
    return totals


def _on_dask(
    model: Model,
    work: list[tuple[int, int]],
    address: str,
    keep_samples: bool,
    progress: Callable[[int], None] | None,
) -> engine.Totals:
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError:
        raise input_error(
            "--dask needs the dask extra: pip install 'belwar[dask]'", key="--dask"
        ) from None
    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(
                n_workers=os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            client = Client(cluster)
        else:
            try:
                client = Client(address, timeout=10)
            except (OSError, TimeoutError) as exc:
                raise input_error(
                    f"cannot reach the Dask scheduler at {address}: {exc}", key="--dask"
                ) from None
        with client:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            shared = client.scatter(model, broadcast=True)
            futures = [
                client.submit(run_batch, shared, batch, keep_samples, pure=False)
                for batch in batches(work, workers * BATCHES_PER_WORKER)
            ]
            totals = engine.Totals()
            for future in dask_completed(futures):
                part = future.result()
                totals.merge(part)
                if progress is not None:
                    progress(part.n)
            return totals
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
    register: Register | None = None,
) -> list[tuple[str, Result]]:
    """Run every scenario file (a folder means its ``*.yaml`` files, ``schema.json`` aside),
    save one result each as ``<output_dir>/<scenario id>.json``, and return them in input
    order. Files run in parallel, one per process; each result is what a serial run gives.
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
    if not target.is_dir():
        raise input_error(f"the output folder {output_dir} does not exist", key="--output-dir")
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
    count = min(workers or os.cpu_count() or 1, len(scenarios))
    jobs = [(s, samples, seed) for s in scenarios]
    if count <= 1:
        results = [_run_one(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=count) as pool:
            results = list(pool.map(_run_one, jobs))
    for scenario, result in zip(scenarios, results, strict=True):
        result.save(target / f"{scenario.id}.json")
    return [(str(f), r) for f, r in zip(files, results, strict=True)]


def _run_one(job: tuple[Scenario, int | None, int | None]) -> Result:
    from belwar.simulation import simulate

    scenario, samples, seed = job
    return simulate(scenario, samples=samples, seed=seed, workers=1)
