"""All-day events from a central calendar (DATE values: stored as local midnight to the
midnight after the last day) can be opened in the activity form and saved: shown as "all
day" with a first and last day, saved back unchanged, edited, and turned into a timed one."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.activities.model import Activity
from kiosk.ical.read import read_calendar
from kiosk.volunteers.accounts import Account
from tests.admin_helpers import csrf, edit_form, login
from tests.conftest import STOCKHOLM

pytestmark = pytest.mark.usefixtures("people")

ANNA = Account("anna", "Anna", "admin", "-")


def central(*events: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kommunen//SV\r\n"
        + "".join(events)
        + "END:VCALENDAR\r\n"
    ).encode()


def event(uid: str, summary: str, first: str, after_last: str, extra: str = "") -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:{first}\r\nDTEND;VALUE=DATE:{after_last}\r\n{extra}"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\n"
    )


FEED = central(
    event("julmarknad@kommunen.example", "Julmarknad", "20261205", "20261206"),
    event("kulturdagar@kommunen.example", "Kulturdagarna", "20261210", "20261213"),
    # Across the end of summer time (a 25-hour day) and weekly.
    event(
        "hostlov@kommunen.example",
        "Höstlovsaktivitet",
        "20271031",
        "20271101",
        "RRULE:FREQ=WEEKLY;COUNT=3\r\n",
    ),
)


@pytest.fixture
def imported(app: Flask) -> dict[str, Activity]:
    """The central calendar's all-day events, stored as the import makes them."""
    svc = services.get_for(app)
    found = read_calendar(FEED)
    assert not found.skipped
    for activity in found.activities:
        svc.editor.save(ANNA, activity, None)
    return {a.id: a for a in found.activities}


def stored(app: Flask, uid: str) -> Activity:
    return services.get_for(app).catalogue.snapshot().activities[uid]


def post(client: FlaskClient, uid: str, fields: dict[str, object]):  # type: ignore[no-untyped-def]
    form = {**fields, "csrf_token": csrf(client, f"/admin/edit/{uid}")}
    return client.post(f"/admin/edit/{uid}", data=form)


