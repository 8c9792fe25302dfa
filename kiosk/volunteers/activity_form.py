"""The activity form: from an Activity to form values, and from posted values back.

Owns turning the volunteer's few fields (date, start and end time in the municipality's
zone, or "all day" with a first and last day, "every week / every other week until …",
texts per language side by side with the Swedish, pick lists with "new…") into a model
`Activity`, and every problem found, as a translated message per field. A series rule the
form cannot express (made elsewhere, e.g. synced from the central calendar) is shown as
"custom" and kept as it is. An all-day activity (a central calendar's DATE event) is stored
as local midnight to the midnight after its last day; the form shows it as "all day" and
saves it back the same way.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from kiosk.activities.model import (
    AUDIENCES,
    DESCRIPTION_MAX,
    TITLE_MAX,
    Activity,
    SignupSettings,
    new_uid,
    parse_day,
    plain_digits,
    whole_days,
)
from kiosk.languages import LANGUAGES, SPOKEN_NAMES

NEW = "__new__"
REPEATS = ("none", "weekly", "biweekly", "custom")
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
MAX_TITLE = TITLE_MAX
MAX_DESCRIPTION = DESCRIPTION_MAX


@dataclass
class NewRecord:
    """A place or organisation typed into the form's "new…" fields."""

    name: str
    address: str = ""
    room: str = ""


@dataclass
class Parsed:
    activity: Activity
    problems: dict[str, str] = field(default_factory=dict)
    new_place: NewRecord | None = None
    new_organiser: NewRecord | None = None
    expected_version: int | None = None


REMINDER_CHOICES = ("0", "2", "24", "48")  # hours before: none, 2 h, the day before, two days
MOST_WINDOW_DAYS = 365


def repeat_of(rule: str | None) -> tuple[str, date | None]:
    """("none"|"weekly"|"biweekly"|"custom", until) for a stored RRULE."""
    if not rule:
        return "none", None
    parts = dict(p.split("=", 1) for p in rule.upper().split(";") if "=" in p)
    if parts.get("FREQ") != "WEEKLY" or set(parts) - {"FREQ", "INTERVAL", "UNTIL", "BYDAY", "WKST"}:
        return "custom", None
    if "," in parts.get("BYDAY", ""):
        return "custom", None
    interval = parts.get("INTERVAL", "1")
    kind = {"1": "weekly", "2": "biweekly"}.get(interval, "custom")
    until = None
    if "UNTIL" in parts:
        try:
            until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        except ValueError:
            return "custom", None
    return kind, until


def values_of(activity: Activity, zone: ZoneInfo) -> dict[str, Any]:
    """The form's fields for an existing activity."""
    start = activity.start.astimezone(zone)
    end = activity.end.astimezone(zone)
    repeat, until = repeat_of(activity.rrule)
    days = whole_days(activity.start, activity.end, zone) or None
    values: dict[str, Any] = {
        "date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "all_day": days is not None,
        "last_day": (start.date() + timedelta(days=days - 1)).isoformat() if days else "",
        "repeat": repeat,
        "until": until.isoformat() if until else "",
        "place_id": activity.place_id or "",
        "organiser_id": activity.organiser_id or "",
        "audiences": list(activity.audiences),
        "languages": list(activity.languages),
        "cost_sek": str(activity.cost_sek),
        "childcare": activity.childcare,
        "signup_required": activity.signup.required,
        "capacity": str(activity.signup.capacity or ""),
        "sms_confirm": activity.signup.sms_confirm,
        "reminder_hours": str(activity.signup.reminder_hours),
        "opens_days": str(activity.signup.opens_days or ""),
        "closes_hours": str(activity.signup.closes_hours or ""),
        "signup_for": "course" if activity.signup.course else "date",
        "approval": activity.signup.approval,
        "status": activity.status,
        "status_note": activity.status_note.get("sv", ""),
        "status_notes": activity.status_note,
        "version": str(activity.version),
    }
    for lang in LANGUAGES:
        values[f"title_{lang.code}"] = activity.title.get(lang.code, "")
        values[f"description_{lang.code}"] = activity.description.get(lang.code, "")
    return values


