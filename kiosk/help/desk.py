"""Help requests: a person asks for help with an errand; staff call back and mark it handled.

Owns the table `help_requests` and its rules, with no HTTP. Personal data is minimal (a
first name, a language, a phone, the errand in a few words), never on the public board, and
erased `retention` after the request was closed; the request itself (when, which language,
handled or not) stays so the staff can count them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.activities.model import PlainRecord, parse_utc, utc_iso
from kiosk.store import Store

TABLE = "help_requests"
ERRANDS = ("letter", "call", "form", "bank", "other")  # the quick choices on the form


@dataclass
class HelpRequest(PlainRecord):
    id: str
    created_at: str
    errand: str = "other"
    first_name: str | None = None
    language: str = "sv"
    phone: str | None = None
    message: str | None = None
    status: str = "open"  # open / handled
    handled_at: str | None = None
    handled_by: str | None = None
    purged: bool = False


class HelpDesk:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    def add(
        self, first_name: str, language: str, phone: str, errand: str, message: str
    ) -> HelpRequest:
        request = HelpRequest(
            uuid.uuid4().hex,
            utc_iso(self.clock()),
            errand if errand in ERRANDS else "other",
            first_name,
            language,
            phone or None,
            message or None,
        )
        self.store.put(TABLE, request.to_doc())
        return request

    def queue(self) -> list[HelpRequest]:
        """Open requests oldest first, then the handled ones newest first."""
        found = [HelpRequest.from_doc(d) for d in self.store.all(TABLE)]
        waiting = sorted((r for r in found if r.status == "open"), key=lambda r: r.created_at)
        done = sorted(
            (r for r in found if r.status != "open"), key=lambda r: r.handled_at or "", reverse=True
        )
        return waiting + done

    def mark_handled(self, request_id: str, by: str) -> bool:
        with self.store.lock():
            doc = self.store.get(TABLE, request_id)
            if doc is None or doc["status"] != "open":
                return False
            self.store.put(
                TABLE,
                {**doc, "status": "handled", "handled_at": utc_iso(self.clock()), "handled_by": by},
            )
        return True

    def purge(self, retention: timedelta) -> int:
        """Erase the personal data of requests closed more than `retention` ago."""
        with self.store.lock():
            expired = self.expired(self.store.all(TABLE), retention)
            if expired:
                self.store.put_many(TABLE, expired)
        return len(expired)

    def expired(self, docs: list[dict[str, Any]], retention: timedelta) -> list[dict[str, Any]]:
        """Of these request documents (the store's, or a backup's), those closed more than
        `retention` ago, with their personal data erased."""
        cutoff = self.clock().astimezone(UTC) - retention
        return [
            {**doc, "first_name": None, "phone": None, "message": None, "purged": True}
            for doc in docs
            if doc.get("status") != "open"
            and not doc.get("purged")
            and doc.get("handled_at")
            and parse_utc(doc["handled_at"]) < cutoff
        ]

    def open_count(self) -> int:
        """How many wait for a call back (shown in the staff's menu on every page)."""
        return sum(doc["status"] == "open" for doc in self.store.all(TABLE))
