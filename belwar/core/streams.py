"""Stream keys and uniforms: the randomness contract, owned by this one module.

Every input has its own stream, keyed by the seed, the input's name and the block
(``numpy.random.SeedSequence(seed, spawn_key=(*sha256(name), block))``). Blocks hold
``BLOCK_SIZE`` samples, so the digits a seed produces do not depend on how blocks are batched.
"""

from __future__ import annotations

import hashlib
import struct
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

BLOCK_SIZE = 1 << 15


@lru_cache(maxsize=4096)
def _key_words(key: str) -> tuple[int, ...]:
    return struct.unpack("<4I", hashlib.sha256(key.encode()).digest()[:16])


def generator(seed: int, key: str, block: int) -> np.random.Generator:
    """The generator of input ``key``'s stream in ``block`` (see module docs)."""
    sequence = np.random.SeedSequence(seed, spawn_key=(*_key_words(key), block))
    return np.random.Generator(np.random.PCG64(sequence))


def uniforms(seed: int, key: str, block: int, shape: int | tuple[int, ...]) -> Array:
    """Uniforms on [0, 1) from the stream of input ``key`` in ``block`` (see module docs)."""
    return generator(seed, key, block).random(shape)


class BlockDraw:
    """A block's uniforms by stream key, ``draw(key, shape)`` (``shape`` defaults to the
    block's ``n``); ``draw.stream(key)`` hands out the stream itself, for paths drawn month
    by month (see :mod:`belwar.core.processes`)."""

    def __init__(self, seed: int, block: int, n: int) -> None:
        self.seed, self.block, self.n = seed, block, n

    def __call__(self, key: str, shape: int | tuple[int, ...] | None = None) -> Array:
        return uniforms(self.seed, key, self.block, self.n if shape is None else shape)

    def stream(self, key: str) -> np.random.Generator:
        """The generator of ``key``'s stream in this block."""
        return generator(self.seed, key, self.block)


def path_key(event_key: str) -> str:
    """The stream key of an event's or a driver's month-by-month path (``event:x:path``,
    ``driver:x:path``)."""
    return f"{event_key}:path"


def blocks(samples: int) -> list[tuple[int, int]]:
    """``(block index, samples in it)`` covering ``samples``; only the last block is partial."""
    full, rest = divmod(samples, BLOCK_SIZE)
    out = [(b, BLOCK_SIZE) for b in range(full)]
    if rest:
        out.append((full, rest))
    return out
