"""iCalendar import of activities (RFC 5545), with no I/O.

Owns the mapping from VEVENT components to `kiosk.activities.model.Activity`:
`read_calendar` / `activities_from_ics` group VEVENTs by UID (the master and its
RECURRENCE-ID overrides) and build activities, and `IcsImport` says what was skipped or
adapted. Our own export (`kiosk.ical.write`, `X-MOTESPLATS-*` properties) reads back as the
same activity. Calendars from elsewhere (no `X-MOTESPLATS-*` properties) import sensibly:
SUMMARY is the Swedish title, LOCATION is added to the description, CATEGORIES that name an
audience are kept, all-day events (DATE values) run 00:00-24:00 local time, a missing DTEND
is taken from DURATION, else one day for all-day events and one hour otherwise (with a
warning: RFC 5545 gives it no length), a missing
UID is replaced by a stable hash of the event.

Times without a zone: a naive ("floating") DTSTART/DTEND/EXDATE/RECURRENCE-ID, a TZID that
is neither an IANA zone nor defined by a VTIMEZONE, and DATE values are read in the
calendar's X-WR-TIMEZONE if it names an IANA zone, otherwise in Europe/Stockholm
(`kiosk.activities.model.DEFAULT_TZ`). A foreign series written in UTC or in a custom VTIMEZONE is
moved onto that zone's wall clock, the way X-WR-TIMEZONE readers do.

Unreadable data raises `IcsError` with a message in English that says what is wrong.
Known limits: a second RRULE is ignored (with a warning); an RDATE period keeps the event's
length; RANGE=THISANDFUTURE
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
    Organiser,
    Override,
    Place,
    SignupSettings,
    Texts,
    bound,
    parse_recurrence_id,
    recurrence_id,
)
from kiosk.activities.recurrence import occurs_at
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
# Events (UIDs) read from one calendar: a municipality's year is a few hundred; a feed
# of 20,000 once slowed the kiosk's pages for seconds.
MAX_EVENTS = 5000
TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE", "RECURRENCE-ID")


@dataclass
class IcsImport:
    """What an import found: the activities, and what it left out or changed, and why."""

    activities: list[Activity] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "<uid>: <reason>", not imported
    warnings: list[str] = field(default_factory=list)  # "<uid>: <what was adapted>"
    # the places and organisers another board sent with its events (X-MOTESPLATS-PLACE,
    # X-MOTESPLATS-ORGANISER), by the id the events name
    places: dict[str, Place] = field(default_factory=dict)
    organisers: dict[str, Organiser] = field(default_factory=dict)
    # versions another board's conflict set aside (X-MOTESPLATS-SET-ASIDE), by UID: each
    # {"device", "at", "doc"} (the activity as that board had it)
    set_aside: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


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
    found: IcsImport | None = None  # where places and organisers sent along are kept

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.uid}: {message}")

    def fail(self, message: str) -> IcsError:
        return IcsError(f"event {self.uid!r}: {message}")

    def check(self, event: Event) -> None:
        """Broken properties: without a start the event cannot be placed (skipped); a broken
        end, length or repeat rule is left out with a warning, the rest is imported."""
        for name, error in event.errors:
            if name == "DTSTART" or name == "RECURRENCE-ID":
                raise self.fail(f"unreadable {name}: {error}")
            if name in ("DTEND", "DURATION"):
                self.warn(f"unreadable end ({name}: {error}): given the usual length")
                event.pop(name, None)
            elif name == "RRULE":
                self.warn(f"unreadable repeat rule (RRULE: {error}): only its first date is kept")
                event.pop(name, None)
            elif name in ("EXDATE", "RDATE"):
                self.warn(f"unreadable {name} ({error}): left out")
                event.pop(name, None)

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
            tzid = prop.params.get("TZID")
            if tzid:
                self.warn(f"unknown time zone {tzid!r}: its times are read in {self.zone.key}")
            return value.replace(tzinfo=self.zone), self.zone, False
        key = getattr(value.tzinfo, "key", None)
        if key is None and value.tzinfo is UTC:
            key = "UTC"
        if key:
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
        elif all_day:  # RFC 5545: a day
            end = wall_add(start, timedelta(days=1))
        else:  # RFC 5545: no length at all; the board needs one to show a time span
            self.warn("no end time (DTEND): shown as one hour")
            end = wall_add(start, timedelta(hours=1))
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
        rule = rules[0]
        if not isinstance(rule, vRecur):
            raise self.fail(f"bad repeat rule (RRULE) {str(rule)!r}")
        parts = []
        for name, values in rule.items():  # in the order written, so ours stay verbatim
            if name == "UNTIL":
                given = event["DTSTART"].dt
                zoned = isinstance(given, datetime) and given.tzinfo is not None
                values = [
                    self.until(v, zone, zoned, not isinstance(given, datetime)) for v in values
                ]
            parts.append(vRecur({name: values}).to_ical().decode())
        text = ";".join(parts)
        frequency = str(rule.get("FREQ", [""])[0]).upper()
        if frequency in ("SECONDLY", "MINUTELY", "HOURLY"):
            self.warn(
                f"repeats {frequency.lower()}: the board shows only a limited number of its "
                "occurrences in any window"
            )
        try:
            rrulestr(text, dtstart=start.astimezone(zone))
        except (ValueError, KeyError, TypeError) as exc:
            self.warn(
                f"unreadable repeat rule (RRULE {text!r}: {exc}): only its first date is kept"
            )
            return None
        return text

    def until(
        self, value: Any, zone: ZoneInfo, zoned_start: bool = False, all_day: bool = False
    ) -> datetime:
        """UNTIL in UTC, as dateutil needs with an aware start (a DATE includes its day).

        An all-day series whose UNTIL is the midnight that begins a day (Exchange writes the
        end of the last day so) ends the day before: that day is not in the series."""
        if isinstance(value, datetime) and all_day and value.tzinfo is not None:
            local = value.astimezone(zone)
            if local.time() == time(0):
                return (local - timedelta(seconds=1)).astimezone(UTC)
        if isinstance(value, datetime):
            if value.tzinfo is None:
                if zoned_start:  # RFC 5545 wants UTC here; readers differ: say which we chose
                    self.warn(f"the repeat rule's end (UNTIL) has no zone: read in {zone.key}")
                value = value.replace(tzinfo=zone)
            return value.astimezone(UTC)
        if isinstance(value, date):
            return datetime.combine(value, time(23, 59, 59), zone).astimezone(UTC)
        raise self.fail(f"bad UNTIL in RRULE: {value!r}")

    def dates(self, event: Event, name: str, zone: ZoneInfo, wall: time) -> list[datetime]:
        found = []
        for prop in _all(event, name):
            for value in getattr(prop, "dts", [prop]):
                moment = value.dt
                if isinstance(moment, tuple):  # a PERIOD (RDATE;VALUE=PERIOD): its start
                    moment = moment[0]
                    self.warn(f"{name} with a period: the series' length is used")
                found.append(self.instant(moment, zone, wall))
        return found


def _sequence(event: Event) -> int:
    try:
        return int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        return 0


def _stamp(event: Event) -> datetime | None:
    for name in ("LAST-MODIFIED", "DTSTAMP"):
        prop = event.get(name)
        try:
            value = getattr(prop, "dt", None)
        except Exception:  # noqa: BLE001 - a broken DTSTAMP is not worth the event
            continue
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return None


def _stable_uid(event: Event) -> str:
    """A UID for an event without one: a hash of what identifies it (start, title, place)."""
    parts = []
    for name in ("DTSTART", "SUMMARY", "LOCATION", "RRULE"):
        for prop in _all(event, name):  # a property repeated (seen in the wild) is a list
            to_ical = getattr(prop, "to_ical", None)
            parts.append(to_ical().decode("utf-8", "replace") if to_ical else str(prop))
        parts.append("")
    raw = "\n".join(parts)
    return f"{hashlib.sha256(raw.encode()).hexdigest()[:24]}@ics-import"


# any event may carry these (a board's edit of a foreign event adds them)
VERSION_PROPERTIES = (X + "CHANGED-ON", X + "CHANGE-COUNTER", X + "SET-ASIDE")


def _is_ours(event: Event) -> bool:
    """Written by a Mötesplats board: it has our model's X- properties. (The version alone
    does not count: a board's edit of a foreign event adds only that to the event.)"""
    return any(
        name.upper().startswith(X) and name.upper() not in VERSION_PROPERTIES for name in event
    )


