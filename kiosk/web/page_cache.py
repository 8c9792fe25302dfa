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

A page is rendered once per version however many ask for it at once: while one request
renders it, the others get the version before (if there is one) or wait for the render
(at most `RENDER_WAIT` seconds, then render themselves). So a write under load costs one
render, not one per waiting request. Each page is kept gzipped too and sent so to
browsers that accept it (`Vary: Accept-Encoding`, its own ETag).

The ETag carries a per-process token, so a restart (which may restore older data) never
matches an ETag a browser kept from before. Never caches anything that set a cookie other
than the language, nor any non-200 answer.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie

from kiosk.web.built_bytes import Built, accepts_gzip
from kiosk.web.i18n import LANG_COOKIE, choose_locale, cookie_to_set, lang_cookie_header

CACHEABLE_PATH = re.compile(r"^/(a/[^/]+)?$")
# What the board's filter (kiosk.board.views.filter_from_args) and every page read.
PAGE_QUERY = frozenset({"lang", "for", "speaks", "place", "free", "childcare", "show"})
HOSTS = 4  # host names whose plain pages are kept in the main LRU
VARIED_ENTRIES = 64
DROPPED_HEADERS = {"set-cookie", "content-length", "etag", "cache-control", "vary"}
RENDER_WAIT = 10.0  # seconds a request waits for another's render of its page

Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class Page:
    """One rendered page at one version (`parts`), plain and gzipped (`Built`, as the
    feeds keep theirs)."""

    parts: Hashable
    built: Built
    headers: Headers
    etag: str

    def answer(self, zipped: bool) -> tuple[bytes, Headers, str]:
        """The body, its headers and its ETag, gzipped or not."""
        vary = ("Vary", "Accept-Encoding")
        if zipped:
            gz_headers = [*self.headers, vary, ("Content-Encoding", "gzip")]
            return self.built.gzipped, gz_headers, self.etag[:-1] + '-gz"'
        return self.built.plain(), [*self.headers, vary], self.etag


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
        self.stale = 0  # answers from the version before while another request rendered
        self._max = max_entries
        self._entries: OrderedDict[Hashable, Page] = OrderedDict()
        self._varied: OrderedDict[Hashable, Page] = OrderedDict()
        self._rendering: dict[Hashable, threading.Event] = {}
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
        key = (host, path, filters, locale)
        with self._lock:
            if not filters and len(self._hosts) < HOSTS:
                self._hosts.add(host)
        shelf = self._entries if not filters and host in self._hosts else self._varied
        page = self._page(environ, key, shelf)
        if not isinstance(page, Page):  # not cacheable: pass Flask's answer on as it was
            status, flask_headers, flask_body = page
            start_response(status, flask_headers)
            return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [flask_body]
        body, headers, etag = page.answer(accepts_gzip(environ))
        headers = [*headers, ("ETag", etag), ("Cache-Control", "no-cache")]
        new_cookie = cookie_to_set(query_lang, cookie_lang)
        if new_cookie:
            headers.append(("Set-Cookie", lang_cookie_header(new_cookie)))
        if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 Not Modified", [*headers, ("Content-Length", "0")])
            return [b""]
        start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _page(
        self, environ: dict[str, Any], key: Hashable, shelf: OrderedDict[Hashable, Page]
    ) -> Page | tuple[str, Headers, bytes]:
        """The kept page of this version; else the version before while another request
        renders this one; else this request's own render (waiting first for one already
        under way). A tuple is Flask's answer that is not kept (status, headers, body)."""
        parts = self.key_parts()
        deadline = None
        while True:
            with self._lock:
                page = shelf.get(key)
                if page is not None and page.parts == parts:
                    shelf.move_to_end(key)
                    self.hits += 1
                    return page
                under_way = self._rendering.get(key)
                if under_way is None:
                    done = self._rendering[key] = threading.Event()
                    break
                if page is not None:
                    self.stale += 1
                    return page
            deadline = deadline or time.monotonic() + RENDER_WAIT
            if not under_way.wait(max(0.0, deadline - time.monotonic())):
                return self._render(environ, key, parts, shelf)  # the other is stuck
        try:
            return self._render(environ, key, parts, shelf)
        finally:
            with self._lock:
                self._rendering.pop(key, None)
            done.set()

    def _render(
        self,
        environ: dict[str, Any],
        key: Hashable,
        parts: Hashable,
        shelf: OrderedDict[Hashable, Page],
    ) -> Page | tuple[str, Headers, bytes]:
        """Let Flask answer a GET; keep the answer if it is a plain 200."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: Headers, exc_info: Any = None) -> Callable[..., Any]:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        inner = {**environ, "REQUEST_METHOD": "GET", "HTTP_IF_NONE_MATCH": ""}
        inner.pop("HTTP_ACCEPT_ENCODING", None)
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
            return status, headers, body
        kept = [(k, v) for k, v in headers if k.lower() not in DROPPED_HEADERS]
        etag = f'"{self.token}-{hashlib.blake2b(body, digest_size=8).hexdigest()}"'
        page = Page(parts, Built.of(body), kept, etag)
        most = self._max if shelf is self._entries else VARIED_ENTRIES
        with self._lock:
            self.misses += 1
            shelf[key] = page
            shelf.move_to_end(key)
            while len(shelf) > most:
                shelf.popitem(last=False)
        return page
