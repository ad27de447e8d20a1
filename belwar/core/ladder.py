"""The exact ladder: each sample's distribution over ladder states, stepped one month at a time
under given hazards (every rung above the current state fires independently; the new state is
the highest that fired). Arrays are ``(states or rungs, n)``, samples last.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


class Ladder:
    """Each sample's distribution over ladder states ``p`` ``(states, n)``, starting at state
    0, and the buffers a month's step needs."""

    def __init__(self, states: int, n: int) -> None:
        self.p = np.zeros((states, n))
        self.p[0] = 1.0
        self.new = np.empty((states, n))
        self.clear0 = np.empty((states - 1, n))
        self.clear1 = np.empty((states - 1, n))
        self.below = np.empty(n)
        self.scratch = np.empty(n)

    def step(self, h0: Array, h1: Array) -> Array:
        """One month with hazards ``(rungs, n)`` from the start (``h0``) and from above it
        (``h1``): every rung above the current state fires independently; the new state is
        the highest that fired. Returns the new ``p``."""
        p, new, below, scratch = self.p, self.new, self.below, self.scratch
        states = p.shape[0]
        clear0 = _clear(h0, self.clear0)
        clear1 = clear0 if h1 is h0 else _clear(h1, self.clear1)
        np.multiply(p[0], clear0[0], out=new[0])
        below.fill(0.0)  # probability in states 1..k-1, which climb with momentum
        for k in range(1, states):
            # reach k from the start (p0 h0 clear0), from below it (below h1 clear1), or stay
            np.multiply(below, h1[k - 1], out=scratch)
            scratch += p[k]
            np.multiply(p[0], h0[k - 1], out=new[k])
            if k < states - 1:
                new[k] *= clear0[k]
                scratch *= clear1[k]
            new[k] += scratch
            below += p[k]
        self.p, self.new = new, p
        return new


def _clear(h: Array, out: Array) -> Array:
    """``out[k]`` = P(no rung above state ``k`` fires) = prod of ``1 - h`` over the rungs
    above it; shape ``(rungs, n)`` for states 0..rungs-1 (the top state has nothing above)."""
    np.subtract(1.0, h, out=out)
    for k in range(h.shape[0] - 2, -1, -1):
        out[k] *= out[k + 1]
    return out
