"""Classify what the importer makes of every file in `../shared/ics-corpus/` (real files from
six projects' test suites), against recurring-ical-events as the reference reader.

Each file ends in one class:
* `identical`: the same occurrence starts as recurring-ical-events in a 400-day window
  beginning at the file's first event;
* `warned`: it imported what it could and says what it skipped or adapted and why
  (differences are then explained);
* `refused`: nothing imported, with a reason (IcsError);
* `silent`: different occurrences and no word about it; `empty`: nothing imported and no
  word; `crash`: any other exception; `hang`: more than HANG_SECONDS.
Floating times and dates are compared in the calendar's zone (X-WR-TIMEZONE, else
Stockholm), the way both readers are told to take them.
"""

from __future__ import annotations

import os
import signal
import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events

from kiosk.activities.recurrence import expand
from kiosk.ical.common import IcsError
from kiosk.ical.read import read_calendar


def _find_corpus() -> Path:
    """`../shared/ics-corpus` beside the checkout (or MOTESPLATS_ICS_CORPUS, or the
    workspace's copy when the checkout is a clone elsewhere)."""
    candidates = [
        os.environ.get("MOTESPLATS_ICS_CORPUS", ""),
        Path(__file__).resolve().parents[3] / "shared" / "ics-corpus",
        "/work/shared/ics-corpus",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return Path(candidates[1])


CORPUS = _find_corpus()
WINDOW = timedelta(days=400)
EDGE = timedelta(days=2)
HANG_SECONDS = 20
BAD = ("silent", "empty", "crash", "hang")


@dataclass
class Outcome:
    name: str
    kind: str
    detail: str = ""
    reference: int = 0
    ours: int = 0
    notes: list[str] = field(default_factory=list)


class Hang(Exception):
    pass


def _zone(calendar: icalendar.Calendar) -> ZoneInfo:
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    try:
        return ZoneInfo(name) if name else ZoneInfo("Europe/Stockholm")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Stockholm")


def _utc(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return (value.replace(tzinfo=zone) if value.tzinfo is None else value).astimezone(UTC)
    return datetime.combine(value, time(0), zone).astimezone(UTC)


def _calendars(raw: bytes) -> list[icalendar.Calendar]:
    found = icalendar.Calendar.from_ical(raw.decode("utf-8", "replace"), multiple=True)
    return [c for c in found if isinstance(c, icalendar.Calendar)]


def reference_starts(raw: bytes) -> tuple[set[datetime], datetime | None]:
    """recurring-ical-events' occurrence starts in the window, and the window's start."""
    calendars = _calendars(raw)
    firsts = []
    for calendar in calendars:
        zone = _zone(calendar)
        for event in calendar.walk("VEVENT"):
            start = event.get("DTSTART")
            if start is not None and isinstance(start.dt, date):
                firsts.append(_utc(start.dt, zone))
    if not firsts:
        return set(), None
    begin = min(firsts) - timedelta(days=1)
    starts = set()
    for calendar in calendars:
        zone = _zone(calendar)
        for event in recurring_ical_events.of(calendar).between(begin, begin + WINDOW):
            starts.add(_utc(event["DTSTART"].dt, zone))
    return starts, begin


def classify(path: Path) -> Outcome:
    name = str(path.relative_to(CORPUS))
    raw = path.read_bytes()
    previous = signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(Hang()))
    signal.alarm(HANG_SECONDS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                imported = read_calendar(raw)
            except IcsError as exc:
                return Outcome(name, "refused", str(exc))
            notes = [*imported.skipped, *imported.warnings]
            try:
                reference, begin = reference_starts(raw)
            except Exception as exc:  # noqa: BLE001 - the reference cannot read it either
                reference, begin = None, None
                note = f"recurring-ical-events cannot read it ({type(exc).__name__})"
            ours: set[datetime] = set()
            if begin is not None:
                for activity in imported.activities:
                    for occurrence in expand(activity, begin, begin + WINDOW):
                        ours.add(occurrence.start.astimezone(UTC))
            if begin is not None and reference is not None:
                # Compare starts well inside the window: the readers differ only in whether
                # an event that starts exactly at an edge overlaps it.
                inside = lambda t: begin + EDGE <= t < begin + WINDOW - EDGE  # noqa: E731
                reference = {t for t in reference if inside(t)}
                ours = {t for t in ours if inside(t)}
            outcome = Outcome(name, "", reference=len(reference or ()), ours=len(ours))
            outcome.notes = notes[:5]
            if not imported.activities:
                outcome.kind = "warned" if notes else "empty"
            elif reference is None:
                outcome.kind, outcome.detail = ("warned" if notes else "identical"), note
            elif reference == ours:
                outcome.kind = "identical"
            else:
                outcome.kind = "warned" if notes else "silent"
                missing = sorted(reference - ours)[:3]
                extra = sorted(ours - reference)[:3]
                outcome.detail = f"missing {missing} extra {extra}"
            return outcome
    except Hang:
        return Outcome(name, "hang")
    except Exception as exc:  # noqa: BLE001 - that is what is counted
        return Outcome(name, "crash", f"{type(exc).__name__}: {exc}"[:300])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.ics"))
