"""What goes into the iCalendar feeds, and building them at the cost of what changed.

Owns the feeds' window and their per-activity parts (no Flask). A feed holds the
activities that may occur from `PAST_DAYS` before today to `AHEAD_DAYS` after it (a series
whole, with its rule, so calendar apps expand it on their own), ordered by start. Each
activity's VEVENTs are made once per version of the activity, its place and its organiser
(`EventParts`, by identity of the parsed objects the catalogue keeps across writes), so
after one edit a feed of 20,000 activities is put together from 19,999 kept parts and one
new one. The whole feed is then kept as bytes per catalogue version by the caller
(`kiosk.web.built_bytes`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kiosk.activities.model import Activity, Organiser, Place
from kiosk.activities.recurrence import may_occur_between
from kiosk.ical.write import EventsPart, assemble_calendar, events_part
from kiosk.web.built_bytes import Abandoned

PAST_DAYS = 31
AHEAD_DAYS = 366
CHECK_EVERY = 200  # activities made between two looks whether the client has gone


def window(today: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants a feed covers: `PAST_DAYS` before today to `AHEAD_DAYS` after it (in
    UTC, which the stored activities use: comparing with the zone's asks the zone each time)."""
    start = datetime.combine(today - timedelta(days=PAST_DAYS), time(), zone)
    end = datetime.combine(today + timedelta(days=AHEAD_DAYS), time(), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def in_feed(activities: Iterable[Activity], today: date, zone: ZoneInfo) -> list[Activity]:
    """The activities a feed made `today` holds, by start then id."""
    start, end = window(today, zone)
    chosen = [a for a in activities if may_occur_between(a, start, end)]
    chosen.sort(key=lambda a: (a.start, a.id))
    return chosen


class EventParts:
    """Each activity's VEVENTs as bytes, kept while the activity, its place and its
    organiser are the very same objects (thread-safe; at most one part per activity)."""

    def __init__(self) -> None:
        self._parts: dict[str, tuple[Activity, Place | None, Organiser | None, EventsPart]] = {}
        self._lock = threading.Lock()
        self.made = 0  # parts made so far (tests and benchmarks read it)

    def part(
        self, activity: Activity, place: Place | None, organiser: Organiser | None
    ) -> EventsPart:
        kept = self._parts.get(activity.id)
        if kept is not None and kept[0] is activity and kept[1] == place and kept[2] == organiser:
            return kept[3]
        made = events_part(activity, place, organiser)
        with self._lock:
            self._parts[activity.id] = (activity, place, organiser, made)
            self.made += 1
        return made

    def forget_missing(self, present: Mapping[str, Activity]) -> None:
        """Drop the parts of activities no longer stored."""
        with self._lock:
            for key in [k for k in self._parts if k not in present]:
                del self._parts[key]


def feed_bytes(
    parts: EventParts,
    activities: list[Activity],
    places: Mapping[str, Place],
    organisers: Mapping[str, Organiser],
    name: str,
    today: date,
    gone: Callable[[], bool],
) -> bytes:
    """The VCALENDAR of `activities` (see `kiosk.ical.write.assemble_calendar`); raises
    `Abandoned` when `gone()` says nobody waits for it any more (the parts made so far are
    kept for the next request)."""
    made = []
    for n, activity in enumerate(activities):
        if n % CHECK_EVERY == CHECK_EVERY - 1 and gone():
            raise Abandoned
        made.append(
            parts.part(
                activity,
                places.get(activity.place_id or ""),
                organisers.get(activity.organiser_id or ""),
            )
        )
    return assemble_calendar(name, made, today)
