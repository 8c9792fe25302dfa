"""Local changes on their way to a two-way calendar, in order, surviving power cuts.

Owns the table `outbox`. An entry is the iCalendar text of one activity as it was when the
volunteer saved it (or a deletion), for one source, numbered in saving order. The store's
journal is fsynced before a save is answered, so an entry is never lost once the volunteer
saw "Sparat". Entries are sent strictly in order; an entry leaves the outbox only after the
server confirmed it (`done`). While the server cannot be reached, `failed` schedules the next
try with exponential backoff and jitter (capped), and later entries wait behind it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kiosk.activities.model import PlainRecord, parse_utc, utc_iso
from kiosk.store import Store

TABLE = "outbox"
FIRST_RETRY = 5.0  # seconds
MAX_RETRY = 15 * 60.0
LONGEST_WAIT = timedelta(seconds=MAX_RETRY * 1.25)  # the longest backoff, with its jitter


def still_waiting(retry_at: str | None, now: datetime) -> bool:
    """Whether a backoff that ends at `retry_at` is still running. A wait longer than any
    backoff means the clock went backwards (a PC whose clock was fixed, a dead CMOS
    battery): then it is over, rather than a day of silence."""
    if not retry_at:
        return False
    left = parse_utc(retry_at) - now
    return timedelta(0) < left <= LONGEST_WAIT


@dataclass
class Entry(PlainRecord):
    id: str  # zero-padded sequence: sorting by id is sending order
    seq: int
    source_id: str
    uid: str
    op: str  # "put" or "delete"
    body: str = ""  # the iCalendar text for "put"
    queued_at: str = ""
    attempts: int = 0
    next_try: str = ""
    last_error: str = ""
    held: bool = False  # waiting for an admin to settle a conflict on this uid


class Outbox:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    def add(self, source_id: str, uid: str, op: str, body: str = "") -> Entry:
        with self.store.lock():
            meta = self.store.get("settings", "outbox") or {"id": "outbox", "seq": 0}
            seq = int(meta["seq"]) + 1
            entry = Entry(f"{seq:012d}", seq, source_id, uid, op, body, utc_iso(self.clock()))
            self.store.put("settings", {"id": "outbox", "seq": seq})
            self.store.put(TABLE, entry.to_doc())
        return entry

    def pending(self, source_id: str | None = None) -> list[Entry]:
        entries = [Entry.from_doc(d) for d in self.store.all(TABLE)]
        entries.sort(key=lambda e: e.seq)
        return [e for e in entries if source_id is None or e.source_id == source_id]

    def count(self) -> int:
        return self.store.count(TABLE)

    def due(self, entry: Entry) -> bool:
        return not entry.held and not still_waiting(entry.next_try, self.clock())

    def done(self, entry: Entry) -> None:
        self.store.delete(TABLE, entry.id)

    def failed(self, entry: Entry, error: str) -> None:
        """Try again later: 5 s, 10 s, 20 s … up to 15 min, each ±25 % so devices spread out."""
        delay = min(FIRST_RETRY * 2**entry.attempts, MAX_RETRY) * random.uniform(0.75, 1.25)
        self._update(
            entry,
            attempts=entry.attempts + 1,
            next_try=utc_iso(self.clock() + timedelta(seconds=delay)),
            last_error=error[:300],
        )

    def hold(self, uid: str, held: bool = True) -> None:
        for entry in self.pending():
            if entry.uid == uid and entry.held != held:
                self._update(entry, held=held)

    def drop(self, uid: str) -> None:
        for entry in self.pending():
            if entry.uid == uid:
                self.store.delete(TABLE, entry.id)

    def retry_now(self) -> None:
        for entry in self.pending():
            if entry.next_try:
                self._update(entry, next_try="")

    def _update(self, entry: Entry, **changes: Any) -> None:
        with self.store.lock():
            if self.store.get(TABLE, entry.id) is None:
                return
            doc = {**entry.to_doc(), **changes}
            self.store.put(TABLE, doc)
