"""Every background job of a running server, started and stopped in one place.

Owns the threads that work while nobody is looking: `purge` (every hour: erase the personal
data of signups and help requests past their retention), `nightly-backup` (every ten
minutes: is tonight's copy due?) and `sync` (the central calendars, every
SYNC_INTERVAL_SECONDS or at once when a local edit wakes it). Each is a `Job`: what to run,
how long to wait before the next run, and an event that wakes it early. One loop runs every
job the same way: a run that fails is logged and tried again next time, and the wait is an
`Event.wait`, never `time.sleep`, so a clock that jumps cannot kill the thread and `stop()`
ends every job at once. Later capabilities (reminders, SMS) add their jobs here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("motesplats.jobs")


@dataclass
class Job:
    name: str
    run: Callable[[], object]
    wait: Callable[[], float]  # seconds until the next run
    run_at_start: bool = True
    wake: threading.Event = field(default_factory=threading.Event)


class Jobs:
    def __init__(self) -> None:
        self.jobs: list[Job] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def add(self, job: Job) -> Job:
        self.jobs.append(job)
        return job

    @property
    def running(self) -> list[str]:
        return [t.name for t in self._threads if t.is_alive()]

    def start(self) -> None:
        """Start every job in its own daemon thread (once)."""
        if self._threads:
            return
        self._stop.clear()
        for job in self.jobs:
            thread = threading.Thread(target=self._loop, args=(job,), daemon=True, name=job.name)
            self._threads.append(thread)
            thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """End every job after its current run; wait for them up to `timeout` seconds."""
        self._stop.set()
        for job in self.jobs:
            job.wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def _loop(self, job: Job) -> None:
        first = True
        while not self._stop.is_set():
            if job.run_at_start or not first:
                try:
                    job.run()
                except Exception:  # the next run tries again, whatever happened
                    log.exception("background job %s failed", job.name)
            first = False
            try:
                pause = max(0.0, float(job.wait()))
            except Exception:
                log.exception("background job %s: cannot tell the next run; in a minute", job.name)
                pause = 60.0
            job.wake.wait(timeout=pause)
            job.wake.clear()
