"""Month arithmetic of scenarios and histories (DESIGN.md, "Observed history and updating")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from belwar.core.calendar import add_months, month_of, whole_months

AS_OF = date(2022, 4, 15)


def test_the_design_examples() -> None:
    assert month_of(date(2022, 10, 10), AS_OF) == 6
    assert whole_months(AS_OF, date(2025, 12, 31)) == 44


def test_a_month_ends_on_its_last_day_inclusive() -> None:
    assert month_of(date(2022, 5, 15), AS_OF) == 1
    assert month_of(date(2022, 5, 16), AS_OF) == 2
    assert month_of(date(2022, 4, 16), AS_OF) == 1
    assert whole_months(AS_OF, date(2022, 5, 14)) == 0
    assert whole_months(AS_OF, date(2022, 5, 15)) == 1


def test_days_are_clamped_to_the_month() -> None:
    assert add_months(date(2022, 1, 31), 1) == date(2022, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2022, 1, 31), 3) == date(2022, 4, 30)
    assert add_months(date(2022, 12, 15), 1) == date(2023, 1, 15)
    assert month_of(date(2022, 2, 28), date(2022, 1, 31)) == 1
    assert month_of(date(2022, 3, 1), date(2022, 1, 31)) == 2


def test_a_date_not_after_the_start_has_no_month() -> None:
    with pytest.raises(ValueError, match="not after"):
        month_of(AS_OF, AS_OF)
    assert whole_months(AS_OF, AS_OF) == 0


@given(
    st.dates(date(1990, 1, 1), date(2100, 1, 1)),
    st.integers(1, 2000).map(lambda d: timedelta(days=d)),
)
def test_a_date_lies_inside_its_month(start: date, offset: timedelta) -> None:
    day = start + offset
    t = month_of(day, start)
    assert add_months(start, t - 1) < day <= add_months(start, t)
    whole = whole_months(start, day)
    assert add_months(start, whole) <= day < add_months(start, whole + 1)
