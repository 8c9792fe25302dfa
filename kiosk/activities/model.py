"""The data model, documented in one place: activity, place, organiser, site settings.

Owns the shape of every stored document and its conversion to and from plain JSON. Holds
no I/O: the store persists documents, `recurrence` expands series, views present them.

Time: instants are stored in UTC (`"2026-11-24T15:30:00Z"`) together with the IANA time
zone the activity was planned in (`tz`, default Europe/Stockholm). A series follows RFC 5545:
`rrule` is an RRULE value (`FREQ=WEEKLY;BYDAY=TU;UNTIL=20270601T000000Z`) applied to the
local wall-clock time of `start`, so a 16:30 session stays 16:30 across daylight-saving
changes. An occurrence is named by its *recurrence id*, the UTC instant it was originally
planned for (`20261124T153000Z`, iCalendar's RECURRENCE-ID). `exdates` removes occurrences
outright (EXDATE); `rdates` adds occurrences outside the rule (RDATE, same naming);
`overrides` changes single occurrences (moved, cancelled, with a note).
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from kiosk.activities import translation

# Who an activity is for. The order is the order shown on the board.
AUDIENCES: tuple[str, ...] = (
    "everyone",
    "women",
    "men",
    "youth",
    "children",
    "families",
    "asylum_seekers",
    "seniors",
)
STATUSES: tuple[str, ...] = ("scheduled", "cancelled", "changed")
DEFAULT_TZ = "Europe/Stockholm"
RECURRENCE_ID_FORMAT = "%Y%m%dT%H%M%SZ"

Texts = dict[str, str]  # language code -> text


def new_uid() -> str:
    """A stable, globally unique id that doubles as the iCalendar UID."""
    return f"{uuid.uuid4()}@motesplats"


def plain_digits(text: str) -> bool:
    """0-9 only: str.isdigit() also accepts "❶" and "²", which int() refuses."""
    return text.isascii() and text.isdigit()


DEVICE_PREFIX = "dev-"  # a device id (`sync.device`), as a record's version names it


def utc_iso(moment: datetime) -> str:
    """An aware datetime as a UTC ISO string with a Z."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: a time zone is required")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time without zone: {text!r}")
    return moment.astimezone(UTC)


def recurrence_id(original_start: datetime) -> str:
    """The name of an occurrence: its originally planned instant in UTC."""
    return original_start.astimezone(UTC).strftime(RECURRENCE_ID_FORMAT)


# Dates a person may ask for or type: the clock and the calendars reach them (year 1 or
# 9999 cannot be turned into UTC and back, or moved on by a week).
YEARS = (1900, 9000)


def parse_day(text: str) -> date:
    """An ISO date (YYYY-MM-DD) a person asked for, within YEARS; ValueError otherwise."""
    day = date.fromisoformat(text.strip())
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ValueError(f"{day} is outside the years {YEARS}")
    return day


def parse_recurrence_id(text: str) -> datetime:
    return datetime.strptime(text, RECURRENCE_ID_FORMAT).replace(tzinfo=UTC)


@dataclass(slots=True)
class SignupSettings:
    """Whether people sign up, how many places there are, and how (free text per language)."""

    required: bool = False
    capacity: int | None = None
    how: Texts = field(default_factory=dict)
    sms_confirm: bool = False  # a text message confirms each signup that gave a phone
    reminder_hours: int = 24  # a reminder this long before (the day before); 0 = none
    opens_days: int = 0  # signups open this many days before the start; 0 = always open
    closes_hours: int = 0  # and close this many hours before it; 0 = open until it ends
    course: bool = False  # one signup is for every date left of the series (a course)
    approval: bool = False  # each signup waits for an organiser's approval

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> SignupSettings:
        doc = doc or {}
        return cls(
            bool(doc.get("required")),
            doc.get("capacity"),
            dict(doc.get("how") or {}),
            bool(doc.get("sms_confirm")),
            int(doc.get("reminder_hours", 24)),
            int(doc.get("opens_days", 0)),
            int(doc.get("closes_hours", 0)),
            bool(doc.get("course")),
            bool(doc.get("approval")),
        )

    def window(self, start: datetime) -> tuple[datetime | None, datetime | None]:
        """When signups for a date starting at `start` open and close (None: no bound)."""
        opens = start - timedelta(days=self.opens_days) if self.opens_days else None
        closes = start - timedelta(hours=self.closes_hours) if self.closes_hours else None
        return opens, closes

    def open_at(self, start: datetime, now: datetime) -> bool:
        """Whether the window for a date starting at `start` takes signups at `now`."""
        opens, closes = self.window(start)
        return (opens is None or now >= opens) and (closes is None or now < closes)

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"required": self.required, "capacity": self.capacity}
        doc["how"] = self.how
        # Only when set otherwise, so documents written before these existed stay the same.
        if self.sms_confirm:
            doc["sms_confirm"] = True
        if self.reminder_hours != 24:
            doc["reminder_hours"] = self.reminder_hours
        if self.opens_days:
            doc["opens_days"] = self.opens_days
        if self.closes_hours:
            doc["closes_hours"] = self.closes_hours
        if self.course:
            doc["course"] = True
        if self.approval:
            doc["approval"] = True
        return doc


