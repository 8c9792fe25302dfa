"""Rendered pages kept in memory, with ETags and 304 answers.

Owns caching whole response bodies under a key the caller builds (page, language, filter,
local date, store version). Because the store version is part of the key, a write makes
every old entry unreachable at once; old entries age out of the small LRU. The ETag also
carries a per-process token, so a restart (which may restore older data) never matches an
ETag a browser kept from before.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import Response, request


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    etag: str


class PageCache:
    def __init__(self, max_entries: int = 256) -> None:
        self._entries: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()
        self.token = secrets.token_hex(4)
        self.hits = 0
        self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> CachedPage:
        with self._lock:
            page = self._entries.get(key)
            if page is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return page
        body = render().encode("utf-8")  # rendered outside the lock; a double render is harmless
        digest = hashlib.blake2b(body, digest_size=8).hexdigest()
        page = CachedPage(body, f'"{self.token}-{digest}"')
        with self._lock:
            self.misses += 1
            self._entries[key] = page
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return page

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def respond(page: CachedPage, mimetype: str = "text/html") -> Response:
    """A 304 if the browser already has this page, else the page; always revalidated."""
    if page.etag in request.headers.get("If-None-Match", ""):
        response = Response(status=304)
    else:
        response = Response(page.body, mimetype=mimetype)
    response.headers["ETag"] = page.etag
    response.headers["Cache-Control"] = "no-cache"
    return response