def blank_values(today: date) -> dict[str, Any]:
    """A new activity's form: next week's same weekday, 18:00–20:00, one time only."""
    values = values_of(
        Activity(
            id="",
            title={},
            start=datetime.combine(today, time(18, 0), ZoneInfo("UTC")),
            end=datetime.combine(today, time(20, 0), ZoneInfo("UTC")),
        ),
        ZoneInfo("UTC"),
    )
    values.update(version="", audiences=["everyone"], languages=["sv"])
    values["until"] = (today + timedelta(weeks=12)).isoformat()
    return values


def _text(form: MultiDict, name: str, limit: int) -> str:
    return form.get(name, "").replace("\r\n", "\n").strip()[:limit]


def notes_from(form: MultiDict, name: str) -> dict[str, str]:
    """A board message per language: `name` is the Swedish one, `name_<code>` the others
    (empty ones left out)."""
    notes = {"sv": _text(form, name, 300)}
    for lang in LANGUAGES:
        if lang.code != "sv":
            notes[lang.code] = _text(form, f"{name}_{lang.code}", 300)
    return {code: text for code, text in notes.items() if text}


def _parse_time(text: str) -> time | None:
    found = TIME.match(text.strip())
    return time(int(found.group(1)), int(found.group(2))) if found else None


def _parse_date(text: str) -> date | None:
    """An ISO date in years the clock and the calendars can reach (year 1 or 9999 cannot
    be turned into UTC and back), else None."""
    try:
        return parse_day(text)
    except ValueError:
        return None


