"""The `ics` kind of remote calendar: a read-only iCalendar URL (webcal, a published feed).

Owns fetching the feed: whole, only when it changed (ETag / Last-Modified), bounded in size
and time by `sync.fetch`. The feed is one document, so it is an atomic feed: if it does not
parse, the whole pull fails and the last good data stays. Never written to.

Failures become `RemoteError`s with a code (`sync.ERROR_CODES`): the fetch's kind or HTTP
status, and `not_a_calendar` for a web page (HTML) where the calendar should be, which is
what a wrong link (the calendar's web page instead of its subscription link) or a Wi-Fi
login page gives.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sync import BaseRemote, Changes, RemoteError, RemoteObject, code_for_status

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
            raise RemoteError(str(exc), error_code(exc)) from exc
        new_state = {"etag": got.etag, "last_modified": got.last_modified}
        if not got.changed:
            return Changes(unchanged=True, state={**state, **new_state})
        if looks_like_a_web_page(got.body, got.content_type):
            raise RemoteError(
                f"{got.url} gives a web page ({got.content_type or 'HTML'}), not an iCalendar "
                "feed: it is probably the calendar's page, not its subscription (ICS) link.",
                "not_a_calendar",
            )
        return Changes([RemoteObject(got.url, got.etag, got.body)], complete=True, state=new_state)

    def href_for(self, uid: str) -> str:
        """Every event lives in the one feed."""
        return self.source.url


IcsFeed = Remote

_FETCH_CODES = {
    "network": "unreachable",
    "too_big": "too_big",
    "too_slow": "too_slow",
    "redirects": "redirects",
    "bad_url": "bad_url",
}


def error_code(exc: Any) -> str:
    """The `sync.ERROR_CODES` code of a `sync.fetch.FetchError`."""
    if exc.kind == "http":
        return code_for_status(exc.status) if exc.status else "unreadable"
    return _FETCH_CODES.get(exc.kind, "error")


def looks_like_a_web_page(body: bytes, content_type: str) -> bool:
    """Whether a feed's answer is an HTML page rather than a calendar. Some servers send
    real calendars as text/html, so the type alone does not decide: the body must not hold
    a calendar."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"begin:vcalendar" in body[:65536].lower():
        return False
    return content_type in ("text/html", "application/xhtml+xml") or head.startswith(
        (b"<!doctype html", b"<html", b"<head", b"<body")
    )
