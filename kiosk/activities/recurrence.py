"""Expanding activities into dated occurrences (RFC 5545 semantics), with no I/O.

Owns the rule that turns an `Activity` (one-off or RRULE series, EXDATEs, per-occurrence
overrides) into the concrete occurrences that overlap a time window. Series are expanded on
the wall clock of the activity's time zone, so a weekly 16:30 stays 16:30 across the
daylight-saving changes; a wall time that does not exist (02:30 on the spring-forward night)
resolves with the offset in force before the gap, as RFC 5545 prescribes.

Every expansion is bounded, whatever is stored (an imported `FREQ=MINUTELY` series from
2000 once made one board week take 90 s): the board, the API, the feeds' callers, the
signup pages and the clash check all expand through `expand`, which

* starts the rule's iteration just before the window, not at DTSTART: DTSTART moves forward
  by whole periods (INTERVAL x FREQ, on the wall clock), which keeps every occurrence from
  one full period before the window on exactly as the rule gives it. Not for COUNT (it
  counts from DTSTART): such a rule is followed from DTSTART for at most `MAX_SCAN`
  occurrences;
* yields at most `MAX_OCCURRENCES` occurrences of one activity in one window, and at most
  `SUB_DAILY_MAX` for a rule that repeats within the day (FREQ=HOURLY, MINUTELY, SECONDLY);
  a rule cut short is logged once;
* answers "none" at once for a rule that can never match (BYMONTH=2;BYMONTHDAY=30, or
  FREQ=DAILY;BYSETPOS=2), which dateutil would otherwise search for until the year 9999.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from math import prod

from dateutil.rrule import YEARLY, rrule, rrulestr

from kiosk.activities.model import (
    Activity,
    Texts,
    parse_recurrence_id,
    recurrence_id,
    whole_days,
)

log = logging.getLogger(__name__)

# The most occurrences one activity has in one window. The longest window anyone asks for
# is the API's 366 days: a series that meets twice every day of the year (732) fits.
MAX_OCCURRENCES = 1000
# The same for a rule that repeats within the day (FREQ=HOURLY, MINUTELY or SECONDLY): no
# meeting place meets more often than that in the board's week, and a wrong import then
# shows as a run of cards a volunteer can delete, instead of stalling the board.
SUB_DAILY_MAX = 200
SUB_DAILY = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
# A rule with COUNT cannot start near the window (COUNT counts from DTSTART): it is followed
# from DTSTART for at most this many occurrences (about 0.1 s), later ones are not shown.
MAX_SCAN = 50_000
# Between an instant and its wall time lies at most a daylight-saving step; the moved
# DTSTART keeps this much (and one whole period) before the window.
WALL_MARGIN = timedelta(hours=3)
DAY = timedelta(days=1)
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SECONDS_IN_STEP = {"DAILY": 86400, "HOURLY": 3600, "MINUTELY": 60, "SECONDLY": 1}
_DAYS_IN_PERIOD = {"WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}
_TIMES_IN_PERIOD = {  # the parts that give more than one time in one period of FREQ
    "YEARLY": ("BYHOUR", "BYMINUTE", "BYSECOND"),
    "MONTHLY": ("BYHOUR", "BYMINUTE", "BYSECOND"),
    "WEEKLY": ("BYHOUR", "BYMINUTE", "BYSECOND"),
    "DAILY": ("BYHOUR", "BYMINUTE", "BYSECOND"),
    "HOURLY": ("BYMINUTE", "BYSECOND"),
    "MINUTELY": ("BYSECOND",),
}
_FIXED_STEPS = {
    "WEEKLY": timedelta(weeks=1),
    "DAILY": timedelta(days=1),
    "HOURLY": timedelta(hours=1),
    "MINUTELY": timedelta(minutes=1),
    "SECONDLY": timedelta(seconds=1),
}


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
    def planned_start(self) -> datetime:
        """When this date was planned (its RECURRENCE-ID), in the activity's zone: the day
        people expect it, before any move."""
        return parse_recurrence_id(self.recurrence_id).astimezone(self.activity.zone)

    @property
    def title(self) -> Texts:
        """The title of this date: its own (set by a central calendar), else the series'."""
        override = self.activity.overrides.get(self.recurrence_id)
        return override.title if override and override.title else self.activity.title

    @property
    def description(self) -> Texts:
        override = self.activity.overrides.get(self.recurrence_id)
        return (
            override.description if override and override.description else self.activity.description
        )

    @property
    def all_day(self) -> bool:
        """Whole days: from a local midnight to a later one (as calendars write all-day)."""
        return whole_days(self.start, self.end, self.activity.zone) > 0

    @property
    def location(self) -> str:
        """A place text for this date only (a central calendar's LOCATION), or ""."""
        override = self.activity.overrides.get(self.recurrence_id)
        return override.location if override else ""

    @property
    def title_outdated(self) -> frozenset[str]:
        """Languages whose shown title is translated from an older Swedish one."""
        override = self.activity.overrides.get(self.recurrence_id)
        return frozenset() if override and override.title else self.activity.outdated("title")

    @property
    def note_outdated(self) -> frozenset[str]:
        """Languages whose shown note (this date's, else the series') is outdated."""
        override = self.activity.overrides.get(self.recurrence_id)
        if override and override.note:
            return self.activity.outdated(f"note@{self.recurrence_id}")
        return self.activity.outdated("status_note")

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


