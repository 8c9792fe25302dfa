"""Occurrences indexed by time: each activity expanded once per change, kept per week.

Owns the expansion cache behind `agenda.occurrences_between`. Time is cut into blocks of
`BLOCK_DAYS` local days; a block holds, for one catalogue snapshot, the occurrences of every
activity that touch it (sorted by start). When the snapshot changes, a block is carried over
to the new one: only the activities whose parsed object changed (the catalogue re-parses
only documents that changed, so identity tells) are expanded again, and the rest is
reused. A signup or a door count does not change the snapshot at all, so it expands
nothing. A window asks the blocks it spans and filters them; a window wider than
`MAX_BLOCKS` blocks is expanded directly (the API's year, rare and bounded by its caller).

The cost of a board render follows what it shows: the occurrences of its week, never the
number of stored activities (measured in `bench.scale`). With the store's change log a
write costs the activities it changed, not a pass over every stored one..
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kiosk.activities.model import Activity
from kiosk.activities.recurrence import Occurrence, expand, expand_all, may_occur_between

BLOCK_DAYS = 7
MAX_BLOCKS = 6  # wider windows are expanded directly
KEPT_BLOCKS = 12  # blocks kept (LRU): this week, the next, the digest's, a few API windows


def sort_key(occurrence: Occurrence) -> tuple[datetime, list[str]]:
    """The board's order: start, then title (as `expand_all` sorts)."""
    return occurrence.start, sorted(occurrence.activity.title.values())


@dataclass
class _Block:
    """The occurrences touching [start, end) for the activities of one snapshot."""

    start: datetime
    end: datetime
    activities: Mapping[str, Activity]  # what it was built from (identity = unchanged)
    by_activity: dict[str, list[Occurrence]]  # only activities with occurrences here
    ordered: list[Occurrence]


class OccurrenceIndex:
    """Per-block expansions, carried from snapshot to snapshot (thread-safe)."""

    def __init__(
        self, zone: ZoneInfo, changed_since: Callable[[int], set[str] | None] | None = None
    ) -> None:
        """`zone`: whose local midnights cut the blocks (any zone is correct; the
        municipality's makes a board week span at most two blocks). `changed_since(v)`:
        the ids of activities changed since table version `v` (or None: not known), so a
        block is carried over at the cost of what changed; activities mappings that carry
        a `version` use it, others are compared object by object."""
        self._zone = zone
        self._changed_since = changed_since
        self._blocks: OrderedDict[date, _Block] = OrderedDict()
        self._lock = threading.Lock()
        self.expanded = 0  # activities expanded so far (tests and benchmarks read it)

    def between(
        self, activities: Mapping[str, Activity], start: datetime, end: datetime
    ) -> list[Occurrence]:
        """Occurrences of `activities` overlapping [start, end), sorted by start then title."""
        zone = self._zone
        first = self._block_day(start.astimezone(zone).date())
        days = []
        day = first
        while self._midnight(day, zone) < end:
            days.append(day)
            day += timedelta(days=BLOCK_DAYS)
        if len(days) > MAX_BLOCKS:
            self.expanded += len(activities)
            return expand_all(list(activities.values()), start, end)
        seen: set[str] = set()
        found: list[Occurrence] = []
        for day in days:
            for occ in self._block(activities, day, zone).ordered:
                if occ.start < end and occ.end > start and occ.key not in seen:
                    seen.add(occ.key)
                    found.append(occ)
        if len(days) > 1:
            found.sort(key=sort_key)
        return found

    @staticmethod
    def _block_day(day: date) -> date:
        return day - timedelta(days=day.toordinal() % BLOCK_DAYS)

    @staticmethod
    def _midnight(day: date, zone: ZoneInfo) -> datetime:
        return datetime.combine(day, time(), zone)

    def _block(self, activities: Mapping[str, Activity], day: date, zone: ZoneInfo) -> _Block:
        with self._lock:
            block = self._blocks.get(day)
            if block is not None and block.activities is activities:
                self._blocks.move_to_end(day)
                return block
            start = self._midnight(day, zone)
            end = self._midnight(day + timedelta(days=BLOCK_DAYS), zone)
            block = self._build(activities, start, end, block)
            self._blocks[day] = block
            self._blocks.move_to_end(day)
            while len(self._blocks) > KEPT_BLOCKS:
                self._blocks.popitem(last=False)
            return block

    def _ids_changed(self, old: Mapping[str, Activity]) -> set[str] | None:
        version = getattr(old, "version", None)
        if self._changed_since is None or version is None:
            return None
        return self._changed_since(version)

    def _build(
        self,
        activities: Mapping[str, Activity],
        start: datetime,
        end: datetime,
        before: _Block | None,
    ) -> _Block:
        """The block for `activities`, reusing `before` for every activity it built from
        the very same parsed object."""
        if before is None or before.start != start:
            # A first build skips, without expanding them, the activities that cannot occur
            # here (most of a municipality's archive and plans: single events elsewhere).
            # (In UTC: comparing with the zone's datetimes asks the zone each time.)
            low, high = start.astimezone(UTC), end.astimezone(UTC)
            changed = [a for a in activities.values() if may_occur_between(a, low, high)]
            by_activity: dict[str, list[Occurrence]] = {}
        else:
            old = before.activities
            ids = self._ids_changed(old)
            if ids is None:  # not told: compare every activity with the one before
                ids = {key for key, a in activities.items() if old.get(key) is not a}
                ids.update(key for key in before.by_activity if key not in activities)
            by_activity = dict(before.by_activity)
            changed = []
            for key in ids:
                now = activities.get(key)
                if now is old.get(key):
                    continue
                by_activity.pop(key, None)
                if now is not None:
                    changed.append(now)
        for activity in changed:
            occurrences = expand(activity, start, end)
            if occurrences:
                by_activity[activity.id] = occurrences
        self.expanded += len(changed)
        ordered = [o for occurrences in by_activity.values() for o in occurrences]
        ordered.sort(key=sort_key)
        return _Block(start, end, activities, by_activity, ordered)
