"""``track``: a scenario kept in git as a series of forecasts. Each revision that changed the
file or a parent is run at its own seed; the change from the revision before is attributed to
the assumptions that moved it, each applied alone to the revision before and run paired with it
(same seed and samples, common random numbers), largest first.
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import replace
from typing import Any

import numpy as np

from belwar.errors import BelwarWarning, InputError, input_error
from belwar.results.run import Result
from belwar.results.track import Moved, Track, TrackRow
from belwar.run.diff import assumption_changes
from belwar.run.options import RunOptions
from belwar.run.scoring import score
from belwar.run.simulation import resolve_target, simulate
from belwar.spec import revisions
from belwar.spec.evidence import Register
from belwar.spec.history import History
from belwar.spec.history_loader import LoadedHistory, read_history
from belwar.spec.loader import load_scenario, validate_scenario
from belwar.spec.located import Loc, from_python
from belwar.spec.scenario import Scenario

MAX_ATTRIBUTED = 8  # changed assumptions run alone per revision; the rest are listed
ASSUMPTIONS = ("drivers", "hazards", "events", "momentum", "correlations", "ladder")
TEXT = {"evidence", "note", "label", "unit", "description", "title"}


def track(
    path: str | os.PathLike[str],
    *,
    target: str | None = None,
    month: int | None = None,
    history: History | LoadedHistory | str | os.PathLike[str] | None = None,
    options: RunOptions | None = None,
    register: Register | None = None,
) -> Track:
    """The probability of ``target`` (default: the top rung) by ``month`` (default: the
    horizon) at every git revision that changed the scenario at ``path`` or a file it extends,
    oldest first, as HEAD's version names them; given a ``history``, each revision's scores on
    it."""
    given = os.fspath(path)
    _, found = revisions.history_of(given)
    if not found:
        raise input_error(f"no commit of '{given}' in the git history", key="path")
    latest = load_scenario(f"{found[-1].short}:{given}", register=register)
    rung, at = resolve_target(latest, target, month)
    record = None
    if history is not None:
        record = history if not isinstance(history, str | os.PathLike) else read_history(history)
    chosen = replace(options or RunOptions(), keep_samples=True)
    rows: list[TrackRow] = []
    before: tuple[Scenario, Result] | None = None
    for revision in found:
        scenario = _load(f"{revision.short}:{given}", register, quiet=revision is not found[-1])
        if rung not in [r.id for r in scenario.ladder.rungs]:
            raise input_error(f"{revision.short}:{given} has no rung '{rung}'", key="target")
        result = simulate(scenario, options=_with_month(chosen, scenario, at))
        cell = result.cell(rung, at)
        moved: tuple[Moved, ...] = ()
        unattributed: tuple[str, ...] = ()
        if before is not None:
            moved, unattributed = _attributed(before, scenario, rung, at, chosen)
        rows.append(
            TrackRow(
                commit=revision.commit,
                short=revision.short,
                date=revision.date,
                as_of=scenario.as_of.isoformat() if scenario.as_of else "",
                scenario_id=scenario.id,
                samples=result.metadata.samples,
                seed=result.metadata.seed,
                p=cell.p,
                mcse=cell.mcse,
                p05=cell.p05,
                p95=cell.p95,
                change=None if not rows else cell.p - rows[-1].p,
                moved=moved,
                unattributed=unattributed,
                **_scores(result, record),
            )
        )
        before = (scenario, result)
    shown = None
    if record is not None:
        plain = record.history if isinstance(record, LoadedHistory) else record
        shown = {"id": plain.id, "fingerprint": plain.fingerprint(), "through": str(plain.through)}
    return Track(path=given, target=rung, month=at, history=shown, rows=tuple(rows))


def _load(name: str, register: Register | None, *, quiet: bool) -> Scenario:
    """The scenario at a revision; the warnings of the revisions before the last (citations
    since superseded, hindsight since mended) are history, not today's to fix."""
    if not quiet:
        return load_scenario(name, register=register)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BelwarWarning)
        return load_scenario(name, register=register)


