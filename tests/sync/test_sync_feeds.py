"""Read-only ICS feeds through the sync engine, against a real local HTTP server: a good feed,
a changed feed, and feeds that misbehave; the board keeps its last good data and answers."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from icalendar import Calendar, Event

from kiosk import services
from tests.admin_helpers import csrf, login
from tests.conftest import FIXED_NOW, free_port, start_server, stop_server, wait_for_http

pytestmark = pytest.mark.usefixtures("people")


def feed(*titles: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Kommunen//SV")
    calendar.add("version", "2.0")
    for number, title in enumerate(titles):
        event = Event()
        event.add("uid", f"k-{number}@kommunen.example")
        event.add("summary", title)
        start = FIXED_NOW + timedelta(days=1, hours=number)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(hours=1))
        event.add("dtstamp", datetime(2026, 11, 1, tzinfo=UTC))
        calendar.add_component(event)
    return calendar.to_ical()


class Central(BaseHTTPRequestHandler):
    """A municipality's web server; `mode` chooses how it (mis)behaves."""

    mode = "good"
    body = b""
    requests = 0

    def do_GET(self) -> None:  # noqa: N802
        Central.requests += 1
        if self.mode == "good":
            etag = f'"{hash(self.body) & 0xFFFFFF:x}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self._send(self.body, etag=etag)
        elif self.mode == "html":
            self._send(b"<html><body>Sidan finns inte</body></html>", kind="text/html")
        elif self.mode == "truncated":
            self.send_response(200)
            self.send_header("Content-Length", str(len(self.body)))
            self.end_headers()
            self.wfile.write(self.body[: len(self.body) // 2])
        elif self.mode == "cut-ics":
            self._send(self.body[: len(self.body) // 2])
        elif self.mode == "huge":
            self.send_response(200)
            self.end_headers()
            chunk = b"X" * 65536
            try:
                for _ in range(50 * 16):  # 50 MB
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif self.mode == "never":
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(600):
                    self.wfile.write(b"B")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass

    def _send(self, body: bytes, kind: str = "text/calendar", etag: str | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def central() -> Iterator[str]:
    Central.mode, Central.body, Central.requests = "good", feed("Kommunens kulturkväll"), 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Central)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/kalender.ics"
    server.shutdown()


def titles(app: Flask) -> set[str]:
    snap = services.get_for(app).catalogue.snapshot()
    return {a.title.get("sv", "") for a in snap.activities.values()}


def test_feed_is_imported_read_only_and_unchanged_feed_costs_one_request(
    app: Flask, central: str
) -> None:
    engine = services.get_for(app).sync
    source = engine.sources.add("Kommunen", "ics", central)
    (report,) = engine.run_once()
    assert report.ok and report.received == 1
    assert "Kommunens kulturkväll" in titles(app)
    imported = services.get_for(app).store.get("activities", "k-0@kommunen.example")
    assert imported["source"] == source.origin and engine.read_only(imported["source"])

    before = Central.requests
    (again,) = engine.run_once()
    assert again.ok and again.received == 0 and Central.requests == before + 1  # a 304

    Central.body = feed("Kulturkväll (ny tid)", "Julmarknad")
    (changed,) = engine.run_once()
    assert changed.received == 2 and {"Kulturkväll (ny tid)", "Julmarknad"} <= titles(app)
    Central.body = feed("Kulturkväll (ny tid)")
    (removed,) = engine.run_once()
    assert removed.deleted == 1 and "Julmarknad" not in titles(app)

    # Every imported change went through the activity book: versioned, stamped with the
    # calendar it came from, and in the audit log as the calendar's, not a volunteer's.
    svc = services.get_for(app)
    kept = svc.store.get("activities", "k-0@kommunen.example")
    assert kept["version"] == 2 and kept["changed_on"] == source.origin
    assert kept["updated_by"] == "Kommunen"
    history = svc.audit.entries(target="k-0@kommunen.example")
    assert [(e["who"], e["action"]) for e in reversed(history)] == [
        (f"calendar:{source.id}", "created"),
        (f"calendar:{source.id}", "changed"),
    ]
    (deleted,) = svc.audit.entries(target="k-1@kommunen.example", limit=1)
    assert (deleted["who"], deleted["action"], deleted["after"]) == (
        f"calendar:{source.id}",
        "deleted",
        None,
    )


def test_imported_activities_cannot_be_edited_here(app: Flask, central: str) -> None:
    engine = services.get_for(app).sync
    engine.sources.add("Kommunen", "ics", central)
    engine.run_once()
    client = app.test_client()
    login(client, "anna")
    page = client.get("/admin/edit/k-0@kommunen.example")
    assert page.status_code == 403 and "kommer från kalendern Kommunen" in page.get_data(
        as_text=True
    )


@pytest.mark.parametrize("mode", ["html", "truncated", "cut-ics", "huge", "never"])
def test_a_bad_feed_keeps_the_last_good_data_and_says_so(
    app: Flask, central: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sync.ics_feed

    monkeypatch.setattr(sync.ics_feed, "TOTAL_TIMEOUT", 3.0)  # "never": cut off after 3 s
    engine = services.get_for(app).sync
    engine.sources.add("Kommunen", "ics", central)
    engine.run_once()
    before = titles(app)
    assert "Kommunens kulturkväll" in before

    Central.mode = mode
    began = time.monotonic()
    (report,) = engine.run_once()
    assert time.monotonic() - began < 15
    assert not report.ok and report.error
    assert titles(app) == before  # the last good data stays
    client = app.test_client()
    login(client, "anna")
    page = client.get("/admin/sync").get_data(as_text=True)
    assert "Kommunen" in page and 'class="problem"' in page


@pytest.mark.today
def test_the_board_answers_while_a_feed_trickles(tmp_path: Path, central: str) -> None:
    """A real server: a sync stuck on a slow feed does not hold up the web threads."""
    Central.mode = "never"
    port = free_port()
    data = tmp_path / "served"  # (the app fixture holds tmp_path / "data")
    from kiosk.store import open_store
    from sync.sources import SourceBook

    store = open_store(data)
    SourceBook(store).add("Kommunen", "ics", central)
    store.close()
    proc = start_server(data, port, "--log-level", "WARNING")
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/", proc)
        time.sleep(1.0)  # the sync loop is now inside the trickling download
        assert Central.requests >= 1
        for _ in range(5):
            began = time.monotonic()
            with urllib.request.urlopen(base + "/?lang=sv", timeout=5) as response:
                assert response.status == 200
            assert time.monotonic() - began < 2
    finally:
        stop_server(proc)


def test_sync_page_adds_a_feed_and_settles_nothing_silently(app: Flask, central: str) -> None:
    client = app.test_client()
    login(client, "anna")
    response = client.post(
        "/admin/sync/sources",
        data={
            "csrf_token": csrf(client, "/admin/"),
            "name": "Kommunen",
            "kind": "ics",
            "url": central,
        },
    )
    assert response.status_code == 303
    (source,) = services.get_for(app).sync.sources.all()
    assert source.url == central and not source.writable
    bad = client.post(
        "/admin/sync/sources",
        data={
            "csrf_token": csrf(client, "/admin/"),
            "name": "X",
            "kind": "ics",
            "url": "file:///etc/passwd",
        },
    )
    assert bad.status_code == 303 and len(services.get_for(app).sync.sources.all()) == 1
    omar = app.test_client()
    login(omar, "omar")
    assert omar.get("/admin/sync").status_code == 403


def test_an_event_the_feed_cannot_place_is_named_on_the_sync_page(app: Flask, central: str) -> None:
    Central.body = feed("Kommunens kulturkväll").replace(
        b"END:VCALENDAR",
        b"BEGIN:VEVENT\r\nUID:utan-tid@kommunen.example\r\n"
        b"SUMMARY:Utan tid\r\nEND:VEVENT\r\nEND:VCALENDAR",
    )
    engine = services.get_for(app).sync
    source = engine.sources.add("Kommunen", "ics", central)
    (report,) = engine.run_once()
    assert report.ok and report.received == 1
    assert any(
        w.startswith("skipped: ") and "utan-tid@kommunen.example" in w for w in report.warnings
    )
    client = app.test_client()
    login(client, "anna")
    page = client.get("/admin/sync").get_data(as_text=True)
    assert "utan-tid@kommunen.example" in page and "no start time" in page
    assert engine.sources.get(source.id).state["last_report"]["warnings_count"] >= 1