@lru_cache(maxsize=4096)
def _parts(rule_text: str) -> dict[str, str]:
    """The rule's parts by name (`{"FREQ": "WEEKLY", "BYDAY": "TU"}`), upper-cased."""
    text = rule_text.strip().upper().removeprefix("RRULE:")
    return dict(part.split("=", 1) for part in text.split(";") if "=" in part)


def _interval(parts: dict[str, str]) -> int:
    try:
        return max(1, int(parts.get("INTERVAL") or 1))
    except ValueError:
        return 1


def limit_of(rule_text: str | None) -> int:
    """How many occurrences of a series with this rule one window shows at most."""
    if rule_text and _parts(rule_text).get("FREQ") in SUB_DAILY:
        return SUB_DAILY_MAX
    return MAX_OCCURRENCES


def _months_later(first: datetime, months: int) -> datetime | None:
    total = first.month - 1 + months
    try:
        return first.replace(year=first.year + total // 12, month=total % 12 + 1)
    except ValueError:  # the 31st in a shorter month, year 10000
        return None


def _later_start(freq: str, interval: int, first: datetime, target: datetime) -> datetime | None:
    """The latest wall time `first` + k whole periods (k >= 1) that lies at least one whole
    period before `target`, or None when there is none (or the calendar has no such day)."""
    step = _FIXED_STEPS.get(freq)
    if step is not None:
        periods = (target - first) // (step * interval) - 1
        return first + step * interval * periods if periods >= 1 else None
    if freq == "MONTHLY":
        months = (target.year - first.year) * 12 + target.month - first.month
        last = months // interval - 1
    elif freq == "YEARLY":
        last = (target.year - first.year) // interval - 1
        interval *= 12
    else:
        return None
    for periods in range(last, max(last - 48, 0), -1):  # the 31st or 29 February: earlier
        moved = _months_later(first, periods * interval)
        if moved is not None:
            return moved
    return None


@lru_cache(maxsize=4096)
def _moved_rule(rule_text: str, dtstart: datetime, new_start: datetime) -> rrule:
    return _rule(rule_text, dtstart).replace(dtstart=new_start)


def _rule_near(series: _Series, rule_text: str, dtstart: datetime, low: datetime) -> rrule:
    """The series' rule, its DTSTART moved forward by whole periods to just before `low`
    where that changes nothing from there on (no COUNT): every part DTSTART fills in (the
    weekday, the day of the month, the time of day) keeps its value, and the first period,
    which dateutil may cut at DTSTART, ends before `low`."""
    if not series.movable:
        return series.rule
    zone = dtstart.tzinfo
    target = low.astimezone(zone).replace(tzinfo=None) - WALL_MARGIN
    new_start = _later_start(series.freq, series.interval, dtstart.replace(tzinfo=None), target)
    if new_start is None:
        return series.rule
    return _moved_rule(rule_text, dtstart, new_start.replace(tzinfo=zone))


def _values(parts: dict[str, str], name: str) -> list[str]:
    return [value for value in parts.get(name, "").split(",") if value]


def _out_of_step(parts: dict[str, str], dtstart: datetime) -> bool:
    """Whether the rule's steps never reach what its other parts ask for: BYSETPOS beyond
    what one period holds (FREQ=DAILY;BYSETPOS=2), whole weeks from DTSTART's weekday to
    another (FREQ=DAILY;INTERVAL=7;BYDAY=MO from a Tuesday), months never in BYMONTH."""
    freq, interval = parts.get("FREQ", ""), _interval(parts)
    times = _TIMES_IN_PERIOD.get(freq, ())
    per_period = _DAYS_IN_PERIOD.get(freq, 1) * prod(len(_values(parts, n)) or 1 for n in times)
    positions = [abs(int(value)) for value in _values(parts, "BYSETPOS")]
    if positions and min(positions) > per_period:
        return True
    seconds = _SECONDS_IN_STEP.get(freq)
    if seconds and "BYDAY" in parts and interval * seconds % (7 * 86400) == 0:
        weekdays = {code[-2:] for code in _values(parts, "BYDAY")}
        return _WEEKDAY_CODES[dtstart.weekday()] not in weekdays
    if freq == "MONTHLY" and "BYMONTH" in parts:
        reached = {(dtstart.month - 1 + k * interval) % 12 + 1 for k in range(12)}
        return not reached & {int(month) for month in _values(parts, "BYMONTH")}
    return False


def _never_matches(rule_text: str, dtstart: datetime) -> bool:
    """Whether the rule can never give an occurrence, which dateutil would search for until
    the year 9999 (seconds on end): its steps never reach what it asks for (`_out_of_step`),
    or no date matches its date parts (BYMONTH=2;BYMONTHDAY=30).

    Dates repeat every 400 years, weekdays included. So the rule's date parts are tried as a
    yearly rule on the last 400 years dateutil knows, where its search ends by year 9999."""
    rule = _rule(rule_text, dtstart)
    if not isinstance(rule, rrule):
        return False
    parts = _parts(rule_text)
    try:
        if _out_of_step(parts, dtstart):
            return True
    except ValueError:  # not numbers: dateutil has its say
        return False
    freq = parts.get("FREQ")
    given: dict[str, object] = {}
    if not {"BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYEASTER"} & parts.keys():
        # The parts dateutil fills in from DTSTART, as the rule has them.
        if freq == "YEARLY":
            given = {"bymonthday": dtstart.day}
            if "BYMONTH" not in parts:
                given["bymonth"] = dtstart.month
        elif freq == "MONTHLY":
            given = {"bymonthday": dtstart.day}
        elif freq == "WEEKLY":
            given = {"byweekday": dtstart.weekday()}
    if freq == "MONTHLY" and "BYMONTH" not in parts:
        given["bymonth"] = tuple(range(1, 13))  # so that "5MO" means in a month, not a year
    try:
        probe = rule.replace(
            freq=YEARLY,
            interval=1,
            count=None,
            until=None,
            bysetpos=None,
            byhour=None,
            byminute=None,
            bysecond=None,
            dtstart=datetime(datetime.max.year - 400, 1, 1),
            **given,
        )
        return next(iter(probe), None) is None
    except IndexError:  # dateutil cannot follow it at all (BYDAY=99MO): nothing to show
        return True
    except (ValueError, TypeError, OverflowError):
        return False


@dataclass(frozen=True)
class _Series:
    """What expanding a rule from a DTSTART takes, worked out once for both."""

    rule: rrule
    freq: str
    interval: int
    movable: bool  # DTSTART may move to near the window (a plain rule without COUNT)
    never: bool  # no occurrence, ever
    limit: int  # the most occurrences in one window


@lru_cache(maxsize=4096)
def _series(rule_text: str, dtstart: datetime) -> _Series:
    rule = _rule(rule_text, dtstart)
    parts = _parts(rule_text)
    return _Series(
        rule,
        parts.get("FREQ", ""),
        _interval(parts),
        isinstance(rule, rrule) and "COUNT" not in parts,
        _never_matches(rule_text, dtstart),
        limit_of(rule_text),
    )


_warned: set[tuple[str, str]] = set()


def _cut_short(activity_id: str, rule_text: str, why: str) -> None:
    if (activity_id, rule_text) not in _warned:
        _warned.add((activity_id, rule_text))
        log.warning("series %s (%s): %s", activity_id, rule_text, why)


def planned_starts(
    activity: Activity, low: datetime, high: datetime, limit: int | None = None
) -> list[datetime]:
    """The series' planned starts from `low` to `high` (both included), in the activity's
    zone, before EXDATEs and overrides; at most `limit` (default: `limit_of` the rule)."""
    if not activity.rrule:
        return []
    rule_text = activity.rrule
    dtstart = activity.start.astimezone(activity.zone)
    series = _series(rule_text, dtstart)
    if series.never:
        return []
    limit = series.limit if limit is None else limit
    found: list[datetime] = []
    try:
        for scanned, moment in enumerate(_rule_near(series, rule_text, dtstart, low), 1):
            if moment > high:  # the comparisons of dateutil's between(inc=True)
                break
            if moment >= low:
                found.append(moment)
                if len(found) >= limit:
                    if moment < high:
                        _cut_short(activity.id, rule_text, f"only {limit} occurrences a window")
                    break
            elif scanned >= MAX_SCAN:
                _cut_short(activity.id, rule_text, f"followed for {MAX_SCAN} occurrences only")
                break
    except (IndexError, ValueError, OverflowError) as exc:
        # dateutil builds some rules it cannot follow (BYDAY=99MO: IndexError, found by
        # tests/ical/test_fuzz.py): the series shows what it gave so far, the board stays up
        _cut_short(activity.id, rule_text, f"the rule cannot be followed ({type(exc).__name__})")
    return found


def _until(rule_text: str) -> datetime | None:
    """The rule's UNTIL as a UTC instant (a date: the end of that day, a day late in any
    zone), or None when it has none or it cannot be read."""
    text = _parts(rule_text).get("UNTIL", "")
    for form, late in (("%Y%m%dT%H%M%SZ", 0), ("%Y%m%dT%H%M%S", 1), ("%Y%m%d", 2)):
        try:
            return datetime.strptime(text, form).replace(tzinfo=UTC) + timedelta(days=late)
        except ValueError:
            continue
    return None


def may_occur_between(activity: Activity, start: datetime, end: datetime) -> bool:
    """Whether `activity` may have an occurrence overlapping [start, end), without expanding
    it: True for a series begun before `end` and not ended (UNTIL) before `start`, an added
    or moved date in the window, or a single event in it. Never False for one that has
    (a COUNT series counts as never ending); cheap enough to ask of every stored activity."""
    if activity.start < end and activity.end > start:
        return True
    if activity.rrule and activity.start < end:
        until = _until(activity.rrule)
        if until is None or until + (activity.end - activity.start) > start:
            return True
    for key in activity.rdates:
        try:
            moment = parse_recurrence_id(key)
        except ValueError:
            return True
        if moment < end and moment + (activity.end - activity.start) > start:
            return True
    for override in activity.overrides.values():
        if (
            override.start is not None
            and override.start < end
            and (override.end is None or override.end > start)
        ):
            return True
    return False


def occurs_at(activity: Activity, moment: datetime) -> bool:
    """Whether the series' rule has an occurrence planned at `moment`."""
    return bool(planned_starts(activity, moment, moment, 1))


def expand(activity: Activity, window_start: datetime, window_end: datetime) -> list[Occurrence]:
    """Occurrences of `activity` that overlap [window_start, window_end), sorted by start;
    at most `limit_of` its rule (see the module's docstring)."""
    zone = activity.zone
    first_start = activity.start.astimezone(zone)
    duration = activity.end.astimezone(zone).replace(tzinfo=None) - first_start.replace(
        tzinfo=None
    )  # wall-clock length, so 16:30-19:00 stays 2h30 on a DST day

    if activity.rrule:
        planned = planned_starts(activity, window_start - duration, window_end)
        for key, override in activity.overrides.items():  # moved into the window from outside
            try:
                original = parse_recurrence_id(key).astimezone(zone)
            except ValueError:
                continue
            start = override.start or original  # roughly (a day either side): checked below
            end = override.end or start + duration
            near = start < window_end + DAY and end > window_start - DAY
            if near and original not in planned and occurs_at(activity, original):
                planned.append(original)
    else:
        planned = [first_start]
    # RDATE adds occurrences outside the rule (bounded by the window). An imported series
    # whose DTSTART the rule would not give (RFC 5545 counts it anyway) carries that date as
    # an RDATE (kiosk.ical.read); a volunteer's series starts at its first rule date.
    extra = [parse_recurrence_id(key).astimezone(zone) for key in activity.rdates[:MAX_OCCURRENCES]]
    for moment in extra:
        if moment not in planned and window_start - duration <= moment < window_end:
            planned.append(moment)
    planned.sort()

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
    return {
        key: recurrence_id(moment) for key, moment in candidates.items() if occurs_at(after, moment)
    }
