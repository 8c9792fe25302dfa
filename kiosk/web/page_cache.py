"""Rendered public pages kept in memory and served in front of Flask, with ETags and 304s.

Owns the response cache for the board (`/`) and detail pages (`/a/<id>`; not the feeds
`/a/<id>.ics`, which answer their own conditional requests in `kiosk.api.views`). It is a small
WSGI layer around the Flask app: on a hit it answers from memory without entering Flask
(Flask's per-request work costs more than a cached page does); on a miss Flask renders and
the answer is kept. The key holds the path, the query (without `lang`), the locale chosen
exactly as Flask chooses it (`i18n.choose_locale`), the municipality's local date and the
store's version, so a write makes every older page unreachable at once and old entries
age out of the LRU.

The query in the key holds only the parameters the pages read (`PAGE_QUERY`); others are
dropped before Flask sees them, so `/?x=1`, `/?x=2` … are one page, not one entry each.
The pages people open most (no filter, on the first `HOSTS` host names seen) live in their
own LRU: filtered pages, any other Host header and values made up to miss the cache churn
only a smaller second one, never push the kiosk's board out.

The ETag carries a per-process token, so a restart (which may restore older data) never
matches an ETag a browser kept from before. Never caches anything that set a cookie other
than the language, nor any non-200 answer.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie

from kiosk.web.i18n import LANG_COOKIE, choose_locale, cookie_to_set, lang_cookie_header

CACHEABLE_PATH = re.compile(r"^/(a/[^/]+)?$")
# What the board's filter (kiosk.board.views.filter_from_args) and every page read.
PAGE_QUERY = frozenset({"lang", "for", "speaks", "place", "free", "childcare"})
HOSTS = 4  # host names whose plain pages are kept in the main LRU
VARIED_ENTRIES = 64
DROPPED_HEADERS = {"set-cookie", "content-length", "etag", "cache-control"}

Headers = list[tuple[str, str]]


class PageCache:
    """WSGI middleware: `app.wsgi_app = PageCache(app.wsgi_app, key_parts, default_locale)`.

    `key_parts()` returns what besides the request decides a page: (local date, version).
    """

    def __init__(
        self,
        wsgi_app: Callable[..., Iterable[bytes]],
        key_parts: Callable[[], Hashable],
        default_locale: Callable[[], str],
        max_entries: int = 256,
    ) -> None:
        self.wsgi_app = wsgi_app
        self.key_parts = key_parts
        self.default_locale = default_locale
        self.token = secrets.token_hex(4)
        self.hits = 0
        self.misses = 0
        self._max = max_entries
        self._entries: OrderedDict[Hashable, tuple[bytes, Headers, str]] = OrderedDict()
        self._varied: OrderedDict[Hashable, tuple[bytes, Headers, str]] = OrderedDict()
        self._hosts: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):  # type: ignore[no-untyped-def]
        path = environ.get("PATH_INFO", "")
        if (
            environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or not CACHEABLE_PATH.match(path)
            or path.endswith(".ics")
        ):
            return self.wsgi_app(environ, start_response)
        query = [(k, v) for k, v in parse_qsl(environ.get("QUERY_STRING", "")) if k in PAGE_QUERY]
        environ = {**environ, "QUERY_STRING": urlencode(query)}  # Flask sees what the key holds
        query_lang = next((v for k, v in query if k == "lang"), None)
        cookie_lang = parse_cookie(environ.get("HTTP_COOKIE", "")).get(LANG_COOKIE)
        locale = choose_locale(
            query_lang,
            cookie_lang,
            parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept),
            self.default_locale(),
        )
        host = environ.get("HTTP_HOST", "")[:200]  # pages hold absolute links (QR, share) to it
        filters = tuple(sorted((k, v[:100]) for k, v in query if k != "lang"))
        key = (host, path, filters, locale, self.key_parts())
        with self._lock:
            if not filters and len(self._hosts) < HOSTS:
                self._hosts.add(host)
            shelf = self._entries if not filters and host in self._hosts else self._varied
            entry = shelf.get(key)
            if entry is not None:
                shelf.move_to_end(key)
                self.hits += 1
        if entry is None:
            status, flask_headers, flask_body, entry = self._render(environ, key, shelf)
            if entry is None:  # not cacheable: pass Flask's answer on as it was
                start_response(status, flask_headers)
                return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [flask_body]
        body, headers, etag = entry
        headers = [*headers, ("ETag", etag), ("Cache-Control", "no-cache")]
        new_cookie = cookie_to_set(query_lang, cookie_lang)
        if new_cookie:
            headers.append(("Set-Cookie", lang_cookie_header(new_cookie)))
        if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 Not Modified", headers)
            return [b""]
        start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _render(
        self,
        environ: dict[str, Any],
        key: Hashable,
        shelf: OrderedDict[Hashable, tuple[bytes, Headers, str]],
    ) -> tuple[str, Headers, bytes, tuple[bytes, Headers, str] | None]:
        """Let Flask answer a GET; keep the answer if it is a plain 200.

        Returns Flask's status, headers and body, and the cache entry (None: not cacheable).
        """
        captured: dict[str, Any] = {}

        def capture(status: str, headers: Headers, exc_info: Any = None) -> Callable[..., Any]:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        inner = {**environ, "REQUEST_METHOD": "GET", "HTTP_IF_NONE_MATCH": ""}
        result = self.wsgi_app(inner, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = captured["status"], captured["headers"]
        cookies = [v for k, v in headers if k.lower() == "set-cookie"]
        if not status.startswith("200") or any(
            not c.startswith(f"{LANG_COOKIE}=") for c in cookies
        ):
            return status, headers, body, None
        kept = [(k, v) for k, v in headers if k.lower() not in DROPPED_HEADERS]
        etag = f'"{self.token}-{hashlib.blake2b(body, digest_size=8).hexdigest()}"'
        entry = (body, kept, etag)
        most = self._max if shelf is self._entries else VARIED_ENTRIES
        with self._lock:
            self.misses += 1
            shelf[key] = entry
            while len(shelf) > most:
                shelf.popitem(last=False)
        return status, headers, body, entry