def parse(
    form: MultiDict,
    zone: ZoneInfo,
    existing: Activity | None,
    place_ids: set[str],
    organiser_ids: set[str],
) -> Parsed:
    """The activity the form describes (based on `existing` when editing) and its problems."""
    activity = (
        copy.deepcopy(existing)
        if existing
        else Activity(id=new_uid(), title={}, start=datetime.now(zone), end=datetime.now(zone))
    )
    problems: dict[str, str] = {}
    result = Parsed(activity, problems)

    version = form.get("version", "").strip()
    if existing is not None:
        result.expected_version = int(version) if plain_digits(version) else -1

    activity.title = {}
    activity.description = {}
    for lang in LANGUAGES:
        title = _text(form, f"title_{lang.code}", MAX_TITLE)
        text = _text(form, f"description_{lang.code}", MAX_DESCRIPTION)
        if title:
            activity.title[lang.code] = title
        if text:
            activity.description[lang.code] = text
    if not activity.title.get("sv"):
        problems["title_sv"] = _("Skriv en titel på svenska.")

    day = _parse_date(form.get("date", ""))
    if day is None:
        problems["date"] = _("Välj ett datum.")
    if form.get("all_day") == "yes":  # midnight to the midnight after the last day
        last_text = form.get("last_day", "").strip()
        last = _parse_date(last_text) if last_text else day
        if last is None:
            problems["last_day"] = _("Välj ett datum.")
        elif day and last < day:
            problems["last_day"] = _("Sista dagen kan inte vara före första dagen.")
        elif day and last > day + timedelta(days=366):
            problems["last_day"] = _("En aktivitet kan vara högst ett år.")
        elif day:
            activity.start = datetime.combine(day, time(0), zone)
            activity.end = datetime.combine(last + timedelta(days=1), time(0), zone)
            activity.tz = zone.key
    else:
        starts = _parse_time(form.get("start_time", ""))
        ends = _parse_time(form.get("end_time", ""))
        if starts is None:
            problems["start_time"] = _("Skriv en tid som 18:00.")
        if ends is None:
            problems["end_time"] = _("Skriv en tid som 20:00.")
        if day and starts and ends:
            if ends <= starts:
                problems["end_time"] = _("Slutet måste vara efter starten.")
            else:
                activity.start = datetime.combine(day, starts, zone)
                activity.end = datetime.combine(day, ends, zone)
                activity.tz = zone.key

    repeat = form.get("repeat", "none")
    if repeat not in REPEATS or (repeat == "custom" and not (existing and existing.rrule)):
        repeat = "none"
    if repeat == "none":
        activity.rrule = None
    elif repeat in ("weekly", "biweekly"):
        until = _parse_date(form.get("until", ""))
        if until is None:
            problems["until"] = _("Välj sista datum för serien.")
        elif day and until < day:
            problems["until"] = _("Sista datum måste vara efter första.")
        elif day and until > day + timedelta(days=3 * 366):
            problems["until"] = _("En serie kan vara högst tre år.")
        else:
            last = datetime.combine(until, time(23, 59, 59), zone).astimezone(ZoneInfo("UTC"))
            interval = ";INTERVAL=2" if repeat == "biweekly" else ""
            activity.rrule = f"FREQ=WEEKLY{interval};UNTIL={last:%Y%m%dT%H%M%SZ}"

    place = form.get("place_id", "")
    if place == NEW:
        name = _text(form, "new_place_name", 100)
        if not name:
            problems["new_place_name"] = _("Skriv platsens namn.")
        result.new_place = NewRecord(
            name, _text(form, "new_place_address", 200), _text(form, "new_place_room", 100)
        )
        activity.place_id = None
    elif place and place not in place_ids:
        problems["place_id"] = _("Välj en plats i listan.")
    else:
        activity.place_id = place or None

    organiser = form.get("organiser_id", "")
    if organiser == NEW:
        name = _text(form, "new_organiser_name", 100)
        if not name:
            problems["new_organiser_name"] = _("Skriv föreningens namn.")
        result.new_organiser = NewRecord(name)
        activity.organiser_id = None
    elif organiser and organiser not in organiser_ids:
        problems["organiser_id"] = _("Välj en förening i listan.")
    else:
        activity.organiser_id = organiser or None

    audiences = [a for a in form.getlist("audiences") if a in AUDIENCES]
    activity.audiences = audiences or ["everyone"]
    activity.languages = [code for code in form.getlist("languages") if code in SPOKEN_NAMES]

    cost = form.get("cost_sek", "0").strip() or "0"
    if not plain_digits(cost) or int(cost) > 100_000:
        problems["cost_sek"] = _("Skriv kostnaden i hela kronor, 0 om det är gratis.")
    else:
        activity.cost_sek = int(cost)
    activity.childcare = form.get("childcare") == "yes"

    capacity_text = form.get("capacity", "").strip()
    capacity = None
    if capacity_text:
        if not plain_digits(capacity_text) or not 1 <= int(capacity_text) <= 10_000:
            problems["capacity"] = _("Antal platser är ett tal från 1, eller tomt.")
        else:
            capacity = int(capacity_text)
    reminder = form.get("reminder_hours", str(activity.signup.reminder_hours)).strip()
    window = {}
    for name, most in (("opens_days", MOST_WINDOW_DAYS), ("closes_hours", MOST_WINDOW_DAYS * 24)):
        text = form.get(name, "").strip()
        if text and (not plain_digits(text) or int(text) > most):
            problems[name] = _("Skriv ett helt antal, eller lämna tomt.")
        window[name] = int(text) if text and plain_digits(text) and int(text) <= most else 0
    activity.signup = SignupSettings(
        form.get("signup_required") == "yes",
        capacity,
        activity.signup.how,
        sms_confirm=form.get("sms_confirm") == "yes",
        reminder_hours=int(reminder) if reminder in REMINDER_CHOICES else 24,
        opens_days=window["opens_days"],
        closes_hours=window["closes_hours"],
        course=form.get("signup_for") == "course",
        approval=form.get("approval") == "yes",
    )

    status = form.get("status", "scheduled")
    activity.status = status if status in ("scheduled", "cancelled") else "scheduled"
    activity.status_note = notes_from(form, "status_note")
    return result
