"""iCalendar import of activities (RFC 5545), with no I/O.

Owns the mapping from VEVENT components to `kiosk.activities.model.Activity`:
`read_calendar` / `activities_from_ics` group VEVENTs by UID (the master and its
RECURRENCE-ID overrides) and build activities, and `IcsImport` says what was skipped or
adapted. Our own export (`kiosk.ical.write`, `X-MOTESPLATS-*` properties) reads back as the
same activity. Calendars from elsewhere (no `X-MOTESPLATS-*` properties) import sensibly:
SUMMARY is the Swedish title, LOCATION is added to the description, CATEGORIES that name an
audience are kept, all-day events (DATE values) run 00:00-24:00 local time, a missing DTEND
is taken from DURATION, else one day for all-day events and one hour otherwise, a missing
UID is replaced by a stable hash of the event.

Times without a zone: a naive ("floating") DTSTART/DTEND/EXDATE/RECURRENCE-ID, a TZID that
is neither an IANA zone nor defined by a VTIMEZONE, and DATE values are read in the
calendar's X-WR-TIMEZONE if it names an IANA zone, otherwise in Europe/Stockholm
(`kiosk.activities.model.DEFAULT_TZ`). A foreign series written in UTC or in a custom VTIMEZONE is
moved onto that zone's wall clock, the way X-WR-TIMEZONE readers do.

Unreadable data raises `IcsError` with a message in English that says what is wrong.
Known limits: RDATE and a second RRULE are ignored (with a warning); RANGE=THISANDFUTURE
changes only the occurrence it names; a master whose DTEND crosses a daylight-saving change
keeps its wall-clock length in every occurrence (our model), where RFC 5545 readers keep
its exact length.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from icalendar import Calendar, Event, vText
from icalendar.prop import vRecur

from kiosk.activities.model import (
    AUDIENCES,
    DEFAULT_TZ,
    STATUSES,
    Activity,
    Override,
    SignupSettings,
    Texts,
    recurrence_id,
)
from kiosk.ical.common import (
    CATEGORY_AUDIENCES,
    FOREIGN_SOURCE,
    IcsError,
    X,
    primary_language,
    wall_add,
)
from kiosk.languages import BY_CODE

log = logging.getLogger("motesplats.sync")

UNTITLED = "(utan titel)"
TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE", "RECURRENCE-ID")


@dataclass
class IcsImport:
    """What an import found: the activities, and what it left out or changed, and why."""

    activities: list[Activity] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "<uid>: <reason>", not imported
    warnings: list[str] = field(default_factory=list)  # "<uid>: <what was adapted>"


_TEXT_ESCAPE = re.compile(r"\\([\\;,nN])")


def _unescape(raw: str) -> str:
    """RFC 5545 TEXT unescaping, for X- properties (icalendar keeps them raw)."""
    return _TEXT_ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), raw)


def _all(event: Event, name: str) -> list[Any]:
    found = event.get(name)
    if found is None:
        return []
    return list(found) if isinstance(found, list) else [found]


def _text_of(prop: Any) -> str:
    return str(prop) if isinstance(prop, vText) else _unescape(str(prop))


def _one_text(event: Event, name: str) -> str | None:
    found = _all(event, name)
    return _text_of(found[0]) if found else None


def _code(tag: str | None, ours: bool) -> str:
    """A LANGUAGE parameter as our language code (no parameter: Swedish)."""
    if not tag:
        return "sv"
    code = tag.replace("-", "_")
    if ours or code in BY_CODE:
        return code
    primary = tag.split("-")[0].lower()
    return primary if primary in BY_CODE else code


def _texts(event: Event, names: Iterable[str], ours: bool) -> Texts:
    found: Texts = {}
    for name in names:
        for prop in _all(event, name):
            code = _code(getattr(prop, "params", {}).get("LANGUAGE"), ours)
            found.setdefault(code, _text_of(prop))
    return found


@dataclass
class _Reader:
    """Reads one VEVENT group; knows the fallback zone and collects warnings."""

    uid: str
    zone: ZoneInfo  # for floating times and DATE values
    warnings: list[str]

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.uid}: {message}")

    def fail(self, message: str) -> IcsError:
        return IcsError(f"event {self.uid!r}: {message}")

    def check(self, event: Event) -> None:
        for name, error in event.errors:
            if name == "RRULE":
                raise self.fail(f"bad repeat rule (RRULE) {str(event.get('RRULE'))!r}: {error}")
            if name in TIME_PROPERTIES:
                raise self.fail(f"unreadable {name}: {error}")

    def instant(self, value: Any, zone: ZoneInfo, wall: time | None = None) -> datetime:
        """A DATE or DATE-TIME value as an aware datetime (floating: in `zone`)."""
        if isinstance(value, datetime):
            return value.replace(tzinfo=zone) if value.tzinfo is None else value
        if isinstance(value, date):
            return datetime.combine(value, wall or time(0), zone)
        raise self.fail(f"not a date or time: {value!r}")

    def start(self, event: Event, ours: bool) -> tuple[datetime, ZoneInfo, bool]:
        """DTSTART as an instant in the activity's zone, that zone, and whether all-day."""
        prop = event.get("DTSTART")
        if prop is None:
            raise self.fail("no start time (DTSTART)")
        value = prop.dt
        if not isinstance(value, datetime):
            return self.instant(value, self.zone), self.zone, True
        if value.tzinfo is None:
            return value.replace(tzinfo=self.zone), self.zone, False
        key = getattr(value.tzinfo, "key", None)
        if key and (ours or key != "UTC"):
            try:
                zone = ZoneInfo(key)
            except (ZoneInfoNotFoundError, ValueError):
                pass
            else:
                return value.astimezone(zone), zone, False
        if event.get("RRULE") is not None:
            self.warn(f"series in {key or 'a custom time zone'} follows {self.zone.key} wall time")
        return value.astimezone(self.zone), self.zone, False

    def end(self, event: Event, start: datetime, zone: ZoneInfo, all_day: bool) -> datetime:
        prop = event.get("DTEND")
        if prop is not None:
            end = self.instant(prop.dt, zone)
        elif event.get("DURATION") is not None:
            length = event.get("DURATION").dt
            if not isinstance(length, timedelta):
                raise self.fail(f"unreadable DURATION {length!r}")
            end = wall_add(start, length)
        else:
            end = wall_add(start, timedelta(days=1) if all_day else timedelta(hours=1))
        if end <= start:
            length = timedelta(days=1) if all_day else timedelta(hours=1)
            self.warn(f"the end is not after the start: made it {length} long")
            end = wall_add(start, length)
        return end

    def rrule(self, event: Event, start: datetime, zone: ZoneInfo) -> str | None:
        rules = _all(event, "RRULE")
        if not rules:
            return None
        if len(rules) > 1:
            self.warn("only the first of several RRULEs is kept")
        if event.get("RDATE") is not None:
            self.warn("extra dates (RDATE) are not supported and were left out")
        rule = rules[0]
        if not isinstance(rule, vRecur):
            raise self.fail(f"bad repeat rule (RRULE) {str(rule)!r}")
        parts = []
        for name, values in rule.items():  # in the order written, so ours stay verbatim
            if name == "UNTIL":
                values = [self.until(v, zone) for v in values]
            parts.append(vRecur({name: values}).to_ical().decode())
        text = ";".join(parts)
        try:
            rrulestr(text, dtstart=start.astimezone(zone))
        except (ValueError, KeyError, TypeError) as exc:
            raise self.fail(f"bad repeat rule (RRULE) {text!r}: {exc}") from exc
        return text

    def until(self, value: Any, zone: ZoneInfo) -> datetime:
        """UNTIL in UTC, as dateutil needs with an aware start (a DATE includes its day)."""
        if isinstance(value, datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=zone)
            return value.astimezone(UTC)
        if isinstance(value, date):
            return datetime.combine(value, time(23, 59, 59), zone).astimezone(UTC)
        raise self.fail(f"bad UNTIL in RRULE: {value!r}")

    def dates(self, event: Event, name: str, zone: ZoneInfo, wall: time) -> list[datetime]:
        found = []
        for prop in _all(event, name):
            for value in getattr(prop, "dts", [prop]):
                found.append(self.instant(value.dt, zone, wall))
        return found


