"""Results of a run: plain data with names attached (rungs, months, inputs). They never print;
the renderers in :mod:`belwar.render.report` do.

Saved results are JSON, versioned (``"format": "belwar-result", "version": 1``)::

    {"format": "belwar-result", "version": 1,
     "metadata": {belwar, numpy, python, seed, samples, block_size, scenario_id, title,
                  fingerprint, seconds, created},
     "ladder": {"start": id, "rungs": [{"id", "label"}, ...]},    # rungs above the start
     "months": [3, 6, 12],
     "records": [{"rung", "month", "p", "mcse", "p05", "p50", "p95", "words"}, ...],
     "highest": [{"rung", "p", "mcse"}, ...],                      # at the horizon, sums to 1
     "inputs": [{"key", "kind", "name", "label", "mean", "p05", "p50", "p95", "evidence",
                 "unit"}, ...],
     "scenario": {...},                                            # the fully resolved scenario
     "history": {history_id, fingerprint, through, observed_months, ess, pareto_k,
                 log_evidence, log_evidence_mcse,
                 posterior: [{key, mean, mcse, p05, p50, p95, prior_sd, moved}]},
                                                    # only given a history
     "paths": [{"key", "month", "mean", "p05", "p50", "p95"}, ...]}
                                                    # only with drivers that move

``p`` is the mean over samples of each sample's exact probability that the highest rung reached
by ``month`` is at least ``rung``; ``mcse`` its Monte Carlo standard error; ``p05``/``p50``/``p95``
the spread of the per-sample probabilities across the assumptions. Per-sample arrays are never
saved. :mod:`belwar.results.saved` reads the file back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from belwar.core.estimative import words_for
from belwar.results import jsonio
from belwar.results.display import Display, points, share, short_repr

RECORD_FIELDS = ("rung", "month", "p", "mcse", "p05", "p50", "p95", "words")


@dataclass(frozen=True, kw_only=True)
class Cell:
    """The escalation likelihood of one rung by one month."""

    rung: str
    month: int
    p: float
    mcse: float
    p05: float
    p50: float
    p95: float

    @property
    def words(self) -> str:
        """The ICD-203 phrase for ``p``."""
        return words_for(self.p)

    def record(self) -> dict[str, Any]:
        """The tidy record of this cell (JSON and CSV rows)."""
        return {**asdict(self), "words": self.words}


@dataclass(frozen=True)
class Highest:
    """The probability that ``rung`` is the highest reached by the horizon."""

    rung: str
    p: float
    mcse: float


@dataclass(frozen=True)
class InputSummary:
    """A sampled input: its sample mean and the 5th/50th/95th percentiles of its distribution."""

    key: str
    kind: str
    name: str
    label: str
    mean: float
    p05: float
    p50: float
    p95: float
    evidence: int
    unit: str = ""


@dataclass(frozen=True, kw_only=True)
class Metadata:
    """Everything needed to reproduce a run, and what it cost."""

    belwar: str
    numpy: str
    python: str
    seed: int
    samples: int
    block_size: int
    scenario_id: str
    title: str
    fingerprint: str
    seconds: float
    created: str


@dataclass(frozen=True)
class Posterior:
    """An input given the history: its weighted mean (with its MCSE) and 5th/50th/95th
    percentiles; the sd of its prior, and how far the history moved its mean, in prior sds
    (signed: the posterior mean less the prior's, over ``prior_sd``; 0 for a fixed input)."""

    key: str
    mean: float
    mcse: float
    p05: float
    p50: float
    p95: float
    prior_sd: float
    moved: float


@dataclass(frozen=True, kw_only=True)
class DriverPath:
    """A moving driver in one reported month: its mean and 5th/50th/95th percentiles over the
    samples (``key`` is the driver's, ``driver:x``)."""

    key: str
    month: int
    mean: float
    p05: float
    p50: float
    p95: float


@dataclass(frozen=True, kw_only=True)
class Conditioning:
    """The history a result is conditioned on, and what the weights say: the effective sample
    size, the Pareto shape ``k`` of the largest weights (above 0.7 the numbers are not
    reliable), the log evidence (the scenario's marginal likelihood of the history) with its
    MCSE, and each input's posterior (in the order of the result's inputs)."""

    history_id: str
    fingerprint: str
    through: str
    observed_months: int
    ess: float
    pareto_k: float
    log_evidence: float
    log_evidence_mcse: float
    posterior: tuple[Posterior, ...]


@dataclass(frozen=True, eq=False, kw_only=True)
class Samples:
    """Per-sample arrays, samples on the last axis: ``exceed`` ``(rungs, months, n)`` holds each
    sample's P(S_m >= k); ``highest`` ``(states, n)`` the state distribution at the horizon;
    ``inputs`` ``(inputs, n)`` every drawn input, in the order of ``input_keys``."""

    exceed: NDArray[np.float64]
    highest: NDArray[np.float64]
    inputs: NDArray[np.float64]
    input_keys: tuple[str, ...]
    log_weights: NDArray[np.float64] | None = None  # given a history: each sample's log weight


@dataclass(frozen=True, eq=False, kw_only=True)
class Result(Display):
    """The escalation-likelihood tables of one run of one scenario."""

    start: str
    rungs: tuple[str, ...]
    rung_labels: tuple[str, ...]
    months: tuple[int, ...]
    cells: tuple[Cell, ...]
    highest: tuple[Highest, ...]
    inputs: tuple[InputSummary, ...]
    metadata: Metadata
    scenario: dict[str, Any] | None = None  # the fully resolved scenario, as JSON data
    samples: Samples | None = None
    conditioning: Conditioning | None = None  # given a history: its id, hash, diagnostics
    paths: tuple[DriverPath, ...] = ()  # drivers that move, in each reported month

    def cell(self, rung: str, month: int) -> Cell:
        """The cell of ``rung`` at ``month``; raises KeyError naming what exists."""
        for cell in self.cells:
            if cell.rung == rung and cell.month == month:
                return cell
        raise KeyError(
            f"no cell for rung {rung!r} at month {month} "
            f"(rungs: {', '.join(self.rungs)}; months: {', '.join(map(str, self.months))})"
        )

    def __repr__(self) -> str:
        meta = self.metadata
        lines = [
            f"{meta.samples:,} samples, seed {meta.seed}; {len(self.rungs)} rungs above "
            f"{self.start}; months {', '.join(map(str, self.months))}"
        ]
        if self.rungs and self.months:
            top, last = self.rungs[-1], self.months[-1]
            cell = self.cell(top, last)
            lines.append(f"{top} by month {last}: {share(cell.p)} (MC error {points(cell.mcse)})")
            lines.append(
                f"  90% spread across the assumptions {share(cell.p05)} to {share(cell.p95)}"
            )
        return short_repr("Result", meta.scenario_id, *lines)

    def probability(self, rung: str, month: int) -> float:
        """P(the highest rung reached by ``month`` is ``rung`` or above)."""
        return self.cell(rung, month).p

    def to_dict(self) -> dict[str, Any]:
        """The saved form (see the module docs); a conditioned result adds ``"history"``."""
        extra: dict[str, Any] = {}
        if self.conditioning is not None:
            c = self.conditioning
            extra["history"] = {**asdict(c), "posterior": [asdict(p) for p in c.posterior]}
        if self.paths:
            extra["paths"] = [asdict(path) for path in self.paths]
        return jsonio.envelope(
            "result",
            {
                "metadata": asdict(self.metadata),
                "ladder": {
                    "start": self.start,
                    "rungs": [
                        {"id": r, "label": lab}
                        for r, lab in zip(self.rungs, self.rung_labels, strict=True)
                    ],
                },
                "months": list(self.months),
                "records": [cell.record() for cell in self.cells],
                "highest": [asdict(h) for h in self.highest],
                "inputs": [asdict(i) for i in self.inputs],
                "scenario": self.scenario,
                **extra,
            },
        )
