"""Participation for the municipality's reports: what was held, who signed up and who came,
per activity, organiser, audience and month. Pure computation, no HTTP.

Owns the rules, each figure saying exactly what it counts:

* an occurrence belongs to the month of its start in the municipality's time zone;
* *held*: occurrences of the board's expansion that started before now and were not
  cancelled — whether or not anyone recorded attendance;
* *recorded*: occurrences with attendance recorded (a signup marked present, or a count at
  the door);
* *signed up*: the people of signups with a place (confirmed: not waitlisted, not cancelled);
* *visits*: the people of signups marked present plus those counted at the door without
  signing up, split into adults and children — visits, not people: someone who came four
  times is four visits;
* *walk-ins*: the people counted at the door without signing up;
* women / men / other: the door's self-reported counts, only where the organiser recorded
  them.

An activity for several audiences counts in each. The month of "now" is partial (the
report says so). Everything here survives the purge of names and phones, which keeps
adults, children, status and attendance. `suppressed` writes numbers under 5 as "<5" for
exports that leave the municipality (small-number suppression).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.activities.model import parse_day, parse_recurrence_id
from kiosk.activities.recurrence import expand
from kiosk.board.agenda import Snapshot
from kiosk.municipality.door_counts import DoorCount

METRICS = (
    "held",
    "recorded",
    "signed_up",
    "visits",
    "adults",
    "children",
    "walk_ins",
    "women",
    "men",
    "other",
)
GENDER = ("women", "men", "other")
SMALL = 5  # numbers from 1 to SMALL - 1 are written "<5" in exports


def suppressed(value: int) -> int | str:
    """A count as a funder's export shows it: 0 and 5 or more as they are, 1–4 as "<5"."""
    return f"<{SMALL}" if 0 < value < SMALL else value


@dataclass
class Row:
    key: str
    label: str
    held: int = 0
    recorded: int = 0
    signed_up: int = 0
    visits: int = 0
    adults: int = 0
    children: int = 0
    walk_ins: int = 0
    women: int = 0
    men: int = 0
    other: int = 0

    def add(self, figures: Row) -> None:
        for name in METRICS:
            setattr(self, name, getattr(self, name) + getattr(figures, name))


@dataclass
class Report:
    first: date  # first day of the first month
    last: date  # first day of the last month
    months: list[Row] = field(default_factory=list)
    activities: list[Row] = field(default_factory=list)
    organisers: list[Row] = field(default_factory=list)
    audiences: list[Row] = field(default_factory=list)
    total: Row = field(default_factory=lambda: Row("total", ""))
    through: date | None = None  # the last day counted (today), when its month is in the period

    @property
    def partial(self) -> date | None:
        """The first day of the month still going on, if it is in the period."""
        return self.through.replace(day=1) if self.through else None


def month_starts(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _occurrence_figures(signups: Iterable[dict[str, Any]], door: DoorCount | None) -> Row:
    """One occurrence's figures; `door` None when nobody recorded a count at the door."""
    recorded = door is not None
    door = door or DoorCount()
    row = Row("", "")
    for s in signups:
        if s["status"] == "confirmed":
            row.signed_up += s["adults"] + s["children"]
        if s["status"] != "cancelled" and s.get("attended"):
            row.adults += s["adults"]
            row.children += s["children"]
    row.adults += door.walk_in_adults
    row.children += door.walk_in_children
    row.walk_ins = door.walk_in_adults + door.walk_in_children
    row.visits = row.adults + row.children
    row.women, row.men, row.other = door.women or 0, door.men or 0, door.other or 0
    row.recorded = int(recorded or row.visits > 0)
    return row


def participation(
    snap: Snapshot,
    signups: Iterable[dict[str, Any]],
    door_counts: Iterable[dict[str, Any]],
    first: date,
    last: date,
    zone: ZoneInfo,
    audience_labels: dict[str, str],
    now: datetime,
) -> Report:
    """The report for the months from `first` to `last` (both included), as of `now`."""
    by_occurrence: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for s in signups:
        by_occurrence.setdefault((s["activity_id"], s["recurrence_id"]), []).append(s)
    doors = {(d["activity_id"], d["rid"]): DoorCount.from_doc(d) for d in door_counts}
    report = Report(first.replace(day=1), last.replace(day=1))
    months = {m: Row(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in month_starts(first, last)}
    today = now.astimezone(zone).date()
    if today.replace(day=1) in months:
        report.through = today
    activities: dict[str, Row] = {}
    organisers: dict[str, Row] = {}
    audiences: dict[str, Row] = {}
    figures_of: dict[tuple[str, str], Row] = {}
    for key in set(by_occurrence) | set(doors):
        figures_of[key] = _occurrence_figures(by_occurrence.get(key, []), doors.get(key))
    begin = datetime.combine(report.first, time(0), zone)
    end = min(now, datetime.combine(next_month_start(report.last), time(0), zone))
    for activity in snap.activities.values():  # what was held: the board's own expansion
        for occ in expand(activity, begin, end) if begin < end else []:
            if occ.status != "cancelled" and occ.start < now:
                figures_of.setdefault((activity.id, occ.recurrence_id), Row("", "")).held = 1
    for key in sorted(figures_of):
        activity_id, rid = key
        try:
            start = parse_recurrence_id(rid).astimezone(zone)
        except ValueError:
            continue
        month = months.get(start.date().replace(day=1))
        if month is None:
            continue
        figures = figures_of[key]
        activity = snap.activities.get(activity_id)
        title = (activity.title.get("sv") or activity_id) if activity else activity_id
        month.add(figures)
        report.total.add(figures)
        activities.setdefault(activity_id, Row(activity_id, title)).add(figures)
        organiser_id = (activity.organiser_id if activity else None) or ""
        organiser = snap.organisers.get(organiser_id)
        organisers.setdefault(
            organiser_id, Row(organiser_id, organiser.name if organiser else "–")
        ).add(figures)
        for audience in activity.audiences if activity else ["everyone"]:
            audiences.setdefault(
                audience, Row(audience, audience_labels.get(audience, audience))
            ).add(figures)
    report.months = list(months.values())
    by_attended = lambda row: (-row.visits, -row.held, row.label)  # noqa: E731
    report.activities = sorted(activities.values(), key=by_attended)
    report.organisers = sorted(organisers.values(), key=by_attended)
    report.audiences = sorted(audiences.values(), key=by_attended)
    return report


def next_month_start(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_before(month: date, count: int) -> date:
    """The first day of the month `count` months before `month`'s (negative: after)."""
    index = max(month.year * 12 + month.month - 1 - count, 12)  # year 1 at the earliest
    return date(index // 12, index % 12 + 1, 1)


def chosen_period(
    from_text: str | None, to_text: str | None, today: date, most_months: int = 36
) -> tuple[date, date]:
    """The report's months as (first day of the first month, first day of the last month).

    `from_text`/`to_text` are `YYYY-MM` as a person chose them (missing or wrong: the
    default). The default is twelve months ending with the current one (so in December it
    is January to December, in January February a year ago to January). The two ends may
    come in either order; at most `most_months` are kept, the latest.
    """
    last = parse_month(to_text, today)
    first = parse_month(from_text, months_before(last, 11))
    if first > last:
        first, last = last, first
    if len(month_starts(first, last)) > most_months:
        first = months_before(last, most_months - 1)
    return first, last


def parse_month(text: str | None, fallback: date) -> date:
    """`YYYY-MM` as the first day of that month; the fallback when missing or wrong."""
    try:
        return parse_day(f"{(text or '')[:7]}-01") if len(text or "") == 7 else parse_day("")
    except ValueError:
        return fallback.replace(day=1)
