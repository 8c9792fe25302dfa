"""The store's one lock, with group commit: writers wait for the disk outside the lock.

A write appends its journal line while holding the lock, but it is not acknowledged until
the line is fsynced. Doing the fsync under the lock made every thread wait for every other
thread's disk flush (200 signups at once: ~2 ms each, one after the other). Instead, when a
thread leaves its outermost `with lock:` it waits, without the lock, until its last line is
on disk; one fsync covers every line written before it, so threads that wrote meanwhile share
it ("group commit", as databases do). Other threads may read a change a little before it is
durable; anything they write after it lands later in the same journal, so their own
acknowledgement implies the earlier change is on disk too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType

log = logging.getLogger("motesplats.store")


class CommitLock:
    """A re-entrant lock whose outermost release waits for this thread's writes to be durable.

    `make_durable(seq)` is called without the lock held and must return only when journal
    line `seq` (and so every earlier one) is on disk, or raise.
    """

    def __init__(self, make_durable: Callable[[int], None]) -> None:
        self._lock = threading.RLock()
        self._local = threading.local()
        self._make_durable = make_durable

    def written(self, seq: int) -> None:
        """Record, under the lock, that this thread wrote journal line `seq`."""
        self._local.pending = seq

    def __enter__(self) -> CommitLock:
        self._lock.acquire()
        self._local.depth = getattr(self._local, "depth", 0) + 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._local.depth -= 1
        pending = 0
        if self._local.depth == 0:
            pending = getattr(self._local, "pending", 0)
            self._local.pending = 0
        self._lock.release()
        if not pending:
            return
        try:
            self._make_durable(pending)
        except Exception:
            if exc_type is None:
                raise
            log.exception("could not make a write durable while handling another error")