def _with_month(chosen: RunOptions, scenario: Scenario, month: int) -> RunOptions:
    """The run's options, its report months holding ``month`` (the scenario's own otherwise)."""
    months = chosen.months or scenario.simulation.months
    return chosen if month in months else replace(chosen, months=tuple(sorted({*months, month})))


def _scores(result: Result, record: History | LoadedHistory | None) -> dict[str, float | None]:
    if record is None:
        return {}
    try:
        scored = score([replace(result, samples=None)], record).forecasts[0]
    except InputError:  # made as of another date than the record's since: not scored
        return {"mean_brier": None, "mean_baseline": None}
    return {"mean_brier": scored.mean_brier, "mean_baseline": scored.mean_baseline}


def group(key: str) -> str | None:
    """The assumption a changed dotted key belongs to (``drivers.x``, ``hazards.r.base``,
    ``hazards.r.odds_ratios.x``, ``events.e``, ``momentum``, ``correlations``), or None for
    a setting that is no assumption (ids, titles, notes, citations, the simulation)."""
    parts = key.split(".")
    if parts[0] not in ASSUMPTIONS or parts[-1] in TEXT:
        return None
    if parts[0] == "hazards" and len(parts) > 2:
        return ".".join(parts[:4] if parts[2] == "odds_ratios" else parts[:3])
    if parts[0] in {"drivers", "events"}:
        return ".".join(parts[:2])
    return parts[0]


def _attributed(
    before: tuple[Scenario, Result], after: Scenario, rung: str, month: int, chosen: RunOptions
) -> tuple[tuple[Moved, ...], tuple[str, ...]]:
    """Each changed assumption applied alone to the revision before, run paired with it."""
    old, old_run = before
    changes = assumption_changes(old.resolved(), after.resolved())
    groups = list(dict.fromkeys(g for c in changes if (g := group(c.key)) is not None))
    others = [c.key for c in changes if group(c.key) is None and c.key.split(".")[-1] not in TEXT]
    paired = replace(chosen, samples=old_run.metadata.samples, seed=old_run.metadata.seed)
    moved = []
    for name in groups[:MAX_ATTRIBUTED]:
        try:
            alone = _with_group(old, after, name)
        except InputError:  # needs another change to be valid (a new driver and its odds)
            others.append(name)
            continue
        run = simulate(alone, options=_with_month(paired, alone, month))
        delta, mcse = _paired_delta(old_run, run, rung, month)
        moved.append(Moved(name, delta, mcse))
    others += groups[MAX_ATTRIBUTED:]
    moved.sort(key=lambda m: -abs(m.delta))
    return tuple(moved), tuple(others)


def _with_group(old: Scenario, new: Scenario, name: str) -> Scenario:
    """``old`` with the assumption ``name`` (a dotted path) as ``new`` has it."""
    data, source = old.to_data(), new.to_data()
    parts = name.split(".")
    holder, value = data, _at(source, parts)
    for part in parts[:-1]:
        holder = holder.setdefault(part, {})
    if value is _MISSING:
        holder.pop(parts[-1], None)
    else:
        holder[parts[-1]] = value
    root = from_python(data, Loc(f"<{old.id} with {name} of the next revision>"))
    return validate_scenario(root, check_citations=False)


_MISSING: Any = object()


def _at(data: dict[str, Any], parts: list[str]) -> Any:
    for part in parts:
        if not isinstance(data, dict) or part not in data:
            return _MISSING
        data = data[part]
    return data


def _paired_delta(a: Result, b: Result, rung: str, month: int) -> tuple[float, float]:
    """``b - a`` for the rung by the month, with the paired standard error over samples."""
    assert a.samples is not None
    assert b.samples is not None
    k, j = a.rungs.index(rung), a.months.index(month)
    kb, jb = b.rungs.index(rung), b.months.index(month)
    diff = b.samples.exceed[kb, jb] - a.samples.exceed[k, j]
    n = diff.shape[-1]
    mcse = float(np.std(diff, ddof=1) / math.sqrt(n)) if n > 1 else 0.0
    return b.cell(rung, month).p - a.cell(rung, month).p, mcse
