"""Where blocks run: in this process, or spread over a local pool of processes.

Work is the engine's fixed blocks; each worker returns only the reduced statistics of its blocks
(moments and histograms), and they merge exactly whatever order they arrive in, so the result is
bit-identical to a serial run for any number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed

from belwar import engine
from belwar.model import Model

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


def _run_batch(
    model: Model, work: list[tuple[int, int]], keep_samples: bool
) -> list[engine.BlockStats]:
    return [engine.run_block(model, block, n, keep_samples=keep_samples) for block, n in work]


def run(
    model: Model,
    *,
    workers: int | None = None,
    keep_samples: bool = False,
    progress: Callable[[int], None] | None = None,
) -> engine.Totals:
    """Run every block of ``model`` on ``workers`` processes (default: :func:`default_workers`;
    1 runs here) and merge them."""
    work = engine.blocks(model.samples)
    count = default_workers(model.samples) if workers is None else max(1, workers)
    if count == 1 or len(work) == 1:
        return engine.run_blocks(model, work, keep_samples=keep_samples, progress=progress)
    totals = engine.Totals()
    with ProcessPoolExecutor(max_workers=count) as pool:
        futures = [
            pool.submit(_run_batch, model, batch, keep_samples)
            for batch in batches(work, count * BATCHES_PER_WORKER)
        ]
        for future in as_completed(futures):
            for stats in future.result():
                totals.add(stats)
                if progress is not None:
                    progress(stats.n)
    return totals
