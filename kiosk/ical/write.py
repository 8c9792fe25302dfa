"""iCalendar export of activities (RFC 5545), with no I/O.

Owns the mapping from `kiosk.activities.model.Activity` to VEVENT components: one master
VEVENT per activity (UID = activity id; DTSTART/DTEND with the activity's TZID on local
wall time, so the RRULE follows local time across daylight saving; the RRULE verbatim;
EXDATEs in the same local form) and one VEVENT per override (RECURRENCE-ID = the originally
planned start, in the same local form). SUMMARY and DESCRIPTION carry the Swedish text (else
another language) with a LANGUAGE parameter; what standard properties cannot hold travels in
`X-MOTESPLATS-*` properties so that an import (`kiosk.ical.read`) gives back the same
activity: texts in other languages, place and organiser ids, spoken languages, cost,
childcare, signup settings (JSON), exact statuses, notes. `calendar_bytes` wraps events in a
VCALENDAR with the VTIMEZONEs they need, which `vtimezone` writes from zoneinfo's changes as
yearly RRULEs (one RDATE a line where no yearly rule holds), so that ical.js, vobject and
the other readers agree with the board on every occurrence.
"""

from __future__ import annotations

import json
from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import (
    Alarm,
    Calendar,
    Component,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vText,
    vUnknown,
)

from kiosk.activities.model import (
    DEVICE_PREFIX,
    Activity,
    Organiser,
    Override,
    Place,
    Texts,
    parse_recurrence_id,
    whole_days,
)
from kiosk.ical.common import PRODID, X, primary_language, wall_add
from kiosk.languages import pick_text


def _language_tag(code: str) -> str:
    """Our language code as a BCP 47 tag for the LANGUAGE parameter (fa_AF -> fa-AF)."""
    return code.replace("_", "-")


def _add_text(event: Event, name: str, text: str, language: str | None = None) -> None:
    params = {"LANGUAGE": _language_tag(language)} if language else {}
    event.add(name, vText(text), parameters=params)


def _add_texts(event: Event, standard: str | None, extra: str, texts: Texts) -> None:
    """The primary text in `standard` (if given), every other language in `extra`."""
    primary = primary_language(texts) if standard else None
    if primary is not None and standard is not None:
        _add_text(event, standard, texts[primary], primary)
    for code, text in texts.items():
        if code != primary:
            _add_text(event, extra, text, code)


PLACE_LOCAL = ("map_image",)  # a file in this board's data folder: not for other boards


def _record_json(record: Place | Organiser, local: tuple[str, ...]) -> str:
    """A place or organiser as one JSON TEXT value (escaped as TEXT, so it survives servers
    that keep only the first value of a comma list)."""
    doc = {k: v for k, v in record.to_doc().items() if k not in local and v not in ("", {}, None)}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True)


def _wall_length(activity: Activity) -> timedelta:
    zone = activity.zone
    return activity.end.astimezone(zone).replace(tzinfo=None) - activity.start.astimezone(
        zone
    ).replace(tzinfo=None)


def _location(place: Place | None) -> str:
    if place is None:
        return ""
    return ", ".join(part for part in (place.name, place.room, place.address) if part)


def _contact(organiser: Organiser | None) -> str:
    if organiser is None:
        return ""
    return ", ".join(p for p in (organiser.name, organiser.contact_name, organiser.phone) if p)


def _ical_status(status: str) -> str:
    return "CANCELLED" if status == "cancelled" else "CONFIRMED"


def _shared(
    event: Event, activity: Activity, place: Place | None, organiser: Organiser | None
) -> None:
    """What the master and its overrides both show: identity, texts, place, stamps."""
    event.add("UID", activity.id)
    stamp = activity.updated_at.astimezone(UTC).replace(microsecond=0)
    event.add("DTSTAMP", stamp)
    event.add("LAST-MODIFIED", stamp)
    event.add("SEQUENCE", activity.version)
    if activity.title:
        _add_texts(event, "SUMMARY", X + "TITLE", activity.title)
    if place is not None and _location(place):
        event.add("LOCATION", _location(place))
    if organiser is not None and _contact(organiser):
        event.add("CONTACT", _contact(organiser))
    if activity.audiences:
        event.add("CATEGORIES", list(activity.audiences))


