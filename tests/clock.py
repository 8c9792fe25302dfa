"""The tests' idea of "now": the real clock, or the whole run moved to another instant.

`MOTESPLATS_TEST_NOW` moves a test run to another day: an ISO local time in Stockholm
(`2027-03-28T02:30`; add `+fold` for the second 02:30 of an October night), or `today`
for the real clock. The test process reads it through `now()`; the live servers it starts
are moved by the same offset with time-machine (`faked_env`), Chromium's pages with
Playwright's clock (tests/browser/conftest.py), so every process of one run agrees on the
time and the clock keeps running.

`SWEEP` lists the instants where dates break (month, year and leap-day boundaries; both
DST changes before, inside and after the changed hour); `python -m tests.sweep` runs the
tests marked `today` at each of them.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ENV = "MOTESPLATS_TEST_NOW"
SWEEP = (
    "2026-12-01T00:30",  # first of December (UTC is still in November)
    "2026-12-31T23:30",  # the last evening of the year
    "2027-01-01T00:30",  # first of January (UTC is still in the old year)
    "2027-03-28T01:30",  # last Sunday of March: the hour before the clocks go forward
    "2027-03-28T02:30",  # ... an hour that does not exist (read as 03:30 summer time)
    "2027-03-28T03:30",  # ... just after
    "2027-10-31T01:30",  # last Sunday of October: before the clocks go back
    "2027-10-31T02:30",  # ... the first 02:30 (summer time)
    "2027-10-31T02:30+fold",  # ... the second 02:30 (winter time)
    "2027-10-31T03:30",  # ... after
    "2028-02-29T00:30",  # a leap day
    "today",
)


def parse(text: str) -> datetime | None:
    """The instant a sweep entry names; None for `today` (the real clock)."""
    text = text.strip()
    if text in ("", "today"):
        return None
    fold = 0
    if text.endswith("+fold"):
        text, fold = text.removesuffix("+fold"), 1
    local = datetime.fromisoformat(text)
    if local.tzinfo is None:
        local = local.replace(tzinfo=STOCKHOLM, fold=fold)
    # Normalise through UTC: a time that does not exist locally becomes the one it means.
    return local.astimezone(UTC).astimezone(STOCKHOLM)


def _offset() -> timedelta:
    start = parse(os.environ.get(ENV, ""))
    if start is None:
        return timedelta(0)
    return start - datetime.now(UTC)


OFFSET = _offset()  # fixed once per test process: every later reading moves on with real time


def faked() -> bool:
    return timedelta(0) != OFFSET


def now(zone: ZoneInfo = STOCKHOLM) -> datetime:
    """The run's current time in `zone` (Stockholm by default)."""
    return (datetime.now(UTC) + OFFSET).astimezone(zone)


def utc_now() -> datetime:
    """The run's current time in UTC (as the app's CLOCK gives it)."""
    return datetime.now(UTC) + OFFSET


TIME_TRAVEL = Path(__file__).resolve().parent / "time_travel"
OFFSET_ENV = "MOTESPLATS_TEST_CLOCK_OFFSET"


def check_tools() -> None:
    """Fail early, and say how to fix it, where a moved run could not move the servers."""
    try:
        import time_machine  # noqa: F401
    except ImportError as exc:
        raise RuntimeError(f"{ENV} needs time-machine: ./install.sh --dev installs it") from exc


def faked_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """`env` (default: this process's) for a Python child process that should share the
    run's clock (a live server, a CLI command).

    Unchanged on the real clock. Otherwise `time_travel/sitecustomize.py` is put first on
    PYTHONPATH and shifts the child's wall clock by the run's offset with time-machine (the
    time keeps running; monotonic clocks and sleeps stay real).
    """
    env = dict(os.environ if env is None else env)
    if not faked():
        return env
    check_tools()
    path = env.get("PYTHONPATH", "")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(TIME_TRAVEL), path) if p)
    env[OFFSET_ENV] = f"{OFFSET.total_seconds():.3f}"
    return env
