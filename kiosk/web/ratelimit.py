"""Per-client rate limits for public write endpoints (a sliding window in memory).

Owns counting recent events per key (an IP address). Memory stays bounded: keys with no
recent events are dropped. The kiosk itself (loopback) is many people, so callers exempt it.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    def __init__(self, max_events: int, per_seconds: float) -> None:
        """At most `max_events` (or that much weight) per key within `per_seconds`."""
        self.max_events = max_events
        self.per_seconds = per_seconds
        self._events: dict[str, deque[tuple[float, int]]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, weight: int = 1) -> bool:
        """Count an event of `weight` (people in a signup, say) for `key`; False if it would
        go over the limit (and then it is not counted)."""
        now = time.monotonic()
        with self._lock:
            if len(self._events) > 10_000:
                self._forget_idle(now)
            events = self._events.setdefault(key, deque())
            while events and events[0][0] <= now - self.per_seconds:
                events.popleft()
            if sum(w for _t, w in events) + weight > self.max_events:
                return False
            events.append((now, weight))
            return True

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, v in self._events.items() if not v or v[-1][0] <= now - self.per_seconds]
        for key in idle:
            del self._events[key]