def _sequence(event: Event) -> int:
    try:
        return int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        return 0


def _stamp(event: Event) -> datetime | None:
    for name in ("LAST-MODIFIED", "DTSTAMP"):
        prop = event.get(name)
        value = getattr(prop, "dt", None)
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return None


def _stable_uid(event: Event) -> str:
    """A UID for an event without one: a hash of what identifies it (start, title, place)."""
    parts = [event.get(name) for name in ("DTSTART", "SUMMARY", "LOCATION", "RRULE")]
    raw = "\n".join(p.to_ical().decode("utf-8", "replace") if p is not None else "" for p in parts)
    return f"{hashlib.sha256(raw.encode()).hexdigest()[:24]}@ics-import"


def _is_ours(event: Event) -> bool:
    return any(name.upper().startswith(X) for name in event)


def _audiences(event: Event, ours: bool) -> list[str]:
    names = [str(c) for prop in _all(event, "CATEGORIES") for c in getattr(prop, "cats", [])]
    if ours:
        return names
    found = []
    for name in names:
        audience = CATEGORY_AUDIENCES.get(name.strip().lower(), name.strip().lower())
        if audience in AUDIENCES and audience not in found:
            found.append(audience)
    return found or ["everyone"]


def _own_fields(event: Event, reader: _Reader) -> dict[str, Any]:
    """The model fields our export keeps in X-MOTESPLATS properties."""
    fields: dict[str, Any] = {
        "place_id": _one_text(event, X + "PLACE-ID"),
        "organiser_id": _one_text(event, X + "ORGANISER-ID"),
        "status_note": _texts(event, [X + "STATUS-NOTE"], True),
    }
    languages = _one_text(event, X + "LANGUAGES")
    if languages is not None:
        fields["languages"] = [code for code in languages.split(",") if code]
    status = _one_text(event, X + "STATUS")
    if status in STATUSES:
        fields["status"] = status
    source = _one_text(event, X + "SOURCE")
    if source:
        fields["source"] = source
    try:
        fields["cost_sek"] = int(_one_text(event, X + "COST-SEK") or 0)
    except ValueError:
        reader.warn("unreadable cost (X-MOTESPLATS-COST-SEK): set to 0")
    fields["childcare"] = (_one_text(event, X + "CHILDCARE") or "").upper() == "TRUE"
    signup = _one_text(event, X + "SIGNUP")
    if signup:
        try:
            fields["signup"] = SignupSettings.from_doc(json.loads(signup))
        except (ValueError, TypeError, AttributeError):
            reader.warn("unreadable signup settings (X-MOTESPLATS-SIGNUP): left out")
    return fields


