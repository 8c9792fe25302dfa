"""The `ics` kind of remote calendar: a read-only iCalendar URL (webcal, a published feed).

Owns fetching the feed: whole, only when it changed (ETag / Last-Modified), bounded in size
and time by `sync.fetch`. The feed is one document, so it is an atomic feed: if it does not
parse, the whole pull fails and the last good data stays. Never written to.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sync import BaseRemote, Changes, RemoteError, RemoteObject

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 30.0
MAX_FEED_BYTES = 20 * 1024 * 1024


class Remote(BaseRemote):
    """A read-only iCalendar URL, fetched whole when it changed (ETag / Last-Modified)."""

    label: ClassVar[str] = "ICS-länk (bara läsa)"
    atomic_feed: ClassVar[bool] = True

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

    def href_for(self, uid: str) -> str:
        """Every event lives in the one feed."""
        return self.source.url


IcsFeed = Remote