def _all_day(activity: Activity) -> bool:
    """Whole days (local midnight to a later midnight), written as DATE values the way
    calendars write all-day events - unless the rule ends at a time (UNTIL must then be a
    DATE too, which the stored rule is not)."""
    whole = whole_days(activity.start, activity.end, activity.zone) > 0
    return whole and "UNTIL=" not in (activity.rrule or "")


def _moment(value: datetime, as_date: bool) -> date | datetime:
    return value.date() if as_date else value


def _master(activity: Activity, place: Place | None, organiser: Organiser | None) -> Event:
    zone = activity.zone
    event = Event()
    _shared(event, activity, place, organiser)
    as_dates = _all_day(activity)
    event.add("DTSTART", _moment(activity.start.astimezone(zone), as_dates))
    event.add("DTEND", _moment(activity.end.astimezone(zone), as_dates))
    if activity.rrule:
        event.add("RRULE", vUnknown(activity.rrule))  # verbatim, not re-ordered
    if activity.exdates:
        event.add(
            "EXDATE",
            [_moment(parse_recurrence_id(k).astimezone(zone), as_dates) for k in activity.exdates],
        )
    for key in activity.rdates:  # one per line: some readers take only a list's first value
        event.add("RDATE", _moment(parse_recurrence_id(key).astimezone(zone), as_dates))
    if activity.description:
        _add_texts(event, "DESCRIPTION", X + "DESCRIPTION", activity.description)
    event.add("STATUS", _ical_status(activity.status))
    event.add(X + "STATUS", activity.status)
    _add_texts(event, None, X + "STATUS-NOTE", activity.status_note)
    if activity.place_id is not None:
        _add_text(event, X + "PLACE-ID", activity.place_id)
        if place is not None:  # the whole place, so another board can show and keep it
            _add_text(event, X + "PLACE", _record_json(place, PLACE_LOCAL))
    if activity.organiser_id is not None:
        _add_text(event, X + "ORGANISER-ID", activity.organiser_id)
        if organiser is not None:
            _add_text(event, X + "ORGANISER", _record_json(organiser, ()))
    # One value per property: servers (Radicale's vobject) keep only the first value of
    # a comma list in an X- property they do not know.
    for code in activity.languages:
        event.add(X + "LANGUAGE", code)
    event.add(X + "COST-SEK", str(activity.cost_sek))
    event.add(X + "CHILDCARE", "TRUE" if activity.childcare else "FALSE")
    _add_text(event, X + "SIGNUP", json.dumps(activity.signup.to_doc(), ensure_ascii=False))
    _add_text(event, X + "SOURCE", activity.source)
    if activity.municipality:
        _add_text(event, X + "MUNICIPALITY", activity.municipality)
    if activity.changed_on.startswith(DEVICE_PREFIX):  # the record's version (sync.device)
        _add_text(event, X + "CHANGED-ON", activity.changed_on)
        event.add(X + "CHANGE-COUNTER", str(activity.change_counter))
    return event


