"""How belwar's processes hold on to memory (:mod:`belwar.run.memory`), checked by what glibc's
malloc does with one large block in a fresh process: where it comes from (``mmap`` or the heap)
and whether the heap keeps it once freed. Counts of bytes, not of page faults or seconds, so the
answer does not depend on how busy the machine is (the page-fault figures are measured by
``benchmarks/bench.py --faults``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from belwar.run.memory import MMAP_THRESHOLD, TRIM_THRESHOLD, worker_environment

from .conftest import ROOT

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="tunes glibc's malloc, on Linux only"
)

BLOCK = 16 << 20  # like a block's larger arrays: above glibc's default mmap threshold (128 KB)

PROBE = """
import atexit, ctypes, json, sys

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd",
        "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]

def probe():
    before = libc.mallinfo2()
    block = libc.malloc(BLOCK)
    during = libc.mallinfo2()
    libc.free(block)
    after = libc.mallinfo2()
    out = {"mapped": during.hblkhd - before.hblkhd, "kept": after.fordblks}
    sys.stderr.write(json.dumps(out) + "\\n")

how = sys.argv[1]
if how == "cli":  # the command line's own entry point, probed as it exits
    atexit.register(probe)
    from belwar import cli
    cli.main(["schema"])
if how == "tuned":
    from belwar.run.memory import keep_freed_memory
    keep_freed_memory()
probe()
"""


def _probe(how: str, extra: dict[str, str] | None = None) -> dict[str, int]:
    """malloc, then free, ``BLOCK`` bytes in a fresh interpreter: how many bytes came from a
    fresh mapping, and how many free bytes the heap holds for reuse after the free."""
    # glibc's defaults: no MALLOC_* variables (Dask's nannies leave some in os.environ)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    env.update(extra or {})
    code = PROBE.replace("BLOCK", str(BLOCK))
    done = subprocess.run(
        [sys.executable, "-c", code, how],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    )
    seen: dict[str, int] = json.loads(done.stderr.strip().splitlines()[-1])
    return seen


def test_glibc_by_default_maps_a_large_block_and_gives_it_back() -> None:
    """What the tuning changes: without it the block is a fresh mapping, unmapped on free, so
    the next block faults its pages in again."""
    seen = _probe("default")
    assert seen["mapped"] >= BLOCK
    assert seen["kept"] < BLOCK


def test_keep_freed_memory_serves_blocks_from_the_heap_and_keeps_them() -> None:
    seen = _probe("tuned")
    assert seen["mapped"] == 0
    assert seen["kept"] >= BLOCK


def test_the_command_line_tunes_its_own_process() -> None:
    seen = _probe("cli")
    assert seen["mapped"] == 0
    assert seen["kept"] >= BLOCK


def test_worker_environment_gives_fresh_processes_the_same_tuning() -> None:
    """Dask's workers start afresh: glibc reads the variables at start-up."""
    seen = _probe("default", worker_environment())
    assert seen["mapped"] == 0
    assert seen["kept"] >= BLOCK


def test_the_thresholds_fit_a_block() -> None:
    assert BLOCK < MMAP_THRESHOLD <= TRIM_THRESHOLD