def whole_days(start: datetime, end: datetime, zone: ZoneInfo) -> int:
    """How many whole days run from `start` to `end` in `zone` when both are local midnights
    (an all-day activity or occurrence, as calendars write them); 0 otherwise."""
    start, end = start.astimezone(zone), end.astimezone(zone)
    if start.time() == end.time() == time(0) and end.date() > start.date():
        return (end.date() - start.date()).days
    return 0


@dataclass(slots=True)
class Override:
    """A change to one occurrence of a series: new times, a status, a note, and (as central
    calendars write them) its own title, description or place text for that one date."""

    start: datetime | None = None
    end: datetime | None = None
    status: str = "changed"
    note: Texts = field(default_factory=dict)
    title: Texts = field(default_factory=dict)
    description: Texts = field(default_factory=dict)
    location: str = ""

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Override:
        return cls(
            parse_utc(doc["start"]) if doc.get("start") else None,
            parse_utc(doc["end"]) if doc.get("end") else None,
            doc.get("status", "changed"),
            dict(doc.get("note") or {}),
            dict(doc.get("title") or {}),
            dict(doc.get("description") or {}),
            str(doc.get("location") or ""),
        )

    def to_doc(self) -> dict[str, Any]:
        return {
            "start": utc_iso(self.start) if self.start else None,
            "end": utc_iso(self.end) if self.end else None,
            "status": self.status,
            "note": self.note,
            # only when set: documents (and their sync hashes) stay as they were otherwise
            **({"title": self.title} if self.title else {}),
            **({"description": self.description} if self.description else {}),
            **({"location": self.location} if self.location else {}),
        }


