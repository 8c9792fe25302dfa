"""The admin sync page: per calendar the last success, the next try, how many events it gave
and what the last pull skipped or adapted; each kind of failure (a calendar home instead of
a calendar and a wrong password against a real Radicale, a closed port, an HTML page, a
broken feed) with its advice in the viewer's language; "Synka nu" with no calendar."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from kiosk import services
from kiosk.activities.model import utc_iso
from sync import ERROR_CODES
from sync.sources import Source, next_try
from tests.admin_helpers import csrf, login
from tests.conftest import FIXED_NOW, free_port
from tests.radicale_server import Radicale, radicale_fixture

pytestmark = pytest.mark.usefixtures("people")

radicale = pytest.fixture(scope="module")(radicale_fixture)

# One event with an end, one without (the importer adapts it: "shown as one hour").
FEED = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kommunen//SV\r\n"
    "BEGIN:VEVENT\r\nUID:kultur@kommunen.example\r\nDTSTAMP:20261101T000000Z\r\n"
    "DTSTART;TZID=Europe/Stockholm:20261125T180000\r\n"
    "DTEND;TZID=Europe/Stockholm:20261125T200000\r\n"
    "SUMMARY:Kulturkväll\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:marknad@kommunen.example\r\nDTSTAMP:20261101T000000Z\r\n"
    "DTSTART;TZID=Europe/Stockholm:20261128T100000\r\n"
    "SUMMARY:Julmarknad\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
).encode()
HTML = b"<!DOCTYPE html><html><head><title>Kommunen</title></head><body>Kalender</body></html>"


class Feed(BaseHTTPRequestHandler):
    """The municipality's web server: answers every GET with `body` as `content_type`."""

    body = FEED
    content_type = "text/calendar; charset=utf-8"

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def feed_url() -> Iterator[str]:
    Feed.body, Feed.content_type = FEED, "text/calendar; charset=utf-8"
    server = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/kalender.ics"
    server.shutdown()


def admin(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "anna")
    return client


def page(app: Flask, lang: str = "sv") -> str:
    response = admin(app).get(f"/admin/sync?lang={lang}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str, source: Source) -> str:
    """The part of the page about one calendar."""
    return html.split(f'id="source-{source.id}"', 1)[1].split("</section>", 1)[0]


def shown(html: str, css_class: str) -> str:
    found = re.search(rf'<dd class="{css_class}">(.*?)</dd>', html, re.S)
    assert found, css_class
    return found.group(1).strip()


# ---- what the page shows per calendar ------------------------------------------------------


def test_page_shows_last_success_next_try_events_and_what_was_adapted(
    app: Flask, feed_url: str
) -> None:
    engine = services.get_for(app).sync
    source = engine.sources.add("Kommunen", "ics", feed_url)
    before = section(page(app), source)
    assert shown(before, "sync-last-success") == "Aldrig"
    assert shown(before, "sync-next-try") == "Nu"  # never tried: the next turn takes it
    assert shown(before, "sync-events") == "0"

    (report,) = engine.run_once()
    assert report.ok and report.received == 2
    html = section(page(app), source)
    # FIXED_NOW is Tuesday 24 November 09:00; the next turn SYNC_INTERVAL_SECONDS (300) later.
    assert shown(html, "sync-last-success") == "tisdag 24 november 09:00"
    assert shown(html, "sync-next-try") == "tisdag 24 november 09:05"
    assert shown(html, "sync-events") == "2"
    assert "Överhoppat eller anpassat vid senaste hämtningen: 1" in html
    assert "Detaljer (tekniska, på engelska):" in html
    assert "no end time (DTEND): shown as one hour" in html
    assert 'class="sync-error"' not in html  # no failure, no advice

    english = section(page(app, "en"), source)
    assert "Skipped or adapted in the last fetch: 1" in english
    assert "Events from this calendar on the board" in english
    assert shown(english, "sync-events") == "2"


def test_details_are_bounded(app: Flask, feed_url: str) -> None:
    engine = services.get_for(app).sync
    source = engine.sources.add("Kommunen", "ics", feed_url)
    from sync.engine import Report

    report = Report(source.id, warnings=[f"event {n}: adapted " + "x" * 1000 for n in range(45)])
    engine._record(source, report)  # what a pull with 45 warnings leaves
    kept = engine.sources.get(source.id).state["last_report"]
    assert len(kept["warnings"]) == 20 and kept["warnings_count"] == 45
    assert all(len(w) <= 300 for w in kept["warnings"])
    html = section(page(app), source)
    assert "Överhoppat eller anpassat vid senaste hämtningen: 45" in html
    assert html.count('<li dir="ltr"><bdi>event ') == 20
    assert "… och 25 till." in html


def test_a_conflict_names_its_calendar_and_counts_for_it(app: Flask, feed_url: str) -> None:
    engine = services.get_for(app).sync
    source = engine.sources.add("Regionen", "ics", feed_url)
    local = services.get_for(app).store.get("activities", "demo-sprakcafe@motesplats")
    remote = {**local, "title": {"sv": "Språkcafé (centralt)"}}
    engine.ledger.conflict(
        source.id, local["id"], local, remote, '"e1"', "local", utc_iso(FIXED_NOW)
    )
    html = page(app)
    assert shown(section(html, source), "sync-conflicts") == '<a href="#conflicts">1</a>'
    conflicts = html.split('id="conflicts"', 1)[1]
    assert "Kalender: <bdi>Regionen</bdi>" in conflicts and "Språkcafé (centralt)" in conflicts


# ---- when the next try is --------------------------------------------------------------------


NOW = datetime(2026, 11, 24, 8, 1, tzinfo=UTC)
LAST = utc_iso(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))