def _read_override(
    event: Event, reader: _Reader, activity: Activity, ours: bool
) -> tuple[str, Override]:
    reader.check(event)
    zone = activity.zone
    wall = activity.start.astimezone(zone).time()
    original = reader.dates(event, "RECURRENCE-ID", zone, wall)[0]
    if event["RECURRENCE-ID"].params.get("RANGE"):
        reader.warn("RANGE=THISANDFUTURE applied to the one occurrence it names")
    prop = event.get("DTSTART")
    if prop is None:
        raise reader.fail(f"changed occurrence {recurrence_id(original)} has no DTSTART")
    start = reader.instant(prop.dt, zone, wall)
    from_series = set((_one_text(event, X + "FROM-SERIES") or "").split(",")) if ours else set()
    end: datetime | None = None
    if event.get("DTEND") is not None or event.get("DURATION") is not None:
        end = reader.end(event, start, zone, not isinstance(prop.dt, datetime))
    status = _one_text(event, X + "STATUS") if ours else None
    if status not in STATUSES:
        cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
        status = "cancelled" if cancelled else "changed"
    return recurrence_id(original), Override(
        start=None if "DTSTART" in from_series else start,
        end=None if "DTEND" in from_series else end,
        status=status,
        note=_texts(event, ["COMMENT"], ours),
    )


def _read_group(uid: str, master: Event, overrides: list[Event], reader: _Reader) -> Activity:
    reader.check(master)
    ours = _is_ours(master)
    start, zone, all_day = reader.start(master, ours)
    end = reader.end(master, start, zone, all_day)
    title = _texts(master, ["SUMMARY", X + "TITLE"], ours)
    if not any(t.strip() for t in title.values()):
        reader.warn(f"no title (SUMMARY): called it {UNTITLED!r}")
        title = {"sv": UNTITLED}
    description = _texts(master, ["DESCRIPTION", X + "DESCRIPTION"], ours)
    fields: dict[str, Any] = {}
    if ours:
        fields = _own_fields(master, reader)
    else:
        location = _one_text(master, "LOCATION")
        if location:
            code = primary_language(description) or "sv"
            before = description.get(code, "")
            description[code] = f"{before}\n\nPlats: {location}" if before else f"Plats: {location}"
        cancelled = str(master.get("STATUS", "")).upper() == "CANCELLED"
        fields = {"status": "cancelled" if cancelled else "scheduled", "source": FOREIGN_SOURCE}
    wall = start.astimezone(zone).time()
    activity = Activity(
        id=uid,
        title=title,
        description=description,
        start=start,
        end=end,
        tz=zone.key,
        rrule=reader.rrule(master, start, zone),
        exdates=[recurrence_id(d) for d in reader.dates(master, "EXDATE", zone, wall)],
        audiences=_audiences(master, ours),
        version=max(1, _sequence(master)),
        **fields,
    )
    stamp = _stamp(master)
    if stamp is not None:
        activity.updated_at = stamp
    chosen: dict[str, tuple[int, Override]] = {}
    for event in overrides:
        key, override = _read_override(event, reader, activity, ours)
        if key in chosen and chosen[key][0] > _sequence(event):
            continue
        chosen[key] = (_sequence(event), override)
    if chosen and not activity.rrule:
        reader.warn("changed occurrences of an event that does not repeat: kept as they are")
    activity.overrides = {key: override for key, (_, override) in chosen.items()}
    problems = activity.problems()
    if problems:
        raise reader.fail("; ".join(problems))
    return activity


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:  # RFC 5545 says UTF-8; old Windows exports are not
        return data.decode("cp1252", errors="replace")


