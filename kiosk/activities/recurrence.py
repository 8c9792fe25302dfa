"""Expanding activities into dated occurrences (RFC 5545 semantics), with no I/O.

Owns the rule that turns an `Activity` (one-off or RRULE series, EXDATEs, per-occurrence
overrides) into the concrete occurrences that overlap a time window. Series are expanded on
the wall clock of the activity's time zone, so a weekly 16:30 stays 16:30 across the
daylight-saving changes; a wall time that does not exist (02:30 on the spring-forward night)
resolves with the offset in force before the gap, as RFC 5545 prescribes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from dateutil.rrule import rrule, rrulestr

from kiosk.activities.model import Activity, Texts, parse_recurrence_id, recurrence_id


@dataclass(frozen=True)
class Occurrence:
    """One dated happening of an activity, in the activity's local time zone."""

    activity: Activity
    recurrence_id: str
    start: datetime
    end: datetime
    status: str  # scheduled / cancelled / changed
    note: Texts
    moved: bool  # the start differs from the series' planned start

    @property
    def key(self) -> str:
        """Unique across the board: activity id plus recurrence id."""
        return f"{self.activity.id}/{self.recurrence_id}"


def _normalise(moment: datetime) -> datetime:
    """Resolve a possibly non-existent wall time to a real instant in the same zone."""
    return moment.astimezone(UTC).astimezone(moment.tzinfo)


@lru_cache(maxsize=4096)
def _rule(rule_text: str, dtstart: datetime) -> rrule:
    return rrulestr(rule_text, dtstart=dtstart)  # type: ignore[return-value]


def expand(activity: Activity, window_start: datetime, window_end: datetime) -> list[Occurrence]:
    """Occurrences of `activity` that overlap [window_start, window_end), sorted by start."""
    zone = activity.zone
    first_start = activity.start.astimezone(zone)
    duration = activity.end.astimezone(zone).replace(tzinfo=None) - first_start.replace(
        tzinfo=None
    )  # wall-clock length, so 16:30-19:00 stays 2h30 on a DST day

    if activity.rrule:
        rule = _rule(activity.rrule, first_start)
        planned = list(rule.between(window_start - duration, window_end, inc=True))
        for key in activity.overrides:  # moved into the window from outside it
            original = parse_recurrence_id(key).astimezone(zone)
            if original not in planned and rule.between(original, original, inc=True):
                planned.append(original)
    else:
        planned = [first_start]

    excluded = set(activity.exdates)
    found: list[Occurrence] = []
    for original in planned:
        original = _normalise(original)
        rid = recurrence_id(original)
        if rid in excluded:
            continue
        start, end = original, _normalise(original + duration)
        status = "cancelled" if activity.status == "cancelled" else activity.status
        note = activity.status_note
        override = activity.overrides.get(rid)
        if override is not None:
            start = override.start.astimezone(zone) if override.start else start
            end = override.end.astimezone(zone) if override.end else _normalise(start + duration)
            status = "cancelled" if activity.status == "cancelled" else override.status
            note = override.note or note
        if start < window_end and end > window_start:
            found.append(
                Occurrence(activity, rid, start, end, status, note, moved=start != original)
            )
    found.sort(key=lambda o: o.start)
    return found


def expand_all(
    activities: list[Activity], window_start: datetime, window_end: datetime
) -> list[Occurrence]:
    """Occurrences of many activities in a window, sorted by start then title."""
    result = [o for a in activities for o in expand(a, window_start, window_end)]
    result.sort(key=lambda o: (o.start, sorted(o.activity.title.values())))
    return result


def next_days(start_day: datetime, days: int) -> tuple[datetime, datetime]:
    """The window from local midnight of `start_day` to midnight `days` days later."""
    zone = start_day.tzinfo
    midnight = start_day.replace(hour=0, minute=0, second=0, microsecond=0)
    end = (midnight.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=zone)
    return midnight, end


def moved_keys(before: Activity, after: Activity, keys: set[str]) -> dict[str, str]:
    """Where named occurrences of a series land when its first start moves.

    A volunteer moves the whole series (16:30 → 17:00, or Tuesdays → Wednesdays): each
    occurrence keeps its place in the series, shifted by the same wall-clock step. `keys`
    are recurrence ids in use (overrides, EXDATEs, signups, door counts); the answer maps
    each to the new series' recurrence id, for those that land on an occurrence of it.
    """
    if not before.rrule or not after.rrule or not keys:
        return {}
    old_first = before.start.astimezone(before.zone).replace(tzinfo=None)
    new_first = after.start.astimezone(after.zone).replace(tzinfo=None)
    step = new_first - old_first
    if not step:
        return {}
    candidates = {}
    for key in keys:
        try:
            local = parse_recurrence_id(key).astimezone(before.zone).replace(tzinfo=None)
        except ValueError:
            continue
        candidates[key] = _normalise((local + step).replace(tzinfo=after.zone))
    if not candidates:
        return {}
    rule = _rule(after.rrule, after.start.astimezone(after.zone))
    return {
        key: recurrence_id(moment)
        for key, moment in candidates.items()
        if rule.between(moment, moment, inc=True)
    }