@dataclass(slots=True)
class Activity:
    """Something that happens, once or as a series. Stored in the table `activities`."""

    id: str
    title: Texts
    start: datetime
    end: datetime
    tz: str = DEFAULT_TZ
    description: Texts = field(default_factory=dict)
    rrule: str | None = None
    exdates: list[str] = field(default_factory=list)
    rdates: list[str] = field(default_factory=list)
    overrides: dict[str, Override] = field(default_factory=dict)
    place_id: str | None = None
    organiser_id: str | None = None
    audiences: list[str] = field(default_factory=lambda: ["everyone"])
    languages: list[str] = field(default_factory=lambda: ["sv"])
    cost_sek: int = 0
    childcare: bool = False
    signup: SignupSettings = field(default_factory=SignupSettings)
    status: str = "scheduled"
    status_note: Texts = field(default_factory=dict)
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    version: int = 1
    source: str = "local"
    updated_by: str = ""  # display name of the volunteer who saved it last
    changed_on: str = ""  # the device that made the last change (see sync.device)
    change_counter: int = 0  # that device's counter at that change
    municipality: str = ""  # of the board it was made on (a region's boards show their own)
    # per translated text ("title/ar", "note@20261124T153000Z/ti"): a fingerprint of the
    # Swedish it was translated from, and whether a native speaker has not checked it yet
    # (see kiosk.activities.translation)
    translated_from: dict[str, str] = field(default_factory=dict)
    unreviewed: list[str] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def is_free(self) -> bool:
        return self.cost_sek == 0

    def outdated(self, key: str) -> frozenset[str]:
        """Languages whose translation of the text `key` (`title`, `description`,
        `status_note`, `note@<rid>`) was made from an older Swedish text."""
        if key.startswith(translation.NOTE_PREFIX):
            override = self.overrides.get(key[len(translation.NOTE_PREFIX) :])
            texts = override.note if override else {}
        else:
            texts = getattr(self, key, None) or {}
        return translation.outdated_in(key, texts, self.translated_from)

    def problems(self) -> list[str]:
        """What is wrong with this activity, as field: reason strings (empty when valid)."""
        found = []
        if not any(t.strip() for t in self.title.values()):
            found.append("title: a title is required in at least one language")
        if self.start.tzinfo is None or self.end.tzinfo is None:
            found.append("start: times need a time zone")
        elif self.end <= self.start:
            found.append("end: the end must be after the start")
        try:
            ZoneInfo(self.tz)
        except (ValueError, KeyError):
            found.append(f"tz: unknown time zone {self.tz!r}")
        if self.rrule:
            try:
                rrulestr(self.rrule, dtstart=self.start.astimezone(ZoneInfo(self.tz)))
            except (ValueError, KeyError, TypeError) as exc:
                found.append(f"rrule: {exc}")
        for key in [*self.exdates, *self.rdates, *self.overrides]:
            try:
                parse_recurrence_id(key)
            except ValueError:
                found.append(f"exdates: bad recurrence id {key!r}")
        found += [f"audiences: unknown {a!r}" for a in self.audiences if a not in AUDIENCES]
        if self.status not in STATUSES:
            found.append(f"status: unknown {self.status!r}")
        if self.cost_sek < 0:
            found.append("cost_sek: cannot be negative")
        if self.signup.capacity is not None and self.signup.capacity < 1:
            found.append("signup.capacity: must be 1 or more")
        return found

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Activity:
        return cls(
            id=doc["id"],
            title=dict(doc.get("title") or {}),
            description=dict(doc.get("description") or {}),
            start=parse_utc(doc["start"]),
            end=parse_utc(doc["end"]),
            tz=doc.get("tz", DEFAULT_TZ),
            rrule=doc.get("rrule") or None,
            exdates=list(doc.get("exdates") or []),
            rdates=list(doc.get("rdates") or []),
            overrides={k: Override.from_doc(v) for k, v in (doc.get("overrides") or {}).items()},
            place_id=doc.get("place_id"),
            organiser_id=doc.get("organiser_id"),
            audiences=list(doc.get("audiences") or ["everyone"]),
            languages=list(doc.get("languages") or []),
            cost_sek=int(doc.get("cost_sek") or 0),
            childcare=bool(doc.get("childcare")),
            signup=SignupSettings.from_doc(doc.get("signup")),
            status=doc.get("status", "scheduled"),
            status_note=dict(doc.get("status_note") or {}),
            updated_at=parse_utc(doc["updated_at"]) if doc.get("updated_at") else datetime.now(UTC),
            version=int(doc.get("version") or 1),
            source=doc.get("source", "local"),
            updated_by=doc.get("updated_by", ""),
            changed_on=doc.get("changed_on", ""),
            change_counter=int(doc.get("change_counter") or 0),
            municipality=str(doc.get("municipality") or ""),
            translated_from=dict(doc.get("translated_from") or {}),
            unreviewed=list(doc.get("unreviewed") or []),
        )

    def to_doc(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "start": utc_iso(self.start),
            "end": utc_iso(self.end),
            "tz": self.tz,
            "rrule": self.rrule,
            "exdates": self.exdates,
            "rdates": self.rdates,
            "overrides": {k: v.to_doc() for k, v in self.overrides.items()},
            "place_id": self.place_id,
            "organiser_id": self.organiser_id,
            "audiences": self.audiences,
            "languages": self.languages,
            "cost_sek": self.cost_sek,
            "childcare": self.childcare,
            "signup": self.signup.to_doc(),
            "status": self.status,
            "status_note": self.status_note,
            "updated_at": utc_iso(self.updated_at),
            "version": self.version,
            "source": self.source,
            "updated_by": self.updated_by,
            "changed_on": self.changed_on,
            "change_counter": self.change_counter,
            "municipality": self.municipality,
            # only when set: documents (and their sync hashes) stay as they were otherwise
            **({"translated_from": self.translated_from} if self.translated_from else {}),
            **({"unreviewed": self.unreviewed} if self.unreviewed else {}),
        }


class PlainRecord:
    """A flat record stored as-is; missing keys take the defaults, unknown keys are ignored."""

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> Any:
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: copy.deepcopy(v) for k, v in (doc or {}).items() if k in names})

    def to_doc(self) -> dict[str, Any]:
        return copy.deepcopy(self.__dict__)


# What kind of building or ground a place is; each has a pictogram and a translated name, so
# a reader of any language knows "Götene simhall" is the swimming hall.
PLACE_KINDS: tuple[str, ...] = (
    "library",
    "swimming_hall",
    "sports_ground",
    "church",
    "school",
    "village_hall",
    "municipal_office",
    "outdoors",
    "other",
)


