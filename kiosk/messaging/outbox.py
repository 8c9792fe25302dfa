"""Text messages on their way to phones: durable, each sent once, bounded by the clock.

Owns the tables `sms_outbox` (one document per message, its id the message's idempotency
key; a message goes by SMS or, channel "push", to a browser), `sms_days` (how many were
sent, failed and dropped per local day and channel: all that stays of a message) and
`sms_stopped` (numbers that said STOP, as keyed hashes, never the number).

A message is written (fsynced) before the action that caused it is answered. Its life:
`queued` → `handing` (written before the transport is asked, so a crash mid-hand-over is
retried with the same key, which the transport never sends twice) → `handed` (a daemon
will send it) → `sent`; or back to `queued` with an exponential backoff while the modem or
provider fails; or `dropped` (too late: the occurrence has started; the number said STOP;
refused). Once a message is sent or dropped its text and number are erased at once; the
record (kind, occurrence, status, times) stays until the signup's retention ends, so
organisers see what was sent and what failed.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.activities.model import PlainRecord, parse_utc, utc_iso
from kiosk.messaging import Outgoing
from kiosk.store import Store
from sync.outbox import FIRST_RETRY, MAX_RETRY, still_waiting

TABLE = "sms_outbox"
DAYS = "sms_days"
STOPPED = "sms_stopped"
OPEN = ("queued", "handing", "handed")
COUNTS = ("sent", "failed", "dropped", "push_sent", "push_failed", "push_dropped")


def message_key(*parts: str) -> str:
    """A message's idempotency key from what caused it (kind, signup, occurrence …)."""
    return hashlib.sha256(":".join(parts).encode()).hexdigest()[:32]


@dataclass
class Message(PlainRecord):
    id: str  # the idempotency key
    kind: str  # confirmed / promoted / reminder / cancelled / moved / organiser
    signup_id: str
    occurrence: str  # activity_id/recurrence_id
    language: str
    number: str
    text: str
    not_after: str  # UTC: the occurrence's start; never sent later
    created_at: str
    segments: int = 1
    status: str = "queued"
    attempts: int = 0
    next_try: str = ""
    last_error: str = ""
    finished_at: str = ""
    channel: str = "sms"  # or "push": to the browser subscription instead of the number
    subscription: dict[str, str] | None = None
    link: str = ""

    def outgoing(self) -> Outgoing:
        ttl = parse_utc(self.not_after) - datetime.now(UTC)  # the push service's real clock
        return Outgoing(
            self.id,
            self.number,
            self.text,
            subscription=self.subscription,
            link=self.link,
            lang=self.language,
            ttl=max(0, int(ttl.total_seconds())),
        )

    def counted_as(self, status: str) -> str:
        """The day-count it adds to: SMS as "sent" …, push as "push_sent" … (not capped)."""
        return status if self.channel == "sms" else f"push_{status}"


def quiet_hours(text: str) -> tuple[int, int]:
    """ "21-08" → (21, 8); ValueError for anything else."""
    start, _, end = text.partition("-")
    first, last = int(start), int(end)
    if not (0 <= first <= 23 and 0 <= last <= 23):
        raise ValueError(f"quiet hours must be two hours 0-23: {text!r}")
    return first, last


def is_quiet(local: datetime, hours: tuple[int, int]) -> bool:
    first, last = hours
    if first == last:
        return False
    if first > last:
        return local.hour >= first or local.hour < last
    return first <= local.hour < last