def _override(
    activity: Activity,
    key: str,
    override: Override,
    place: Place | None,
    organiser: Organiser | None,
) -> Event:
    zone = activity.zone
    planned = parse_recurrence_id(key).astimezone(zone)
    start = override.start.astimezone(zone) if override.start else planned
    end = override.end.astimezone(zone) if override.end else wall_add(start, _wall_length(activity))
    event = Event()
    _shared(event, activity, place, organiser)
    as_dates = _all_day(activity)
    whole = as_dates and start.time() == end.time() == time(0)
    event.add("RECURRENCE-ID", _moment(planned, as_dates))
    event.add("DTSTART", _moment(start, whole))
    event.add("DTEND", _moment(end, whole))
    if override.title:  # this date's own title replaces the series' SUMMARY
        for name in ("SUMMARY", X + "TITLE"):
            event.pop(name, None)
        _add_texts(event, "SUMMARY", X + "TITLE", override.title)
    if override.location:
        event.pop("LOCATION", None)
        event.add("LOCATION", override.location)
    note = override.note
    shown = [
        note.get(primary_language(note) or ""),
        activity.description.get(primary_language(activity.description) or ""),
    ]
    if any(shown):
        event.add("DESCRIPTION", vText("\n\n".join(t for t in shown if t)))
    off = "cancelled" in (override.status, activity.status)  # a cancelled series trumps
    event.add("STATUS", "CANCELLED" if off else "CONFIRMED")
    event.add(X + "STATUS", override.status)
    for code, text in note.items():
        _add_text(event, "COMMENT", text, code)
    from_series = [
        name for name, own in (("DTSTART", override.start), ("DTEND", override.end)) if own is None
    ]
    for name in from_series:  # one per line (see LANGUAGE)
        event.add(X + "FROM-SERIES", name)
    return event


def activity_to_events(
    activity: Activity, place: Place | None = None, organiser: Organiser | None = None
) -> list[Event]:
    """The master VEVENT of `activity`, then one VEVENT per override (RECURRENCE-ID)."""
    events = [_master(activity, place, organiser)]
    events += [
        _override(activity, key, override, place, organiser)
        for key, override in activity.overrides.items()
    ]
    return events


# ---- VTIMEZONE -------------------------------------------------------------------------
# Written here, not by icalendar: its `Timezone.from_tzinfo` (and so `add_missing_timezones`)
# lists the changes of a zone as one multi-valued RDATE, of which ical.js and vobject read
# only the first value, and starts DAYLIGHT at the wall time after the change (03:00) where
# RFC 5545 3.6.5 wants the time before it (02:00, in the offset of TZOFFSETFROM).
YEARS_AHEAD = 10  # the zone's changes are looked up until this many years after today
MAX_YEARS = 200  # and at most this many years back from there
RULE_EPOCH = 1970  # a yearly rule already in force where the export begins is written from here
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SCAN_STEP = timedelta(days=1)  # a change undone within a day would hide (none since 1950)


@dataclass(frozen=True)
class _Change:
    """One change of a zone's offset, daylight-saving flag or abbreviation."""

    at: datetime  # the instant, in UTC
    offset_from: timedelta
    offset_to: timedelta
    is_dst: bool
    name: str

    @property
    def onset(self) -> datetime:
        """The wall time just before the change, as RFC 5545 writes DTSTART and RDATE."""
        return self.at.replace(tzinfo=None) + self.offset_from

    @property
    def kind(self) -> tuple[timedelta, timedelta, bool, str]:
        return (self.offset_from, self.offset_to, self.is_dst, self.name)


def _state(zone: ZoneInfo, moment: datetime) -> tuple[timedelta, bool, str]:
    local = moment.astimezone(zone)
    return (local.utcoffset() or timedelta(0), bool(local.dst()), local.tzname() or "")


@lru_cache(maxsize=64)
def _changes(tzid: str, first_year: int, last_year: int) -> tuple[_Change, ...]:
    """Every change of `tzid` from 1 January `first_year` to the end of `last_year` (UTC),
    as zoneinfo has them: a scan day by day, each change then found to the second."""
    zone = ZoneInfo(tzid)
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    state = _state(zone, moment)
    found = []
    while moment < end:
        later = min(moment + _SCAN_STEP, end)
        if _state(zone, later) == state:
            moment = later
            continue
        low, high = moment, later  # the old state holds at `low`, a new one at `high`
        while high - low > timedelta(seconds=1):
            middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
            low, high = (middle, high) if _state(zone, middle) == state else (low, middle)
        new = _state(zone, high)
        found.append(_Change(high, state[0], new[0], new[1], new[2]))
        moment, state = high, new
    return tuple(found)


