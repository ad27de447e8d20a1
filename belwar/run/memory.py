"""How belwar's processes hold on to memory between blocks.

A block allocates and frees a few dozen arrays of a quarter to ten megabytes. By default glibc's
malloc hands much of that back to the system after each block, and the next block faults the
pages in again: about 22,000 page faults in a 200,000-sample baseline run (measured), 10% of
its time on one thread and 30% on two. Keeping freed memory below ``TRIM_THRESHOLD`` for reuse,
and serving arrays below ``MMAP_THRESHOLD`` from the heap, removes them.

The command line tunes its own process (:func:`keep_freed_memory`) and the Dask workers it
starts (:func:`worker_environment`); :func:`belwar.simulate` leaves a notebook's malloc alone.
"""

from __future__ import annotations

import ctypes
import sys

MMAP_THRESHOLD = 64 << 20  # arrays up to 64 MB come from the heap, not fresh mappings
TRIM_THRESHOLD = 256 << 20  # up to 256 MB of freed heap is kept for reuse

# glibc's mallopt parameters, from malloc.h
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def keep_freed_memory() -> None:
    """Tune glibc's malloc in this process (and the processes it forks from now on) as the
    module's docs say. A no-op where the C library is not glibc."""
    if not sys.platform.startswith("linux"):
        return

    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # another C library (musl has no libc.so.6)
        return
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)


def worker_environment() -> dict[str, str]:
    """The same tuning as environment variables, which glibc reads when a process starts: for
    worker processes started afresh, such as Dask's."""
    return {
        "MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD),
        "MALLOC_TRIM_THRESHOLD_": str(TRIM_THRESHOLD),
    }
