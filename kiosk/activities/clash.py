"""Clash warnings: activities that would overlap the one being saved.

Owns the rule, from Örebro's calendar that associations valued for exactly this: before a
volunteer saves, show other activities whose occurrences overlap in time with this one's,
either at the same place, or aimed at the same particular audience (women, children, …;
"everyone" alone is no clash) anywhere on the board, since the same people cannot be at
both. Looks `HORIZON` ahead from now; cancelled occurrences clash with nothing. A warning,
never a refusal: the volunteer can still save.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.activities.model import Activity
from kiosk.activities.recurrence import Occurrence, expand
from kiosk.board.agenda import Snapshot

HORIZON = timedelta(weeks=26)


@dataclass(frozen=True)
class Clash:
    other: Activity
    reason: str  # "place" or "audience"
    first: Occurrence  # the other's first overlapping occurrence
    mine: Occurrence  # the occurrence of the saved activity it overlaps
    count: int  # how many of the other's occurrences overlap


def _live(occurrences: list[Occurrence]) -> list[Occurrence]:
    return [o for o in occurrences if o.status != "cancelled"]


def find(snap: Snapshot, candidate: Activity, now: datetime) -> list[Clash]:
    """Clashes of `candidate` with every other activity, earliest first."""
    if candidate.status == "cancelled":
        return []
    window_end = now + HORIZON
    mine = _live(expand(candidate, now, window_end))
    if not mine:
        return []
    special = set(candidate.audiences) - {"everyone"}
    clashes: list[Clash] = []
    for other in snap.activities.values():
        if other.id == candidate.id or other.status == "cancelled":
            continue
        same_place = candidate.place_id is not None and other.place_id == candidate.place_id
        same_audience = bool(special & set(other.audiences))
        if not (same_place or same_audience):
            continue
        pairs = [
            (theirs, own)
            for theirs in _live(expand(other, now, window_end))
            for own in mine
            if theirs.start < own.end and own.start < theirs.end
        ]
        if pairs:
            first_theirs, first_mine = min(pairs, key=lambda p: p[0].start)
            clashes.append(
                Clash(
                    other,
                    "place" if same_place else "audience",
                    first_theirs,
                    first_mine,
                    len({p[0].recurrence_id for p in pairs}),
                )
            )
    return sorted(clashes, key=lambda c: c.first.start)
