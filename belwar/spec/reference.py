"""Reference forecasts: plain probabilities per rung and month (a crowd's, a colleague's, a
published estimate), scored beside belwar's forecasts. Either YAML::

    name: crowd_2022_04               # optional: the file's stem
    months: [1, 3, 6, 12]
    probabilities:                    # P(the highest rung reached by each month is k or above)
      deeper_integration: [0.05, 0.2, 0.35, 0.5]
      full_entry: [null, null, null, 0.1]   # null: not given

or CSV with the header ``rung,month,p``. Months count from the history's ``since``. Each
probability lies in [0, 1] and, within a month, falls from each rung to the next above it.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
from dataclasses import dataclass
from pathlib import Path

from belwar.errors import InputError, Problem
from belwar.spec import yamlio
from belwar.spec.located import Located

MAX_MONTH = 10_000


@dataclass(frozen=True)
class Reference:
    """A named reference forecast: ``probabilities[rung][month]``."""

    name: str
    probabilities: dict[str, dict[int, float]]


def load_reference(path: str | os.PathLike[str]) -> Reference:
    """Read a reference forecast (YAML, or CSV when the name ends in ``.csv``); every problem
    is placed at its line."""
    display = os.fspath(path)
    file = Path(display)
    if file.suffix.lower() == ".csv":
        return _from_csv(file, display)
    root = yamlio.read(file, display)
    problems: list[Problem] = []
    if not isinstance(root.value, dict):
        raise InputError([root.loc.problem("", "expected a mapping with 'probabilities'")])
    for key, node in root.value.items():
        if key not in {"name", "months", "probabilities"}:
            where = node.key_loc or node.loc
            problems.append(
                where.problem(key, "unknown key (expected name, months, probabilities)")
            )
    name_node = root.child("name")
    name = file.stem if name_node is None else str(name_node.value)
    months = _month_list(root.child("months"), root, problems)
    table = root.child("probabilities")
    found: dict[str, dict[int, float]] = {}
    places: dict[tuple[str, int], Located] = {}
    if table is None or not isinstance(table.value, dict):
        where = root.loc if table is None else table.loc
        problems.append(where.problem("probabilities", "expected rungs, each {month: p, ...}"))
    else:
        for rung, row in table.value.items():
            if months:  # without the months the rows cannot be read
                found[rung] = _row(rung, row, months, problems, places)
    problems += [places[spot].loc.problem(key, message) for spot, key, message in _order(found)]
    if problems:
        raise InputError(problems)
    return Reference(name, found)


def _month_list(node: Located | None, root: Located, problems: list[Problem]) -> list[int]:
    if node is None or not isinstance(node.value, tuple):
        where = root.loc if node is None else node.loc
        problems.append(where.problem("months", "expected the months, e.g. [1, 3, 6, 12]"))
        return []
    months = []
    for i, item in enumerate(node.value):
        month = _month(item.value) if isinstance(item.value, int) else None
        if month is None:
            problems.append(item.loc.problem(f"months[{i}]", "a month is a whole number from 1"))
        months.append(month or 0)
    return months


def _row(
    rung: str,
    node: Located,
    months: list[int],
    problems: list[Problem],
    places: dict[tuple[str, int], Located],
) -> dict[int, float]:
    key = f"probabilities.{rung}"
    if not isinstance(node.value, tuple) or len(node.value) != len(months):
        message = f"expected {len(months)} probabilities (or nulls), one per month"
        problems.append(node.loc.problem(key, message))
        return {}
    out: dict[int, float] = {}
    for i, (month, value) in enumerate(zip(months, node.value, strict=True)):
        p = value.value
        if p is None or not month:
            continue
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p <= 1:
            shown = value.text or repr(p)
            message = f"expected a probability in [0, 1] or null, got {shown}"
            problems.append(value.loc.problem(f"{key}[{i}]", message))
            continue
        out[month] = float(p)
        places[rung, month] = value
    return out


def _month(text: object) -> int | None:
    try:
        month = int(str(text))
    except ValueError:
        return None
    return month if 1 <= month <= MAX_MONTH else None


def _order(found: dict[str, dict[int, float]]) -> list[tuple[tuple[str, int], str, str]]:
    """``((rung, month), key, message)`` wherever a rung is likelier than the one listed
    before it in the same month (the file lists the rungs lowest first, as the ladder does)."""
    problems: list[tuple[tuple[str, int], str, str]] = []
    rungs = list(found)
    for low, high in itertools.pairwise(rungs):
        for month, p in found[high].items():
            q = found[low].get(month)
            if q is not None and p > q + 1e-12:
                message = (
                    f"{p:g} for {high} is above {q:g} for the lower rung {low} by month {month}"
                )
                problems.append(((high, month), f"probabilities.{high}", message))
    return problems


def _from_csv(file: Path, display: str) -> Reference:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            [Problem(display, None, None, "", f"cannot read: {exc.strerror or exc}")]
        ) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip() for c in rows[0]] != ["rung", "month", "p"]:
        raise InputError([Problem(display, 1, 1, "", "expected the header rung,month,p")])
    found: dict[str, dict[int, float]] = {}
    lines: dict[tuple[str, int], int] = {}
    problems: list[Problem] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        shown = ",".join(row)
        if len(row) != 3:
            problems.append(Problem(display, line, 1, "", "expected rung,month,p", shown))
            continue
        rung, month_text, p_text = (c.strip() for c in row)
        month = _month(month_text)
        try:
            p = float(p_text)
        except ValueError:
            p = math.nan
        if month is None:
            problems.append(
                Problem(display, line, 1, rung, "a month is a whole number from 1", shown)
            )
        elif not 0 <= p <= 1:
            problems.append(
                Problem(
                    display,
                    line,
                    1,
                    rung,
                    f"expected a probability in [0, 1], got '{p_text}'",
                    shown,
                )
            )
        else:
            found.setdefault(rung, {})[month] = p
            lines[rung, month] = line
    problems += [
        Problem(display, lines[spot], 1, key, message) for spot, key, message in _order(found)
    ]
    if problems:
        raise InputError(problems)
    return Reference(file.stem, found)