@dataclass
class Place(PlainRecord):
    """Where things happen. Stored in the table `places`.

    `name` is the place's own (Swedish) name, as on the sign; `names` holds it per language,
    translated or transliterated ("مسبح غوتينه"); `how_to` says per language how to get there."""

    id: str
    name: str
    address: str = ""
    room: str = ""
    map_url: str = ""
    kind: str = "other"
    names: Texts = field(default_factory=dict)
    how_to: Texts = field(default_factory=dict)
    room_names: Texts = field(default_factory=dict)  # the room per language ("قاعة القراءة")
    map_image: str = ""  # an uploaded map picture (kiosk.volunteers.uploads), served by the board
    lat: float | None = None  # where it is, for a phone's map app (a geo: link)
    lon: float | None = None


@dataclass
class Organiser(PlainRecord):
    """An association or office that runs activities. Stored in the table `organisers`."""

    id: str
    name: str
    about: Texts = field(default_factory=dict)  # what it does, per language
    contact_name: str = ""
    phone: str = ""
    web: str = ""
    for_whom: Texts = field(default_factory=dict)  # who it is for, per language


@dataclass
class SiteSettings(PlainRecord):
    """The meeting place this board stands in. One document `site` in the table `settings`.

    `opening_hours` is a list of `[weekday, "HH:MM", "HH:MM"]`, weekday 0 = Monday.
    """

    name: str = "Mötesplats"
    municipality: str = ""
    opening_hours: list[list[Any]] = field(default_factory=list)
    id: str = "site"
    default_locale: str = ""  # empty: the DEFAULT_LOCALE setting
    logo: str = ""  # file name of the uploaded logo in the data folder's uploads/
    # What the board shows of a region's calendar (`in_scope`): everything, or its own
    # municipality's activities and those of the municipalities, places and organisers named.
    shows_region: bool = False
    also_municipalities: list[str] = field(default_factory=list)
    also_places: list[str] = field(default_factory=list)
    also_organisers: list[str] = field(default_factory=list)

    def in_scope(self, activity: Activity) -> bool:
        """Whether the board shows `activity`: all of the region, or (the default) those made
        in this municipality or with none named, and those the lists add."""
        if self.shows_region or not self.municipality or not activity.municipality:
            return True
        return (
            activity.municipality.casefold()
            in {m.casefold() for m in [self.municipality, *self.also_municipalities]}
            or activity.place_id in self.also_places
            or activity.organiser_id in self.also_organisers
        )

    @property
    def scope(self) -> tuple[object, ...]:
        """What `in_scope` depends on (a change means the board's activities change)."""
        return (
            self.shows_region,
            self.municipality.casefold(),
            tuple(m.casefold() for m in self.also_municipalities),
            tuple(self.also_places),
            tuple(self.also_organisers),
        )


# The longest texts an activity keeps, typed or imported (a feed once stored a title of
# 100,010 characters): the form's limits, and as many dated changes as a year can hold.
TITLE_MAX = 120
DESCRIPTION_MAX = 4000
NOTE_MAX = 300
LOCATION_MAX = 300
DATES_MAX = 1000  # EXDATEs, RDATEs and changed occurrences of one activity


def _cut_texts(texts: Texts, most: int) -> bool:
    cut = False
    for lang in list(texts)[:20]:
        if len(texts[lang]) > most:
            texts[lang] = texts[lang][: most - 1].rstrip() + "…"
            cut = True
    for lang in list(texts)[20:]:  # more languages than any calendar has
        del texts[lang]
        cut = True
    return cut


def bound(activity: Activity) -> list[str]:
    """Cut an activity from outside (an imported event) to what a typed one may hold;
    returns what was cut, for the import's warnings. Changes `activity` in place."""
    cut = []
    for name, texts, most in (
        ("title", activity.title, TITLE_MAX),
        ("description", activity.description, DESCRIPTION_MAX),
        ("status note", activity.status_note, NOTE_MAX),
    ):
        if _cut_texts(texts, most):
            cut.append(f"{name} shortened to {most} characters")
    for name in ("exdates", "rdates"):
        dates = getattr(activity, name)
        if len(dates) > DATES_MAX:
            setattr(activity, name, dates[:DATES_MAX])
            cut.append(f"only the first {DATES_MAX} {name} kept")
    if len(activity.overrides) > DATES_MAX:
        activity.overrides = dict(sorted(activity.overrides.items())[:DATES_MAX])
        cut.append(f"only the first {DATES_MAX} changed occurrences kept")
    long_texts = False
    for override in activity.overrides.values():
        long_texts |= _cut_texts(override.title, TITLE_MAX)
        long_texts |= _cut_texts(override.description, DESCRIPTION_MAX)
        long_texts |= _cut_texts(override.note, NOTE_MAX)
        if len(override.location) > LOCATION_MAX:
            override.location, long_texts = override.location[:LOCATION_MAX], True
    if long_texts:
        cut.append("texts of changed occurrences shortened")
    return cut
