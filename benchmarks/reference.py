"""A hand-written, fully vectorised numpy implementation of a compiled belwar model: the
practical speed limit the engine is measured against.

It computes the same model (the same inputs, copula, hazards, events, momentum and exact ladder
propagation) with none of the engine's obligations: one generator instead of a stream per input
and block, numpy's native samplers wherever no copula or range requires an inverse CDF, no
histograms for the spread and no Monte Carlo errors, only the means. It reads the model's
parameters, so it cannot drift from the scenario it is compared on.

:func:`floor` is the other bound: only the draws that the randomness contract requires, with no
model around them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special

from belwar.core import streams
from belwar.core.distributions import Distribution
from belwar.core.model import Model

Array = NDArray[np.float64]


def native(dist: Distribution, rng: np.random.Generator, n: int) -> Array:
    """Draws of ``dist`` by numpy's own samplers (inverse CDF only when truncated)."""
    if dist.truncated and dist.family != "point":
        return dist.ppf(rng.random(n))
    p = dist.params
    if dist.family == "point":
        return np.full(n, p[0])
    if dist.family == "uniform":
        return rng.uniform(p[0], p[1], n)
    if dist.family == "normal":
        return rng.normal(p[0], p[1], n)
    if dist.family == "lognormal":
        return rng.lognormal(p[0], p[1], n)
    if dist.family == "beta":
        return p[2] + p[3] * rng.beta(p[0], p[1], n)
    return rng.triangular(p[0], p[1], p[2], n)


def exceedance(
    model: Model, samples: int, seed: int, *, fast_inverse: bool = False, chunk: int = 1 << 15
) -> Array:
    """Mean over samples of P(S_m >= k), shape ``(rungs above start, report months)``.

    Correlated drivers need an inverse CDF: scipy's exact one by default, or with
    ``fast_inverse`` the engine's tabulated one, which isolates the engine's own overhead.
    """
    rng = np.random.default_rng(seed)
    rungs, months = model.states - 1, model.horizon
    total = np.zeros((rungs, len(model.months)))
    done = 0
    while done < samples:
        n = min(chunk, samples - done)
        drivers = [
            native(d.dist, rng, n) if i not in model.correlated else np.empty(0)
            for i, d in enumerate(model.drivers)
        ]
        if model.cholesky is not None:
            z = np.einsum(
                "ij,jn->in", model.cholesky, rng.standard_normal((len(model.correlated), n))
            )
            for row, i in enumerate(model.correlated):
                driver = model.drivers[i]
                inverse = driver.inverse if fast_inverse else driver.dist.ppf
                drivers[i] = inverse(special.ndtr(z[row]))
        base = np.stack([native(b.dist, rng, n) for b in model.bases])
        odds = [native(o.dist, rng, n) for o in model.odds]
        chance = [native(e.dist, rng, n) for e in model.events]
        momentum = native(model.momentum.dist, rng, n) if model.momentum else np.ones(n)

        log_odds = np.zeros((rungs, n))
        for term in model.driver_terms:
            log_odds[term.rung - 1] += np.log(odds[term.odds]) * (
                (drivers[term.driver] - term.reference) / term.per
            )
        static = np.exp(log_odds)
        active = []
        for e, lasts in enumerate(model.lasts):
            onset = rng.random((months, n)) < chance[e]
            on = onset.copy()
            for lag in range(1, lasts):
                on[lag:] |= onset[:-lag]
            active.append(on)

        p = np.zeros((model.states, n))
        p[0] = 1.0
        column = {m: i for i, m in enumerate(model.months)}
        eventful = {term.rung - 1 for term in model.event_terms}
        h0 = base * static / (1 - base + base * static)
        hm = base * static * momentum / (1 - base + base * static * momentum)
        for t in range(months):
            if eventful:
                mult = static.copy()
                for shock in model.event_terms:
                    mult[shock.rung - 1] *= np.where(active[shock.event][t], odds[shock.odds], 1.0)
                h0 = base * mult / (1 - base + base * mult)
                hm = base * mult * momentum / (1 - base + base * mult * momentum)
            # none[k]: no rung above state k fires (suffix products of 1 - h)
            none0, nonem = np.ones((model.states, n)), np.ones((model.states, n))
            for k in range(model.states - 2, -1, -1):
                none0[k] = none0[k + 1] * (1 - h0[k])
                nonem[k] = nonem[k + 1] * (1 - hm[k])
            new = np.empty_like(p)
            new[0] = p[0] * none0[0]
            climbing = np.zeros(n)  # mass in states 1..k-1
            for k in range(1, model.states):
                new[k] = p[0] * h0[k - 1] * none0[k] + (climbing * hm[k - 1] + p[k]) * nonem[k]
                climbing += p[k]
            p = new
            if t + 1 in column:
                total[:, column[t + 1]] += np.cumsum(p[:0:-1], axis=0)[::-1].sum(axis=1)
        done += n
    return total / samples


def floor(model: Model, samples: int, seed: int) -> None:
    """The work that the randomness contract alone fixes, and nothing else: every input's
    uniforms from its own keyed stream in every block (event paths included), the normal
    quantile of each correlated driver and of each normal or log-normal input, and the exp of
    each log-normal. No implementation in numpy that honours the contract and draws by exact
    inverse CDF can run faster; the engine's rate against it shows how much room is left."""
    quantile = {i.key for i in model.inputs() if i.dist.family in {"normal", "lognormal"}}
    quantile |= {model.drivers[i].key for i in model.correlated}
    lognormal = {i.key for i in model.inputs() if i.dist.family == "lognormal"}
    for block, n in streams.blocks(samples):
        for item in model.inputs():
            u = streams.uniforms(seed, item.key, block, n)
            if item.key in quantile:
                special.ndtri(u, out=u)
            if item.key in lognormal:
                np.exp(u, out=u)
        for event in model.events:
            streams.uniforms(seed, streams.path_key(event.key), block, (model.horizon, n))
