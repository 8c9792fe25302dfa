"""Answers built once per version and kept as bytes: the feeds and the JSON API.

Owns `BuiltCache`, a bounded map from a key (what decides the answer: the catalogue's
version, the path and query, the day) to the answer's bytes, plain and gzipped. Whoever
asks first builds; whoever asks for the same key meanwhile waits for that build instead of
starting another (so 16 calendar apps polling after a write cost one build, not 16). A
build is told when everyone who asked for it has gone (`gone()`, from waitress's
`waitress.client_disconnected`), and may stop then (`Abandoned`): a client that gave up
leaves no work behind it. The cache holds at most `max_bytes` (least recently used go
first); an answer larger than a quarter of that is served but not kept. A large answer is
kept gzipped only (calendar apps and browsers take gzip; for the rare client that does not,
it is unpacked for that answer), so a 50 MB feed costs about 5 MB of memory.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

Gone = Callable[[], bool]
GZIP_LEVEL = 5
PLAIN_KEPT_BYTES = 1024 * 1024  # answers up to this size are kept unpacked too
WAIT_STEP = 0.5  # seconds between two looks whether a waiting client has gone


def accepts_gzip(environ: dict[str, Any]) -> bool:
    """Whether the request's Accept-Encoding takes gzip (and does not refuse it)."""
    for part in environ.get("HTTP_ACCEPT_ENCODING", "").lower().split(","):
        coding, _, quality = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return quality.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


class Abandoned(Exception):
    """Everyone who asked for this answer has gone; it was not finished."""


@dataclass(frozen=True)
class Built:
    """One answer's bytes gzipped, and plain when small (`plain()` gives them always)."""

    gzipped: bytes
    body: bytes | None
    size: int  # of the plain bytes

    @classmethod
    def of(cls, body: bytes) -> Built:
        gzipped = gzip.compress(body, GZIP_LEVEL, mtime=0)
        return cls(gzipped, body if len(body) <= PLAIN_KEPT_BYTES else None, len(body))

    def plain(self) -> bytes:
        return self.body if self.body is not None else gzip.decompress(self.gzipped)

    @property
    def kept_bytes(self) -> int:
        return len(self.gzipped) + (len(self.body) if self.body is not None else 0)


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    askers: list[Gone] = field(default_factory=list)
    result: Built | None = None
    error: BaseException | None = None

    def all_gone(self) -> bool:
        return all(gone() for gone in list(self.askers))


def never_gone() -> bool:
    """For callers that cannot tell (the test client, other servers)."""
    return False


class BuiltCache:
    """See the module docstring. Thread-safe."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.hits = 0
        self.builds = 0
        self.abandoned = 0
        self._entries: OrderedDict[Hashable, Built] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[Gone], bytes], gone: Gone = never_gone) -> Built:
        """The answer for `key`: kept, or built by `build(everyone_gone)` (by this thread
        or one already at it). Raises `Abandoned` when this caller has gone while waiting,
        or when everyone who asked has gone during the build."""
        while True:
            with self._lock:
                kept = self._entries.get(key)
                if kept is not None:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return kept
                flight = self._flights.get(key)
                mine = flight is None
                if flight is None:
                    flight = self._flights[key] = _Flight()
                flight.askers.append(gone)
            if mine:
                return self._build(key, flight, build)
            while not flight.done.wait(WAIT_STEP):
                if gone():
                    raise Abandoned
            if flight.result is not None:
                return flight.result
            if not isinstance(flight.error, Abandoned) or gone():
                raise flight.error or Abandoned
            # The builder gave up as everyone had gone just before this caller came: build.

    def _build(self, key: Hashable, flight: _Flight, build: Callable[[Gone], bytes]) -> Built:
        try:
            body = build(flight.all_gone)
            built = Built.of(body)
            del body
            flight.result = built
            self._keep(key, built)
            return built
        except Abandoned as exc:
            self.abandoned += 1
            flight.error = exc
            raise
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                self._flights.pop(key, None)
                self.builds += 1
            flight.done.set()

    def _keep(self, key: Hashable, built: Built) -> None:
        size = built.kept_bytes
        if size > self.max_bytes // 4:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.kept_bytes
            self._entries[key] = built
            self._bytes += size
            while self._bytes > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.kept_bytes
