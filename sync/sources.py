"""The calendars this board syncs with, as an admin configured them, and their status.

Owns the table `sync_sources`. A source is a CalDAV collection (`caldav`, two-way if
`two_way`) or a plain ICS URL (`ics`, always read-only): its `kind`, one of `sync.KINDS`,
whose class decides what it can do. Its `state` holds what the next
request needs (ETag, Last-Modified, sync token) and what the admin sync page shows (last
attempt, last success, last error with its code, what the last pull skipped or adapted;
`next_try` says when the background loop tries it next). Credentials are stored as given:
CalDAV servers need them in clear (keep the data folder private; it is mode 0700).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kiosk.activities.model import PlainRecord, parse_utc
from kiosk.store import Store
from sync import KINDS, kind_class
from sync.outbox import still_waiting

TABLE = "sync_sources"


@dataclass
class Source(PlainRecord):
    id: str
    name: str
    kind: str
    url: str
    two_way: bool = False
    username: str = ""
    password: str = ""
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def writable(self) -> bool:
        return self.kind in KINDS and kind_class(self.kind).writable(self.two_way)

    @property
    def origin(self) -> str:
        """What imported activities carry in `source`."""
        return f"sync:{self.id}"


class SourceBook:
    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[Source]:
        return sorted((Source.from_doc(d) for d in self.store.all(TABLE)), key=lambda s: s.name)

    def get(self, source_id: str) -> Source | None:
        doc = self.store.get(TABLE, source_id)
        return Source.from_doc(doc) if doc else None

    def for_origin(self, origin: str) -> Source | None:
        return self.get(origin.removeprefix("sync:")) if origin.startswith("sync:") else None

    def add(
        self,
        name: str,
        kind: str,
        url: str,
        two_way: bool = False,
        username: str = "",
        password: str = "",
    ) -> Source:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        if not url.startswith(("http://", "https://", "webcal://")):
            raise ValueError("the address must start with http://, https:// or webcal://")
        source = Source(
            f"src-{secrets.token_hex(4)}",
            name.strip()[:80] or url,
            kind,
            url.strip(),
            kind_class(kind).writable(two_way),
            username,
            password,
        )
        self.store.put(TABLE, source.to_doc())
        return source

    def update_state(self, source_id: str, **changes: Any) -> None:
        with self.store.lock():
            source = self.get(source_id)
            if source is None:
                return
            source.state = {**source.state, **changes}
            self.store.put(TABLE, source.to_doc())

    def remove(self, source_id: str) -> None:
        self.store.delete(TABLE, source_id)

    def push_target(self) -> Source | None:
        """The two-way source that receives this board's own activities (the first one)."""
        return next((s for s in self.all() if s.writable), None)


def next_try(
    state: dict[str, Any], now: datetime, interval: float, wake_in: float | None = None
) -> datetime:
    """When the background loop (`SyncEngine.cycle`) will next try a source in `state`.

    The loop runs a cycle `interval` seconds (SYNC_INTERVAL_SECONDS) after the last one, or
    sooner when an outbox entry's retry falls due: `wake_in` is then the seconds from `now`
    until it (what `SyncEngine.next_wait` gives when shorter than the interval). A source
    backing off after a failure (`retry_at`: 5 s … 15 min with jitter) is left out of the
    cycles before its retry time. Never before `now`: a source never tried yet, or a cycle
    that is due, is tried now. (A local edit or "Synka nu" wakes the loop at once.)"""
    last_text = state.get("last_attempt")
    if not last_text:
        return now
    try:
        last = parse_utc(last_text)
    except (TypeError, ValueError):
        return now
    step = timedelta(seconds=max(1.0, float(interval)))
    retry_text = state.get("retry_at")
    retry = parse_utc(retry_text) if still_waiting(retry_text, now) else None
    turn = last + step
    if retry is not None:
        while turn < retry:  # the cycles before the retry time pass this source by
            turn += step
    if wake_in is not None and wake_in < step.total_seconds():
        woken = now + timedelta(seconds=max(0.0, wake_in))
        if woken < turn and (retry is None or woken >= retry):
            turn = woken
    return max(turn, now)