class MessageOutbox:
    """The only writer of the three tables."""

    def __init__(
        self, store: Store, clock: Callable[[], datetime], zone: ZoneInfo, secret: bytes
    ) -> None:
        self.store, self.clock, self.zone = store, clock, zone
        self._secret = secret

    # ---- adding ----------------------------------------------------------------------

    def number_hash(self, number: str) -> str:
        return hmac.new(self._secret, b"sms-stop:" + number.encode(), hashlib.sha256).hexdigest()

    def is_stopped(self, number: str) -> bool:
        return self.store.get(STOPPED, self.number_hash(number)) is not None

    def said_stop(self, message: Message) -> bool:
        """A text message to a number that said STOP (a push message has no number)."""
        return message.channel == "sms" and self.is_stopped(message.number)

    def add(self, message: Message) -> bool:
        """Queue a message unless its key is known (sent or queued before) or its number
        said STOP; True if it was added. Durable on return."""
        with self.store.lock():
            if self.store.get(TABLE, message.id) is not None:
                return False
            if self.said_stop(message):
                return False
            self.store.put(TABLE, message.to_doc())
        return True

    def knows(self, key: str) -> bool:
        return self.store.get(TABLE, key) is not None

    # ---- reading ---------------------------------------------------------------------

    def all(self) -> list[Message]:
        messages = [Message.from_doc(d) for d in self.store.all(TABLE)]
        messages.sort(key=lambda m: (m.created_at, m.id))
        return messages

    def open_messages(self) -> list[Message]:
        return [m for m in self.all() if m.status in OPEN]

    def due(self) -> list[Message]:
        """Queued (or interrupted mid-hand-over) messages whose backoff is over, oldest first."""
        now = self.clock()
        return [
            m
            for m in self.open_messages()
            if m.status in ("queued", "handing") and not still_waiting(m.next_try, now)
        ]

    def for_occurrence(self, occurrence: str) -> dict[tuple[str, str], int]:
        """(kind, status) → how many, for one occurrence (for its organisers)."""
        counts: dict[tuple[str, str], int] = {}
        for doc in self.store.all(TABLE):
            if doc["occurrence"] == occurrence:
                key = (doc["kind"], doc["status"])
                counts[key] = counts.get(key, 0) + 1
        return counts

    def day(self, when: datetime | None = None) -> dict[str, int]:
        local = (when or self.clock()).astimezone(self.zone).date().isoformat()
        doc = self.store.get(DAYS, local) or {}
        return {k: int(doc.get(k, 0)) for k in COUNTS}

    def handed_today(self) -> int:
        """Text messages counted against today's cap: sent today, and those handed and
        waiting (push messages cost nothing and are not capped)."""
        handed = sum(1 for m in self.open_messages() if m.status == "handed" and m.channel == "sms")
        return self.day()["sent"] + handed

    # ---- changing --------------------------------------------------------------------

    def _update(self, message: Message, **changes: Any) -> Message:
        with self.store.lock():
            doc = self.store.get(TABLE, message.id)
            if doc is None:
                return message
            doc = {**doc, **changes}
            self.store.put(TABLE, doc)
        return Message.from_doc(doc)

    def _count(self, what: str) -> None:
        local = self.clock().astimezone(self.zone).date().isoformat()
        with self.store.lock():
            doc = dict(self.store.get(DAYS, local) or {"id": local})
            doc[what] = int(doc.get(what, 0)) + 1
            self.store.put(DAYS, doc)

    def handing(self, message: Message) -> Message:
        return self._update(message, status="handing", attempts=message.attempts + 1)

    def handed(self, message: Message) -> Message:
        return self._update(message, status="handed")

    def _finish(self, message: Message, status: str, error: str = "") -> None:
        with self.store.lock():
            self._update(
                message,
                status=status,
                text="",
                number="",
                subscription=None,
                link="",
                last_error=error[:200],
                finished_at=utc_iso(self.clock()),
            )
            self._count(message.counted_as(status))

    def sent(self, message: Message) -> None:
        self._finish(message, "sent")

    def drop(self, message: Message, why: str) -> None:
        self._finish(message, "dropped", why)

    def failed(self, message: Message, error: str) -> None:
        """Try again later: 5 s, 10 s, 20 s … up to 15 min, each ±25 %."""
        delay = min(FIRST_RETRY * 2 ** max(0, message.attempts - 1), MAX_RETRY)
        delay *= random.uniform(0.75, 1.25)
        with self.store.lock():
            self._update(
                message,
                status="queued",
                next_try=utc_iso(self.clock() + timedelta(seconds=delay)),
                last_error=error[:200],
            )
            self._count(message.counted_as("failed"))

    def retry_now(self) -> None:
        for message in self.open_messages():
            if message.next_try:
                self._update(message, next_try="")

    def stop_number(self, number: str) -> int:
        """No more messages to this number: remember it (hashed), drop what waits for it.
        Returns how many waiting messages were dropped."""
        dropped = 0
        with self.store.lock():
            digest = self.number_hash(number)
            self.store.put(STOPPED, {"id": digest, "at": utc_iso(self.clock())})
            for message in self.open_messages():
                if message.number == number and message.status == "queued":
                    self.drop(message, "stopped")
                    dropped += 1
        return dropped

    def restart_number(self, number: str) -> None:
        self.store.delete(STOPPED, self.number_hash(number))

    def purge(self, retention: timedelta) -> int:
        """Delete finished records older than `retention` (the day counts stay)."""
        cutoff = self.clock() - retention
        with self.store.lock():
            old = [
                d["id"]
                for d in self.store.all(TABLE)
                if d["status"] not in OPEN
                and d.get("finished_at")
                and parse_utc(d["finished_at"]) < cutoff
            ]
            for doc_id in old:
                self.store.delete(TABLE, doc_id)
        return len(old)
