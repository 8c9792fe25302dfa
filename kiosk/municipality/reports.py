"""Participation for the municipality's reports: who signed up and who came, per activity,
organiser, audience and month. Pure computation, no HTTP.

Owns the rules: an occurrence belongs to the month of its start in the municipality's time
zone; *signed up* counts the people of confirmed signups (not waitlisted, not cancelled);
*attended* counts the people of signups marked as present plus those counted at the door
without signing up, split into adults and children; women / men / other are the door's
self-reported counts, only where the organiser recorded them. An activity for several
audiences counts in each. Everything here survives the purge of names and phones, which
keeps adults, children, status and attendance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.activities.model import parse_recurrence_id
from kiosk.board.agenda import Snapshot
from kiosk.municipality.door_counts import DoorCount

METRICS = ("occurrences", "signed_up", "attended", "adults", "children", "women", "men", "other")


@dataclass
class Row:
    key: str
    label: str
    occurrences: int = 0
    signed_up: int = 0
    attended: int = 0
    adults: int = 0
    children: int = 0
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


def month_starts(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _occurrence_figures(signups: Iterable[dict[str, Any]], door: DoorCount) -> Row:
    row = Row("", "", occurrences=1)
    for s in signups:
        if s["status"] == "confirmed":
            row.signed_up += s["adults"] + s["children"]
        if s["status"] != "cancelled" and s.get("attended"):
            row.adults += s["adults"]
            row.children += s["children"]
    row.adults += door.walk_in_adults
    row.children += door.walk_in_children
    row.attended = row.adults + row.children
    row.women, row.men, row.other = door.women or 0, door.men or 0, door.other or 0
    return row


def participation(
    snap: Snapshot,
    signups: Iterable[dict[str, Any]],
    door_counts: Iterable[dict[str, Any]],
    first: date,
    last: date,
    zone: ZoneInfo,
    audience_labels: dict[str, str],
) -> Report:
    """The report for the months from `first` to `last` (both included)."""
    by_occurrence: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for s in signups:
        by_occurrence.setdefault((s["activity_id"], s["recurrence_id"]), []).append(s)
    doors = {(d["activity_id"], d["rid"]): DoorCount.from_doc(d) for d in door_counts}
    report = Report(first.replace(day=1), last.replace(day=1))
    months = {m: Row(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in month_starts(first, last)}
    activities: dict[str, Row] = {}
    organisers: dict[str, Row] = {}
    audiences: dict[str, Row] = {}
    for key in sorted(set(by_occurrence) | set(doors)):
        activity_id, rid = key
        try:
            start = parse_recurrence_id(rid).astimezone(zone)
        except ValueError:
            continue
        month = months.get(start.date().replace(day=1))
        if month is None:
            continue
        figures = _occurrence_figures(by_occurrence.get(key, []), doors.get(key, DoorCount()))
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
    by_attended = lambda row: (-row.attended, row.label)  # noqa: E731
    report.activities = sorted(activities.values(), key=by_attended)
    report.organisers = sorted(organisers.values(), key=by_attended)
    report.audiences = sorted(audiences.values(), key=by_attended)
    return report


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
        return datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return fallback.replace(day=1)
