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
VCALENDAR with the VTIMEZONEs they need.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, timedelta

from icalendar import Calendar, Event, vText, vUnknown

from kiosk.activities.model import (
    Activity,
    Organiser,
    Override,
    Place,
    Texts,
    parse_recurrence_id,
)
from kiosk.ical.common import PRODID, X, primary_language, wall_add


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


def _master(activity: Activity, place: Place | None, organiser: Organiser | None) -> Event:
    zone = activity.zone
    event = Event()
    _shared(event, activity, place, organiser)
    event.add("DTSTART", activity.start.astimezone(zone))
    event.add("DTEND", activity.end.astimezone(zone))
    if activity.rrule:
        event.add("RRULE", vUnknown(activity.rrule))  # verbatim, not re-ordered
    if activity.exdates:
        event.add("EXDATE", [parse_recurrence_id(key).astimezone(zone) for key in activity.exdates])
    for key in activity.rdates:  # one per line: some readers take only a list's first value
        event.add("RDATE", parse_recurrence_id(key).astimezone(zone))
    if activity.description:
        _add_texts(event, "DESCRIPTION", X + "DESCRIPTION", activity.description)
    event.add("STATUS", _ical_status(activity.status))
    event.add(X + "STATUS", activity.status)
    _add_texts(event, None, X + "STATUS-NOTE", activity.status_note)
    if activity.place_id is not None:
        _add_text(event, X + "PLACE-ID", activity.place_id)
    if activity.organiser_id is not None:
        _add_text(event, X + "ORGANISER-ID", activity.organiser_id)
    event.add(X + "LANGUAGES", vUnknown(",".join(activity.languages)))  # codes: a TEXT list
    event.add(X + "COST-SEK", str(activity.cost_sek))
    event.add(X + "CHILDCARE", "TRUE" if activity.childcare else "FALSE")
    _add_text(event, X + "SIGNUP", json.dumps(activity.signup.to_doc(), ensure_ascii=False))
    _add_text(event, X + "SOURCE", activity.source)
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
    event.add("RECURRENCE-ID", planned)
    event.add("DTSTART", start)
    event.add("DTEND", end)
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
    if from_series:
        event.add(X + "FROM-SERIES", ",".join(from_series))
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


def calendar_bytes(
    activities: Iterable[Activity],
    places: Mapping[str, Place],
    organisers: Mapping[str, Organiser],
    name: str,
) -> bytes:
    """A whole VCALENDAR (PRODID, VERSION, calendar name, VTIMEZONEs) with every activity."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.calendar_name = name  # NAME and X-WR-CALNAME
    earliest: date | None = None
    for activity in activities:
        first = activity.start.astimezone(activity.zone).date()
        earliest = first if earliest is None else min(earliest, first)
        for event in activity_to_events(
            activity,
            places.get(activity.place_id or ""),
            organisers.get(activity.organiser_id or ""),
        ):
            calendar.add_component(event)
    if earliest is not None:  # VTIMEZONE rules from a year before the first event on
        calendar.add_missing_timezones(first_date=date(earliest.year - 1, 1, 1))
    return calendar.to_ical()
