"""Counts at the door for the demo week's past dates, so that the report on a fresh install
shows what it will show (`/admin/reports` is otherwise a year of empty months).

Owns nothing stored: it computes `DoorCount`s for the demo's occurrences of the last four
weeks (the same numbers for the same date, from a hash of its name), and the app writes
them through `DoorCounts` when it loads the demo into an empty store. About one date in
five has no count, as in life, so "held" and "with attendance recorded" differ.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from kiosk.activities.model import Activity
from kiosk.activities.recurrence import expand
from kiosk.municipality.door_counts import DoorCount

WEEKS = 4


def _numbers(name: str, count: int) -> list[int]:
    digest = hashlib.sha256(name.encode()).digest()
    return list(digest[:count])


def demo_door_counts(
    activities: Iterable[Activity], now: datetime
) -> list[tuple[str, str, DoorCount]]:
    """(activity id, rid, count) for each demo date that has begun in the last WEEKS weeks."""
    counts = []
    for activity in activities:
        if not activity.id.startswith("demo-"):
            continue
        for occ in expand(activity, now - timedelta(weeks=WEEKS), now):
            if occ.status == "cancelled" or occ.start >= now:
                continue
            a, c, split = _numbers(f"{activity.id}/{occ.recurrence_id}", 3)
            if split % 5 == 0:  # about one date in five nobody counted: held, not recorded
                continue
            adults, children = 3 + a % 10, c % 6
            if "women" in activity.audiences:
                women, men, other = adults, 0, 0
            elif split % 2:  # the organiser asked at the door on about half the dates
                women = adults // 2 + split % 3
                women = min(women, adults)
                other = 1 if adults - women > 2 else 0
                men = adults - women - other
            else:
                women = men = other = None
            counts.append(
                (activity.id, occ.recurrence_id, DoorCount(adults, children, women, men, other))
            )
    return counts