def _version(event: Event, reader: _Reader) -> dict[str, Any]:
    """The record's version (device and counter), when the event carries one."""
    changed_on = _one_text(event, X + "CHANGED-ON")
    if not changed_on:
        return {}
    try:
        return {
            "changed_on": changed_on,
            "change_counter": int(_one_text(event, X + "CHANGE-COUNTER") or ""),
        }
    except ValueError:
        reader.warn("unreadable version (X-MOTESPLATS-CHANGE-COUNTER): left out")
        return {}


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
    # one code per X-MOTESPLATS-LANGUAGE; exports before 2026-12
    # wrote one comma list in X-MOTESPLATS-LANGUAGES
    # (none at all: none spoken)
    said = [_text_of(p) for p in _all(event, X + "LANGUAGE") + _all(event, X + "LANGUAGES")]
    codes = [code.strip() for value in said for code in value.split(",")]
    fields["languages"] = list(dict.fromkeys(code for code in codes if code))
    status = _one_text(event, X + "STATUS")
    if status in STATUSES:
        fields["status"] = status
    municipality = _one_text(event, X + "MUNICIPALITY")
    if municipality:
        fields["municipality"] = municipality.strip()[:80]
    source = _one_text(event, X + "SOURCE")
    if source:
        fields["source"] = source
    try:
        fields["cost_sek"] = int(_one_text(event, X + "COST-SEK") or 0)
    except ValueError:
        reader.warn("unreadable cost (X-MOTESPLATS-COST-SEK): set to 0")
    fields["childcare"] = (_one_text(event, X + "CHILDCARE") or "").upper() == "TRUE"
    _sent_along(event, reader, fields)
    signup = _one_text(event, X + "SIGNUP")
    if signup:
        try:
            fields["signup"] = SignupSettings.from_doc(json.loads(signup))
        except (ValueError, TypeError, AttributeError):
            reader.warn("unreadable signup settings (X-MOTESPLATS-SIGNUP): left out")
    return fields


