"""Waiting for the board to change: the long poll behind `/api/board-version?since=`.

Owns the waiting, not the token: the view says what the board's current token is
(`current()`), and `BoardWatch.wait` returns as soon as it differs from the one the board
already shows, or after `seconds`. The store's change hook (`Store.on_change`) calls
`changed()` after every acknowledged write, which wakes every waiter through one
`threading.Condition`; waiters also look again every `RECHECK_SECONDS`, so a change no write
announces (the date at midnight) is seen without one.

Each waiter holds one of waitress's fixed worker threads for as long as it waits, so the
waits are bounded: at most `max_waiters` at once in the whole server and `per_client` per
client (address). A request beyond either bound is answered at once with `waited=False`;
the board then asks again after a pause, like the plain poll it used before. No Flask here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

RECHECK_SECONDS = 5.0
PER_CLIENT = 2


@dataclass(frozen=True)
class Answer:
    version: str
    waited: bool  # False: refused (too many waiting); the caller should pause before asking


def default_waiters(threads: int) -> int:
    """A quarter of waitress's worker threads (at least one) may wait for news at once."""
    return max(1, threads // 4)


class BoardWatch:
    """Lets requests wait, boundedly, for the board's token to change."""

    def __init__(self, seconds: float, max_waiters: int, per_client: int = PER_CLIENT) -> None:
        self.seconds = seconds
        self.max_waiters = max_waiters
        self.per_client = per_client
        self._changed = threading.Condition()
        self._waiting = 0
        self._by_client: dict[str, int] = {}

    @property
    def waiting(self) -> int:
        """How many requests wait right now."""
        with self._changed:
            return self._waiting

    def changed(self) -> None:
        """Something was written: every waiter looks at its token again (the store's hook)."""
        with self._changed:
            self._changed.notify_all()

    def wait(self, since: str, current: Callable[[], str], client: str) -> Answer:
        """`current()` once it differs from `since`, or when `seconds` have passed; at once
        (waited=False) when the server or this client already has its most waiters.
        `current` must be cheap and must not take the store's lock."""
        deadline = time.monotonic() + self.seconds
        with self._changed:
            token = current()
            if token != since:
                return Answer(token, True)
            mine = self._by_client.get(client, 0)
            if self._waiting >= self.max_waiters or mine >= self.per_client:
                return Answer(token, False)
            self._waiting += 1
            self._by_client[client] = mine + 1
            try:
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return Answer(token, True)
                    self._changed.wait(min(left, RECHECK_SECONDS))
                    token = current()
                    if token != since:
                        return Answer(token, True)
            finally:
                self._waiting -= 1
                if self._by_client[client] <= 1:
                    del self._by_client[client]
                else:
                    self._by_client[client] -= 1
