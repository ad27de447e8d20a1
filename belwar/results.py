"""Results of a run: plain data with names attached (rungs, months, inputs). They never print;
the renderers in :mod:`belwar.report` do.

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
     "scenario": {...}}                                            # the fully resolved scenario

``p`` is the mean over samples of each sample's exact probability that the highest rung reached
by ``month`` is at least ``rung``; ``mcse`` its Monte Carlo standard error; ``p05``/``p50``/``p95``
the spread of the per-sample probabilities across the assumptions. Per-sample arrays are never
saved.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from belwar.errors import input_error
from belwar.estimative import words_for

RESULT_FORMAT = "belwar-result"
RESULT_VERSION = 1
RECORD_FIELDS = ("rung", "month", "p", "mcse", "p05", "p50", "p95", "words")


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True, eq=False)
class Samples:
    """Per-sample arrays, samples on the last axis: ``exceed`` ``(rungs, months, n)`` holds each
    sample's P(S_m >= k); ``highest`` ``(states, n)`` the state distribution at the horizon;
    ``inputs`` ``(inputs, n)`` every drawn input, in the order of ``input_keys``."""

    exceed: NDArray[np.float64]
    highest: NDArray[np.float64]
    inputs: NDArray[np.float64]
    input_keys: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Result:
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

    def cell(self, rung: str, month: int) -> Cell:
        """The cell of ``rung`` at ``month``; raises KeyError naming what exists."""
        for cell in self.cells:
            if cell.rung == rung and cell.month == month:
                return cell
        raise KeyError(
            f"no cell for rung {rung!r} at month {month} "
            f"(rungs: {', '.join(self.rungs)}; months: {', '.join(map(str, self.months))})"
        )

    def probability(self, rung: str, month: int) -> float:
        """P(the highest rung reached by ``month`` is ``rung`` or above)."""
        return self.cell(rung, month).p

    def to_dict(self) -> dict[str, Any]:
        """The saved form (see the module docs)."""
        return {
            "format": RESULT_FORMAT,
            "version": RESULT_VERSION,
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
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as indented JSON ending in a newline."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_pandas(self) -> Any:
        """One row per rung and month: ``rung, month, p, mcse, p05, p50, p95, words``."""
        from belwar.report import frame

        return frame([c.record() for c in self.cells], list(RECORD_FIELDS))

    def plot(self) -> Any:
        """A fan chart: each rung over the months with its 90% spread."""
        from belwar.charts import fan_chart

        return fan_chart(self)

    def _repr_html_(self) -> str:
        from belwar.report import run_html

        return run_html(self)

    def _repr_markdown_(self) -> str:
        from belwar.report import run_markdown

        return run_markdown(self)

    def __rich__(self) -> Any:
        from rich.console import Group

        from belwar.report import run_tables

        return Group(*run_tables(self))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the result as JSON, atomically."""
        from belwar.atomic import write_text

        write_text(path, self.to_json())


def load_result(path: str | os.PathLike[str]) -> Result:
    """Read a result saved by :meth:`Result.save`; raises :class:`InputError` if it is not one."""
    display = os.fspath(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise input_error("no such file", file=display) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise input_error(f"not a belwar result (JSON): {exc}", file=display) from None
    try:
        return from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise input_error(f"not a belwar result: {exc!r}", file=display) from None


def from_dict(data: Any) -> Result:
    """Rebuild a :class:`Result` from :meth:`Result.to_dict` output."""
    if not isinstance(data, dict) or data.get("format") != RESULT_FORMAT:
        raise ValueError("missing 'format': 'belwar-result'")
    if data.get("version") != RESULT_VERSION:
        raise ValueError(
            f"result version {data.get('version')!r}; this belwar reads {RESULT_VERSION}"
        )
    rungs = [(r["id"], r["label"]) for r in data["ladder"]["rungs"]]
    return Result(
        start=str(data["ladder"]["start"]),
        rungs=tuple(str(r) for r, _ in rungs),
        rung_labels=tuple(str(label) for _, label in rungs),
        months=tuple(int(m) for m in data["months"]),
        cells=tuple(
            Cell(str(r["rung"]), int(r["month"]), *(float(r[k]) for k in RECORD_FIELDS[2:7]))
            for r in data["records"]
        ),
        highest=tuple(
            Highest(str(h["rung"]), float(h["p"]), float(h["mcse"])) for h in data["highest"]
        ),
        inputs=tuple(InputSummary(**i) for i in data["inputs"]),
        metadata=Metadata(**data["metadata"]),
        scenario=data.get("scenario"),
    )
