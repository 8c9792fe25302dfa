"""What the organiser counts at the door of one occurrence: people who came without signing
up, and — only if people chose to say — how many women, men and others came.

Owns the table `door_counts` (one document per occurrence, id `<activity id>/<rid>`). Only
numbers, never a person: nothing here is personal data, so nothing is purged. Every field
is optional; none is ever required.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from kiosk.activities.model import plain_digits
from kiosk.store import Store

TABLE = "door_counts"
FIELDS = ("walk_in_adults", "walk_in_children", "women", "men", "other")
MOST = 9999


@dataclass(frozen=True)
class DoorCount:
    walk_in_adults: int = 0
    walk_in_children: int = 0
    women: int | None = None  # None: not recorded (not the same as 0)
    men: int | None = None
    other: int | None = None  # another gender, or did not want to say

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> DoorCount:
        if not doc:
            return cls()
        return cls(**{name: doc.get(name, getattr(cls(), name)) for name in FIELDS})


class DoorCountError(ValueError):
    """A count that is not a whole number from 0 to MOST; `field` names which."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def parse(form: dict[str, str]) -> DoorCount:
    """Counts from a form: empty walk-ins are 0, empty gender counts are 'not recorded'."""
    values: dict[str, int | None] = {}
    for name in FIELDS:
        text = (form.get(name) or "").strip()
        if not text:
            values[name] = 0 if name.startswith("walk_in") else None
        elif plain_digits(text) and int(text) <= MOST:
            values[name] = int(text)
        else:
            raise DoorCountError(name)
    return DoorCount(**values)  # type: ignore[arg-type]


class DoorCounts:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, activity_id: str, rid: str) -> DoorCount:
        return DoorCount.from_doc(self.store.get(TABLE, f"{activity_id}/{rid}"))

    def set(self, activity_id: str, rid: str, count: DoorCount) -> None:
        self.set_many([(activity_id, rid, count)])

    def set_many(self, counts: Iterable[tuple[str, str, DoorCount]]) -> None:
        """Several counts in one write (the demo's past dates at first start)."""
        docs = [
            {"id": f"{activity_id}/{rid}", "activity_id": activity_id, "rid": rid, **asdict(count)}
            for activity_id, rid, count in counts
        ]
        if docs:
            self.store.put_many(TABLE, docs)

    def recurrence_ids(self, activity_id: str) -> set[str]:
        return {d["rid"] for d in self.store.all(TABLE) if d["activity_id"] == activity_id}

    def move(self, activity_id: str, moves: dict[str, str]) -> None:
        """Follow a series that moved (see `kiosk.activities.recurrence.moved_keys`)."""
        with self.store.lock():
            moving = [
                d
                for d in self.store.all(TABLE)
                if d["activity_id"] == activity_id and d["rid"] in moves
            ]
            for doc in moving:  # all out first: a new name may be another's old one
                self.store.delete(TABLE, doc["id"])
            self.store.put_many(
                TABLE,
                [
                    {**d, "id": f"{activity_id}/{moves[d['rid']]}", "rid": moves[d["rid"]]}
                    for d in moving
                ],
            )

    def all(self) -> list[dict[str, Any]]:
        return self.store.all(TABLE)
