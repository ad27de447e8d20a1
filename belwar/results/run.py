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
     "scenario": {...}}                                            # the fully resolved scenario

``p`` is the mean over samples of each sample's exact probability that the highest rung reached
by ``month`` is at least ``rung``; ``mcse`` its Monte Carlo standard error; ``p05``/``p50``/``p95``
the spread of the per-sample probabilities across the assumptions. Per-sample arrays are never
saved.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Annotated, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from belwar import __version__
from belwar.core.estimative import words_for
from belwar.errors import InputError, Problem, input_error
from belwar.results import jsonio

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
        return jsonio.dumps(self.to_dict())

    def to_pandas(self) -> Any:
        """One row per rung and month: ``rung, month, p, mcse, p05, p50, p95, words``."""
        from belwar.render.report import frame  # noqa: PLC0415 - display edge

        return frame([c.record() for c in self.cells], list(RECORD_FIELDS))

    def plot(self) -> Any:
        """A fan chart: each rung over the months with its 90% spread."""
        from belwar.render.charts import fan_chart  # noqa: PLC0415 - display edge

        return fan_chart(self)

    def _repr_html_(self) -> str:
        from belwar.render.report import run_html  # noqa: PLC0415 - display edge

        return run_html(self)

    def _repr_markdown_(self) -> str:
        from belwar.render.report import run_markdown  # noqa: PLC0415 - display edge

        return run_markdown(self)

    def __rich__(self) -> Any:
        from rich.console import Group  # noqa: PLC0415 - heavy (rich)

        from belwar.render.report import run_tables  # noqa: PLC0415 - display edge

        return Group(*run_tables(self))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the result as JSON, atomically."""
        from belwar.render.atomic import write_text  # noqa: PLC0415 - display edge (save)

        write_text(path, self.to_json())


def load_result(path: str | os.PathLike[str]) -> Result:
    """Read a result saved by :meth:`Result.save`; raises :class:`InputError` naming the file
    and the JSON path of every problem if it is not one (see :func:`from_dict`)."""
    display = os.fspath(path)
    return from_dict(jsonio.read(path), file=display)


def from_dict(data: Any, *, file: str = "<result>") -> Result:
    """Rebuild a :class:`Result` from :meth:`Result.to_dict` output, validated in full: the
    envelope's format and version, strict types (no ``"0.5"`` for a number, no fractional
    month), probabilities in [0, 1], errors at least 0, percentiles in order, one record for
    every rung and month of the ladder, and a highest-rung distribution that sums to 1."""
    if not isinstance(data, dict) or data.get("format") != RESULT_FORMAT:
        shown = data.get("format") if isinstance(data, dict) else None
        raise input_error(
            f'not a belwar result: "format" must be "{RESULT_FORMAT}"'
            + (f", got {_shown(shown)}" if shown is not None else ""),
            file=file,
        )
    version = data.get("version")
    if version != RESULT_VERSION or isinstance(version, bool):
        raise input_error(
            f"is {_shown(version)}, and this belwar ({__version__}) reads result version "
            f"{RESULT_VERSION} only: run the scenario again to save it in this version",
            file=file,
            key="version",
        )
    try:
        saved = _Saved.model_validate(data)
    except ValidationError as exc:
        raise InputError(jsonio.capped([_problem(e, file) for e in exc.errors()], file)) from None
    problems = [Problem(file, None, None, key, message) for key, message in saved.mismatches()]
    if problems:
        raise InputError(jsonio.capped(problems, file))
    return saved.result()


# --- The saved form, read back through pydantic --------------------------------------------------

# how close the highest-rung probabilities must sum to 1 (they are means of per-sample
# distributions that each sum to 1, so only rounding separates them)
SUM_TOLERANCE = 1e-6


def _check(test: Callable[[Any], bool], message: str) -> AfterValidator:
    def check(value: Any) -> Any:
        if not test(value):
            raise PydanticCustomError("belwar_range", message)
        return value

    return AfterValidator(check)


Probability = Annotated[
    float, _check(lambda v: 0.0 <= v <= 1.0, "must be a probability between 0 and 1")
]
McError = Annotated[float, _check(lambda v: v >= 0.0, "must be an error of at least 0")]
Month = Annotated[int, _check(lambda v: v >= 1, "must be a month of at least 1")]
Positive = Annotated[int, _check(lambda v: v >= 1, "must be at least 1")]
Count = Annotated[int, _check(lambda v: v >= 0, "must be at least 0")]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)


class _Metadata(_Strict):
    belwar: str
    numpy: str
    python: str
    seed: Count
    samples: Positive
    block_size: Positive
    scenario_id: str
    title: str
    fingerprint: str
    seconds: Annotated[float, _check(lambda v: v >= 0.0, "must be at least 0")]
    created: str


class _Rung(_Strict):
    id: str
    label: str


class _Ladder(_Strict):
    start: str
    rungs: Annotated[list[_Rung], _check(bool, "must list at least one rung above the start")]


class _Record(_Strict):
    rung: str
    month: Month
    p: Probability
    mcse: McError
    p05: Probability
    p50: Probability
    p95: Probability
    words: str

    @model_validator(mode="after")
    def _ordered(self) -> _Record:
        if not self.p05 <= self.p50 <= self.p95:
            raise PydanticCustomError(
                "belwar",
                "p05, p50 and p95 must be in increasing order, got {p05}, {p50}, {p95}",
                {"p05": self.p05, "p50": self.p50, "p95": self.p95},
            )
        return self


class _Highest(_Strict):
    rung: str
    p: Probability
    mcse: McError


class _Input(_Strict):
    key: str
    kind: str
    name: str
    label: str
    mean: float
    p05: float
    p50: float
    p95: float
    evidence: Count
    unit: str = ""  # results saved before inputs carried units have none


def _scenario_data(value: Any) -> Any:
    if value is not None and not isinstance(value, dict):
        raise PydanticCustomError("belwar", "must be the resolved scenario (an object) or null")
    return value


class _Saved(_Strict):
    """The whole saved envelope (see the module docs)."""

    format: str
    version: int
    metadata: _Metadata
    ladder: _Ladder
    months: Annotated[list[Month], _check(bool, "must list at least one month")]
    records: list[_Record]
    highest: list[_Highest]
    inputs: list[_Input]
    scenario: Annotated[Any, AfterValidator(_scenario_data)] = None

    def mismatches(self) -> Iterator[tuple[str, str]]:
        """What the parts say about each other that is not so: every ``(key, message)``."""
        rungs = [r.id for r in self.ladder.rungs]
        states = [self.ladder.start, *rungs]
        for i, rung in enumerate(rungs):
            if rung in states[: i + 1]:
                yield f"ladder.rungs[{i}].id", f"{_shown(rung)} appears twice in the ladder"
        if any(b <= a for a, b in itertools.pairwise(self.months)):
            yield "months", f"must be increasing, got {', '.join(map(str, self.months))}"
        yield from _coverage(
            "records",
            [(r.rung, r.month) for r in self.records],
            [(rung, month) for rung in rungs for month in self.months],
            rungs,
            self.months,
        )
        yield from _coverage(
            "highest", [(h.rung, None) for h in self.highest], [(s, None) for s in states], states
        )
        total = math.fsum(h.p for h in self.highest)
        if self.highest and abs(total - 1.0) > SUM_TOLERANCE:
            yield "highest", f"the probabilities must sum to 1, got {total:.6g}"

    def result(self) -> Result:
        """The frozen :class:`Result` these validated parts describe."""
        return Result(
            start=self.ladder.start,
            rungs=tuple(r.id for r in self.ladder.rungs),
            rung_labels=tuple(r.label for r in self.ladder.rungs),
            months=tuple(self.months),
            cells=tuple(
                Cell(r.rung, r.month, r.p, r.mcse, r.p05, r.p50, r.p95) for r in self.records
            ),
            highest=tuple(Highest(h.rung, h.p, h.mcse) for h in self.highest),
            inputs=tuple(InputSummary(**i.model_dump()) for i in self.inputs),
            metadata=Metadata(**self.metadata.model_dump()),
            scenario=self.scenario,
        )


def _coverage(
    field: str,
    found: list[tuple[str, int | None]],
    wanted: list[tuple[str, int | None]],
    rungs: list[str],
    months: list[int] | None = None,
) -> Iterator[tuple[str, str]]:
    """One entry of ``field`` for each of ``wanted`` (a rung, and a month for records)."""
    first: dict[tuple[str, int | None], int] = {}
    for i, (rung, month) in enumerate(found):
        at = f" at month {month}" if month is not None else ""
        name = _name(rung)
        if rung not in rungs:
            yield (
                f"{field}[{i}].rung",
                f"{_shown(rung)} is not a rung of the ladder ({_listed(rungs)})",
            )
        elif months is not None and month not in months:
            yield f"{field}[{i}].month", f"{month} is not one of the months ({_listed(months)})"
        elif (rung, month) in first:
            yield (
                f"{field}[{i}]",
                f"a second entry for {name}{at} (the first is {field}[{first[rung, month]}])",
            )
        else:
            first[rung, month] = i
    missing = [(rung, month) for rung, month in wanted if (rung, month) not in first]
    for rung, month in missing[: jsonio.MAX_PROBLEMS]:
        at = f" at month {month}" if month is not None else ""
        yield field, f"no entry for {_name(rung)}{at}"


def _listed(items: Iterable[Any]) -> str:
    return ", ".join(_name(i) if isinstance(i, str) else str(i) for i in items)


def _name(text: str) -> str:
    """A rung id as it is, or quoted and escaped if it is not a plain printable name."""
    plain = text.isprintable() and text.isascii() and " " not in text and 0 < len(text) <= 40
    return text if plain else jsonio.quote(text)


def _shown(value: Any) -> str:
    """A JSON value as the file has it, shortened; containers by their kind."""
    if isinstance(value, dict) and value:
        return "an object"
    if isinstance(value, list) and value:
        return "a list"
    if isinstance(value, str):
        return jsonio.quote(value)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_WORDS = {
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
}


def _problem(error: ErrorDetails, file: str) -> Problem:
    """A pydantic error as a problem in words at its JSON path."""
    loc = error["loc"]
    kind = error["type"]
    if kind in {"missing", "extra_forbidden"}:
        *parent, name = loc
        key = _path(parent)
        if kind == "missing":
            return Problem(file, None, None, key, f"{_shown(name)} is missing")
        return Problem(file, None, None, key, f"unknown key {_shown(name)}")
    if kind in _TYPE_WORDS:
        message = f"{_TYPE_WORDS[kind]}, got {_shown(error['input'])}"
    elif kind == "belwar_range":  # the value as the file has it (-1, not -1.0)
        message = f"{error['msg']}, got {_shown(error['input'])}"
    elif kind == "belwar":
        message = error["msg"]
    else:
        message = error["msg"][0].lower() + error["msg"][1:]
    return Problem(file, None, None, _path(loc), message)


def _path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        out = f"{out}[{part}]" if isinstance(part, int) else jsonio.join(out, part)
    return out
