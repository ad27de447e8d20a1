"""Saved results read back: the JSON of :meth:`Result.to_dict <belwar.results.run.Result.to_dict>`
validated in full through pydantic, then frozen into a :class:`~belwar.results.run.Result`.

Every problem is a :class:`~belwar.errors.InputError` naming the file and the JSON path
(``records[3].p``), in words rather than pydantic's, at most
:data:`~belwar.results.jsonio.MAX_PROBLEMS` of them.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from belwar.errors import InputError, Problem
from belwar.results import jsonio
from belwar.results.run import (
    Cell,
    Conditioning,
    DriverPath,
    Highest,
    InputSummary,
    Metadata,
    Posterior,
    Result,
)


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
    jsonio.opened(data, "result", file=file)
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


class _Posterior(_Strict):
    key: str
    mean: float
    mcse: McError
    p05: float
    p50: float
    p95: float
    prior_sd: Annotated[float, _check(lambda v: v >= 0.0, "must be at least 0")]
    moved: float


class _Conditioning(_Strict):
    """What a result conditioned on a history records of it (see :class:`Conditioning`)."""

    history_id: str
    fingerprint: str
    through: str
    observed_months: Count
    ess: Annotated[float, _check(lambda v: v >= 0.0, "must be at least 0")]
    pareto_k: float
    log_evidence: float
    log_evidence_mcse: Annotated[float, _check(lambda v: v >= 0.0, "must be at least 0")]
    posterior: list[_Posterior]


class _Path(_Strict):
    key: str
    month: Month
    mean: float
    p05: float
    p50: float
    p95: float


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
    history: _Conditioning | None = None  # only in a result conditioned on a history
    paths: list[_Path] = []  # only with drivers that move

    def mismatches(self) -> Iterator[tuple[str, str]]:
        """What the parts say about each other that is not so: every ``(key, message)``."""
        rungs = [r.id for r in self.ladder.rungs]
        states = [self.ladder.start, *rungs]
        for i, rung in enumerate(rungs):
            if rung in states[: i + 1]:
                yield f"ladder.rungs[{i}].id", f"{jsonio.shown(rung)} appears twice in the ladder"
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
                Cell(
                    rung=r.rung, month=r.month, p=r.p, mcse=r.mcse, p05=r.p05, p50=r.p50, p95=r.p95
                )
                for r in self.records
            ),
            highest=tuple(Highest(h.rung, h.p, h.mcse) for h in self.highest),
            inputs=tuple(InputSummary(**i.model_dump()) for i in self.inputs),
            metadata=Metadata(**self.metadata.model_dump()),
            scenario=self.scenario,
            conditioning=self._conditioning(),
            paths=tuple(DriverPath(**path.model_dump()) for path in self.paths),
        )

    def _conditioning(self) -> Conditioning | None:
        h = self.history
        if h is None:
            return None
        fields = h.model_dump(exclude={"posterior"})
        return Conditioning(
            **fields, posterior=tuple(Posterior(**p.model_dump()) for p in h.posterior)
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
                f"{jsonio.shown(rung)} is not a rung of the ladder ({_listed(rungs)})",
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
            return Problem(file, None, None, key, f"{jsonio.shown(name)} is missing")
        return Problem(file, None, None, key, f"unknown key {jsonio.shown(name)}")
    if kind in _TYPE_WORDS:
        message = f"{_TYPE_WORDS[kind]}, got {jsonio.shown(error['input'])}"
    elif kind == "belwar_range":  # the value as the file has it (-1, not -1.0)
        message = f"{error['msg']}, got {jsonio.shown(error['input'])}"
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
