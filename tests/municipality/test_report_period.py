"""The report's default period at fixed clocks: twelve months ending with the current one on
every day of the year (December and January included), and a chosen period kept in bounds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.municipality.reports import chosen_period, month_starts, months_before


def every_day(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize("year", [2026, 2027, 2028])  # 2028 has a 29 February
def test_the_default_is_twelve_months_ending_with_this_one_on_every_day(year: int) -> None:
    for today in every_day(year):
        first, last = chosen_period(None, None, today)
        assert last == today.replace(day=1), today
        months = month_starts(first, last)
        assert len(months) == 12, (today, first, last)
        assert first == months_before(today.replace(day=1), 11)


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (date(2026, 12, 1), date(2026, 1, 1), date(2026, 12, 1)),
        (date(2026, 12, 31), date(2026, 1, 1), date(2026, 12, 1)),
        (date(2027, 1, 1), date(2026, 2, 1), date(2027, 1, 1)),
        (date(2028, 2, 29), date(2027, 3, 1), date(2028, 2, 1)),
        (date(2027, 3, 28), date(2026, 4, 1), date(2027, 3, 1)),
        (date(2027, 10, 31), date(2026, 11, 1), date(2027, 10, 1)),
    ],
)
def test_the_default_at_the_dates_that_broke_before(today: date, first: date, last: date) -> None:
    assert chosen_period(None, None, today) == (first, last)


def test_a_chosen_end_gives_the_twelve_months_before_it() -> None:
    assert chosen_period(None, "2027-01", date(2026, 12, 1)) == (date(2026, 2, 1), date(2027, 1, 1))
    assert chosen_period("2026-03", None, date(2026, 12, 1)) == (
        date(2026, 3, 1),
        date(2026, 12, 1),
    )


def test_reversed_ends_are_swapped_and_wrong_text_falls_back() -> None:
    today = date(2026, 12, 1)
    assert chosen_period("2026-09", "2026-02", today) == (date(2026, 2, 1), date(2026, 9, 1))
    assert chosen_period("nonsense", "2026-13", today) == chosen_period(None, None, today)


def test_a_long_period_keeps_the_latest_months() -> None:
    first, last = chosen_period("2020-01", "2026-12", date(2026, 12, 1), most_months=36)
    assert (first, last) == (date(2024, 1, 1), date(2026, 12, 1))
    assert len(month_starts(first, last)) == 36


def test_years_out_of_reach_fall_back_to_the_default_period() -> None:
    today = date(2026, 12, 1)
    for far in ("0001-03", "9999-12"):
        assert chosen_period(None, far, today) == chosen_period(None, None, today)
        assert chosen_period(far, far, today) == chosen_period(None, None, today)
    assert months_before(date(2026, 1, 1), -1) == date(2026, 2, 1)
