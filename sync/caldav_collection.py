"""The `caldav` kind of remote calendar: a CalDAV collection, read-only or two-way.

Owns talking CalDAV (RFC 4791, sync tokens of RFC 6578) through the `caldav` client: pull
what changed, PUT and DELETE single objects guarded by ETags. Each event is its own object,
so a pull is not atomic: an object that does not parse is skipped with a warning. Writable
when the admin configured the source two-way.

Failures are `RemoteError`s with a code (`sync.ERROR_CODES`). Before a full listing (no sync
token yet, or a forgotten one), and after a refusal that is not about the password, a
PROPFIND of the address's resource type tells a calendar from a calendar *home* (the
account's folder that holds calendars, what people often copy: then the calendars found in
it are the suggestions) or from something that is no calendar at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urljoin

from sync import (
    BaseRemote,
    Changes,
    PreconditionFailed,
    RemoteError,
    RemoteObject,
    TokenExpired,
    code_for_status,
)

if TYPE_CHECKING:
    from sync.sources import Source

CONNECT_TIMEOUT = 5.0
MULTIGET_PAGE = 200  # objects fetched per REPORT (a series with its moved dates: a few VEVENTs)
CALENDAR_TYPE = "{urn:ietf:params:xml:ns:caldav}calendar"
COLLECTION_TYPE = "{DAV:}collection"
PROPFIND_RESOURCETYPE = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<propfind xmlns="DAV:"><prop><resourcetype/></prop></propfind>'
)


class Remote(BaseRemote):
    """A CalDAV calendar collection (Radicale, Nextcloud, SOGo …) through the `caldav` client.

    Pull uses the collection's sync token (RFC 6578: only what changed since; deletions as
    URLs); without a token, or when the server forgot it, a full listing. Objects are then
    fetched by multigets of MULTIGET_PAGE. Writes are plain PUT/DELETE with If-Match (or
    If-None-Match: * for a new object), sending our bytes unchanged; ETags, never text
    hashes, tell whether the server's copy changed (servers rewrite what they store).
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
            if token is None:  # a full listing: what is missing counts as deleted, so be sure
                self._refuse_if_not_a_calendar()
            listing = calendar.get_objects_by_sync_token(
                sync_token=token, load_objects=False, disable_fallback=True
            )
            items = list(listing)
            deleted = {self._canonical(u) for u in listing.deleted_urls}
            etags = {self._canonical(o.url): o.etag for o in items if o.etag is not None}
            wanted = [o.url for o in items if o.etag is not None]
            loaded = [  # in pages: servers cap one answer (Radicale: 10,000 VEVENTs)
                obj
                for first in range(0, len(wanted), MULTIGET_PAGE)
                for obj in calendar.multiget(wanted[first : first + MULTIGET_PAGE])
            ]
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
            raise self._refusal(exc, f"the calendar refused us: {exc}") from exc
        except error.DAVError as exc:
            raise self._refusal(exc, f"CalDAV error: {exc}") from exc
        except OSError as exc:
            raise _unreachable(exc) from exc
        except RemoteError:
            raise
        except Exception as exc:  # caldav could not read the answer: what is at the address?
            raise self._refusal(exc, f"the answer is not usable CalDAV: {exc!r}") from exc
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
            raise _unreachable(exc) from exc
        if response.status == 412:
            raise PreconditionFailed(f"{uid} changed on the server")
        if response.status >= 300:
            raise RemoteError(
                f"the calendar answered HTTP {response.status} to {uid}",
                code_for_status(response.status),
            )
        return response.headers.get("ETag"), self._canonical(url)

    def fetch(self, uid: str, href: str | None = None) -> RemoteObject | None:
        """One GET of the object holding `uid` (None: there is none)."""
        self._connect()
        url = href or self.href_for(uid)
        try:
            response = self._client.request(url, "GET", "", {})
        except OSError as exc:
            raise _unreachable(exc) from exc
        except Exception as exc:  # noqa: BLE001 - caldav raises its own for 404
            if getattr(exc, "status", None) in (404, 410) or "404" in str(exc):
                return None
            raise RemoteError(f"CalDAV error: {exc}") from exc
        if response.status in (404, 410):
            return None
        if response.status >= 300:
            raise RemoteError(
                f"the calendar answered HTTP {response.status} to GET {uid}",
                code_for_status(response.status),
            )
        raw = response.raw
        body = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw or b"")
        return RemoteObject(self._canonical(url), response.headers.get("ETag"), body)

    def delete(self, href: str, etag: str | None) -> None:
        self._connect()
        headers = {"If-Match": etag} if etag else {}
        try:
            response = self._client.delete(href, headers) if headers else self._client.delete(href)
        except OSError as exc:
            raise _unreachable(exc) from exc
        if response.status == 412:
            raise PreconditionFailed(f"{href} changed on the server")
        if response.status >= 300 and response.status != 404:  # gone already: fine
            raise RemoteError(
                f"the calendar answered HTTP {response.status} to DELETE",
                code_for_status(response.status),
            )

    # ---- what is at the address --------------------------------------------------------

    def _resource_types(self) -> list[str] | None:
        """The address's DAV resource types (PROPFIND, depth 0): [] when the server does not
        speak WebDAV there (a web page, method not allowed), None when the answer says
        nothing either way. Raises for the network and for a wrong password (401)."""
        from caldav.lib import error

        try:
            response = self._client.request(
                self.source.url,
                "PROPFIND",
                PROPFIND_RESOURCETYPE,
                {"Depth": "0", "Content-Type": "application/xml; charset=utf-8"},
            )
        except error.AuthorizationError as exc:
            if exc.status == 401:
                raise
            return None
        except OSError:
            raise
        except Exception:  # noqa: BLE001 - an answer caldav cannot take says "unknown"
            return None
        if response.status in (405, 501):
            return []
        if response.status not in (200, 207):
            return None
        tree = getattr(response, "tree", None)
        if tree is None or tree.tag != "{DAV:}multistatus":
            return []  # 200 with a web page or nothing: not WebDAV
        found = tree.find(".//{DAV:}resourcetype")
        if found is None or len(found) == 0:  # not given, or a plain file: cannot tell
            return None
        return [str(child.tag) for child in found]

    def _not_a_calendar(self, types: list[str] | None) -> RemoteError | None:
        """The error to give when `types` show the address is not a calendar, else None."""
        if types is None or CALENDAR_TYPE in types:
            return None
        url = self.source.url
        if COLLECTION_TYPE in types:
            return RemoteError(
                f"{url} is a folder of calendars (a calendar home), not a calendar: "
                "use the address of one calendar in it",
                "calendar_home",
                self._calendars_in_home(),
            )
        return RemoteError(
            f"{url} is not a calendar collection (resource type: {', '.join(types) or 'none'})",
            "not_a_calendar",
        )

    def _refuse_if_not_a_calendar(self) -> None:
        problem = self._not_a_calendar(self._resource_types())
        if problem is not None:
            raise problem

    def _calendars_in_home(self) -> list[str]:
        """The addresses of the calendars in the home at the source's address (at most 10)."""
        import caldav

        try:
            found = caldav.CalendarSet(client=self._client, url=self.source.url).calendars()
            return [self._canonical(c.url) for c in found][:10]
        except Exception:  # noqa: BLE001 - only a suggestion
            return []

    def _refusal(self, exc: Any, message: str) -> RemoteError:
        """A classified RemoteError for a DAVError the server answered with."""
        status = getattr(exc, "status", None)
        if status == 401:
            return RemoteError(message, "wrong_password")
        if status in (404, 410):
            return RemoteError(message, "not_found")
        if status is not None and status >= 500 and status != 501:
            return RemoteError(message, "server_error")
        try:  # a refusal, a method not allowed, an odd answer: what is at this address?
            problem = self._not_a_calendar(self._resource_types())
        except Exception:  # noqa: BLE001 - keep the first error
            problem = None
        if problem is not None:
            return RemoteError(f"{problem} ({message})", problem.code, problem.suggestions)
        return RemoteError(message, code_for_status(status) if status else "error")


def _unreachable(exc: OSError) -> RemoteError:
    return RemoteError(f"cannot reach the calendar: {exc}", "unreachable")


CalDavCollection = Remote