def _calendars(text: str) -> list[Calendar]:
    if not text.strip():
        raise IcsError("empty data: an iCalendar file starts with BEGIN:VCALENDAR")
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise IcsError("not iCalendar data: it does not start with BEGIN:VCALENDAR")
    try:
        found = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # noqa: BLE001 - the parser meets hostile text: any failure
        # means "not readable" (seen: ValueError, KeyError, IndexError, TypeError, and an
        # AttributeError for an END:VTIMEZONE without its BEGIN, found by tests/test_fuzz.py)
        raise IcsError(f"not readable as iCalendar: {exc}") from exc
    calendars = [c for c in found if isinstance(c, Calendar)]
    if not calendars:
        raise IcsError("not iCalendar data: no VCALENDAR found")
    return calendars


def _fallback_zone(calendar: Calendar) -> ZoneInfo:
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(DEFAULT_TZ)


SINGLE_VALUED = ("UID", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID")


def _first_of_duplicates(event: Event) -> bool:
    """Keep the first of properties that may appear once but appear twice (seen in the
    wild); True if something was dropped."""
    dropped = False
    for name in SINGLE_VALUED:
        value = event.get(name)
        if isinstance(value, list):
            event[name] = value[0]
            dropped = True
    return dropped


def read_calendar(data: bytes | str) -> IcsImport:
    """Activities in iCalendar `data`, with what was skipped or adapted.

    An event that cannot be read is skipped (and listed in `skipped`), the others are kept.
    Raises IcsError when nothing usable is there: not iCalendar, cut short (no final
    END:VCALENDAR: a download that broke off must not look like a calendar that lost its
    later events), no events, or no event that could be read.
    """
    text = _decode(data)
    starts = text.lstrip().upper().startswith("BEGIN:VCALENDAR")
    if starts and not text.rstrip().upper().endswith("END:VCALENDAR"):
        raise IcsError("the calendar is cut short: it does not end with END:VCALENDAR")
    calendars = _calendars(text)
    result = IcsImport()
    groups: dict[str, tuple[ZoneInfo, list[Event]]] = {}
    for calendar in calendars:
        zone = _fallback_zone(calendar)
        for event in calendar.walk("VEVENT"):
            if _first_of_duplicates(event):
                result.warnings.append(
                    "an event repeats a property that may appear once: the first was kept"
                )
            uid = str(event.get("UID", "")).strip() or _stable_uid(event)
            groups.setdefault(uid, (zone, []))[1].append(event)
    if not groups:
        raise IcsError("the calendar has no events (no VEVENT)")
    refused: list[str] = []
    for uid, (zone, events) in groups.items():
        masters = [e for e in events if e.get("RECURRENCE-ID") is None]
        overrides = [e for e in events if e.get("RECURRENCE-ID") is not None]
        if not masters:
            result.skipped.append(
                f"{uid}: {len(overrides)} changed occurrence(s) (RECURRENCE-ID) "
                "without the event they belong to"
            )
            continue
        reader = _Reader(uid, zone, result.warnings)
        if len(masters) > 1:
            reader.warn(f"{len(masters)} events share this UID: kept the highest SEQUENCE")
        master = max(masters, key=_sequence)
        try:
            result.activities.append(_read_group(uid, master, overrides, reader))
        except IcsError as exc:
            refused.append(str(exc))
        except (OverflowError, ValueError, TypeError, AttributeError) as exc:
            refused.append(f"{uid!r}: unreadable ({type(exc).__name__}: {exc})")
    result.skipped += refused
    if refused and not result.activities:
        more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
        raise IcsError(refused[0] + more)
    for line in result.skipped:
        log.info("ics import skipped %s", line)
    return result


def activities_from_ics(data: bytes | str) -> list[Activity]:
    """The activities in iCalendar `data` (see `read_calendar` for what is skipped)."""
    return read_calendar(data).activities
