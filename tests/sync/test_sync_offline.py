"""Offline: the central calendar is down, volunteers keep editing, the kiosk loses power.

Against a real Radicale and the real `motesplats serve`: 50 activities are created over HTTP
while Radicale is stopped; the kiosk process is killed (SIGKILL, like a power cut); Radicale
and the kiosk start again; all 50 arrive on Radicale exactly once, in the order they were made.
"""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.admin_helpers import PASSWORD
from tests.conftest import free_port, start_server, stop_server, wait_for_http
from tests.radicale_server import Radicale

COUNT = 50


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> str:
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.get("/admin/login")).group(1)
        body = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        with self.opener.open(self.base + path, data=body, timeout=20) as response:
            return response.read().decode()


def offline_titles(radicale: Radicale) -> list[tuple[float, str]]:
    """(modification time, SUMMARY) of every "Offline" object in Radicale's storage."""
    folder = radicale.collections / "collection-root" / radicale.user / radicale.calendar_id
    found = []
    for path in folder.glob("*.ics"):
        summary = re.search(r"^SUMMARY[^:]*:(.*)$", path.read_text(), re.M)
        if summary and summary.group(1).strip().startswith("Offline"):
            found.append((path.stat().st_mtime_ns, summary.group(1).strip()))
    return sorted(found)


def wait_until(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.today
def test_fifty_offline_edits_survive_a_kill_and_arrive_once_in_order(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from kiosk.store import open_store
    from kiosk.volunteers.accounts import AccountBook
    from sync.sources import SourceBook

    radicale = Radicale(tmp_path / "radicale").start()
    data = tmp_path / "data"
    store = open_store(data)
    AccountBook(store, lambda: datetime.now(UTC)).create("anna", PASSWORD, "admin", "Anna")
    SourceBook(store).add(
        "Regionen", "caldav", radicale.calendar_url, True, radicale.user, radicale.password
    )
    store.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    import os

    os.environ["MOTESPLATS_SYNC_INTERVAL_SECONDS"] = "2"
    try:
        proc = start_server(data, port)
        wait_for_http(base + "/", proc)
        browser = Browser(base)
        browser.post("/admin/login", {"username": "anna", "password": PASSWORD})
        wait_until(  # the first cycle has run (the demo week stays here: nothing to send)
            lambda: 'sync-last-success">Aldrig<' not in browser.get("/admin/sync"),
            60,
            "first sync",
        )
        radicale.stop()
        for number in range(1, COUNT + 1):
            page = browser.post(
                "/admin/new",
                {
                    "title_sv": f"Offline {number:02d}",
                    "date": "2026-12-20",
                    "start_time": "10:00",
                    "end_time": "11:00",
                    "repeat": "none",
                    "status": "scheduled",
                    "cost_sek": "0",
                    "confirm_clash": "yes",
                },
            )
            assert f"Sparat: Offline {number:02d}" in page
        assert f"Väntar på att skickas: {COUNT}" in browser.get("/admin/sync")
        proc.kill()  # a power cut: no clean shutdown
        proc.wait(timeout=10)

        radicale.start()
        proc = start_server(data, port)
        wait_for_http(base + "/", proc)
        wait_until(lambda: len(offline_titles(radicale)) >= COUNT, 90, "the 50 to arrive")
        time.sleep(2)  # a further cycle must not send anything twice
        arrived = offline_titles(radicale)
        titles = [title for _mtime, title in arrived]
        assert len(titles) == COUNT and len(set(titles)) == COUNT  # each exactly once
        assert titles == [f"Offline {n:02d}" for n in range(1, COUNT + 1)]  # in saving order
        browser = Browser(base)
        browser.post("/admin/login", {"username": "anna", "password": PASSWORD})
        wait_until(  # the last entry leaves once the server's answer is written down
            lambda: "Väntar på att skickas: 0" in browser.get("/admin/sync"), 10, "the outbox"
        )
    finally:
        del os.environ["MOTESPLATS_SYNC_INTERVAL_SECONDS"]
        stop_server(proc)
        radicale.stop()
