"""The calendars this board syncs with, as an admin configured them, and their status.

Owns the table `sync_sources`. A source is a CalDAV collection (`caldav`, two-way if
`two_way`) or a plain ICS URL (`ics`, always read-only): its `kind`, one of `sync.KINDS`,
whose class decides what it can do. Its `state` holds what the next
request needs (ETag, Last-Modified, sync token) and what the admin sync page shows (last
attempt, last success, last error, how many events it gave). Credentials are stored as
given: CalDAV servers need them in clear (keep the data folder private; it is mode 0700).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from kiosk.activities.model import PlainRecord
from kiosk.store import Store
from sync import KINDS, kind_class

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