def at(hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(2026, 11, 24, hh, mm, ss, tzinfo=UTC)


def test_next_try_follows_the_interval_the_backoff_and_the_outbox() -> None:
    assert next_try({}, NOW, 300) == NOW  # never tried: now
    assert next_try({"last_attempt": LAST}, NOW, 300) == at(8, 5)
    # Backing off until 08:12: the turns at 08:05 and 08:10 pass it by.
    backing_off = {"last_attempt": LAST, "retry_at": utc_iso(at(8, 12))}
    assert next_try(backing_off, NOW, 300) == at(8, 15)
    # An outbox entry due in 30 s wakes the loop sooner ...
    assert next_try({"last_attempt": LAST}, NOW, 300, wake_in=30) == at(8, 1, 30)
    # ... but not for a source still backing off then.
    assert next_try(backing_off, NOW, 300, wake_in=30) == at(8, 15)
    # A turn that is late (the server was off): now.
    assert next_try({"last_attempt": LAST}, at(9, 0), 300) == at(9, 0)
    # A retry time further away than any backoff means the clock went back: ignored.
    jumped = {"last_attempt": LAST, "retry_at": utc_iso(at(8, 0) + timedelta(days=1))}
    assert next_try(jumped, NOW, 300) == at(8, 5)


def test_the_page_shows_the_backoff(app: Flask, feed_url: str) -> None:
    engine = services.get_for(app).sync
    source = engine.sources.add("Kommunen", "ics", feed_url)
    engine.sources.update_state(
        source.id,
        last_attempt=utc_iso(FIXED_NOW),
        last_error="x",
        failures=9,
        retry_at=utc_iso(FIXED_NOW + timedelta(minutes=12)),
    )
    html = section(page(app), source)
    assert shown(html, "sync-next-try") == "tisdag 24 november 09:15"
    assert "Misslyckade försök i rad: 9" in html


# ---- failures: a code in sync, advice on the page ------------------------------------------


def failed(app: Flask, source: Source, code: str) -> str:
    """Run a cycle; the source must fail with `code`; the page's part about it."""
    engine = services.get_for(app).sync
    (report,) = [r for r in engine.run_once() if r.source_id == source.id]
    assert not report.ok and report.code == code, (report.code, report.error)
    state = engine.sources.get(source.id).state
    assert state["last_error_code"] == code and state["last_error"] == report.error
    html = section(page(app), source)
    assert f'data-code="{code}"' in html and "Tekniska detaljer" in html
    return html


def test_a_calendar_home_instead_of_a_calendar(app: Flask, radicale: Radicale) -> None:
    engine = services.get_for(app).sync
    source = engine.sources.add(
        "Regionen", "caldav", radicale.principal_url, False, radicale.user, radicale.password
    )
    html = failed(app, source, "calendar_home")
    assert "Adressen går till en mapp med kalendrar (kontots hem), inte till en kalender." in html
    # The calendars in that home are offered, so the admin can copy the right address.
    assert "Kalendrar på den adressen:" in html
    assert f"<bdi>{radicale.calendar_url}</bdi>" in html
    assert engine.sources.get(source.id).state["last_error_suggestions"] == [radicale.calendar_url]

    # The suggested address works.
    fixed = engine.sources.add(
        "Regionen", "caldav", radicale.calendar_url, False, radicale.user, radicale.password
    )
    assert next(r for r in engine.run_once() if r.source_id == fixed.id).ok


def test_a_wrong_password(app: Flask, radicale: Radicale) -> None:
    engine = services.get_for(app).sync
    source = engine.sources.add(
        "Regionen", "caldav", radicale.calendar_url, False, radicale.user, "wrong"
    )
    html = failed(app, source, "wrong_password")
    assert "Servern godtar inte användarnamnet eller lösenordet." in html
    assert "Unauthorized" in html  # the technical detail, under the advice


def test_a_wrong_password_on_a_feed(app: Flask, radicale: Radicale) -> None:
    """Radicale's calendar as a plain ICS link (a GET gives the whole calendar)."""
    engine = services.get_for(app).sync
    source = engine.sources.add("Regionen", "ics", radicale.calendar_url, False, "sync", "wrong")
    failed(app, source, "wrong_password")


@pytest.mark.parametrize("kind", ["ics", "caldav"])
def test_a_closed_port(app: Flask, kind: str) -> None:
    engine = services.get_for(app).sync
    source = engine.sources.add("Kommunen", kind, f"http://127.0.0.1:{free_port()}/kalender/")
    html = failed(app, source, "unreachable")
    assert "Servern går inte att nå. Kontrollera internetanslutningen och adressen." in html


def test_an_unknown_host(app: Flask) -> None:
    engine = services.get_for(app).sync
    source = engine.sources.add("Kommunen", "ics", "http://kalender.invalid/kommunen.ics")
    failed(app, source, "unreachable")


def test_an_html_page_instead_of_a_feed_keeps_the_last_good_data(app: Flask, feed_url: str) -> None:
    engine = services.get_for(app).sync
    source = engine.sources.add("Kommunen", "ics", feed_url)
    assert engine.run_once()[0].ok
    Feed.body, Feed.content_type = HTML, "text/html; charset=utf-8"
    html = failed(app, source, "not_a_calendar")
    assert "Adressen ger en webbsida eller något annat än en kalender." in html
    assert shown(html, "sync-events") == "2"  # the last good data stays
    assert shown(html, "sync-last-success") == "tisdag 24 november 09:00"


def test_an_html_page_given_as_caldav(app: Flask, feed_url: str) -> None:
    Feed.body, Feed.content_type = HTML, "text/html"
    engine = services.get_for(app).sync
    source = engine.sources.add("Kommunen", "caldav", feed_url)
    failed(app, source, "not_a_calendar")


def test_a_calendar_sent_as_text_html_is_still_read(app: Flask, feed_url: str) -> None:
    Feed.content_type = "text/html"  # some web servers do this
    engine = services.get_for(app).sync
    engine.sources.add("Kommunen", "ics", feed_url)
    (report,) = engine.run_once()
    assert report.ok and report.received == 2


def test_a_broken_feed(app: Flask, feed_url: str) -> None:
    Feed.body = FEED[: len(FEED) // 2]  # cut short: no END:VCALENDAR
    engine = services.get_for(app).sync
    source = engine.sources.add("Kommunen", "ics", feed_url)
    html = failed(app, source, "unreadable")
    assert "går inte att läsa som en kalender" in html


def test_every_code_has_advice_in_every_language(app: Flask) -> None:
    from kiosk.volunteers.admin.sync_page import ADVICE

    assert set(ADVICE) == set(ERROR_CODES)
    with app.test_request_context("/"):
        with force_locale("sv"):
            swedish = {code: str(advice) for code, advice in ADVICE.items()}
        for lang in ("en", "ar", "fa_AF", "so", "ti"):
            with force_locale(lang):
                for code, advice in ADVICE.items():
                    assert str(advice) not in ("", swedish[code]), (lang, code)


def test_the_page_in_arabic(app: Flask, radicale: Radicale) -> None:
    engine = services.get_for(app).sync
    source = engine.sources.add(
        "Regionen", "caldav", radicale.calendar_url, False, radicale.user, "wrong"
    )
    engine.run_once()
    html = page(app, "ar")
    assert re.search(r'<html lang="ar" dir="rtl">', html)
    part = section(html, source)
    assert "الخادم لا يقبل اسم المستخدم أو كلمة المرور." in part
    assert "تفاصيل تقنية" in part  # "Tekniska detaljer"
    # The technical detail stays English, left to right inside the Arabic page.
    assert re.search(r'<p dir="ltr"><bdi>the calendar refused us: [^<]*Unauthorized', part)


# ---- "Synka nu" ------------------------------------------------------------------------------


def test_sync_now_without_a_calendar_says_so(app: Flask) -> None:
    client = admin(app)
    engine = services.get_for(app).sync
    engine.wake_event.clear()
    response = client.post(
        "/admin/sync/run?lang=en", data={"csrf_token": csrf(client, "/admin/sync")}
    )
    assert response.status_code == 303
    assert not engine.wake_event.is_set()  # nothing pretends to sync
    html = client.get("/admin/sync?lang=en").get_data(as_text=True)
    assert "No calendar is set up, so there is nothing to sync. Add one below." in html
    assert "Sync is running now" not in html

    client.get("/admin/sync?lang=sv")
    client.post("/admin/sync/run", data={"csrf_token": csrf(client, "/admin/sync")})
    swedish = client.get("/admin/sync").get_data(as_text=True)
    assert "Ingen kalender är inställd, så det finns inget att synka." in swedish


def test_sync_now_with_a_calendar_wakes_the_loop(app: Flask, feed_url: str) -> None:
    client = admin(app)
    engine = services.get_for(app).sync
    engine.sources.add("Kommunen", "ics", feed_url)
    engine.wake_event.clear()
    client.post("/admin/sync/run", data={"csrf_token": csrf(client, "/admin/sync")})
    assert engine.wake_event.is_set()
    assert "Synken körs nu." in client.get("/admin/sync").get_data(as_text=True)
