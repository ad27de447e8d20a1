"""Months counted from a date, as scenarios and histories count them.

Month ``t`` of a scenario made as of ``d`` covers ``(d + (t - 1) months, d + t months]``, in
calendar months with the day clamped to the month's length (2022-01-31 plus one month is
2022-02-28). A date falls in the first month whose end it does not pass.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """``start`` moved on by ``months`` calendar months, the day clamped to the month's length."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def month_of(day: date, start: date) -> int:
    """The month (1-based) of a scenario made as of ``start`` that ``day`` falls in.

    Raises ValueError for a day on or before ``start`` (it belongs to no month)."""
    if day <= start:
        raise ValueError(f"{day.isoformat()} is not after {start.isoformat()}")
    # the whole months between the two dates, then at most one step to the month it ends in
    t = max(1, (day.year - start.year) * 12 + day.month - start.month)
    while add_months(start, t - 1) >= day:
        t -= 1
    while add_months(start, t) < day:
        t += 1
    return t


def whole_months(start: date, end: date) -> int:
    """How many whole months lie from ``start`` to ``end``: the largest ``t`` with
    ``add_months(start, t) <= end`` (0 when ``end`` is before the first month's end)."""
    if end <= start:
        return 0
    t = month_of(end, start)
    return t if add_months(start, t) <= end else t - 1
