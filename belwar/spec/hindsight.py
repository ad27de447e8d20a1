"""Hindsight: a scenario that cites evidence dated after its ``as_of`` rests on something its
author could not have known on that date (DESIGN.md, "The evidence register"). It is allowed (a
story may look back on purpose) but warned about, at the citation's file, line and key.

A fact's date is its own ``date`` (when what it reports happened), else its source's
publication date at the precision the source states (a month, a quarter); a fact is hindsight
only when the earliest day that date can mean is after ``as_of``.
"""

from __future__ import annotations

import datetime as dt
import warnings

from belwar.errors import HindsightWarning, Problem
from belwar.spec.evidence import Fact, Register, Source
from belwar.spec.located import Located
from belwar.spec.overrides import parse_key
from belwar.spec.placing import place


def hindsight(
    cited: list[tuple[str, str]], root: Located, register: Register, as_of: dt.date
) -> list[Problem]:
    """A problem at each of the ``(key path, citation)`` pairs whose fact is dated after
    ``as_of``; citations the register does not hold are left to the citation check."""
    known = register.citations()
    found = []
    for key, ref in cited:
        if ref not in known:
            continue
        source, fact = known[ref]
        earliest, shown = fact_date(source, fact)
        if earliest > as_of:
            message = f"warning: hindsight: '{ref}' dates from {shown}, after as_of {as_of}"
            found.append(place(root, parse_key(key), message))
    return found


def warn(problems: list[Problem]) -> None:
    """Each problem as a :class:`~belwar.errors.HindsightWarning` (the command line shows them on
    stderr; a notebook shows them as warnings)."""
    for problem in problems:
        warnings.warn(HindsightWarning(problem), stacklevel=2)


def fact_date(source: Source, fact: Fact) -> tuple[dt.date, str]:
    """The earliest day a fact's date can mean, and the date as the register states it."""
    if fact.date is not None:
        return fact.date, fact.date.isoformat()
    day = source.published
    if source.date_precision == "month":
        return day.replace(day=1), day.strftime("%B %Y")
    if source.date_precision == "quarter":
        quarter = (day.month - 1) // 3
        return dt.date(day.year, 3 * quarter + 1, 1), f"Q{quarter + 1} {day.year}"
    return day, day.isoformat()
