"""Signups to occurrences: places, the waitlist, private links, cancellation, attendance, purge.

Owns the rules, with no HTTP: a party (adults + children) is confirmed while its people fit
in the places left and nobody waits ahead of it, otherwise it joins the waitlist; a
cancellation promotes waiting parties in order while they fit. Every change happens under
the store's one lock, and a cancellation with its promotions is one atomic write.

A cancellation can be undone for `UNDO_WINDOW` (a minute) through the same private link.
Promotions it caused stay: the party gets a place again only if it still fits with nobody
waiting ahead of it (by the same rule as a new signup); otherwise it waits at its own place
in the signing order, which puts it before everyone who signed up after it.

Personal data is minimal (a first name or nickname, an optional phone) and is erased
`retention_days` after the occurrence ends; the counts (people, attended) stay for reports.
The private link's secret is stored only as a SHA-256 hash.

Replays: a phone that signed up offline sends its signup again until it hears back, with an
idempotency key it made up. The first arrival is stored; every later one with the same key
returns that same signup and the same private link (its secret is derived from the key with
the server's link key, so it need not be stored), and counts nothing twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.activities.book import capacity_of as activity_capacity
from kiosk.activities.model import parse_recurrence_id, parse_utc, utc_iso
from kiosk.activities.recurrence import Occurrence
from kiosk.store import Store

TABLE = "signups"
CODE_ALPHABET = "ACDEFHJKLMNPRTUVWXY34679"  # no look-alikes (0/O, 1/I, 2/Z, 5/S, 8/B)
# At least 128 random bits in URL-safe base64 or hex, as the phone's script makes them.
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
UNDO_WINDOW = timedelta(seconds=60)


class SignupError(Exception):
    """A signup action that cannot be done; `reason` names which (for the message)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Signup:
    id: str
    activity_id: str
    recurrence_id: str
    occurrence_end: datetime
    adults: int
    children: int
    status: str  # confirmed / waitlisted / cancelled
    code: str
    token_hash: str
    created_at: datetime
    name: str | None = None
    phone: str | None = None
    language: str = "sv"
    attended: bool = False
    purged: bool = False
    idempotency_key: str | None = None  # stored as its SHA-256 hash, erased with the name
    history: list[str] = field(default_factory=list)
    order: int = 0  # signing order across the whole store: the waitlist's queue position
    push: dict[str, str] | None = None  # a browser's Web Push subscription (endpoint, keys)

    @property
    def reachable(self) -> bool:
        """It gave a phone or let its browser be told, and its data is not yet purged."""
        return bool(self.phone or self.push) and not self.purged

    @property
    def people(self) -> int:
        return self.adults + self.children

    @property
    def occurrence_key(self) -> str:
        return f"{self.activity_id}/{self.recurrence_id}"

    def last_event(self, what: str) -> str:
        """When (UTC, as stored) `what` last happened to it ("promoted" …), or ""."""
        return next((when for when, event in reversed(_history_events(self)) if event == what), "")

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Signup:
        values = dict(doc)
        values["occurrence_end"] = parse_utc(doc["occurrence_end"])
        values["created_at"] = parse_utc(doc["created_at"])
        values["history"] = list(doc.get("history") or [])
        return cls(**values)

    def to_doc(self) -> dict[str, Any]:
        doc = dict(self.__dict__)
        doc["occurrence_end"] = utc_iso(self.occurrence_end)
        doc["created_at"] = utc_iso(self.created_at)
        return doc


@dataclass(frozen=True)
class Undone:
    """A cancellation taken back: the signup as it is now, and whether it had a place
    (confirmed) just before it was cancelled."""

    signup: Signup
    had_place: bool

    @property
    def has_place(self) -> bool:
        return self.signup.status == "confirmed"

    @property
    def lost_place(self) -> bool:
        """Its place went to someone from the waitlist meanwhile; it waits now."""
        return self.had_place and not self.has_place


def _history_events(signup: Signup) -> list[tuple[str, str]]:
    """The signup's history as (UTC time, what) pairs, oldest first."""
    return [(line.partition(" ")[0], line.partition(" ")[2]) for line in signup.history]


