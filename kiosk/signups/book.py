"""Signups to occurrences: places, the waitlist, private links, cancellation, attendance, purge.

Owns the rules, with no HTTP: a party (adults + children) is confirmed while its people fit
in the places left and nobody waits ahead of it, otherwise it joins the waitlist; a
cancellation promotes waiting parties in order while they fit. Every change happens under
the store's one lock, and a cancellation with its promotions is one atomic write.

A cancellation can be undone for `UNDO_WINDOW` (a minute) through the same private link.
Promotions it caused stay: the party gets a place again only if it still fits with nobody
waiting ahead of it (by the same rule as a new signup); otherwise it waits at its own place
in the signing order, which puts it before everyone who signed up after it.

A course (an activity whose signup is for the whole series) is one *enrolment* across
every date left: one record per date, so places, attendance and reminders stay per date,
sharing the private link, the code and the party. It is all or nothing: the enrolment has
a place when it fits on every date, otherwise it waits on every date; a cancellation frees
every date left and promotes the first waiting enrolment that fits on all of its dates.

An activity may ask for the organiser's approval: a signup is then `pending` (holding no
place) until an organiser approves it — it gets a place if it fits with nobody waiting,
otherwise it joins the end of the waitlist — or declines it (`declined`).

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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.activities.book import capacity_of as activity_capacity
from kiosk.activities.model import parse_recurrence_id, parse_utc, utc_iso
from kiosk.activities.recurrence import Occurrence
from kiosk.store import Store

TABLE = "signups"
CODE_ALPHABET = "ACDEFHJKLMNPRTUVWXY34679"  # no look-alikes (0/O, 1/I, 2/Z, 5/S, 8/B)


def door_code(length: int = 5) -> str:
    """A random code from CODE_ALPHABET, from one draw of the system's randomness (five
    draws were a tenth of a signup's time in a burst); the bias of 64 bits cut into
    24**5 is below 1e-12."""
    number = secrets.randbits(64)
    letters = []
    for _ in range(length):
        number, digit = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[digit])
    return "".join(letters)


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
    status: str  # confirmed / waitlisted / pending / declined / cancelled
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
    course: str | None = None  # a course enrolment's id (its first date's record's id)

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
class _Row:
    """What the index keeps of one signup, so that counting never reads documents."""

    status: str
    people: int
    key: str  # its occurrence ("activity/rid")
    end: datetime  # its occurrence's end, UTC
    course: str | None


HOLDING = ("confirmed", "waitlisted", "pending")  # statuses that are still on a date


@dataclass(frozen=True)
class Counts:
    capacity: int | None
    confirmed_people: int
    waitlisted_people: int
    waitlisted_parties: int
    pending_parties: int = 0

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
        # occurrence in queue order, each signup's row, each course's records by date.
        self._by_occurrence: dict[str, list[str]] = {}
        self._state: dict[str, _Row] = {}
        self._courses: dict[str, list[str]] = {}
        self._next_order = 1
        self.reload()

    def reload(self) -> None:
        """Rebuild the in-memory index from the store (at start and after a restore)."""
        with self.store.lock():
            self._by_occurrence = {}
            self._state = {}
            self._by_key = {}
            self._courses = {}
            docs = sorted(self.store.all(TABLE), key=lambda d: (d.get("order", 0), d["created_at"]))
            for doc in docs:
                self._index(Signup.from_doc(doc))
            for ids in self._courses.values():
                ids.sort(key=lambda i: self._state[i].end)
            self._next_order = max((d.get("order", 0) for d in docs), default=0) + 1

    def _index(self, signup: Signup) -> None:
        self._by_occurrence.setdefault(signup.occurrence_key, []).append(signup.id)
        self._state[signup.id] = _Row(
            signup.status,
            signup.people,
            signup.occurrence_key,
            signup.occurrence_end,
            signup.course,
        )
        if signup.course:
            self._courses.setdefault(signup.course, []).append(signup.id)
        if signup.idempotency_key:
            self._by_key[signup.idempotency_key] = signup.id

    def _set_status(self, signup: Signup, status: str, event: str, when: str) -> None:
        signup.status = status
        signup.history.append(f"{when} {event}")
        self._state[signup.id] = replace(self._state[signup.id], status=status)

    def _write(self, docs: list[dict[str, Any]]) -> None:
        """One atomic write of what the index already shows; if the disk refuses it, the
        index is rebuilt from what is stored, so the two never disagree."""
        try:
            self.store.put_many(TABLE, docs)
        except Exception:
            self.reload()
            raise

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
        if signup.course:  # a course's form may be sent from any of its dates
            same_place = signup.activity_id == occurrence.activity.id
        else:
            same_place = (
                signup.occurrence_key == f"{occurrence.activity.id}/{occurrence.recurrence_id}"
            )
        if not same_place or not hmac.compare_digest(signup.token_hash, hash_secret(secret)):
            raise SignupError("key_reused")
        return signup, secret

    def _doc(self, signup_id: str) -> dict[str, Any]:
        doc = self.store.get(TABLE, signup_id)
        assert doc is not None
        return doc

    def signups_for(self, activity_id: str, rid: str) -> list[Signup]:
        """Signups of one occurrence in queue order (cancelled ones included)."""
        with self.store.lock():
            ids = self._by_occurrence.get(f"{activity_id}/{rid}", [])
            return [Signup.from_doc(self._doc(i)) for i in ids]

    def enrolment(self, signup: Signup) -> list[Signup]:
        """Every date's record of the signup's course enrolment, by date; just the signup
        when it is for one date."""
        if not signup.course:
            return [signup]
        with self.store.lock():
            return [Signup.from_doc(self._doc(i)) for i in self._courses.get(signup.course, [])]

    def current(self, signup: Signup) -> Signup:
        """The record that speaks for the signup now: for a course, its first date that has
        not ended (its last date once all have); the signup itself otherwise."""
        if not signup.course:
            return signup
        now = self.clock().astimezone(UTC)
        records = self.enrolment(signup)
        return next((r for r in records if r.occurrence_end > now), records[-1])

    def counts(self, activity_id: str, rid: str) -> Counts:
        """Places taken and waiting on one occurrence, against the activity's capacity."""
        capacity = self.capacity_of(activity_id)
        with self.store.lock():
            rows = [self._state[i] for i in self._by_occurrence.get(f"{activity_id}/{rid}", [])]
        confirmed = sum(r.people for r in rows if r.status == "confirmed")
        waiting = [r.people for r in rows if r.status == "waitlisted"]
        pending = sum(r.status == "pending" for r in rows)
        return Counts(capacity, confirmed, sum(waiting), len(waiting), pending)

    def waiting_ahead(self, signup: Signup) -> int:
        """How many parties wait before this one on its occurrence's waitlist."""
        with self.store.lock():
            ahead = 0
            for other in self._by_occurrence.get(signup.occurrence_key, []):
                if other == signup.id:
                    return ahead
                ahead += self._state[other].status == "waitlisted"
        return ahead

    def _room(
        self, key: str, people: int, capacity: int | None, record_id: str | None = None
    ) -> bool:
        """Whether the signup `record_id`, queued on occurrence `key`, fits there: its
        people in the places others hold, and nobody waiting before it in the queue. A
        newcomer (None, or a signup just put at the queue's end) fits only if nobody waits."""
        if capacity is None:
            return True
        confirmed, ahead = 0, True
        for other in self._by_occurrence.get(key, []):
            if other == record_id:
                ahead = False
                continue
            row = self._state[other]
            if row.status == "confirmed":
                confirmed += row.people
            elif row.status == "waitlisted" and ahead:
                return False
        return confirmed + people <= capacity

    def _fits_everywhere(self, ids: list[str], capacity: int | None) -> bool:
        return all(self._room(self._state[i].key, self._state[i].people, capacity, i) for i in ids)

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
        course: list[Occurrence] | None = None,
    ) -> tuple[Signup, str]:
        """Sign a party up; returns the signup and the secret of its private link.

        `course`: for an activity whose signup is for the whole series, every date left
        (the first is `occurrence`); one record per date, all or nothing (module docstring).
        With an `idempotency_key` (see IDEMPOTENCY_KEY) a second call returns the first
        call's signup and secret unchanged; SignupError('key_reused') if the key belongs to
        another occurrence."""
        activity = occurrence.activity
        dates = course or [occurrence]
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
            if not activity.signup.required or any(d.status == "cancelled" for d in dates):
                raise SignupError("closed")
            if any(d.end.astimezone(UTC) <= now.astimezone(UTC) for d in dates):
                raise SignupError("past")
            if any(d.activity.id != activity.id for d in dates):
                raise SignupError("closed")
            if not activity.signup.open_at(dates[0].start, now):
                raise SignupError("window")  # also for a replay's first arrival
            capacity = self.capacity_of(activity.id)
            people = adults + children
            if activity.signup.approval:
                status = "pending"
            else:
                fits = all(
                    self._room(f"{activity.id}/{d.recurrence_id}", people, capacity) for d in dates
                )
                status = "confirmed" if fits else "waitlisted"
            code = door_code()
            ids = [uuid.uuid4().hex for _ in dates]
            records = [
                Signup(
                    id=ids[n],
                    activity_id=activity.id,
                    recurrence_id=d.recurrence_id,
                    occurrence_end=d.end.astimezone(UTC),
                    adults=adults,
                    children=children,
                    status=status,
                    code=code,
                    token_hash=hash_secret(secret),
                    created_at=now.astimezone(UTC),
                    name=name,
                    phone=phone or None,
                    language=language,
                    idempotency_key=key_hash if n == 0 else None,
                    history=[f"{utc_iso(now)} {status}"],
                    order=self._next_order,
                    course=ids[0] if course else None,
                )
                for n, d in enumerate(dates)
            ]
            self.store.put_many(TABLE, [r.to_doc() for r in records])
            self._next_order += 1
            for record in records:
                self._index(record)
        return records[0], secret

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
                    token.encode(), self.sms_token(signup_id).encode()
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
        if not by_link and not hmac.compare_digest(
            secret.encode(), self.sms_token(signup_id).encode()
        ):
            raise SignupError("bad_token")
        return Signup.from_doc(doc)

    def reachable(self, activity_id: str, rid: str) -> list[Signup]:
        """Signups of one occurrence that still hold a place, wait or wait for approval,
        and gave a phone or a browser subscription."""
        return [
            s for s in self.signups_for(activity_id, rid) if s.reachable and s.status in HOLDING
        ]

    def set_push(self, signup_id: str, secret: str, subscription: dict[str, str] | None) -> None:
        """Keep (or, with None, forget) the browser subscription of one signup (every date
        of a course)."""
        with self.store.lock():
            signup = self.find(signup_id, secret)  # SignupError for a wrong link
            if signup.purged:
                raise SignupError("not_found")
            docs = [{**r.to_doc(), "push": subscription} for r in self.enrolment(signup)]
            self.store.put_many(TABLE, docs)

    def all_signups(self) -> list[Signup]:
        with self.store.lock():
            return [Signup.from_doc(d) for d in self.store.all(TABLE)]

    def _still_on(self, signup: Signup, statuses: tuple[str, ...]) -> list[Signup]:
        """The records of its enrolment in `statuses` whose date has not ended (for one
        date: the signup itself, if in `statuses`)."""
        if not signup.course:
            return [signup] if signup.status in statuses else []
        now = self.clock().astimezone(UTC)
        return [
            r for r in self.enrolment(signup) if r.status in statuses and r.occurrence_end > now
        ]

    def _promote(self, keys: list[str], capacity: int | None, when: str) -> list[Signup]:
        """Give places to waiting parties on the occurrences `keys`, strictly in queue
        order per date; a course enrolment only when it fits on all of its dates left.
        Changes the index; the caller writes the returned records."""
        promoted: dict[str, Signup] = {}
        now = self.clock().astimezone(UTC)
        for key in keys:
            for waiting in list(self._by_occurrence.get(key, [])):
                row = self._state[waiting]
                if row.status != "waitlisted":
                    continue
                group = [waiting]
                if row.course:
                    group = [
                        i
                        for i in self._courses.get(row.course, [])
                        if self._state[i].status == "waitlisted" and self._state[i].end > now
                    ] or [waiting]
                if not self._fits_everywhere(group, capacity):
                    break  # strictly in order: nobody jumps the queue
                for record_id in group:
                    record = Signup.from_doc(self._doc(record_id))
                    self._set_status(record, "confirmed", "promoted", when)
                    promoted[record_id] = record
        return list(promoted.values())

    def cancel(self, signup_id: str, secret: str) -> tuple[Signup, list[Signup]]:
        """Cancel through the private link (every date left of a course); returns it and the
        parties promoted from waiting."""
        with self.store.lock():
            signup = self.current(self.find(signup_id, secret))
            records = self._still_on(signup, HOLDING)
            if not records:
                raise SignupError("already_cancelled")
            capacity = self.capacity_of(signup.activity_id)
            now = utc_iso(self.clock())
            for record in records:
                self._set_status(record, "cancelled", "cancelled", now)
            promoted = self._promote([r.occurrence_key for r in records], capacity, now)
            self._write([s.to_doc() for s in records + promoted])
        return next(r for r in records if r.id == signup.id), promoted

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
        again if the party still fits with nobody waiting ahead of it (on every date a
        course cancelled), else the waitlist at its own place in the signing order (see
        the module docstring). SignupError: 'bad_token', 'not_cancelled', 'undo_expired'."""
        with self.store.lock():
            signup = self.current(self.find(signup_id, secret))
            if signup.status != "cancelled":
                raise SignupError("not_cancelled")
            if self.undo_until(signup) is None:
                raise SignupError("undo_expired")
            had_place = False
            for _when, what in _history_events(signup):
                if what in ("confirmed", "promoted", "undone confirmed", "approved confirmed"):
                    had_place = True
                elif what in ("waitlisted", "undone waitlisted", "approved waitlisted"):
                    had_place = False
            stamp = signup.history[-1].partition(" ")[0]
            records = [
                r for r in self._still_on(signup, ("cancelled",)) if r.history[-1].startswith(stamp)
            ]
            ids = [r.id for r in records]
            if any(event.endswith(" pending") for event in signup.history[-2:-1]):
                status = "pending"  # it had not been approved yet: it waits for that again
            else:
                capacity = self.capacity_of(signup.activity_id)
                status = "confirmed" if self._fits_everywhere(ids, capacity) else "waitlisted"
            now = utc_iso(self.clock())
            for record in records:
                self._set_status(record, status, f"undone {status}", now)
            self._write([r.to_doc() for r in records])
        return Undone(next(r for r in records if r.id == signup.id), had_place)

    def decide(self, signup_id: str, approve: bool) -> tuple[Signup, list[Signup]]:
        """An organiser approves or declines a pending signup (every date left of a course).
        Approved, it gets a place if it fits with nobody waiting (on every date), otherwise
        it joins the end of the waitlist. Returns the record that speaks for it and every
        record changed. SignupError: 'not_found', 'not_pending'."""
        with self.store.lock():
            doc = self.store.get(TABLE, signup_id)
            if doc is None:
                raise SignupError("not_found")
            signup = self.current(Signup.from_doc(doc))
            records = self._still_on(signup, ("pending",))
            if not records:
                raise SignupError("not_pending")
            now = utc_iso(self.clock())
            if not approve:
                for record in records:
                    self._set_status(record, "declined", "declined", now)
            else:
                capacity = self.capacity_of(signup.activity_id)
                order = self._next_order
                self._next_order += 1
                for record in records:  # its queue place is the moment of approval
                    record.order = order
                    queue = self._by_occurrence[record.occurrence_key]
                    queue.remove(record.id)
                    queue.append(record.id)
                fits = self._fits_everywhere([r.id for r in records], capacity)
                status = "confirmed" if fits else "waitlisted"
                for record in records:
                    self._set_status(record, status, f"approved {status}", now)
            self._write([r.to_doc() for r in records])
        return next((r for r in records if r.id == signup.id), records[0]), records

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
        `retention` ago (a course's, once its last date did: its link and code serve to
        its end)."""
        with self.store.lock():
            expired = self.expired(self.store.all(TABLE), retention)
            if expired:
                self.store.put_many(TABLE, expired)
        return len(expired)

    def expired(self, docs: list[dict[str, Any]], retention: timedelta) -> list[dict[str, Any]]:
        """Of these signup documents (the store's, or a backup's), those past `retention`,
        with their personal data erased: what `purge` writes, and what a backup must not
        keep either."""
        cutoff = self.clock().astimezone(UTC) - retention
        last_end: dict[str, datetime] = {}
        for doc in docs:
            if doc.get("course"):
                end = parse_utc(doc["occurrence_end"])
                last_end[doc["course"]] = max(end, last_end.get(doc["course"], end))
        return [
            {
                **doc,
                "name": None,
                "phone": None,
                "push": None,
                "purged": True,
                "idempotency_key": None,
            }
            for doc in docs
            if not doc.get("purged")
            and last_end.get(doc.get("course") or "", parse_utc(doc["occurrence_end"])) < cutoff
        ]
