"""Central-calendar sync: offline-first, through standards (CalDAV two-way, ICS read-only).

Each concern its own module, Radicale-style:
* `sources`  — the calendars an admin configured (`sync_sources` table) and their status.
* `device`   — this installation's device id (outside the store, renewed after a restore)
  and the per-device change counter every record carries (`changed_on`, `change_counter`).
* `outbox`   — local changes waiting for a two-way source, in order, kept in the store
  (fsynced journal): an entry is removed only after the server confirmed it.
* `ledger`   — per source and UID what was last agreed with the server (ETag, a hash of the
  document), deletions as tombstones, and conflicts with both versions.
* `fetch`    — bounded HTTP for ICS feeds (size, time, redirects; conditional requests).
* `ics_feed`, `caldav_collection` — one module per kind of remote calendar (see below).
* `engine`   — one cycle per source: pull first, then push (as Kolibri's Morango does);
  run in the background by `kiosk.jobs` and once by `motesplats sync`.
iCalendar reading and writing is not sync's: it lives in `kiosk.ical`.
Nothing here blocks a web request: the engine runs in its own thread with short timeouts.

This module is the contract for remote calendars (as `radicale.storage` is for storages).
A remote is one calendar on a server, reached for one configured `Source`: it owns talking
to that server and nothing else (no store, no ledger, no parsing of events). It answers

* `pull(state)` — what changed since the state the last pull left (`Changes.state`): the
  objects (iCalendar bytes with their URL and ETag), the URLs deleted, or "unchanged";
  `complete` says the objects are everything there is (what is missing was deleted);
* `put(uid, body, etag, href)` / `delete(href, etag)` — write one object, guarded by its
  ETag (If-Match; If-None-Match: * for a new one); `href_for(uid)` — where a UID lives;
  `fetch(uid, href)` — the one object holding a UID now (after a 412), or None;

and its kind decides, without a connection (`kind_class(kind)`):

* `writable(two_way)` — whether the engine pushes this board's activities there;
* `atomic_feed` — True when the calendar is one document: one object that does not parse
  makes the whole pull fail, and the last good data is kept (False: that object is skipped
  with a warning, the others are applied);
* `label` — a short human name (Swedish msgid) for the admin page; the view layer
  translates it, this package never imports Flask.

Errors are `RemoteError` (network down, HTTP error, garbage), `TokenExpired` (the server
forgot our sync token: do a full listing) or `PreconditionFailed` (the object changed on the
server since we last saw it). Every request has short timeouts: a dead network costs seconds.
Read-only kinds refuse `put` and `delete` with `RemoteError`. A `RemoteError` carries a
`code`, one of `ERROR_CODES`, saying what kind of problem it is (the engine keeps it in the
source's state; the admin page shows advice per code, translated there), its message the
technical detail (English), and `suggestions`: addresses that may be meant instead (the
calendars found in a calendar home).

`KINDS` maps each kind's name (`Source.kind`) to the module holding its `Remote` class, in
the order the admin page offers them (the first is the default); `load(source)` imports the
module and returns its remote for the source.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from sync.sources import Source

KINDS: dict[str, str] = {
    "ics": "sync.ics_feed",
    "caldav": "sync.caldav_collection",
}


# What went wrong, as the admin page explains it (advice per code in the view layer).
ERROR_CODES: tuple[str, ...] = (
    "calendar_home",  # the address is a folder of calendars (a user's home), not one calendar
    "not_a_calendar",  # it answers, but with no calendar: a web page, a plain WebDAV folder
    "wrong_password",  # 401: user name or password wrong or missing
    "forbidden",  # 403: this account may not read (or write) it
    "not_found",  # 404 / 410: nothing at this address
    "unreachable",  # no connection: unknown host, refused, timed out, TLS, dropped
    "too_slow",  # the whole answer took longer than the deadline
    "too_big",  # more than the size limit
    "redirects",  # a redirect loop or too many redirects
    "bad_url",  # not an address that can be fetched
    "server_error",  # 5xx: the server's own problem
    "unreadable",  # it arrived, but is not readable iCalendar
    "internal",  # a bug here
    "error",  # anything else
)


def code_for_status(status: int) -> str:
    """The error code of an HTTP error status."""
    if status == 401:
        return "wrong_password"
    if status == 403:
        return "forbidden"
    if status in (404, 410):
        return "not_found"
    if status >= 500:
        return "server_error"
    return "error"


class RemoteError(Exception):
    """The calendar could not be reached or answered something unusable."""

    def __init__(
        self, message: str = "", code: str = "error", suggestions: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code if code in ERROR_CODES else "error"
        self.suggestions = list(suggestions or [])[:10]


class TokenExpired(RemoteError):
    """The server no longer accepts our sync token."""


class PreconditionFailed(RemoteError):
    """If-Match failed: the object changed on the server."""


@dataclass
class RemoteObject:
    href: str
    etag: str | None
    body: bytes


@dataclass
class Changes:
    objects: list[RemoteObject] = field(default_factory=list)
    deleted_hrefs: list[str] = field(default_factory=list)
    complete: bool = False  # `objects` is everything there is: what is missing was deleted
    unchanged: bool = False
    state: dict[str, Any] = field(default_factory=dict)  # for the next pull


class BaseRemote(ABC):
    """One remote calendar for one source. Subclasses are each kind's `Remote`."""

    label: ClassVar[str]  # a short human name for the admin page (a Swedish msgid)
    atomic_feed: ClassVar[bool] = False  # one unparsable object fails the whole pull

    def __init__(self, source: Source) -> None:
        self.source = source

    @classmethod
    def writable(cls, two_way: bool) -> bool:
        """Whether a source of this kind, configured `two_way` or not, takes our changes."""
        return False

    @abstractmethod
    def pull(self, state: dict[str, Any]) -> Changes:
        """What changed since `state` (the `Changes.state` of the last pull; {}: everything)."""

    @abstractmethod
    def href_for(self, uid: str) -> str:
        """The URL of the object that holds `uid`."""

    def fetch(self, uid: str, href: str | None = None) -> RemoteObject | None:
        """The one object holding `uid` (at `href` if known), or None if there is none.
        By default from a full listing; kinds that can ask for one object do."""
        for obj in self.pull({}).objects:
            if obj.href == (href or self.href_for(uid)):
                return obj
        return None

    def put(
        self, uid: str, body: str, etag: str | None, href: str | None = None
    ) -> tuple[str | None, str]:
        """Create or replace one object; (its new ETag, its URL)."""
        raise RemoteError(f"{self.source.name!r} is read-only: cannot write {uid}")

    def delete(self, href: str, etag: str | None) -> None:
        """Delete one object (gone already is fine)."""
        raise RemoteError(f"{self.source.name!r} is read-only: cannot delete {href}")


def kind_class(kind: str) -> type[BaseRemote]:
    """The `Remote` class of `kind`, for its decisions (no connection is made)."""
    if kind not in KINDS:
        raise ValueError(f"unknown calendar kind {kind!r} (known: {', '.join(KINDS)})")
    remote: type[BaseRemote] = importlib.import_module(KINDS[kind]).Remote
    return remote


def load(source: Source) -> BaseRemote:
    """The remote calendar of `source`, of its kind (ValueError for an unknown kind)."""
    return kind_class(source.kind)(source)
