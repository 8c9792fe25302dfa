"""The `caldav` kind of remote calendar: a CalDAV collection, read-only or two-way.

Owns talking CalDAV (RFC 4791, sync tokens of RFC 6578) through the `caldav` client: pull
what changed, PUT and DELETE single objects guarded by ETags. Each event is its own object,
so a pull is not atomic: an object that does not parse is skipped with a warning. Writable
when the admin configured the source two-way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urljoin

from sync import BaseRemote, Changes, PreconditionFailed, RemoteError, RemoteObject, TokenExpired

if TYPE_CHECKING:
    from sync.sources import Source

CONNECT_TIMEOUT = 5.0


class Remote(BaseRemote):
    """A CalDAV calendar collection (Radicale, Nextcloud, SOGo …) through the `caldav` client.

    Pull uses the collection's sync token (RFC 6578: only what changed since; deletions as
    URLs); without a token, or when the server forgot it, a full listing. Objects are then
    fetched in one multiget. Writes are plain PUT/DELETE with If-Match (or If-None-Match: *
    for a new object), sending our bytes unchanged; ETags, never text hashes, tell whether
    the server's copy changed (servers rewrite what they store).
    """

    label: ClassVar[str] = "CalDAV"

    def __init__(self, source: Source) -> None:
        super().__init__(source)
        self._calendar: Any = None
        self._client: Any = None

    def _connect(self) -> Any:
        if self._calendar is None:
            import caldav

            self._client = caldav.DAVClient(
                url=self.source.url,
                username=self.source.username or None,
                password=self.source.password or None,
                auth_type="basic" if self.source.username else None,
                timeout=CONNECT_TIMEOUT,
            )
            self._calendar = self._client.calendar(url=self.source.url)
        return self._calendar

    @classmethod
    def writable(cls, two_way: bool) -> bool:
        return bool(two_way)

    @staticmethod
    def _canonical(url: Any) -> str:
        from caldav.lib.url import URL

        return str(URL.objectify(str(url)).canonical())

    def href_for(self, uid: str) -> str:
        base = self.source.url if self.source.url.endswith("/") else self.source.url + "/"
        return self._canonical(urljoin(base, quote(uid.replace("/", "%2F"), safe="/") + ".ics"))

    def pull(self, state: dict[str, Any]) -> Changes:
        from caldav.lib import error

        calendar = self._connect()
        token = state.get("sync_token")
        try:
            listing = calendar.get_objects_by_sync_token(
                sync_token=token, load_objects=False, disable_fallback=True
            )
            items = list(listing)
            deleted = {self._canonical(u) for u in listing.deleted_urls}
            etags = {self._canonical(o.url): o.etag for o in items if o.etag is not None}
            loaded = (
                calendar.multiget([o.url for o in items if o.etag is not None]) if etags else []
            )
            objects = [
                RemoteObject(
                    self._canonical(o.url),
                    etags.get(self._canonical(o.url)),
                    (o.data or "").encode("utf-8"),
                )
                for o in loaded
                if self._canonical(o.url) not in deleted and o.data
            ]
        except error.AuthorizationError as exc:
            if token and "valid-sync-token" in str(getattr(exc, "preconditions", "")) + str(exc):
                raise TokenExpired("the server no longer knows our sync token") from exc
            raise RemoteError(f"the calendar refused us: {exc}") from exc
        except error.DAVError as exc:
            raise RemoteError(f"CalDAV error: {exc}") from exc
        except OSError as exc:
            raise RemoteError(f"cannot reach the calendar: {exc}") from exc
        return Changes(
            objects,
            sorted(deleted),
            complete=token is None,
            state={"sync_token": listing.sync_token},
        )

    def put(
        self, uid: str, body: str, etag: str | None, href: str | None = None
    ) -> tuple[str | None, str]:
        """Create or replace one object; (its new ETag, its URL)."""
        self._connect()
        url = href or self.href_for(uid)
        headers = {"Content-Type": "text/calendar; charset=utf-8"}
        headers["If-Match" if etag else "If-None-Match"] = etag or "*"
        try:
            response = self._client.put(url, body.encode("utf-8"), headers)
        except OSError as exc:
            raise RemoteError(f"cannot reach the calendar: {exc}") from exc
        if response.status == 412:
            raise PreconditionFailed(f"{uid} changed on the server")
        if response.status >= 300:
            raise RemoteError(f"the calendar answered HTTP {response.status} to {uid}")
        return response.headers.get("ETag"), self._canonical(url)

    def delete(self, href: str, etag: str | None) -> None:
        self._connect()
        headers = {"If-Match": etag} if etag else {}
        try:
            response = self._client.delete(href, headers) if headers else self._client.delete(href)
        except OSError as exc:
            raise RemoteError(f"cannot reach the calendar: {exc}") from exc
        if response.status == 412:
            raise PreconditionFailed(f"{href} changed on the server")
        if response.status >= 300 and response.status != 404:  # gone already: fine
            raise RemoteError(f"the calendar answered HTTP {response.status} to DELETE")


CalDavCollection = Remote
