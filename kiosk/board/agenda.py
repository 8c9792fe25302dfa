"""What is on, when: the board's days and cards, computed from the store without HTTP.

Owns turning stored documents into model objects (re-parsed only when the store's version
changes) and into the board's view: today and the following days, each with its
occurrences, filtered by audience or place. Views and the API call this; tests call it
directly with a fixed clock.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk import collector
from kiosk.activities.model import (
    YEARS,
    Activity,
    Organiser,
    Place,
    SiteSettings,
    parse_recurrence_id,
)
from kiosk.activities.recurrence import Occurrence, expand, next_days
from kiosk.board.occurrence_index import OccurrenceIndex
from kiosk.languages import LANGUAGES
from kiosk.signups.book import Counts
from kiosk.store import Store

CATALOGUE_TABLES = ("activities", "places", "organisers", "settings")


class Activities(dict[str, Activity]):
    """Parsed activities by id at one `version` of the `activities` table (read-only)."""

    def __init__(self, items: Mapping[str, Activity], version: int, spoken: Counter[str]) -> None:
        super().__init__(items)
        self.version = version
        self.spoken = spoken  # how many activities speak each language
        self.found: dict[tuple[str, str], Occurrence | None] = {}  # by `find_occurrence`


@dataclass(frozen=True)
class Snapshot:
    """Parsed documents at one version of the catalogue tables (shared, read-only)."""

    version: tuple[int, ...]
    activities: Activities
    places: dict[str, Place]
    organisers: dict[str, Organiser]
    site: SiteSettings
    index: OccurrenceIndex  # shared by every snapshot of one catalogue


class Catalogue:
    """Parsed view of the store, rebuilt only after a write, and only the tables written.

    Holds the activities this board shows (`SiteSettings.in_scope`: of a region's
    calendar, its own municipality's by default); the store holds them all."""

    def __init__(self, store: Store, zone: ZoneInfo | None = None) -> None:
        self.store = store
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._zone = zone or ZoneInfo("Europe/Stockholm")
        self._scope: tuple[object, ...] = ()  # what the activities held were chosen by
        self.index = self._new_index()

    def _new_index(self) -> OccurrenceIndex:
        return OccurrenceIndex(
            self._zone, lambda since: self.store.changed_since("activities", since)
        )

    @staticmethod
    def _activity(doc: dict, before: Mapping[str, Activity]) -> Activity:
        """`doc` parsed; the very same object as before when it parses to an equal value
        (the occurrence index and the feeds read identity as "not changed")."""
        parsed = Activity.from_doc(doc)
        known = before.get(doc["id"])
        return known if known is not None and known == parsed else parsed

    def _activities(self, current: Snapshot | None, version: int, site: SiteSettings) -> Activities:
        """The parsed activities at table version `version` (called under the store's
        lock). After a write the store names the ids it changed, so only those are read
        and parsed; the rest are the very same objects as before. Otherwise (first read, a
        restore, a bulk import) every document is read and parsed, and those equal to the
        ones before keep their objects."""
        before = current.activities if current is not None else None
        changed = (
            self.store.changed_since("activities", before.version) if before is not None else None
        )
        if before is not None and changed is not None:
            items = dict(before)
            spoken = Counter(before.spoken)
            for doc_id in changed:
                old = items.pop(doc_id, None)
                if old is not None:
                    spoken.subtract(old.languages)
                doc = self.store.get("activities", doc_id)
                if doc is not None:
                    activity = self._activity(doc, before)
                    if site.in_scope(activity):
                        items[doc_id] = activity
                        spoken.update(activity.languages)
            return Activities(items, version, +spoken)
        with collector.paused():
            docs = self.store.all("activities")
            acts = [self._activity(d, before or {}) for d in docs]
            acts = [a for a in acts if site.in_scope(a)]
        spoken = Counter(code for a in acts for code in a.languages)
        return Activities({a.id: a for a in acts}, version, spoken)

    def _version(self) -> tuple[int, ...]:
        return tuple(self.store.table_version(t) for t in CATALOGUE_TABLES)

    def snapshot(self) -> Snapshot:
        """The parsed catalogue; rebuilt only when one of its tables changed (not on signups),
        re-reading only the tables that changed."""
        current = self._snapshot
        if current is not None and current.version == self._version():
            return current
        with self._lock:
            current = self._snapshot
            with self.store.lock():
                version = self._version()
                if current is not None and current.version == version:
                    return current
                same = [
                    current is not None and current.version[i] == version[i]
                    for i in range(len(CATALOGUE_TABLES))
                ]
                if current is not None and same[3]:
                    site = current.site
                else:
                    site = SiteSettings.from_doc(self.store.get("settings", "site"))
                if current is not None and site.scope != self._scope:
                    # the board shows other activities of the region now: all anew
                    current = None
                    self.index = self._new_index()
                self._scope = site.scope
                if current is not None and same[0]:
                    activities = current.activities
                else:
                    activities = self._activities(current, version[0], site)
                if current is not None and same[1]:
                    places = current.places
                else:
                    places = {
                        p.id: p for p in (Place.from_doc(d) for d in self.store.all("places"))
                    }
                if current is not None and same[2]:
                    organisers = current.organisers
                else:
                    organisers = {
                        o.id: o
                        for o in (Organiser.from_doc(d) for d in self.store.all("organisers"))
                    }
            self._snapshot = Snapshot(version, activities, places, organisers, site, self.index)
            return self._snapshot


@dataclass(frozen=True)
class Card:
    occurrence: Occurrence
    place: Place | None
    organiser: Organiser | None
    counts: Counts | None = None  # places taken, for occurrences that take signups


CountsFor = Callable[[Occurrence], "Counts | None"]


def find_occurrence(snap: Snapshot, activity_id: str, rid: str) -> Occurrence | None:
    """One occurrence by its recurrence id, wherever an override may have moved it.

    Remembered for this version of the activities (a signup form, its post and the private
    page after it ask for the same one), at most FOUND_KEPT of them."""
    activity = snap.activities.get(activity_id)
    if activity is None:
        return None
    found = snap.activities.found
    key = (activity_id, rid)
    if key in found:
        return found[key]
    occurrence = _find(activity, rid)
    if len(found) >= FOUND_KEPT:
        found.clear()
    found[key] = occurrence
    return occurrence


FOUND_KEPT = 4096


def _find(activity: Activity, rid: str) -> Occurrence | None:
    try:
        planned = parse_recurrence_id(rid)
    except ValueError:
        return None
    if not YEARS[0] <= planned.year <= YEARS[1]:
        return None  # year 1 or 9999 from a typed address: no occurrence, no overflow
    override = activity.overrides.get(rid)
    around = override.start if override and override.start else planned
    day = timedelta(days=1)
    return next(
        (occ for occ in expand(activity, around - day, around + day) if occ.recurrence_id == rid),
        None,
    )


@dataclass(frozen=True)
class Day:
    date: date
    offset: int  # 0 = today, 1 = tomorrow, ...
    cards: list[Card]
    hidden: int = 0  # this day's occurrences beyond the page's card limit (not shown)


@dataclass(frozen=True)
class BoardFilter:
    """What the viewer narrowed the board to. Empty = everything."""

    audience: str | None = None  # activities for everyone always match
    speaks: str | None = None  # a language spoken at the activity
    free_only: bool = False
    childcare_only: bool = False
    place_id: str | None = None

    @property
    def active(self) -> bool:
        return self != BoardFilter()

    def matches(self, activity: Activity) -> bool:
        return (
            (
                self.audience is None
                or self.audience in activity.audiences
                or "everyone" in activity.audiences
            )
            and (self.speaks is None or self.speaks in activity.languages)
            and (not self.free_only or activity.is_free)
            and (not self.childcare_only or activity.childcare)
            and (self.place_id is None or activity.place_id == self.place_id)
        )


def spoken_languages(snap: Snapshot) -> list[str]:
    """Languages spoken at some activity, the UI languages first in their bar order
    (counted as activities change, so this costs nothing per page)."""
    found = set(snap.activities.spoken)
    ordered = [lang.code for lang in LANGUAGES if lang.code in found]
    return ordered + sorted(found - set(ordered))


def occurrences_between(
    snap: Snapshot, start: datetime, end: datetime, chosen: BoardFilter = BoardFilter()
) -> list[Occurrence]:
    """Occurrences overlapping [start, end) of the activities `chosen` matches, sorted by
    start then title; from the occurrence index, so only changed activities are expanded."""
    found = snap.index.between(snap.activities, start, end)
    if not chosen.active:
        return found
    return [o for o in found if chosen.matches(o.activity)]


def fair_shares(counts: list[int], limit: int) -> list[int]:
    """How many of each day's `counts` to show within `limit`: every day gets an equal share,
    a day that needs less leaves the rest to the others, and what does not divide goes to
    the earliest days (today first). So a busy today never leaves the later days empty."""
    shares = [0] * len(counts)
    left = limit
    wanting = [i for i, count in enumerate(counts) if count > 0]
    while left > 0 and wanting:
        each, extra = divmod(left, len(wanting))
        for rank, i in enumerate(wanting):
            give = min(counts[i] - shares[i], each + (1 if rank < extra else 0))
            shares[i] += give
            left -= give
        wanting = [i for i in wanting if shares[i] < counts[i]]
    return shares


def board_days(
    snap: Snapshot,
    now: datetime,
    zone: ZoneInfo,
    days: int = 7,
    chosen: BoardFilter = BoardFilter(),
    counts_for: CountsFor | None = None,
    limit: int | None = None,
) -> list[Day]:
    """Today and the next `days - 1` days, each with its occurrences (empty days kept).

    With `limit`, only `limit` occurrences become cards, shared fairly between the days
    (`fair_shares`: each day its first ones, today first); each day says how many of its
    own are left out (`Day.hidden`), so a page never calls a day empty that is not."""
    local_now = now.astimezone(zone)
    start, end = next_days(local_now, days)
    today = local_now.date()
    dates = [today + timedelta(days=i) for i in range(days)]
    by_day: dict[date, list[Occurrence]] = {d: [] for d in dates}
    for occ in occurrences_between(snap, start, end, chosen):
        by_day.setdefault(occ.start.date(), []).append(occ)
    counts = [len(by_day[d]) for d in dates]
    shares = counts if limit is None else fair_shares(counts, limit)

    def card(occ: Occurrence) -> Card:
        return Card(
            occ,
            snap.places.get(occ.activity.place_id or ""),
            snap.organisers.get(occ.activity.organiser_id or ""),
            counts_for(occ) if counts_for and occ.activity.signup.required else None,
        )

    return [
        Day(d, i, [card(o) for o in by_day[d][: shares[i]]], counts[i] - shares[i])
        for i, d in enumerate(dates)
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