def test_the_import_stores_midnight_to_midnight(imported: dict[str, Activity]) -> None:
    market = imported["julmarknad@kommunen.example"]
    assert market.start == datetime(2026, 12, 5, 0, 0, tzinfo=STOCKHOLM)
    assert market.end == datetime(2026, 12, 6, 0, 0, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("uid", "first", "last"),
    [
        ("julmarknad@kommunen.example", "2026-12-05", "2026-12-05"),
        ("kulturdagar@kommunen.example", "2026-12-10", "2026-12-12"),
        ("hostlov@kommunen.example", "2027-10-31", "2027-10-31"),
    ],
)
def test_saved_back_unchanged(
    app: Flask, client: FlaskClient, imported: dict[str, Activity], uid: str, first: str, last: str
) -> None:
    login(client, "anna")
    before = stored(app, uid)
    fields = edit_form(client, uid)
    assert fields["all_day"] == ["yes"]  # the box is ticked
    assert (fields["date"], fields["last_day"]) == (first, last)
    response = post(client, uid, fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    after = stored(app, uid)
    assert (after.start, after.end, after.rrule) == (before.start, before.end, before.rrule)
    assert after.start.astimezone(STOCKHOLM).hour == 0 == after.end.astimezone(STOCKHOLM).hour


def test_a_changed_title_is_saved_and_the_days_stay(
    app: Flask, client: FlaskClient, imported: dict[str, Activity]
) -> None:
    login(client, "anna")
    uid = "kulturdagar@kommunen.example"
    before = stored(app, uid)
    response = post(client, uid, {**edit_form(client, uid), "title_sv": "Kulturdagarna 2026"})
    assert response.status_code == 303
    after = stored(app, uid)
    assert after.title["sv"] == "Kulturdagarna 2026" and after.version == before.version + 1
    assert (after.start, after.end) == (before.start, before.end)


def test_more_days_and_back_to_a_timed_activity(
    app: Flask, client: FlaskClient, imported: dict[str, Activity]
) -> None:
    login(client, "anna")
    uid = "julmarknad@kommunen.example"
    assert (
        post(client, uid, {**edit_form(client, uid), "last_day": "2026-12-06"}).status_code == 303
    )
    two_days = stored(app, uid)
    assert two_days.start == datetime(2026, 12, 5, 0, 0, tzinfo=STOCKHOLM)
    assert two_days.end == datetime(2026, 12, 7, 0, 0, tzinfo=STOCKHOLM)

    fields = {**edit_form(client, uid), "start_time": "10:00", "end_time": "15:00"}
    del fields["all_day"]  # the box unticked
    assert post(client, uid, fields).status_code == 303
    timed = stored(app, uid)
    assert timed.start == datetime(2026, 12, 5, 10, 0, tzinfo=STOCKHOLM)
    assert timed.end == datetime(2026, 12, 5, 15, 0, tzinfo=STOCKHOLM)
    assert "all_day" not in edit_form(client, uid)  # shown unticked now

    fields = {**edit_form(client, uid), "all_day": "yes", "last_day": ""}  # ticked: one day
    assert post(client, uid, fields).status_code == 303
    again = stored(app, uid)
    assert again.start == datetime(2026, 12, 5, 0, 0, tzinfo=STOCKHOLM)
    assert again.end == datetime(2026, 12, 6, 0, 0, tzinfo=STOCKHOLM)


def test_a_last_day_before_the_first_is_refused(
    app: Flask, client: FlaskClient, imported: dict[str, Activity]
) -> None:
    login(client, "anna")
    uid = "kulturdagar@kommunen.example"
    before = stored(app, uid)
    response = post(client, uid, {**edit_form(client, uid), "last_day": "2026-12-01"})
    assert response.status_code == 400
    assert "Sista dagen kan inte vara före första dagen." in response.get_data(as_text=True)
    assert stored(app, uid).version == before.version


def test_a_new_all_day_activity(app: Flask, client: FlaskClient) -> None:
    login(client, "anna")
    form = {
        "title_sv": "Loppis",
        "date": "2026-12-19",
        "start_time": "",
        "end_time": "",
        "all_day": "yes",
        "last_day": "2026-12-20",
        "repeat": "none",
        "cost_sek": "0",
        "status": "scheduled",
        "csrf_token": csrf(client, "/admin/new"),
    }
    assert client.post("/admin/new", data=form).status_code == 303
    snap = services.get_for(app).catalogue.snapshot()
    loppis = next(a for a in snap.activities.values() if a.title.get("sv") == "Loppis")
    assert loppis.start == datetime(2026, 12, 19, 0, 0, tzinfo=STOCKHOLM)
    assert loppis.end == datetime(2026, 12, 21, 0, 0, tzinfo=STOCKHOLM)


def test_one_day_of_an_all_day_series_moved(
    app: Flask, client: FlaskClient, imported: dict[str, Activity]
) -> None:
    """The single-occurrence form: 00:00–00:00 of an all-day occurrence keeps its day."""
    login(client, "anna")
    uid = "hostlov@kommunen.example"
    rid = "20271106T230000Z"  # the second Sunday, 7 November 2027 (after summer time)
    page = client.get(f"/admin/edit/{uid}/o/{rid}")
    assert page.status_code == 200
    response = client.post(
        f"/admin/edit/{uid}/o/{rid}",
        data={
            "csrf_token": csrf(client, f"/admin/edit/{uid}/o/{rid}"),
            "version": str(stored(app, uid).version),
            "action": "move",
            "date": "2027-11-06",
            "start_time": "00:00",
            "end_time": "00:00",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    moved = stored(app, uid).overrides[rid]
    assert moved.start == datetime(2027, 11, 6, 0, 0, tzinfo=STOCKHOLM)
    assert moved.end == datetime(2027, 11, 7, 0, 0, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("lang", "all_day", "last_day"),
    [
        ("sv", "Hela dagen", "Sista dag"),
        ("en", "All day", "Last day"),
        ("ar", "طوال اليوم", "اليوم الأخير"),
        ("fa_AF", "تمام روز", "روز آخر"),
        ("so", "Maalinta oo dhan", "Maalinta ugu dambeysa"),
        ("ti", "ምሉእ መዓልቲ", "ናይ መወዳእታ መዓልቲ"),
    ],
)
def test_labels_in_every_language(
    client: FlaskClient, imported: dict[str, Activity], lang: str, all_day: str, last_day: str
) -> None:
    login(client, "anna")
    html = client.get(f"/admin/edit/julmarknad@kommunen.example?lang={lang}").get_data(as_text=True)
    assert f'name="all_day" value="yes" checked> {all_day}</label>' in html
    assert f'{last_day} <input type="date" name="last_day" value="2026-12-05">' in html
