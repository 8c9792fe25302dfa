"""Two-way sync with a real Radicale CalDAV server: round trip, edits on both sides,
conflicts, and a forgotten sync token."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import recurring_ical_events
from flask import Flask
from icalendar import Calendar

from kiosk import services
from kiosk.activities.model import Activity, Override
from kiosk.activities.recurrence import expand
from kiosk.ical.read import read_calendar
from kiosk.volunteers.accounts import Account
from tests.conftest import FIXED_NOW, STOCKHOLM
from tests.radicale_server import Radicale


@pytest.fixture
def radicale(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Radicale(tmp_path / "radicale") as server:
        yield server


@pytest.fixture
def engine(app: Flask, radicale: Radicale):  # type: ignore[no-untyped-def]
    svc = services.get_for(app)
    svc.sync.sources.add(
        "Regionen", "caldav", radicale.calendar_url, True, radicale.user, radicale.password
    )
    return svc.sync


ANNA = Account("anna", "Anna", "admin", "-")


def club(**changes: object) -> Activity:
    start = datetime(2026, 11, 24, 16, 30, tzinfo=STOCKHOLM)
    activity = Activity(
        id="klubben@motesplats",
        title={"sv": "Läxklubben", "ar": "نادي الواجبات"},
        start=start,
        end=start + timedelta(hours=2, minutes=30),
        rrule="FREQ=WEEKLY;UNTIL=20270330T000000Z",
        exdates=["20261229T153000Z"],
        overrides={
            "20261208T153000Z": Override(status="cancelled", note={"sv": "Lucia"}),
            "20261215T153000Z": Override(
                datetime(2026, 12, 16, 17, 0, tzinfo=STOCKHOLM),
                datetime(2026, 12, 16, 19, 0, tzinfo=STOCKHOLM),
            ),
        },
        place_id="demo-bibliotek",
    )
    for name, value in changes.items():
        setattr(activity, name, value)
    return activity


def on_server(radicale: Radicale) -> dict[str, tuple[str, bytes]]:
    """Every object on Radicale as a plain caldav client sees it: uid -> (etag, data)."""
    calendar = radicale.client().calendar(url=radicale.calendar_url)
    found = {}
    for obj in calendar.get_objects_by_sync_token(load_objects=True):
        if not obj.data:
            continue
        for activity in read_calendar(obj.data).activities:
            found[activity.id] = (obj.etag, obj.data.encode())
    return found


WINDOW = (datetime(2026, 11, 20, tzinfo=STOCKHOLM), datetime(2027, 4, 1, tzinfo=STOCKHOLM))


def test_round_trip_through_radicale_keeps_every_occurrence(app: Flask, engine, radicale) -> None:  # type: ignore[no-untyped-def]
    svc = services.get_for(app)
    svc.editor.save(ANNA, club(), None)
    (report,) = engine.run_once()
    assert report.ok and report.pushed == 1  # the club; the demo week stays on the kiosk
    assert list(on_server(radicale)) == ["klubben@motesplats"]
    _etag, data = on_server(radicale)["klubben@motesplats"]
    theirs = [
        (e["DTSTART"].dt, e["DTEND"].dt, str(e.get("STATUS", "")) == "CANCELLED")
        for e in recurring_ical_events.of(Calendar.from_ical(data)).between(*WINDOW)
    ]
    ours = [
        (o.start, o.end, o.status == "cancelled")
        for o in expand(
            Activity.from_doc(svc.store.get("activities", "klubben@motesplats")), *WINDOW
        )
    ]
    assert sorted(theirs) == sorted(ours) and len(ours) == 17
    assert (
        datetime(2026, 12, 16, 17, 0, tzinfo=STOCKHOLM),
        datetime(2026, 12, 16, 19, 0, tzinfo=STOCKHOLM),
        False,
    ) in theirs
    (again,) = engine.run_once()
    assert again.ok and again.pushed == 0 and again.received == 0  # nothing to do twice


def test_edit_on_radicale_reaches_the_board_and_board_creations_reach_radicale(
    app: Flask, engine, radicale
) -> None:  # type: ignore[no-untyped-def]
    svc = services.get_for(app)
    svc.editor.save(ANNA, club(), None)
    engine.run_once()
    calendar = radicale.client().calendar(url=radicale.calendar_url)
    event = calendar.get_event_by_uid("klubben@motesplats")
    event.icalendar_component["SUMMARY"] = "Läxklubben – nu i Stora salen"
    event.save(increase_seqno=True)
    (report,) = engine.run_once()
    assert report.ok and report.received == 1
    stored = svc.store.get("activities", "klubben@motesplats")
    assert stored["title"]["sv"] == "Läxklubben – nu i Stora salen"
    detail = app.test_client().get("/a/klubben@motesplats?lang=sv")
    assert "Läxklubben – nu i Stora salen" in detail.get_data(as_text=True)

    svc.editor.save(ANNA, club(id="ny@motesplats", title={"sv": "Syjunta"}), None)
    engine.run_once()
    assert "ny@motesplats" in on_server(radicale)
    svc.editor.delete(ANNA, "ny@motesplats", 1)
    engine.run_once()
    assert "ny@motesplats" not in on_server(radicale)


def test_same_event_changed_on_both_sides_ends_in_the_conflicts_list(
    app: Flask, engine, radicale
) -> None:  # type: ignore[no-untyped-def]
    svc = services.get_for(app)
    svc.editor.save(ANNA, club(), None)
    engine.run_once()
    calendar = radicale.client().calendar(url=radicale.calendar_url)
    remote = calendar.get_event_by_uid("klubben@motesplats")
    remote.icalendar_component["SUMMARY"] = "Läxklubben (centralt)"
    remote.save(increase_seqno=True)
    local = Activity.from_doc(svc.store.get("activities", "klubben@motesplats"))
    local.title = {"sv": "Läxklubben (lokalt)"}
    svc.editor.save(ANNA, local, local.version)

    (report,) = engine.run_once()
    assert report.conflicts == 1
    (conflict,) = engine.ledger.conflicts()
    assert conflict["local"]["title"]["sv"] == "Läxklubben (lokalt)"
    assert conflict["remote"]["title"]["sv"] == "Läxklubben (centralt)"
    # one rule on every board: the central calendar's version stands; ours is kept
    assert conflict["applied"] == "central"
    assert svc.store.get("activities", "klubben@motesplats")["title"]["sv"] == (
        "Läxklubben (centralt)"
    )
    assert engine.outbox.count() == 0

    engine.settle(conflict["id"], "central")
    engine.run_once()
    assert engine.ledger.conflicts() == []
    assert (
        svc.store.get("activities", "klubben@motesplats")["title"]["sv"] == "Läxklubben (centralt)"
    )
    _etag, data = on_server(radicale)["klubben@motesplats"]
    assert read_calendar(data).activities[0].title["sv"] == "Läxklubben (centralt)"


def test_choosing_the_local_version_sends_it_to_radicale(app: Flask, engine, radicale) -> None:  # type: ignore[no-untyped-def]
    svc = services.get_for(app)
    svc.editor.save(ANNA, club(), None)
    engine.run_once()
    remote = (
        radicale.client().calendar(url=radicale.calendar_url).get_event_by_uid("klubben@motesplats")
    )
    remote.icalendar_component["SUMMARY"] = "Centralt namn"
    remote.save(increase_seqno=True)
    local = Activity.from_doc(svc.store.get("activities", "klubben@motesplats"))
    local.title = {"sv": "Lokalt namn"}
    svc.editor.save(ANNA, local, local.version)
    engine.run_once()
    (conflict,) = engine.ledger.conflicts()
    client = app.test_client()
    from tests.admin_helpers import csrf, login

    svc.accounts.create("admin2", "correct horse battery", "admin", "Admin")
    login(client, "admin2")
    page = client.get("/admin/sync").get_data(as_text=True)
    assert "Lokalt namn" in page and "Centralt namn" in page
    client.post(
        f"/admin/sync/conflicts/{conflict['id']}",
        data={"csrf_token": csrf(client, "/admin/"), "choice": "local"},
    )
    (report,) = engine.run_once()
    assert report.ok and engine.ledger.conflicts() == []
    _etag, data = on_server(radicale)["klubben@motesplats"]
    assert read_calendar(data).activities[0].title["sv"] == "Lokalt namn"


def test_a_forgotten_sync_token_means_a_full_resync_not_an_error(
    app: Flask, engine, radicale
) -> None:  # type: ignore[no-untyped-def]
    engine.run_once()
    (source,) = engine.sources.all()
    engine.sources.update_state(
        source.id, remote={"sync_token": "http://radicale.org/ns/sync/" + "0" * 64}
    )
    (report,) = engine.run_once()
    assert report.ok and any("full resync" in w for w in report.warnings)


def test_server_down_keeps_changes_in_the_outbox(app: Flask, engine, radicale) -> None:  # type: ignore[no-untyped-def]
    svc = services.get_for(app)
    engine.run_once()
    radicale.stop()
    try:
        svc.editor.save(ANNA, club(), None)
        (report,) = engine.run_once()
        assert not report.ok and "cannot reach" in report.error
        assert [e.uid for e in engine.outbox.pending()] == ["klubben@motesplats"]
        (source,) = engine.sources.all()
        assert source.state["failures"] == 1 and source.state["retry_at"]
        assert engine.run_once(force=False) == []  # backing off: not even one request
    finally:
        radicale.start()
    (report,) = engine.run_once()
    assert report.ok and engine.outbox.count() == 0
    assert "klubben@motesplats" in on_server(radicale)


def test_a_restore_gives_this_board_a_new_device_id(app: Flask) -> None:
    svc = services.get_for(app)
    before = svc.sync.device
    raw = svc.store.list_backups()[0].read_bytes()
    svc.restore(raw, "anna")
    assert svc.sync.device != before
    saved = svc.editor.save(ANNA, club(), None)
    doc = svc.store.get("activities", saved.id)
    assert doc["changed_on"] == svc.sync.device and doc["change_counter"] == 1
    assert FIXED_NOW  # (the app's clock is fixed; counters are per device)