def _sent_along(event: Event, reader: _Reader, fields: dict[str, Any]) -> None:
    """The place and organiser another board sent with the event, kept by the ids the
    event names (a text that does not read as one is left out with a warning)."""
    for prop, id_field, kind, into in (
        ("PLACE", "place_id", Place, "places"),
        ("ORGANISER", "organiser_id", Organiser, "organisers"),
    ):
        raw, wanted = _one_text(event, X + prop), fields.get(id_field)
        if not raw or not wanted or reader.found is None:
            continue
        try:
            doc = json.loads(raw)
            if not isinstance(doc, dict):
                raise ValueError("not an object")
            record = kind.from_doc({**_bounded_fields(doc), "id": wanted})
            if not isinstance(record.name, str) or not record.name.strip():
                raise ValueError("no name")
        except (ValueError, TypeError) as exc:
            reader.warn(f"unreadable X-MOTESPLATS-{prop} ({exc}): left out")
            continue
        getattr(reader.found, into)[wanted] = record


SET_ASIDE_MAX = 5  # versions set aside kept per event
SET_ASIDE_BYTES = 32_000  # one version set aside, as JSON


def _read_set_aside(event: Event, reader: _Reader, uid: str) -> None:
    """The versions boards set aside in conflicts over this event (bounded; one that does
    not read as an activity is left out with a warning)."""
    notes = []
    for prop in _all(event, X + "SET-ASIDE")[:SET_ASIDE_MAX]:
        raw = _text_of(prop)
        try:
            if len(raw) > SET_ASIDE_BYTES:
                raise ValueError("too long")
            note = json.loads(raw)
            doc = note["doc"]
            Activity.from_doc({**doc, "id": uid})  # it must read as an activity
            notes.append(
                {
                    "device": str(note["device"])[:40],
                    "at": str(note["at"])[:40],
                    "doc": {**doc, "id": uid},
                }
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            reader.warn(f"unreadable X-MOTESPLATS-SET-ASIDE ({exc}): left out")
    if notes and reader.found is not None:
        reader.found.set_aside[uid] = notes


SENT_TEXT_MAX = 500  # characters of one text of a place or organiser sent along
SENT_TEXTS_MAX = 12  # languages of one such text


def _bounded_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """A sent place's or organiser's fields with plain values only, texts cut to bounds."""
    kept: dict[str, Any] = {}
    for name, value in list(doc.items())[:40]:
        if isinstance(value, str):
            kept[name] = value[:SENT_TEXT_MAX]
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int | float) and name in ("lat", "lon"):
            if -180 <= value <= 180:
                kept[name] = float(value)
        elif isinstance(value, dict):
            kept[name] = {
                str(code)[:12]: text[:SENT_TEXT_MAX]
                for code, text in list(value.items())[:SENT_TEXTS_MAX]
                if isinstance(text, str)
            }
    return kept