@dataclass(frozen=True)
class Counts:
    capacity: int | None
    confirmed_people: int
    waitlisted_people: int
    waitlisted_parties: int

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.confirmed_people)

    @property
    def full(self) -> bool:
        return self.capacity is not None and (self.places_left == 0 or self.waitlisted_parties > 0)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class SignupBook:
    """All signups, with an in-memory index by occurrence. The only writer of `signups`."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        link_key: bytes | None = None,
        *,
        capacity_of: Callable[[str], int | None] | None = None,
    ) -> None:
        """`capacity_of(activity_id)`: how many people the activity takes (default: read from
        the activities' owner, `kiosk.activities.book`)."""
        self.store = store
        self.clock = clock
        self.capacity_of = capacity_of or (
            lambda activity_id: activity_capacity(store, activity_id)
        )
        self._link_key = link_key or secrets.token_bytes(32)
        self._by_key: dict[str, str] = {}  # hashed idempotency key -> signup id
        # In memory, so that counting places never reads documents: signup ids per
        # occurrence in signing order, and each signup's (status, people).
        self._by_occurrence: dict[str, list[str]] = {}
        self._state: dict[str, tuple[str, int]] = {}
        self._next_order = 1
        self.reload()

    def reload(self) -> None:
        """Rebuild the in-memory index from the store (at start and after a restore)."""
        with self.store.lock():
            self._by_occurrence = {}
            self._state = {}
            self._by_key = {}
            docs = sorted(self.store.all(TABLE), key=lambda d: (d.get("order", 0), d["created_at"]))
            for doc in docs:
                self._index(Signup.from_doc(doc))
            self._next_order = max((d.get("order", 0) for d in docs), default=0) + 1

    def _index(self, signup: Signup) -> None:
        self._by_occurrence.setdefault(signup.occurrence_key, []).append(signup.id)
        self._state[signup.id] = (signup.status, signup.people)
        if signup.idempotency_key:
            self._by_key[signup.idempotency_key] = signup.id

    def has_key(self, idempotency_key: str | None) -> bool:
        """Whether a signup with this idempotency key is already stored (a replay)."""
        if not idempotency_key:
            return False
        with self.store.lock():
            return hash_secret(idempotency_key) in self._by_key

    def _keyed_secret(self, key: str) -> str:
        digest = hmac.new(self._link_key, b"signup-link:" + key.encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()[:18]).decode()

    def _replayed(self, key_hash: str, occurrence: Occurrence, key: str) -> tuple[Signup, str]:
        signup = Signup.from_doc(self._doc(self._by_key[key_hash]))
        secret = self._keyed_secret(key)
        same_place = signup.occurrence_key == f"{occurrence.activity.id}/{occurrence.recurrence_id}"
        if not same_place or not hmac.compare_digest(signup.token_hash, hash_secret(secret)):
            raise SignupError("key_reused")
        return signup, secret

    def _doc(self, signup_id: str) -> dict[str, Any]:
        doc = self.store.get(TABLE, signup_id)
        assert doc is not None
        return doc

    def signups_for(self, activity_id: str, rid: str) -> list[Signup]:
        """Signups of one occurrence, oldest first (cancelled ones included)."""
        with self.store.lock():
            ids = self._by_occurrence.get(f"{activity_id}/{rid}", [])
            return [Signup.from_doc(self._doc(i)) for i in ids]

    def counts(self, activity_id: str, rid: str) -> Counts:
        """Places taken and waiting on one occurrence, against the activity's capacity."""
        capacity = self.capacity_of(activity_id)
        with self.store.lock():
            states = [self._state[i] for i in self._by_occurrence.get(f"{activity_id}/{rid}", [])]
        confirmed = sum(people for status, people in states if status == "confirmed")
        waiting = [people for status, people in states if status == "waitlisted"]
        return Counts(capacity, confirmed, sum(waiting), len(waiting))

    def waiting_ahead(self, signup: Signup) -> int:
        """How many parties wait before this one on its occurrence's waitlist."""
        with self.store.lock():
            ahead = 0
            for other in self._by_occurrence.get(signup.occurrence_key, []):
                if other == signup.id:
                    return ahead
                ahead += self._state[other][0] == "waitlisted"
        return ahead

    def add(
        self,
        occurrence: Occurrence,
        *,
        name: str,
        adults: int,
        children: int,
        phone: str | None,
        language: str,
        idempotency_key: str | None = None,
    ) -> tuple[Signup, str]:
        """Sign a party up; returns the signup and the secret of its private link.

        With an `idempotency_key` (see IDEMPOTENCY_KEY) a second call returns the first
        call's signup and secret unchanged; SignupError('key_reused') if the key belongs to
        another occurrence."""
        activity = occurrence.activity
        key_hash = None
        if idempotency_key is not None:
            if not IDEMPOTENCY_KEY.match(idempotency_key):
                raise SignupError("bad_key")
            key_hash = hash_secret(idempotency_key)
        now = self.clock()
        secret = (
            self._keyed_secret(idempotency_key) if idempotency_key else secrets.token_urlsafe(18)
        )
        with self.store.lock():
            # A replay first: it answers even once the occurrence is closed or past.
            if key_hash in self._by_key:
                return self._replayed(key_hash, occurrence, idempotency_key or "")
            if not activity.signup.required or occurrence.status == "cancelled":
                raise SignupError("closed")
            if occurrence.end.astimezone(UTC) <= now.astimezone(UTC):
                raise SignupError("past")
            if not activity.signup.open_at(occurrence.start, now):
                raise SignupError("window")  # also for a replay's first arrival
            counts = self.counts(activity.id, occurrence.recurrence_id)
            fits = counts.places_left is None or (
                counts.waitlisted_parties == 0 and adults + children <= counts.places_left
            )
            signup = Signup(
                id=uuid.uuid4().hex,
                activity_id=activity.id,
                recurrence_id=occurrence.recurrence_id,
                occurrence_end=occurrence.end.astimezone(UTC),
                adults=adults,
                children=children,
                status="confirmed" if fits else "waitlisted",
                code="".join(secrets.choice(CODE_ALPHABET) for _ in range(5)),
                token_hash=hash_secret(secret),
                created_at=now.astimezone(UTC),
                name=name,
                phone=phone or None,
                language=language,
                idempotency_key=key_hash,
                history=[f"{utc_iso(now)} {'confirmed' if fits else 'waitlisted'}"],
                order=self._next_order,
            )
            self.store.put(TABLE, signup.to_doc())
            self._next_order += 1
            self._index(signup)
        return signup, secret

    def sms_token(self, signup_id: str) -> str:
        """A short second secret for the private link in text messages (`/m/<token>`): the
        signup id's first 8 characters and 12 derived from it with the link key, so a
        message can carry the link although the first secret is stored only as a hash."""
        digest = hmac.new(self._link_key, b"sms-link:" + signup_id.encode(), hashlib.sha256)
        return signup_id[:8] + base64.b32encode(digest.digest()[:10]).decode().lower()[:12]

    def find_by_sms_token(self, token: str) -> Signup:
        """The signup behind a text message's short link; SignupError('bad_token')."""
        if len(token) != 20:
            raise SignupError("bad_token")
        with self.store.lock():
            for signup_id in self._state:
                if signup_id.startswith(token[:8]) and hmac.compare_digest(
                    token, self.sms_token(signup_id)
                ):
                    return Signup.from_doc(self._doc(signup_id))
        raise SignupError("bad_token")

    def find(self, signup_id: str, secret: str) -> Signup:
        """The signup behind a private link (its own secret or its text messages' token);
        SignupError('bad_token') if it does not match."""
        doc = self.store.get(TABLE, signup_id) if len(signup_id) == 32 else None
        if doc is None:
            raise SignupError("bad_token")
        by_link = hmac.compare_digest(doc["token_hash"], hash_secret(secret))
        if not by_link and not hmac.compare_digest(secret, self.sms_token(signup_id)):
            raise SignupError("bad_token")
        return Signup.from_doc(doc)

    def reachable(self, activity_id: str, rid: str) -> list[Signup]:
        """Signups of one occurrence that still hold a place or wait, and gave a phone or
        a browser subscription."""
        return [
            s
            for s in self.signups_for(activity_id, rid)
            if s.reachable and s.status in ("confirmed", "waitlisted")
        ]

    def set_push(self, signup_id: str, secret: str, subscription: dict[str, str] | None) -> None:
        """Keep (or, with None, forget) the browser subscription of one signup."""
        with self.store.lock():
            self.find(signup_id, secret)  # SignupError for a wrong link
            doc = self._doc(signup_id)
            if doc.get("purged"):
                raise SignupError("not_found")
            self.store.put(TABLE, {**doc, "push": subscription})

    def all_signups(self) -> list[Signup]:
        with self.store.lock():
            return [Signup.from_doc(d) for d in self.store.all(TABLE)]

    def cancel(self, signup_id: str, secret: str) -> tuple[Signup, list[Signup]]:
        """Cancel through the private link; returns it and the parties promoted from waiting."""
        with self.store.lock():
            signup = self.find(signup_id, secret)
            capacity = self.capacity_of(signup.activity_id)
            if signup.status == "cancelled":
                raise SignupError("already_cancelled")
            now = utc_iso(self.clock())
            signup.status = "cancelled"
            signup.history.append(f"{now} cancelled")
            changed = [signup]
            others = [
                s
                for s in self.signups_for(signup.activity_id, signup.recurrence_id)
                if s.id != signup.id
            ]
            confirmed = sum(s.people for s in others if s.status == "confirmed")
            promoted = []
            for waiting in (s for s in others if s.status == "waitlisted"):
                if capacity is not None and confirmed + waiting.people > capacity:
                    break  # strictly in order: nobody jumps the queue
                waiting.status = "confirmed"
                waiting.history.append(f"{now} promoted")
                confirmed += waiting.people
                promoted.append(waiting)
            changed += promoted
            self.store.put_many(TABLE, [s.to_doc() for s in changed])
            for s in changed:
                self._state[s.id] = (s.status, s.people)
        return signup, promoted

    def undo_until(self, signup: Signup) -> datetime | None:
        """Until when this signup's cancellation may be undone (UTC), or None when it cannot
        be (not cancelled, names erased, the minute or the occurrence over)."""
        if signup.status != "cancelled" or signup.purged:
            return None
        cancelled = [when for when, what in _history_events(signup) if what == "cancelled"]
        if not cancelled:
            return None
        until = parse_utc(cancelled[-1]) + UNDO_WINDOW
        now = self.clock().astimezone(UTC)
        if now >= until or signup.occurrence_end <= now:
            return None
        return until

    def undo_cancel(self, signup_id: str, secret: str) -> Undone:
        """Take a cancellation back through the private link within UNDO_WINDOW: a place
        again if the party still fits with nobody waiting ahead of it, else the waitlist at
        its own place in the signing order (see the module docstring). SignupError:
        'bad_token', 'not_cancelled', 'undo_expired'."""
        with self.store.lock():
            signup = self.find(signup_id, secret)
            if signup.status != "cancelled":
                raise SignupError("not_cancelled")
            if self.undo_until(signup) is None:
                raise SignupError("undo_expired")
            had_place = False
            for _when, what in _history_events(signup):
                if what in ("confirmed", "promoted", "undone confirmed"):
                    had_place = True
                elif what in ("waitlisted", "undone waitlisted"):
                    had_place = False
            capacity = self.capacity_of(signup.activity_id)
            confirmed, waiting_ahead, before_it = 0, False, True
            for other in self.signups_for(signup.activity_id, signup.recurrence_id):
                if other.id == signup.id:
                    before_it = False  # signing order: only those before it are ahead
                elif other.status == "confirmed":
                    confirmed += other.people
                elif other.status == "waitlisted" and before_it:
                    waiting_ahead = True
            fits = capacity is None or (not waiting_ahead and confirmed + signup.people <= capacity)
            signup.status = "confirmed" if fits else "waitlisted"
            signup.history.append(f"{utc_iso(self.clock())} undone {signup.status}")
            self.store.put(TABLE, signup.to_doc())
            self._state[signup.id] = (signup.status, signup.people)
        return Undone(signup, had_place)

    def attendance_figures(self) -> list[dict[str, Any]]:
        """Every signup's counts for the reports: occurrence, status, people, attended - no
        names, no phones."""
        kept = ("activity_id", "recurrence_id", "status", "adults", "children", "attended")
        return [{k: doc.get(k) for k in kept} for doc in self.store.all(TABLE)]

    def recurrence_ids(self, activity_id: str) -> set[str]:
        """The occurrences of an activity that have signups."""
        prefix = f"{activity_id}/"
        with self.store.lock():
            return {k[len(prefix) :] for k in self._by_occurrence if k.startswith(prefix)}

    def move(self, activity_id: str, moves: dict[str, str]) -> int:
        """Follow a series that moved: signups of occurrence `old` now belong to `new`
        (same places and queue order). Returns how many signups moved."""
        with self.store.lock():
            changed = []
            for doc in self.store.all(TABLE):
                new = moves.get(doc["recurrence_id"]) if doc["activity_id"] == activity_id else None
                if new:
                    shift = parse_recurrence_id(new) - parse_recurrence_id(doc["recurrence_id"])
                    end = utc_iso(parse_utc(doc["occurrence_end"]) + shift)
                    changed.append({**doc, "recurrence_id": new, "occurrence_end": end})
            if changed:
                self.store.put_many(TABLE, changed)
                self.reload()
        return len(changed)

    def mark_attended(self, signup_id: str, attended: bool) -> None:
        with self.store.lock():
            doc = self.store.get(TABLE, signup_id)
            if doc is None:
                raise SignupError("not_found")
            if doc["attended"] != attended:
                self.store.put(TABLE, {**doc, "attended": attended})

    def purge(self, retention: timedelta) -> int:
        """Erase names, phones and browser subscriptions of signups whose occurrence ended
        `retention` ago."""
        cutoff = self.clock().astimezone(UTC) - retention
        with self.store.lock():
            expired = [
                {
                    **doc,
                    "name": None,
                    "phone": None,
                    "push": None,
                    "purged": True,
                    "idempotency_key": None,
                }
                for doc in self.store.all(TABLE)
                if not doc["purged"] and parse_utc(doc["occurrence_end"]) < cutoff
            ]
            if expired:
                self.store.put_many(TABLE, expired)
        return len(expired)
