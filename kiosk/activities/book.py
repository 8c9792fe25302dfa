"""The one owner of the table `activities`: every write of an activity goes through here.

A volunteer's edit (`kiosk.volunteers.editing`), a change imported from a central calendar
(`sync.engine`) and the demo week (`kiosk.activities.demo`) all write through
`ActivityBook`, which stamps each written document with its next version, who wrote it and
on which device (Morango's idea: a change carries its origin and a counter), and writes the
audit line with the document before and after. Imported changes are audited as coming from
the calendar they came from (`calendar:<source>`), the demo week as `demo`. Every write
keeps the translation marks (`kiosk.activities.translation.track`): which Swedish each
translation was made from. Callers hold the
store's lock around a read-check-write (`store.lock()`); the book never decides whether a
write is allowed - that is the editor's and the sync rules' job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol

from kiosk.activities import translation
from kiosk.activities.model import DEVICE_PREFIX, utc_iso
from kiosk.store import Store

TABLE = "activities"
Doc = dict[str, Any]


class AuditSink(Protocol):
    """What the book needs of an audit log (`kiosk.volunteers.audit.AuditLog` is one)."""

    def record(
        self, who: str, action: str, kind: str, target: str, before: Doc | None, after: Doc | None
    ) -> None: ...

    def record_many(
        self, entries: list[tuple[str, str, str, str, Doc | None, Doc | None]]
    ) -> None: ...


def capacity_of(store: Store, activity_id: str) -> int | None:
    """How many people an activity takes (None: no limit, or no such activity)."""
    doc = store.get(TABLE, activity_id) or {}
    capacity = (doc.get("signup") or {}).get("capacity")
    return int(capacity) if capacity is not None else None


def calendar_actor(origin: str) -> str:
    """Who an imported change is audited as: the calendar it came from."""
    return f"calendar:{origin.removeprefix('sync:')}"


class ActivityBook:
    def __init__(
        self,
        store: Store,
        audit: AuditSink,
        clock: Callable[[], datetime],
        *,
        stamp: Callable[[Doc], Doc] = lambda doc: doc,
    ) -> None:
        """`stamp(doc)` marks a change made here with this device and its next counter."""
        self.store = store
        self.audit = audit
        self.clock = clock
        self.stamp = stamp
        self._batch = threading.local()
        # Told after every save, from this board or a calendar: (before, after). Listeners
        # run inside the caller's store lock, so what they write is durable with the save.
        self.after_save: list[Callable[[Doc | None, Doc], None]] = []

    # ---- reading ----
    def get(self, activity_id: str) -> Doc | None:
        return self.store.get(TABLE, activity_id)

    def capacity(self, activity_id: str) -> int | None:
        return capacity_of(self.store, activity_id)

    def all(self) -> list[Doc]:
        return self.store.all(TABLE)

    # ---- writing ----
    def save(
        self,
        doc: Doc,
        before: Doc | None,
        *,
        actor: str,
        actor_name: str,
        origin: str | None = None,
    ) -> Doc:
        """Write `doc` as the version after `before` (None: a new activity); return it stamped.

        `origin` None: a change made on this board (now, by `actor_name`, on this device).
        Else the source it was imported from: it keeps its own times, and carries the
        source as the device that changed it."""
        version = int(before.get("version", 0)) + 1 if before else 1
        if origin is not None and before is not None:
            # a calendar does not carry this board's translation marks: keep ours
            doc = {
                "translated_from": before.get("translated_from") or {},
                "unreviewed": before.get("unreviewed") or [],
                **doc,
            }
        doc = translation.track(before, doc, by_a_reader=origin is None)
        if origin is None:
            written = self.stamp(
                {
                    **doc,
                    "version": version,
                    "updated_at": utc_iso(self.clock()),
                    "updated_by": actor_name,
                }
            )
        else:
            # the record's version as the calendar carried it (the device that made the
            # change and its counter); a calendar that does not carry one is the device
            travelled = str(doc.get("changed_on") or "").startswith(DEVICE_PREFIX)
            written = {
                **doc,
                "version": version,
                "updated_by": actor_name,
                "changed_on": doc["changed_on"] if travelled else origin,
                "change_counter": int(doc.get("change_counter") or 0) if travelled else version,
            }
        self.store.put(TABLE, written)
        self._audit(actor, "changed" if before else "created", written["id"], before, written)
        for listener in self.after_save:
            listener(before, written)
        return written

    def settle(self, chosen: Doc, current: Doc | None, *, actor: str) -> Doc:
        """Make a conflict's chosen version the current one (its stamps are kept)."""
        version = int((current or chosen).get("version", 0)) + 1
        written = {**chosen, "version": version}
        self.store.put(TABLE, written)
        self._audit(actor, "settled", written["id"], current, written)
        return written

    def delete(self, activity_id: str, before: Doc, *, actor: str) -> None:
        self.store.delete(TABLE, activity_id)
        self._audit(actor, "deleted", activity_id, before, None)

    def load_many(self, docs: list[Doc], *, actor: str) -> None:
        """Write many new or refreshed activities at once (the demo week): one journal write.
        Seed data, not a change made on this device: no device stamp."""
        now = utc_iso(self.clock())
        stamped = []
        for doc in docs:
            before = self.get(doc["id"])
            version = int(before.get("version", 0)) + 1 if before else 1
            tracked = translation.track(before, doc, by_a_reader=False)
            stamped.append({**tracked, "version": version, "updated_at": now})
        self.store.put_many(TABLE, stamped)
        self.audit.record_many(
            [(actor, "loaded", TABLE, d["id"], None, d) for d in stamped] if stamped else []
        )

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Audit lines of the writes inside go to the log together (one fsync for a pull)."""
        if getattr(self._batch, "entries", None) is not None:
            yield  # nested: the outer batch writes them
            return
        self._batch.entries = []
        try:
            yield
        finally:
            entries, self._batch.entries = self._batch.entries, None
            if entries:
                self.audit.record_many(entries)

    def _audit(
        self, actor: str, action: str, target: str, before: Doc | None, after: Doc | None
    ) -> None:
        entries = getattr(self._batch, "entries", None)
        if entries is not None:
            entries.append((actor, action, TABLE, target, before, after))
        else:
            self.audit.record(actor, action, TABLE, target, before, after)
