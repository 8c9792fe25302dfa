"""Which dates a course signup covers, and how many places it has on all of them.

Owns the rule for activities whose one signup is for the whole series: the dates left are
those not begun and not cancelled, up to the series' end, at most `MOST_DATES` of them
within a year (a series without an end is bounded so). The places of a course are those of
its fullest date.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.activities.model import Activity
from kiosk.activities.recurrence import Occurrence
from kiosk.board import agenda
from kiosk.signups.book import Counts, SignupBook

MOST_DATES = 60
HORIZON_DAYS = 366


def dates_left(activity: Activity, now: datetime) -> list[Occurrence]:
    """The dates a signup made `now` covers, first to last."""
    dates = [
        occ
        for occ in agenda.upcoming_of(activity, now, days=HORIZON_DAYS)
        if occ.status != "cancelled" and occ.start > now
    ]
    return sorted(dates, key=lambda occ: occ.start)[:MOST_DATES]


def tightest(book: SignupBook, dates: list[Occurrence]) -> Counts:
    """The counts of the date with the fewest places left (a full date makes the course
    full: it would wait on every date)."""
    every = [book.counts(occ.activity.id, occ.recurrence_id) for occ in dates]
    full = [c for c in every if c.full]
    if full:
        return full[0]
    return min(every, key=lambda c: c.places_left if c.places_left is not None else 1 << 30)
