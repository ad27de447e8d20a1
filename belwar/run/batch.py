"""Batch runs: a set of scenario files run in parallel, one saved result each.

A batch sits above execution: it loads the files (the loader stays out of worker processes,
which receive validated scenarios), hands whole runs to :func:`~belwar.run.execution.map_ordered`
and writes the results, naming what was written if writing stops part way.
"""

from __future__ import annotations

import contextlib
import pathlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace

from belwar.errors import InputError, Problem, input_error
from belwar.results.run import Result
from belwar.run import options as check
from belwar.run.conditioned import conditioned
from belwar.run.execution import map_ordered
from belwar.run.given import Given, givens, with_given
from belwar.run.options import RunOptions, merged
from belwar.run.simulation import simulate
from belwar.spec.compile import compile_model
from belwar.spec.evidence import Register
from belwar.spec.history import History
from belwar.spec.history_loader import LoadedHistory
from belwar.spec.loader import load_scenario
from belwar.spec.scenario import Scenario


def run_many(
    paths: Sequence[str],
    output_dir: str,
    *,
    options: RunOptions | None = None,
    samples: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    dask: str | None = None,
    register: Register | None = None,
    history: History | LoadedHistory | None = None,
    given: Sequence[Given | str] = (),
) -> list[tuple[str, Result]]:
    """Run every scenario file (a folder means its ``*.yaml`` files, ``schema.json`` aside),
    save one result each as ``<output_dir>/<scenario id>.json`` (the folder is made if need
    be), and return them in input order. Files run in parallel, one per worker (local
    processes or the Dask cluster ``dask``); each result is what a serial run gives.
    The options, every file and the output folder are checked first, so a bad one stops the
    batch before any work; if a result cannot be written, the error says which were.
    ``options`` (a :class:`~belwar.run.options.RunOptions`) gives samples, seed, workers and
    dask at once, in place of the keywords. Given a ``history`` every scenario is conditioned
    on it (each result remembers it) and ``given`` (``"e@1"``, :mod:`belwar.run.given`)
    conditions each on an event or indicator too; a scenario the history or a given does not
    fit is an error naming its file, found before any work."""
    chosen = merged(options, samples=samples, seed=seed, workers=workers, dask=dask)
    if chosen.samples is not None:
        check.check_samples(chosen.samples)
    if chosen.seed is not None:
        check.check_seed(chosen.seed)
    workers, dask = check.check_workers(chosen.workers), check.check_dask(chosen.dask)
    files, scenarios = _load_all(paths, register)
    also = givens(given)
    _check_conditions(files, scenarios, history, also)
    target = pathlib.Path(output_dir)
    made = _writable_folder(target, output_dir)
    # each file is one serial run: the files are what runs in parallel
    runs = RunOptions(samples=chosen.samples, seed=chosen.seed, workers=1)
    try:
        job = _RunOne(runs, history, also)
        results = map_ordered(job, scenarios, workers=workers, dask=dask)
    except BaseException:
        for folder in made:  # nothing was written: leave no empty folders behind
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    names = [f"{scenario.id}.json" for scenario in scenarios]
    for i, (name, result) in enumerate(zip(names, results, strict=True)):
        try:
            result.save(target / name)
        except (InputError, OSError) as exc:
            raise _stopped_writing(output_dir, names, i, exc) from None
    return [(str(f), r) for f, r in zip(files, results, strict=True)]


def _load_all(
    paths: Sequence[str], register: Register | None
) -> tuple[list[pathlib.Path], list[Scenario]]:
    """Every scenario file of ``paths`` (a folder means its ``*.yaml`` files), loaded: the
    problems of every file at once, and scenario ids that differ (they name the results)."""
    files: list[pathlib.Path] = []
    for item in paths:
        path = pathlib.Path(item)
        files += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        raise input_error("no scenario files given", key="paths")
    problems: list[Problem] = []
    scenarios: list[Scenario] = []
    for file in files:
        try:
            scenarios.append(load_scenario(file, register=register))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    ids = [s.id for s in scenarios]
    clash = sorted({i for i in ids if ids.count(i) > 1})
    if clash:
        raise input_error(f"scenario ids must differ to name the result files: {', '.join(clash)}")
    return files, scenarios


def _check_conditions(
    files: list[pathlib.Path],
    scenarios: list[Scenario],
    history: History | LoadedHistory | None,
    given: tuple[Given, ...],
) -> None:
    """Every way ``history`` and ``given`` do not fit the scenarios, each problem naming the
    scenario file it is about, at once."""
    if history is None and not given:
        return
    problems: list[Problem] = []
    for file, scenario in zip(files, scenarios, strict=True):
        model = compile_model(scenario)
        try:
            if history is not None:
                model = conditioned(model, scenario, history)
            with_given(model, given, as_of="")
        except InputError as exc:
            problems += [
                replace(p, message=f"{p.message} (scenario file {file})") for p in exc.problems
            ]
    if problems:
        raise InputError(problems)


def _writable_folder(target: pathlib.Path, shown: str) -> list[pathlib.Path]:
    """Make ``target`` (and its missing parents) and check a file can be written in it;
    return the folders made, deepest first."""

    missing = [folder for folder in (target, *target.parents) if not folder.exists()]
    try:
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=target):
            pass
    except FileExistsError:
        raise input_error(f"{shown} is a file, not a folder", key="output_dir") from None
    except NotADirectoryError:
        raise input_error(
            f"cannot make the folder {shown}: a file stands where a folder on its path should be",
            key="output_dir",
        ) from None
    except OSError as exc:
        raise input_error(
            f"cannot write in the folder {shown}: {exc.strerror or exc}", key="output_dir"
        ) from None
    return missing


def _stopped_writing(shown: str, names: list[str], failed: int, exc: Exception) -> InputError:
    if isinstance(exc, InputError):
        why = exc.problems[0].message
    else:
        why = getattr(exc, "strerror", None) or str(exc)
    written = ", ".join(names[:failed]) or "none"
    rest = ", ".join(names[failed:])
    return input_error(
        f"stopped writing results in {shown}: cannot write {names[failed]}: {why}. "
        f"Written: {written} ({failed} of {len(names)}); not written: {rest}",
        key="output_dir",
    )


@dataclass(frozen=True)
class _RunOne:
    """One scenario run with ``runs``, given ``history`` and ``given`` (what a worker does;
    picklable)."""

    runs: RunOptions
    history: History | LoadedHistory | None = None
    given: tuple[Given, ...] = ()

    def __call__(self, scenario: Scenario) -> Result:
        return simulate(scenario, options=self.runs, history=self.history, given=self.given)
