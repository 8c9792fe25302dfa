"""Pulling a big central calendar: 2,000 events (200 of them weekly series) from an ICS feed.

Prints, from one run on this machine, with a local HTTP server serving the feed:
1. the first pull into an empty store (download, parse, store every activity);
2. a no-change sync when the server answers 304 to our ETag;
3. a no-change sync from a server without ETags (the whole feed again, parsed and compared,
   nothing written).
Targets: 1 < 5 s, 2 < 0.5 s. Results also go to bench/results/latest.json.

Usage: `.venv/bin/python -m bench.sync`
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bench.live import record
from kiosk.store import open_store
from sync.engine import SyncEngine

EVENTS = 2000
SERIES = 200
ZONE = ZoneInfo("Europe/Stockholm")


def central_feed(now: datetime) -> bytes:
    """A municipality's calendar as another program would write it (no Mötesplats fields)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Kommunen//Evenemang//SV")
    calendar.add("version", "2.0")
    for number in range(EVENTS):
        event = Event()
        start = (now + timedelta(days=number % 120, hours=number % 9)).replace(
            minute=0, second=0, microsecond=0
        )
        event.add("uid", f"event-{number}@kommunen.example")
        event.add("summary", f"Evenemang {number}")
        event.add("description", "Öppet för alla. Fika finns. " * 3)
        event.add("location", f"Bygdegården {number % 40}")
        event.add("dtstart", start.astimezone(ZONE))
        event.add("dtend", start.astimezone(ZONE) + timedelta(hours=2))
        event.add("dtstamp", now)
        if number < SERIES:
            event.add("rrule", {"freq": "weekly", "until": now + timedelta(weeks=30)})
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


class Feed(BaseHTTPRequestHandler):
    body = b""
    etags = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        etag = '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'
        if self.etags and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        if self.etags:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def main(argv: list[str]) -> dict:
    now = datetime.now(UTC)
    Feed.body = central_feed(now)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/kommunen.ics"
    tmp = Path(tempfile.mkdtemp(prefix="motesplats-bench-sync-"))
    store = open_store(tmp / "data")
    try:
        engine = SyncEngine(store, tmp / "data", lambda: datetime.now(UTC))
        engine.sources.add("Kommunen", "ics", url)
        began = time.perf_counter()
        (first,) = engine.run_once()
        first_s = time.perf_counter() - began
        assert first.ok, first.error
        stored = store.count("activities")

        began = time.perf_counter()
        (again,) = engine.run_once()
        unchanged_s = time.perf_counter() - began
        assert again.ok and again.received == 0

        Feed.etags = False
        engine.run_once()  # the server stopped sending ETags: the agreed state is updated once
        version = store.version
        began = time.perf_counter()
        (full,) = engine.run_once()
        full_s = time.perf_counter() - began
        assert full.ok and full.received == 0
        writes = store.version - version
    finally:
        store.close()
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    figures = {
        "feed_bytes": len(Feed.body),
        "events": EVENTS,
        "series": SERIES,
        "stored": stored,
        "first_pull_s": round(first_s, 3),
        "no_change_304_s": round(unchanged_s, 4),
        "no_change_without_etag_s": round(full_s, 3),
        "writes_on_no_change": writes,
    }
    print(f"Sync: a {len(Feed.body) / 1e6:.1f} MB feed, {EVENTS} events ({SERIES} weekly series)")
    print(f"  first pull into an empty store: {first_s:.2f} s (target < 5 s); {stored} stored")
    print(f"  no-change sync, server answers 304: {unchanged_s * 1000:.1f} ms (target < 500 ms)")
    print(
        f"  no-change sync, server without ETag: {full_s:.2f} s "
        f"(whole feed parsed and compared; {writes} store writes, state only)"
    )
    figures.update(push_fifty())
    record("sync", figures)
    return figures


def push_fifty(count: int = 50) -> dict:
    """`count` local creations sent to a real Radicale in one cycle (If-None-Match PUTs)."""
    from kiosk.activities.model import Activity
    from kiosk.volunteers.accounts import Account
    from kiosk.volunteers.editing import Editor
    from tests.radicale_server import Radicale

    tmp = Path(tempfile.mkdtemp(prefix="motesplats-bench-push-"))
    clock = lambda: datetime.now(UTC)  # noqa: E731
    try:
        with Radicale(tmp / "radicale") as radicale:
            store = open_store(tmp / "data")
            engine = SyncEngine(store, tmp / "data", clock)
            engine.sources.add(
                "Regionen", "caldav", radicale.calendar_url, True, radicale.user, radicale.password
            )
            engine.run_once()  # the first pull: an empty calendar
            editor = Editor(
                store,
                engine.book.audit,
                clock,
                book=engine.book,
                on_change=engine.local_change,
                read_only=engine.read_only,
            )
            anna = Account("anna", "Anna", "admin", "-")
            start = datetime.now(ZONE).replace(hour=18, minute=0, second=0, microsecond=0)
            for n in range(count):
                editor.save(
                    anna,
                    Activity(
                        id=f"push-{n}@motesplats",
                        title={"sv": f"Kvällskurs {n}"},
                        start=start + timedelta(days=n % 14),
                        end=start + timedelta(days=n % 14, hours=2),
                    ),
                    None,
                )
            queued = engine.outbox.count()
            began = time.perf_counter()
            reports = engine.run_once()
            push_s = time.perf_counter() - began
            pushed = sum(r.pushed for r in reports)
            left = engine.outbox.count()
            on_server = len(radicale.client().calendar(url=radicale.calendar_url).events())
            store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"  push {count} local creations to a real Radicale: {push_s:.2f} s "
        f"({queued} queued, {pushed} confirmed, {left} left, {on_server} on the server)"
    )
    return {
        "push_count": count,
        "push_s": round(push_s, 2),
        "pushed": pushed,
        "push_left": left,
        "on_radicale": on_server,
    }


if __name__ == "__main__":
    main(sys.argv[1:])
