"""Sync around the edges: filtered calendar feeds, `motesplats sync`, the loopback-only
trigger, and the board's note when the central calendar is stale."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from kiosk import services
from kiosk.activities.model import utc_iso
from tests.conftest import Clock


def uids(feed: bytes) -> set[str]:
    return {str(e["UID"]) for e in Calendar.from_ical(feed).walk("VEVENT")}


def test_feeds_per_organiser_and_per_audience(client: FlaskClient) -> None:
    everything = uids(client.get("/calendar.ics").data)
    red_cross = uids(client.get("/calendar.ics?organiser=demo-rodakorset").data)
    women = uids(client.get("/calendar.ics?audience=women").data)
    assert "demo-laxhjalp@motesplats" in red_cross and red_cross < everything
    assert "demo-simning-kvinnor@motesplats" in women and "demo-laxhjalp@motesplats" not in women
    assert client.get("/calendar.ics?organiser=nobody").status_code == 404
    assert client.get("/calendar.ics?audience=aliens").status_code == 404


def test_only_the_server_itself_may_ask_for_a_sync(client: FlaskClient) -> None:
    assert (
        client.post("/api/sync-now", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 403
    )
    answer = client.post("/api/sync-now", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.status_code == 200 and answer.get_json() == {"sources": 0}


def test_board_says_when_the_central_calendar_is_stale(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    engine = services.get_for(app).sync
    assert "centrala kalendern" not in client.get("/?lang=sv").get_data(as_text=True)
    source = engine.sources.add("Kommunen", "ics", "http://127.0.0.1:9/none.ics")
    never = client.get("/?lang=sv").get_data(as_text=True)
    assert "Den centrala kalendern har inte kunnat hämtas än" in never
    engine.sources.update_state(source.id, last_success=utc_iso(clock.now))
    fresh = client.get("/?lang=sv").get_data(as_text=True)
    assert "Kalendern hämtad" in fresh and "inte kunnat hämtas" not in fresh
    clock.now += timedelta(hours=25)
    stale = client.get("/?lang=sv").get_data(as_text=True)
    assert "Den centrala kalendern har inte kunnat hämtas sedan" in stale


def test_cli_sync_runs_a_cycle_and_reports_errors(tmp_path: Path) -> None:
    from kiosk.store import open_store
    from kiosk.village_pc.cli import main
    from sync.sources import SourceBook

    data = tmp_path / "data"
    store = open_store(data)
    SourceBook(store).add("Kommunen", "ics", "http://127.0.0.1:9/none.ics")  # nobody listens
    store.close()
    result = CliRunner().invoke(main, ["sync", "--data-dir", str(data)])
    assert result.exit_code == 1 and "ERROR" in result.output
    empty = tmp_path / "empty"
    open_store(empty).close()
    ok = CliRunner().invoke(main, ["sync", "--data-dir", str(empty)])
    assert ok.exit_code == 0 and "No calendars" in ok.output


@pytest.mark.parametrize("lang", ["sv", "ar"])
def test_sync_page_renders_in_two_directions(app: Flask, lang: str) -> None:
    from tests.admin_helpers import PASSWORD, login

    services.get_for(app).accounts.create("anna", PASSWORD, "admin", "Anna")
    client = app.test_client()
    login(client, "anna")
    page = client.get(f"/admin/sync?lang={lang}")
    assert page.status_code == 200