def _day_codes(day: date) -> set[str]:
    """The ways an RRULE names this day in its month: BYDAY=2SU, BYDAY=-3SU, BYMONTHDAY=8."""
    days = monthrange(day.year, day.month)[1]
    weekday = _WEEKDAYS[day.weekday()]
    return {
        f"BYDAY={(day.day - 1) // 7 + 1}{weekday}",
        f"BYDAY=-{(days - day.day) // 7 + 1}{weekday}",
        f"BYMONTHDAY={day.day}",
    }


def _best_code(codes: set[str]) -> str:
    """As tzdata's rules are mostly said: the last Sunday, else the second Sunday (and so
    on), else the second to last, else a fixed day of the month."""

    def rank(code: str) -> tuple[int, str]:
        if code.startswith("BYMONTHDAY"):
            return 3, code
        return (0 if code.startswith("BYDAY=-1") else 2 if "=-" in code else 1), code

    return min(codes, key=rank)


def _on_rule(year: int, month: int, code: str, at: time) -> datetime:
    """The wall time a yearly rule (its month, BYDAY or BYMONTHDAY, time of day) gives."""
    part, value = code.split("=")
    days = monthrange(year, month)[1]
    if part == "BYMONTHDAY":
        return datetime.combine(date(year, month, min(int(value), days)), at)
    nth, weekday = int(value[:-2]), _WEEKDAYS.index(value[-2:])
    if nth > 0:
        day = 1 + (weekday - date(year, month, 1).weekday()) % 7 + 7 * (nth - 1)
    else:
        day = days - (date(year, month, days).weekday() - weekday) % 7 + 7 * (nth + 1)
    return datetime.combine(date(year, month, day), at)


@dataclass
class _Run:
    """Changes of one kind, one a year in consecutive years, that follow one yearly rule."""

    changes: list[_Change]
    codes: set[str]  # the day codes every change of the run fits

    def takes(self, change: _Change) -> bool:
        last, onset = self.changes[-1].onset, change.onset
        return (
            onset.year == last.year + 1
            and (onset.month, onset.time()) == (last.month, last.time())
            and bool(self.codes & _day_codes(onset.date()))
        )

    @property
    def yearly(self) -> bool:
        return len(self.changes) > 1

    @property
    def code(self) -> str:
        return _best_code(self.codes)

    def onset_in(self, year: int) -> datetime:
        first = self.changes[0].onset
        return _on_rule(year, first.month, self.code, first.time())


def _runs(changes: tuple[_Change, ...]) -> list[_Run]:
    """The changes cut into runs: each kind's changes, in order, as long as one rule holds."""
    last_of_kind: dict[tuple, _Run] = {}
    runs: list[_Run] = []
    for change in changes:
        run = last_of_kind.get(change.kind)
        if run is not None and run.takes(change):
            run.changes.append(change)
            run.codes &= _day_codes(change.onset.date())
        else:
            run = last_of_kind[change.kind] = _Run([change], _day_codes(change.onset.date()))
            runs.append(run)
    return runs


def _observance(change: _Change, start: datetime) -> Component:
    part = TimezoneDaylight() if change.is_dst else TimezoneStandard()
    part.add("DTSTART", start)
    part.add("TZNAME", change.name)
    part.add("TZOFFSETFROM", change.offset_from)
    part.add("TZOFFSETTO", change.offset_to)
    return part