def _read_override(
    event: Event, reader: _Reader, activity: Activity, ours: bool, master_location: str | None
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
    from_series = (
        {name.strip() for p in _all(event, X + "FROM-SERIES") for name in _text_of(p).split(",")}
        if ours
        else set()
    )
    end: datetime | None = None
    if event.get("DTEND") is not None or event.get("DURATION") is not None:
        end = reader.end(event, start, zone, not isinstance(prop.dt, datetime))
    status = _one_text(event, X + "STATUS") if ours else None
    if status not in STATUSES:
        cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
        status = "cancelled" if cancelled else "changed"
    # An occurrence's own texts, where they differ from the series' (central staff rename
    # one date: "Julfest" instead of "Språkcafé").
    title = _texts(event, ["SUMMARY", X + "TITLE"], ours)
    description = _texts(event, [X + "DESCRIPTION"] if ours else ["DESCRIPTION"], ours)
    location = (_one_text(event, "LOCATION") or "").strip()
    return recurrence_id(original), Override(
        start=None if "DTSTART" in from_series else start,
        end=None if "DTEND" in from_series else end,
        status=status,
        note=_texts(event, ["COMMENT"], ours),
        title=title if title and title != activity.title else {},
        description=description
        if description and description != activity.description and not ours
        else {},
        location=location if location != (master_location or "") else "",
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
    fields.update(_version(master, reader))
    _read_set_aside(master, reader, uid)
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
        rdates=sorted({recurrence_id(d) for d in reader.dates(master, "RDATE", zone, wall)}),
        audiences=_audiences(master, ours),
        version=max(1, _sequence(master)),
        **fields,
    )
    stamp = _stamp(master)
    if stamp is not None:
        activity.updated_at = stamp
    chosen: dict[str, tuple[int, Override]] = {}
    for event in overrides:
        key, override = _read_override(
            event, reader, activity, ours, (_one_text(master, "LOCATION") or "").strip()
        )
        if key in chosen and chosen[key][0] > _sequence(event):
            continue
        chosen[key] = (_sequence(event), override)
    if chosen and not activity.rrule:
        reader.warn("changed occurrences of an event that does not repeat: kept as they are")
    activity.overrides = {key: override for key, (_, override) in chosen.items()}
    if activity.rrule:
        rule = rrulestr(activity.rrule, dtstart=start.astimezone(zone))
        if _ends_before_it_begins(rule, start):
            raise reader.fail("its repeat rule ends (UNTIL) before the event begins")
        if not occurs_at(activity, start.astimezone(zone)):  # RFC 5545: DTSTART counts
            activity.rdates = sorted({*activity.rdates, recurrence_id(start)})
        planned = {recurrence_id(start), *activity.rdates}
        for key in activity.overrides:
            original = parse_recurrence_id(key).astimezone(zone)
            if key not in planned and not occurs_at(activity, original):
                reader.warn(f"a changed occurrence ({key}) is not one of the series' dates: added")
                activity.rdates = sorted({*activity.rdates, key})
    problems = activity.problems()
    if problems:
        raise reader.fail("; ".join(problems))
    return activity


_FOLD = re.compile(rb"\r?\n[ \t]")
_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _ends_before_it_begins(rule: Any, start: datetime) -> bool:
    until = getattr(rule, "_until", None)
    return until is not None and until < start


def _decode(data: bytes | str, warnings: list[str]) -> str:
    """The text of an iCalendar file.

    Folded lines are unfolded as bytes first (RFC 5545 3.1: a fold may split a UTF-8
    character, and readers must join it). UTF-8 is what RFC 5545 says; a stray invalid byte
    is replaced where it is (U+FFFD), with a warning, and never costs the rest of the text.
    Only a file with no UTF-8 multi-byte character at all and invalid bytes (an old
    Windows export) is read as cp1252."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    raw = _FOLD.sub(b"", data)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if not _MULTIBYTE.search(raw):
        warnings.append("the calendar is not in UTF-8: read as Windows-1252")
        return raw.decode("cp1252", errors="replace").lstrip("\ufeff")
    text = raw.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd")
    warnings.append(f"{bad} invalid byte(s) replaced by \ufffd where they were")
    return text


def _parse(text: str) -> list[Calendar]:
    try:
        return list(Calendar.from_ical(text, multiple=True))
    except Exception as exc:  # noqa: BLE001 - the parser meets hostile text: any failure
        # means "not readable" (seen: ValueError, KeyError, IndexError, TypeError, and an
        # AttributeError for an END:VTIMEZONE without its BEGIN, found by tests/test_fuzz.py)
        raise IcsError(f"not readable as iCalendar: {exc}") from exc


_BEGIN = re.compile(r"^BEGIN:([A-Z-]+)\s*$", re.IGNORECASE)
_END = re.compile(r"^END:([A-Z-]+)\s*$", re.IGNORECASE)
# What an event cannot do without; any other property that breaks the parser is dropped.
ESSENTIAL = frozenset(
    {
        "BEGIN",
        "END",
        "UID",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "RECURRENCE-ID",
        "SUMMARY",
    }
)


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """The calendar's top-level components as (name, lines); text outside them is dropped."""
    found: list[tuple[str, list[str]]] = []
    depth, name, current = 0, "", []
    for line in lines:
        begin, end = _BEGIN.match(line), _END.match(line)
        if begin and begin.group(1).upper() == "VCALENDAR" and depth == 0:
            continue
        if end and end.group(1).upper() == "VCALENDAR" and depth == 0:
            continue
        if begin:
            if depth == 0:
                name, current = begin.group(1).upper(), []
            depth += 1
        if depth > 0:
            current.append(line)
        if end and depth > 0:
            depth -= 1
            if depth == 0:
                found.append((name, current))
    return found


def _without_subcomponents(block: list[str]) -> list[str]:
    kept, depth = [], 0
    for line in block:
        if _BEGIN.match(line):
            depth += 1
            if depth > 1:
                continue
        if _END.match(line):
            depth -= 1
            if depth > 0:
                continue
        if depth <= 1:
            kept.append(line)
    return kept


def _one(header: list[str], block: list[str], zones: list[list[str]]) -> Calendar | None:
    text = "\r\n".join(
        ["BEGIN:VCALENDAR", *header, *[ln for z in zones for ln in z], *block, "END:VCALENDAR"]
    )
    try:
        found = [c for c in Calendar.from_ical(text, multiple=True) if isinstance(c, Calendar)]
    except Exception:  # noqa: BLE001 - see _parse
        return None
    return found[0] if found else None


def _salvage(text: str, warnings: list[str]) -> list[Calendar]:
    """Per-component isolation when the whole file does not parse: every VTIMEZONE and
    VEVENT is parsed on its own; a broken time zone is left out, a broken event is tried
    again without its alarms and then without the properties that are not essential; what
    still cannot be read is skipped with a warning. The rest of the calendar arrives."""
    lines = text.splitlines()
    header = [
        ln for ln in lines[:50] if ln.upper().startswith(("X-WR-TIMEZONE", "VERSION", "PRODID"))
    ][:3]
    blocks = _blocks(lines)
    zones = []
    for name, block in blocks:
        if name == "VTIMEZONE":
            if _one(header, block, [block]) is not None:
                zones.append(block)
            else:
                tzid = next((ln[5:] for ln in block if ln.upper().startswith("TZID")), "?")
                warnings.append(f"an unreadable time zone ({tzid.strip()}) was left out")
    calendar = Calendar()
    for ln in header:
        if ln.upper().startswith("X-WR-TIMEZONE:"):
            calendar.add("X-WR-TIMEZONE", ln.split(":", 1)[1])
    events = [block for name, block in blocks if name == "VEVENT"]
    for found in _parse_events(header, events, zones, warnings):
        for event in found.walk("VEVENT"):
            calendar.add_component(event)
    zone_calendar = _one(header, [], zones)  # the readable time zones, parsed once
    for zone in zone_calendar.walk("VTIMEZONE") if zone_calendar else []:
        calendar.add_component(zone)
    return [calendar]


def _parse_events(
    header: list[str], events: list[list[str]], zones: list[list[str]], warnings: list[str]
) -> list[Calendar]:
    """Parse events together where they can be, halving around the broken ones (a few
    broken events in thousands cost a few dozen parses, not thousands)."""
    if not events:
        return []
    together = _one(header, [ln for block in events for ln in block], zones)
    if together is not None:
        return [together]
    if len(events) > 1:
        half = len(events) // 2
        return _parse_events(header, events[:half], zones, warnings) + _parse_events(
            header, events[half:], zones, warnings
        )
    block = events[0]
    summary = next((ln.split(":", 1)[-1] for ln in block if ln.upper().startswith("SUMMARY")), "")
    label = summary.strip() or "an event"
    bare = _without_subcomponents(block)
    found = _one(header, bare, zones)
    if found is not None:
        warnings.append(f"{label}: an unreadable alarm (VALARM) was left out")
        return [found]
    essential = [ln for ln in bare if re.split(r"[;:]", ln, maxsplit=1)[0].upper() in ESSENTIAL]
    found = _one(header, essential, zones)
    if found is not None:
        warnings.append(f"{label}: unreadable properties were left out")
        return [found]
    warnings.append(f"{label}: this event cannot be read and was skipped")
    return []


def _calendars(text: str, warnings: list[str]) -> list[Calendar]:
    if not text.strip():
        raise IcsError("empty data: an iCalendar file starts with BEGIN:VCALENDAR")
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise IcsError("not iCalendar data: it does not start with BEGIN:VCALENDAR")
    try:
        found = _parse(text)
    except IcsError as whole:
        found = _salvage(text, warnings)
        if not any(c.walk("VEVENT") for c in found):
            raise whole
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
    result = IcsImport()
    text = _decode(data, result.warnings)
    starts = text.lstrip().upper().startswith("BEGIN:VCALENDAR")
    if starts and not text.rstrip().upper().endswith("END:VCALENDAR"):
        raise IcsError("the calendar is cut short: it does not end with END:VCALENDAR")
    calendars = _calendars(text, result.warnings)
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
    if len(groups) > MAX_EVENTS:
        result.warnings.append(
            f"the calendar has {len(groups)} events: only the first {MAX_EVENTS} were read"
        )
        groups = dict(list(groups.items())[:MAX_EVENTS])
    refused: list[str] = []
    for uid, (zone, events) in groups.items():
        masters = [e for e in events if e.get("RECURRENCE-ID") is None]
        overrides = [e for e in events if e.get("RECURRENCE-ID") is not None]
        if not masters:  # only changed occurrences: each is an event of its own
            reader = _Reader(uid, zone, result.warnings, result)
            reader.warn(
                f"{len(overrides)} changed occurrence(s) without the series they belong to: "
                "imported as single events"
            )
            for event in overrides:
                rid = str(event["RECURRENCE-ID"].to_ical().decode())
                event.pop("RECURRENCE-ID")
                single = uid if len(overrides) == 1 else f"{uid}/{rid}"
                try:
                    result.activities.append(
                        _read_group(
                            single, event, [], _Reader(single, zone, result.warnings, result)
                        )
                    )
                except IcsError as exc:
                    refused.append(str(exc))
                except (OverflowError, ValueError, TypeError, AttributeError) as exc:
                    refused.append(f"{single!r}: unreadable ({type(exc).__name__}: {exc})")
            continue
        reader = _Reader(uid, zone, result.warnings, result)
        if len(masters) > 1:
            reader.warn(f"{len(masters)} events share this UID: kept the highest SEQUENCE")
        master = max(masters, key=_sequence)
        try:
            result.activities.append(_read_group(uid, master, overrides, reader))
        except IcsError as exc:
            refused.append(str(exc))
        except (OverflowError, ValueError, TypeError, AttributeError) as exc:
            refused.append(f"{uid!r}: unreadable ({type(exc).__name__}: {exc})")
    for activity in result.activities:
        result.warnings += [f"{activity.id}: {what}" for what in bound(activity)]
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
