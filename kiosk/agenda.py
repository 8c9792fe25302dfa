"""What is on, when: the board's days and cards, computed from the store without HTTP.

Owns turning stored documents into model objects (re-parsed only when the store's version
changes) and into the board's view: today and the following days, each with its
occurrences, filtered by audience or place. Views and the API call this; tests call it
directly with a fixed clock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.model import Activity, Organiser, Place, SiteSettings
from kiosk.recurrence import Occurrence, expand, expand_all, next_days
from kiosk.store import Store


@dataclass(frozen=True)
class Snapshot:
    """Parsed documents at one store version (shared, read-only)."""

    version: int
    activities: dict[str, Activity]
    places: dict[str, Place]
    organisers: dict[str, Organiser]
    site: SiteSettings


class Catalogue:
    """Parsed view of the store, rebuilt only after a write."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        current = self._snapshot
        if current is not None and current.version == self.store.version:
            return current
        with self._lock:
            with self.store.lock():
                version = self.store.version
                acts = [Activity.from_doc(d) for d in self.store.all("activities")]
                places = [Place.from_doc(d) for d in self.store.all("places")]
                orgs = [Organiser.from_doc(d) for d in self.store.all("organisers")]
                site = SiteSettings.from_doc(self.store.get("settings", "site"))
            self._snapshot = Snapshot(
                version,
                {a.id: a for a in acts},
                {p.id: p for p in places},
                {o.id: o for o in orgs},
                site,
            )
            return self._snapshot


@dataclass(frozen=True)
class Card:
    occurrence: Occurrence
    place: Place | None
    organiser: Organiser | None


@dataclass(frozen=True)
class Day:
    date: date
    offset: int  # 0 = today, 1 = tomorrow, ...
    cards: list[Card]


def occurrences_between(
    snap: Snapshot,
    start: datetime,
    end: datetime,
    audience: str | None = None,
    place_id: str | None = None,
) -> list[Occurrence]:
    chosen = [
        a
        for a in snap.activities.values()
        if (audience is None or audience in a.audiences or "everyone" in a.audiences)
        and (place_id is None or a.place_id == place_id)
    ]
    return expand_all(chosen, start, end)


def board_days(
    snap: Snapshot,
    now: datetime,
    zone: ZoneInfo,
    days: int = 7,
    audience: str | None = None,
    place_id: str | None = None,
) -> list[Day]:
    """Today and the next `days - 1` days, each with its occurrences (empty days kept)."""
    local_now = now.astimezone(zone)
    start, end = next_days(local_now, days)
    by_day: dict[date, list[Card]] = {}
    for occ in occurrences_between(snap, start, end, audience, place_id):
        by_day.setdefault(occ.start.date(), []).append(
            Card(
                occ,
                snap.places.get(occ.activity.place_id or ""),
                snap.organisers.get(occ.activity.organiser_id or ""),
            )
        )
    today = local_now.date()
    return [
        Day(today + timedelta(days=i), i, by_day.get(today + timedelta(days=i), []))
        for i in range(days)
    ]


def upcoming_of(activity: Activity, now: datetime, days: int = 60) -> list[Occurrence]:
    """The next occurrences of one activity (for its detail page)."""
    local_now = now.astimezone(activity.zone)
    return expand(activity, local_now, local_now + timedelta(days=days))


def opening_hours_today(site: SiteSettings, today: date) -> tuple[str, str] | None:
    for weekday, opens, closes in site.opening_hours:
        if weekday == today.weekday():
            return opens, closes
    return None