def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for `tzid`, right from `first_year` on, derived from zoneinfo's changes
    from then to the end of `last_year`.

    Changes that follow one yearly rule (the same month, weekday position and wall time in
    consecutive years) become one sub-component with an RRULE; the rule of the last years
    has no end, an earlier one ends with UNTIL. A zone on such rules from the start has them
    written from 1970 (DTSTART 19700329T020000 for Europe/Stockholm's DAYLIGHT), else what
    held before its first change opens the VTIMEZONE. Other changes are written as one
    RDATE line each (DTSTART's included), never as one multi-valued RDATE. A zone without
    changes gets one STANDARD. Raises KeyError (ZoneInfoNotFoundError) for an unknown zone,
    ValueError for a name that cannot be one.
    """
    zone = ZoneInfo(tzid)
    changes = _changes(tzid, first_year, last_year)
    runs = _runs(changes)
    timezone = Timezone()
    timezone.add("TZID", tzid)
    offset, is_dst, name = _state(zone, datetime(first_year, 1, 1, tzinfo=UTC))
    # Yearly rules from the first year on: written from 1970, would they give the state that
    # held on 1 January of the first year (the last of their changes in the year before)?
    early = [run for run in runs if run.yearly and run.changes[0].onset.year == first_year]
    before = max(early, key=lambda run: run.onset_in(first_year - 1), default=None)
    from_epoch = (
        first_year > RULE_EPOCH
        and before is not None
        and before.changes[0].kind[1:] == (offset, is_dst, name)
    )
    parts: list[Component] = []
    if not from_epoch:  # what held before the first change
        lead = TimezoneDaylight() if is_dst else TimezoneStandard()
        lead.add("DTSTART", datetime(first_year, 1, 1))
        lead.add("TZNAME", name or tzid)
        lead.add("TZOFFSETFROM", offset)
        lead.add("TZOFFSETTO", offset)
        parts.append(lead)
    singles: dict[tuple, Component] = {}
    for run in runs:
        first, last = run.changes[0], run.changes[-1]
        if not run.yearly:
            part = singles.get(first.kind)
            if part is None:
                part = singles[first.kind] = _observance(first, first.onset)
                parts.append(part)
            # A line of its own for each, DTSTART's too: ical.js takes a sub-component with
            # RDATEs to change on those dates only, as vzic's VTIMEZONEs expect.
            part.add("RDATE", first.onset)
            continue
        start = run.onset_in(RULE_EPOCH) if from_epoch and run in early else first.onset
        part = _observance(first, start)
        rule = f"FREQ=YEARLY;BYMONTH={first.onset.month};{run.code}"
        if last.onset.year < last_year:  # the rule ended (it would have changed again)
            # UNTIL in UTC (RFC 5545), a day after the last change: dateutil's tzical (so
            # vobject) compares it with wall times, which would lose a change east of UTC.
            rule += f";UNTIL={last.at + timedelta(days=1):%Y%m%dT%H%M%SZ}"
        part.add("RRULE", vUnknown(rule))  # in this order, as RFC 5545's examples
        parts.append(part)
    for part in sorted(parts, key=lambda p: p.DTSTART):
        timezone.add_component(part)
    return timezone


def _years_of(activity: Activity) -> tuple[int, int]:
    """The first and last local year of anything dated in `activity`."""
    zone = activity.zone
    dated = [activity.start, activity.end]
    for override in activity.overrides.values():
        dated += [moment for moment in (override.start, override.end) if moment]
    years = [moment.astimezone(zone).year for moment in dated]
    return min(years), max(years)


def _year_span(spans: Iterable[tuple[int, int]], today: date) -> tuple[int, int] | None:
    first = last = None
    for low, high in spans:
        first = low if first is None else min(first, low)
        last = high if last is None else max(last, high)
    if first is None or last is None:
        return None
    last = min(max(last + 1, today.year + YEARS_AHEAD), date.max.year - 1)
    return max(first - 1, last - MAX_YEARS, date.min.year), last


def covered_years(activities: Iterable[Activity], today: date) -> tuple[int, int] | None:
    """The years a VTIMEZONE must be right for: from the year before the first start to
    `YEARS_AHEAD` after today or after the last dated thing (None without activities)."""
    return _year_span((_years_of(a) for a in activities), today)


def add_timezones(calendar: Calendar, first_year: int, last_year: int) -> None:
    """A VTIMEZONE (see `vtimezone`) for every TZID the calendar uses and lacks, first."""
    made = []
    for tzid in sorted(calendar.get_missing_tzids()):
        try:
            made.append(vtimezone(tzid, first_year, last_year))
        except (ValueError, KeyError):  # not an IANA zone (ZoneInfoNotFoundError is a KeyError)
            continue
    calendar.subcomponents[:0] = made


@dataclass(frozen=True)
class EventsPart:
    """One activity's VEVENTs as iCalendar bytes, with what its calendar must add for it:
    the TZIDs it uses and the years of its dated things. Made once per version of an
    activity (`events_part`) and put together into feeds by `assemble_calendar`."""

    body: bytes
    tzids: frozenset[str]
    years: tuple[int, int]


def events_part(
    activity: Activity, place: Place | None = None, organiser: Organiser | None = None
) -> EventsPart:
    """The master VEVENT and its overrides' VEVENTs of `activity`, as a calendar holds them."""
    holder = Calendar()
    for event in activity_to_events(activity, place, organiser):
        holder.add_component(event)
    body = b"".join(event.to_ical() for event in holder.subcomponents)
    return EventsPart(body, frozenset(holder.get_missing_tzids()), _years_of(activity))


def calendar_head(name: str) -> Calendar:
    """An empty VCALENDAR with PRODID, VERSION, CALSCALE and the calendar's name."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.calendar_name = name  # NAME and X-WR-CALNAME
    return calendar


def assemble_calendar(name: str, parts: Iterable[EventsPart], today: date) -> bytes:
    """A whole VCALENDAR of `parts` in their order: the head, the VTIMEZONEs of every TZID
    they use (right from the year before the first dated thing to `YEARS_AHEAD` after
    `today` or the last one), then each part's VEVENTs as they are."""
    parts = list(parts)
    calendar = calendar_head(name)
    years = _year_span((part.years for part in parts), today)
    if years is not None:
        for tzid in sorted(set().union(*(part.tzids for part in parts))):
            try:
                calendar.add_component(vtimezone(tzid, *years))
            except (ValueError, KeyError):  # not an IANA zone (ZoneInfoNotFoundError)
                continue
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    return b"".join([head[: -len(end)], *(part.body for part in parts), end])


def calendar_bytes(
    activities: Iterable[Activity],
    places: Mapping[str, Place],
    organisers: Mapping[str, Organiser],
    name: str,
    *,
    today: date | None = None,
) -> bytes:
    """A whole VCALENDAR (PRODID, VERSION, calendar name, VTIMEZONEs) with every activity.

    The VTIMEZONEs are right from the year before the first start to `YEARS_AHEAD` after
    `today` (default: the date in UTC now) or the last dated thing, and on by their rules."""
    parts = [
        events_part(a, places.get(a.place_id or ""), organisers.get(a.organiser_id or ""))
        for a in activities
    ]
    return assemble_calendar(name, parts, today or datetime.now(UTC).date())


def occurrence_calendar(
    activity: Activity,
    dates: list[tuple[datetime, datetime, str]],
    place: Place | None,
    language: str,
    *,
    url: str,
    stamp: datetime,
) -> bytes:
    """The dates a person signed up for (one, or every date of a course) as a small
    VCALENDAR, for their "add to my calendar": each (start, end, uid) its own event with the
    title and description in `language` (else Swedish), the place, the person's private
    link and a reminder the evening before; the VTIMEZONE of its zone. Each uid is the
    signup's own (never the series'), so adding it twice keeps one entry per date."""
    title, _fell_back = pick_text(activity.title, language)
    description, _ = pick_text(activity.description, language)
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("METHOD", "PUBLISH")
    zone = activity.zone
    for start, end, uid in dates:
        event = Event()
        event.add("UID", uid)
        event.add("DTSTAMP", stamp.astimezone(UTC).replace(microsecond=0))
        event.add("SUMMARY", title)
        event.add("DESCRIPTION", f"{description}\n\n{url}" if description else url)
        event.add("DTSTART", start.astimezone(zone))
        event.add("DTEND", end.astimezone(zone))
        if place is not None:
            event.add("LOCATION", _location(place))
        event.add("URL", url)
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", title)
        alarm.add("TRIGGER", timedelta(hours=-12))
        event.add_component(alarm)
        calendar.add_component(event)
    years = [d[0].year for d in dates] + [d[1].year for d in dates]
    add_timezones(calendar, min(years) - 1, max(years) + 1)
    return calendar.to_ical()
