"""The real console script: `motesplats serve` in a subprocess, over real HTTP."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from tests import clock as test_clock
from tests.conftest import VENV_BIN, free_port, start_server, stop_server, wait_for_http


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


@pytest.mark.today
def test_serve_shows_the_demo_week_on_first_start(tmp_path: Path) -> None:
    port = free_port()
    proc = start_server(tmp_path / "data", port)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/board-version", proc)
        html = fetch(f"http://127.0.0.1:{port}/?lang=sv")
        for title in (
            "Mötesplats Götene",
            "After School Club",
            "Språkcafé",
            "Kvinnofrukost",
            "Förskolelek",
            "Simning för kvinnor",
        ):
            assert title in html, title
        assert "Cykelkurs" in fetch(f"http://127.0.0.1:{port}/api/activities")
    finally:
        log = stop_server(proc)
    assert "loaded the demo week" in log
    assert (tmp_path / "data" / "motesplats.json").exists()


@pytest.mark.today
def test_the_live_server_keeps_the_runs_clock(tmp_path: Path) -> None:
    """Under `python -m tests.sweep` the server's day is the moved day, not the machine's."""
    port = free_port()
    proc = start_server(tmp_path / "data", port)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/activities", timeout=10) as r:
            said = parsedate_to_datetime(r.headers["Date"])
            week = json.load(r)
    finally:
        stop_server(proc)
    assert abs((said - test_clock.utc_now()).total_seconds()) < 60
    assert week["from"] == test_clock.now().date().isoformat()


@pytest.mark.today
def test_server_starts_from_backup_when_the_data_file_is_garbage(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    proc = start_server(data, port)
    wait_for_http(f"http://127.0.0.1:{port}/", proc)
    stop_server(proc)
    (data / "motesplats.json").write_bytes(b'{"activities/03": {"1": {"id": "demo-spr')

    proc = start_server(data, port)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", proc)
        assert "Språkcafé" in fetch(f"http://127.0.0.1:{port}/?lang=sv")
    finally:
        log = stop_server(proc)
    assert "damaged" in log and "started from backup" in log
    assert "loaded the demo week" not in log.split("started from backup")[1]
    aside = list(data.glob("motesplats.json.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b'{"activities/03"')


def test_second_server_on_the_same_data_folder_explains_itself(tmp_path: Path) -> None:
    port = free_port()
    proc = start_server(tmp_path / "data", port)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", proc)
        second = start_server(tmp_path / "data", free_port())
        second.wait(timeout=30)
        err = stop_server(second)
        assert second.returncode != 0
        assert "already using the data folder" in err and "Traceback" not in err
    finally:
        stop_server(proc)


@pytest.mark.today
def test_demo_command_loads_into_an_empty_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(VENV_BIN / "motesplats"), "demo", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "13 activities" in result.stdout


def test_serve_help_lists_every_setting() -> None:
    result = subprocess.run(
        [str(VENV_BIN / "motesplats"), "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "--port" in result.stdout and "MOTESPLATS_TIMEZONE" in result.stdout


def test_create_admin_asks_twice_and_refuses_weak_or_duplicate(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kiosk.store import open_store
    from kiosk.village_pc.cli import main

    data = str(tmp_path / "data")
    runner = CliRunner()
    args = ["create-admin", "--username", "Anna", "--data-dir", data]
    short = runner.invoke(main, args, input="short\nshort\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    mismatch = runner.invoke(main, args, input="long enough pw\nanother one\nx\nx\n")
    assert mismatch.exit_code != 0
    ok = runner.invoke(main, args, input="long enough pw\nlong enough pw\n")
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(main, args, input="long enough pw\nlong enough pw\n")
    assert again.exit_code != 0 and "exists already" in again.output
    store = open_store(data)
    try:
        doc = store.get("accounts", "anna")
        assert doc["role"] == "admin" and doc["password_hash"].startswith("$argon2id$")
        locked = runner.invoke(main, args, input="long enough pw\nlong enough pw\n")
        assert locked.exit_code != 0 and "Stop the server first" in locked.output
    finally:
        store.close()


@pytest.mark.parametrize(
    "command",
    [
        ["create-admin", "--username", "anna"],
        ["demo"],
        ["backup"],
        ["sync"],
        ["migrate"],
    ],
)
def test_every_command_leaves_a_folder_at_the_current_schema(
    tmp_path: Path, command: list[str]
) -> None:
    """A folder set up by any command records its schema version, so `serve` never migrates
    it again (create-admin used to leave none)."""
    from click.testing import CliRunner

    from kiosk.store import migrations, open_store
    from kiosk.village_pc.cli import main

    data = str(tmp_path / "data")
    result = CliRunner().invoke(
        main, [*command, "--data-dir", data], input="long enough pw\nlong enough pw\n"
    )
    assert result.exit_code == 0, result.output
    asked: list[int] = []

    def migrate(tables: dict) -> dict | None:
        asked.append(migrations.stored_version(tables))
        return migrations.migrate(tables)

    store = open_store(data, migrate=migrate)
    try:
        assert store.get(migrations.META_TABLE, migrations.SCHEMA_ID) == {
            "id": migrations.SCHEMA_ID,
            "version": migrations.SCHEMA_VERSION,
        }
        assert asked == [migrations.SCHEMA_VERSION]  # nothing left to migrate
    finally:
        store.close()


def test_the_socket_listens_first_and_says_starting_until_the_data_is_open() -> None:
    """Issue 23: a large data folder takes seconds to open; meanwhile the server answers
    "starting" (503, Retry-After, six languages) instead of refusing the connection."""
    from kiosk.village_pc.starting import StartingApp

    starting = StartingApp()
    answer: dict[str, object] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer.update(status=status, headers=dict(headers))

    body = b"".join(starting({"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz"}, start_response))
    assert str(answer["status"]).startswith("503")
    assert answer["headers"]["Retry-After"] and answer["headers"]["Cache-Control"] == "no-store"  # type: ignore[index]
    page = body.decode()
    assert 'http-equiv="refresh"' in page and "startar" in page and 'lang="ti"' in page

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        start_response("200 OK", [])
        return [b"board"]

    starting.ready(app)
    assert b"".join(starting({"REQUEST_METHOD": "GET"}, start_response)) == b"board"


def test_a_slow_start_listens_before_the_data_is_read(tmp_path: Path) -> None:
    """The live server: the port accepts and answers 503 while create_app still runs (made
    slow here by a large journal to replay), then the board."""
    import socket
    import urllib.error

    from kiosk.store import open_store

    data = tmp_path / "data"
    store = open_store(data)
    filler = "x" * 2000
    for block in range(40):
        store.put_many(
            "activities",
            [{"id": f"a{block}-{n}", "filler": filler} for n in range(250)],
        )
    store.close()
    port = free_port()
    began = time.monotonic()
    proc = start_server(data, port)
    try:
        while time.monotonic() - began < 30:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.01)
        statuses = []
        while time.monotonic() - began < 60:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    statuses.append(r.status)
                    break
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
                time.sleep(0.05)
        assert statuses[0] == 503 and statuses[-1] == 200, statuses
    finally:
        stop_server(proc)


def test_304_keeps_the_connection_for_the_next_request(tmp_path: Path) -> None:
    """Issue 23: waitress closed the connection after every 304 (no Content-Length), so a
    board or calendar app that revalidates opened a new TCP connection each time."""
    import http.client

    port = free_port()
    proc = start_server(tmp_path / "data", port)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", proc)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for path in ("/?lang=sv", "/calendar.ics", "/api/activities"):
            conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
            first = conn.getresponse()
            first.read()
            etag = first.getheader("ETag")
            assert first.status == 200 and etag
            sock = conn.sock
            conn.request("GET", path, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
            again = conn.getresponse()
            again.read()
            assert again.status == 304 and again.getheader("Connection") != "close", path
            assert not again.will_close and conn.sock is sock  # the same TCP connection
        conn.close()
    finally:
        stop_server(proc)
