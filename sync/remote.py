"""The remote calendars behind one small interface: an ICS feed, or a CalDAV collection.

Owns talking to servers. `pull(state)` returns what changed since the state the last pull
left (`Changes.state`); a CalDAV collection also takes `put` and `delete` with ETags. Errors
are `RemoteError` (network down, HTTP error, garbage), `TokenExpired` (the server forgot our
sync token: do a full listing) or `PreconditionFailed` (the object changed on the server
since we last saw it). Every request has short timeouts: a dead network costs seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from sync.sources import Source

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 30.0
MAX_FEED_BYTES = 20 * 1024 * 1024


class RemoteError(Exception):
    """The calendar could not be reached or answered something unusable."""


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


class IcsFeed:
    """A read-only iCalendar URL, fetched whole when it changed (ETag / Last-Modified)."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def pull(self, state: dict[str, Any]) -> Changes:
        from sync.fetch import FetchError, fetch

        try:
            got = fetch(
                self.source.url,
                etag=state.get("etag"),
                last_modified=state.get("last_modified"),
                max_bytes=MAX_FEED_BYTES,
                connect_timeout=CONNECT_TIMEOUT,
                total_timeout=TOTAL_TIMEOUT,
                username=self.source.username or None,
                password=self.source.password or None,
            )
        except FetchError as exc:
            raise RemoteError(str(exc)) from exc
        new_state = {"etag": got.etag, "last_modified": got.last_modified}
        if not got.changed:
            return Changes(unchanged=True, state={**state, **new_state})
        return Changes([RemoteObject(got.url, got.etag, got.body)], complete=True, state=new_state)


class CalDavCollection:
    """A CalDAV calendar collection (Radicale, Nextcloud, SOGo …) through the `caldav` client."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self._calendar: Any = None
        self._client: Any = None

    def _connect(self) -> Any:
        if self._calendar is None:
            import caldav

            self._client = caldav.DAVClient(
                url=self.source.url,
                username=self.source.username or None,
                password=self.source.password or None,
                timeout=CONNECT_TIMEOUT,
            )
            self._calendar = self._client.calendar(url=self.source.url)
        return self._calendar

    def href_for(self, uid: str) -> str:
        from urllib.parse import quote

        base = self.source.url if self.source.url.endswith("/") else self.source.url + "/"
        return urljoin(base, quote(uid, safe="@") + ".ics")

    def pull(self, state: dict[str, Any]) -> Changes:
        raise NotImplementedError  # replaced below once the caldav calls are pinned down

    def put(self, uid: str, body: str, etag: str | None) -> tuple[str | None, str]:
        raise NotImplementedError

    def delete(self, href: str, etag: str | None) -> None:
        raise NotImplementedError


def remote_for(source: Source) -> IcsFeed | CalDavCollection:
    return CalDavCollection(source) if source.kind == "caldav" else IcsFeed(source)
