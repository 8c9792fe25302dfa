"""Every date of a series, month by month, for its admin page: which months it has left
(from this month to the series' last date, at most `MOST_MONTHS`), the dates of one month,
and the date on a chosen day — so a volunteer can cancel or move any date to the series'
end, not only the next few."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kiosk.activities.model import Activity, parse_day
from kiosk.activities.recurrence import Occurrence, expand

MOST_MONTHS = 36  # a series without an end is listed three years ahead


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _midnight(day: date, activity: Activity) -> datetime:
    return datetime.combine(day, time(0), activity.zone)


@dataclass(frozen=True)
class SeriesMonths:
    months: list[date]  # the first day of each month with dates left, this month first
    shown: date  # the month shown
    dates: list[Occurrence]  # its dates still to come (cancelled ones too)
    next_open: Occurrence | None  # the series' next date not cancelled, whichever month is shown

    @property
    def previous(self) -> date | None:
        at = self.months.index(self.shown) if self.shown in self.months else 0
        return self.months[at - 1] if at > 0 else None

    @property
    def following(self) -> date | None:
        at = self.months.index(self.shown) if self.shown in self.months else -1
        return self.months[at + 1] if 0 <= at < len(self.months) - 1 else None


def series_months(activity: Activity, now: datetime, asked: str | None) -> SeriesMonths:
    """The months of `activity` from now on, and the dates of the month `asked`
    ("2027-04"; this month, or the first with dates, when missing or out of range)."""
    local_now = now.astimezone(activity.zone)
    first = month_start(local_now.date())
    horizon = first
    for _ in range(MOST_MONTHS):
        horizon = next_month(horizon)
    ahead = expand(activity, local_now, _midnight(horizon, activity))
    months = sorted({month_start(o.start.astimezone(activity.zone).date()) for o in ahead})
    try:
        shown = parse_day(f"{(asked or '')[:7]}-01")
    except ValueError:
        shown = months[0] if months else first
    if months and shown not in months:
        shown = min(months, key=lambda m: abs((m - shown).days))
    dates = [o for o in ahead if month_start(o.start.astimezone(activity.zone).date()) == shown]
    next_open = next((o for o in ahead if o.status != "cancelled"), None)
    return SeriesMonths(months, shown, dates, next_open)


def on_day(activity: Activity, day: date, now: datetime) -> Occurrence | None:
    """The series' first date on the local day `day` (from now on), or None."""
    start = max(_midnight(day, activity), now.astimezone(activity.zone))
    found = expand(activity, start, _midnight(day + timedelta(days=1), activity))
    return found[0] if found else None
