"""Editing the board in /admin: series and single occurrences, conflicts, clashes, audit,
settings, deleting."""

from __future__ import annotations

import io
import json
import threading
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.activities.recurrence import expand
from tests.admin_helpers import CAFE, HOMEWORK, csrf, edit_form, login
from tests.conftest import STOCKHOLM

pytestmark = pytest.mark.usefixtures("people")

NEW_SERIES = {
    "title_sv": "Syjunta",
    "title_ar": "نادي الخياطة",
    "description_sv": "Vi syr och lagar kläder tillsammans.",
    "date": "2026-11-26",
    "start_time": "18:00",
    "end_time": "20:00",
    "repeat": "weekly",
    "until": "2027-01-28",
    "place_id": "__new__",
    "new_place_name": "Folkets hus",
    "new_place_address": "Storgatan 1, Götene",
    "organiser_id": "demo-rodakorset",
    "audiences": ["women"],
    "languages": ["sv", "ar"],
    "cost_sek": "0",
    "status": "scheduled",
}


def create(client: FlaskClient, **changes: object):  # type: ignore[no-untyped-def]
    form = {**NEW_SERIES, **changes, "csrf_token": csrf(client, "/admin/new")}
    return client.post("/admin/new", data=form)


def find(app: Flask, title: str):  # type: ignore[no-untyped-def]
    snap = services.get_for(app).catalogue.snapshot()
    return next(a for a in snap.activities.values() if a.title.get("sv") == title)


def test_create_a_weekly_series_with_a_new_place(app: Flask, client: FlaskClient) -> None:
    login(client, "anna")
    response = create(client, confirm_clash="yes")
    assert response.status_code == 303, response.get_data(as_text=True)
    activity = find(app, "Syjunta")
    assert activity.rrule == "FREQ=WEEKLY;UNTIL=20270128T225959Z"
    assert activity.title["ar"] == "نادي الخياطة" and activity.updated_by == "Anna Admin"
    place = services.get_for(app).catalogue.snapshot().places[activity.place_id]
    assert place.name == "Folkets hus" and place.address == "Storgatan 1, Götene"
    starts = [
        o.start
        for o in expand(
            activity,
            datetime(2026, 11, 1, tzinfo=STOCKHOLM),
            datetime(2027, 3, 1, tzinfo=STOCKHOLM),
        )
    ]
    assert len(starts) == 10 and starts[0] == datetime(2026, 11, 26, 18, 0, tzinfo=STOCKHOLM)
    assert starts[-1] == datetime(2027, 1, 28, 18, 0, tzinfo=STOCKHOLM)
    assert "Syjunta" in client.get("/?lang=sv").get_data(as_text=True)


def test_every_other_week(app: Flask, client: FlaskClient) -> None:
    login(client, "anna")
    create(client, repeat="biweekly", title_sv="Cykelträff", confirm_clash="yes")
    activity = find(app, "Cykelträff")
    assert "INTERVAL=2" in (activity.rrule or "")
    days = [
        o.start.date().isoformat()
        for o in expand(
            activity,
            datetime(2026, 11, 1, tzinfo=STOCKHOLM),
            datetime(2026, 12, 31, tzinfo=STOCKHOLM),
        )
    ]
    assert days == ["2026-11-26", "2026-12-10", "2026-12-24"]


def test_bad_input_is_explained_and_nothing_is_stored(app: Flask, client: FlaskClient) -> None:
    login(client, "anna")
    version = services.get_for(app).store.version
    response = create(
        client,
        title_sv="",
        end_time="17:00",
        until="",
        cost_sek="-5",
        capacity="0",
        new_place_name="",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in (
        "Skriv en titel på svenska.",
        "Slutet måste vara efter starten.",
        "Välj sista datum för serien.",
        "Skriv kostnaden i hela kronor",
        "Antal platser är ett tal från 1",
        "Skriv platsens namn.",
    ):
        assert message in html
    assert services.get_for(app).store.version == version
    assert 'value="Vi syr och lagar kläder tillsammans."' not in html  # textarea, not attribute
    assert "Vi syr och lagar kläder tillsammans." in html  # what was typed is kept


def test_cancel_one_occurrence_and_move_another(app: Flask, client: FlaskClient) -> None:
    login(client, "anna")
    create(client, confirm_clash="yes")
    activity = find(app, "Syjunta")
    token = csrf(client, "/admin/")
    cancelled = client.post(
        f"/admin/edit/{activity.id}/o/20261126T170000Z",
        data={"csrf_token": token, "action": "cancel", "version": "1", "note": "Ledaren är sjuk"},
    )
    assert cancelled.status_code == 303
    moved = client.post(
        f"/admin/edit/{activity.id}/o/20261203T170000Z",
        data={
            "csrf_token": token,
            "action": "move",
            "version": "2",
            "date": "2026-12-04",
            "start_time": "19:00",
            "end_time": "21:00",
        },
    )
    assert moved.status_code == 303
    activity = find(app, "Syjunta")
    occurrences = expand(
        activity, datetime(2026, 11, 20, tzinfo=STOCKHOLM), datetime(2026, 12, 20, tzinfo=STOCKHOLM)
    )
    assert [(o.recurrence_id, o.start.isoformat(), o.status) for o in occurrences] == [
        ("20261126T170000Z", "2026-11-26T18:00:00+01:00", "cancelled"),
        ("20261203T170000Z", "2026-12-04T19:00:00+01:00", "changed"),
        ("20261210T170000Z", "2026-12-10T18:00:00+01:00", "scheduled"),
        ("20261217T170000Z", "2026-12-17T18:00:00+01:00", "scheduled"),
    ]
    # the board shows the cancellation with its note, the API the moved time
    board = client.get("/?lang=sv").get_data(as_text=True)
    assert "Ledaren är sjuk" in board
    api = client.get("/api/activities?from=2026-12-01&to=2026-12-08").get_json()
    mine = [o for o in api["occurrences"] if o["activity_id"] == activity.id]
    assert [o["start"] for o in mine] == ["2026-12-04T19:00:00+01:00"]
    # restoring puts the occurrence back as planned
    client.post(
        f"/admin/edit/{activity.id}/o/20261126T170000Z",
        data={"csrf_token": token, "action": "restore", "version": "3"},
    )
    assert "20261126T170000Z" not in find(app, "Syjunta").overrides


def test_second_volunteer_gets_changed_meanwhile_with_both_versions(app: Flask) -> None:
    anna, omar = app.test_client(), app.test_client()
    login(anna, "anna")
    login(omar, "omar")
    annas_form, omars_form = edit_form(anna, HOMEWORK), edit_form(omar, HOMEWORK)
    annas_form.update(title_sv="Läxhjälp med Anna", csrf_token=csrf(anna, "/admin/"))
    omars_form.update(title_sv="Läxhjälp med Omar", csrf_token=csrf(omar, "/admin/"))
    omars_form["confirm_clash"] = annas_form["confirm_clash"] = "yes"

    assert anna.post(f"/admin/edit/{HOMEWORK}", data=annas_form).status_code == 303
    second = omar.post(f"/admin/edit/{HOMEWORK}", data=omars_form)
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Anna Admin ändrade den här aktiviteten medan du skrev." in html
    assert "Läxhjälp med Anna" in html and "Läxhjälp med Omar" in html  # both versions
    store = services.get_for(app).store
    assert store.get("activities", HOMEWORK)["title"]["sv"] == "Läxhjälp med Anna"

    # saving again from the conflict page is a deliberate choice: it now goes through
    again = edit_form_from(html)
    omars_form.update(version=again)
    assert omar.post(f"/admin/edit/{HOMEWORK}", data=omars_form).status_code == 303
    assert store.get("activities", HOMEWORK)["title"]["sv"] == "Läxhjälp med Omar"
    who = [e["who"] for e in services.get_for(app).audit.entries(target=HOMEWORK)]
    assert who[:2] == ["omar", "anna"]


def edit_form_from(html: str) -> str:
    import re

    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_two_saves_at_the_same_moment_one_wins_one_is_told(app: Flask) -> None:
    clients = [app.test_client() for _ in range(2)]
    forms = []
    for number, c in enumerate(clients):
        login(c, "anna")
        form = edit_form(c, HOMEWORK)
        form.update(
            title_sv=f"Version {number}", csrf_token=csrf(c, "/admin/"), confirm_clash="yes"
        )
        forms.append(form)
    start = threading.Barrier(2)
    codes: list[int] = []

    def save(c: FlaskClient, form: dict) -> None:
        start.wait()
        codes.append(c.post(f"/admin/edit/{HOMEWORK}", data=form).status_code)

    threads = [
        threading.Thread(target=save, args=pair) for pair in zip(clients, forms, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [303, 409]
    saves = [
        e for e in services.get_for(app).audit.entries(target=HOMEWORK) if e["action"] == "changed"
    ]
    assert len(saves) == 1


def test_clash_warning_names_the_other_activity_and_saving_anyway_works(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "anna")
    # a second language café at the same place, overlapping the Sunday one (17-19)
    response = create(
        client,
        title_sv="Språkcafé för nybörjare",
        date="2026-11-29",
        start_time="18:00",
        end_time="19:30",
        place_id="demo-karlsborg",
        audiences=["everyone"],
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Krockar med andra aktiviteter" in html
    assert "Språkcafé" in html and "på samma plats" in html
    assert "Spara ändå" in html
    assert not any(
        a.title.get("sv") == "Språkcafé för nybörjare"
        for a in services.get_for(app).catalogue.snapshot().activities.values()
    )
    saved = create(
        client,
        title_sv="Språkcafé för nybörjare",
        date="2026-11-29",
        start_time="18:00",
        end_time="19:30",
        place_id="demo-karlsborg",
        audiences=["everyone"],
        confirm_clash="yes",
    )
    assert saved.status_code == 303


def test_same_audience_elsewhere_is_a_clash_but_everyone_is_not(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "anna")
    snap = services.get_for(app).catalogue.snapshot()
    homework = snap.activities[HOMEWORK]  # Tuesdays 16:30-19 for youth and children
    assert "children" in homework.audiences
    other_place = next(p for p in snap.places if p != homework.place_id)
    common = {
        "date": "2026-12-01",
        "start_time": "17:00",
        "end_time": "18:00",
        "repeat": "none",
        "place_id": other_place,
    }
    kids = create(client, title_sv="Barnkör", audiences=["children"], **common)
    assert "för samma målgrupp" in kids.get_data(as_text=True)
    everyone = create(client, title_sv="Öppet hus", audiences=["everyone"], **common)
    assert everyone.status_code == 303


def test_every_change_is_in_the_audit_log_outside_the_board_file(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "anna")
    form = edit_form(client, CAFE)
    form.update(
        title_sv="Språkcafé i Karlsborg", csrf_token=csrf(client, "/admin/"), confirm_clash="yes"
    )
    client.post(f"/admin/edit/{CAFE}", data=form)
    entry = services.get_for(app).audit.entries(target=CAFE)[0]
    assert entry["who"] == "anna" and entry["action"] == "changed"
    assert entry["before"]["title"]["sv"] == "Språkcafé"
    assert entry["after"]["title"]["sv"] == "Språkcafé i Karlsborg"
    data_dir = services.get_for(app).audit.path.parent
    assert "Språkcafé i Karlsborg" in (data_dir / "audit.jsonl").read_text()
    board_file = json.loads((data_dir / "motesplats.json").read_text())
    assert "audit" not in {name.split("/")[0] for name in board_file}
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Språkcafé i Karlsborg" in page and "title" in page
    assert "$argon2" not in (data_dir / "audit.jsonl").read_text()


def test_delete_asks_first_then_removes(app: Flask, client: FlaskClient) -> None:
    login(client, "anna")
    assert "Ja, ta bort" in client.get(f"/admin/edit/{CAFE}/delete").get_data(as_text=True)
    version = str(services.get_for(app).store.get("activities", CAFE)["version"])
    stale = client.post(
        f"/admin/edit/{CAFE}/delete", data={"csrf_token": csrf(client, "/admin/"), "version": "99"}
    )
    assert stale.status_code == 303 and services.get_for(app).store.get("activities", CAFE)
    client.post(
        f"/admin/edit/{CAFE}/delete",
        data={"csrf_token": csrf(client, "/admin/"), "version": version},
    )
    assert services.get_for(app).store.get("activities", CAFE) is None
    assert services.get_for(app).audit.entries(target=CAFE)[0]["action"] == "deleted"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_settings_name_hours_language_and_logo(app: Flask, client: FlaskClient) -> None:
    login(client, "anna")
    form = {
        "csrf_token": csrf(client, "/admin/"),
        "name": "Mötesplats Undenäs",
        "municipality": "Karlsborg",
        "default_locale": "ar",
        "opens_1": "09:00",
        "closes_1": "17:00",
    }
    bad = client.post(
        "/admin/settings",
        data={**form, "logo": (io.BytesIO(b"<svg onload=alert(1)>"), "logo.png")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "PNG-, JPEG- eller WebP-bild" in bad.get_data(as_text=True)
    good = client.post(
        "/admin/settings",
        data={**form, "logo": (io.BytesIO(PNG), "logo.png")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 303
    site = services.get_for(app).catalogue.snapshot().site
    assert site.name == "Mötesplats Undenäs" and site.opening_hours == [[1, "09:00", "17:00"]]
    visitor = app.test_client()
    board = visitor.get("/").get_data(as_text=True)  # nobody chose: the new default
    assert 'dir="rtl"' in board and "Mötesplats Undenäs" in board
    logo = board.split('class="logo" src="', 1)[1].split('"', 1)[0]
    assert visitor.get(logo).data == PNG
    assert 'dir="ltr"' in visitor.get("/?lang=sv").get_data(as_text=True)


def test_series_edits_survive_the_ics_round_trip(app: Flask, client: FlaskClient) -> None:
    """Cancel one Thursday, move another; the feed says exactly that to any calendar app."""
    import recurring_ical_events
    from icalendar import Calendar

    from kiosk.ical.read import activities_from_ics

    login(client, "anna")
    create(client, confirm_clash="yes")
    activity = find(app, "Syjunta")
    token = csrf(client, "/admin/")
    client.post(
        f"/admin/edit/{activity.id}/o/20261210T170000Z",
        data={"csrf_token": token, "action": "cancel", "version": "1"},
    )
    client.post(
        f"/admin/edit/{activity.id}/o/20261217T170000Z",
        data={
            "csrf_token": token,
            "action": "move",
            "version": "2",
            "date": "2026-12-16",
            "start_time": "17:00",
            "end_time": "19:00",
        },
    )
    feed = client.get(f"/a/{activity.id}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    window = (datetime(2026, 11, 20, tzinfo=STOCKHOLM), datetime(2027, 3, 1, tzinfo=STOCKHOLM))
    expected = [
        (o.recurrence_id, o.start, o.end, o.status == "cancelled")
        for o in expand(find(app, "Syjunta"), *window)
    ]
    assert len(expected) == 10
    assert expected[2][3] is True and expected[3][1] == datetime(2026, 12, 16, 17, tzinfo=STOCKHOLM)

    # read by an independent RFC 5545 expander …
    seen = []
    for event in recurring_ical_events.of(Calendar.from_ical(feed.data)).between(*window):
        rid = event["RECURRENCE-ID"].dt.astimezone(STOCKHOLM)
        seen.append(
            (
                rid.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
                event["DTSTART"].dt,
                event["DTEND"].dt,
                str(event.get("STATUS", "")) == "CANCELLED",
            )
        )
    assert sorted(seen) == sorted(expected)
    # … and by our own import: the same occurrences come back
    (again,) = activities_from_ics(feed.data)
    assert [
        (o.recurrence_id, o.start, o.end, o.status == "cancelled") for o in expand(again, *window)
    ] == expected


def test_a_cancellation_note_can_be_written_in_every_language(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "anna")
    create(client, confirm_clash="yes")
    activity = find(app, "Syjunta")
    form = client.get(f"/admin/edit/{activity.id}/o/20261126T170000Z").get_data(as_text=True)
    assert 'name="note_ar"' in form and 'dir="rtl"' in form and 'name="note_ti"' in form
    token = csrf(client, "/admin/")
    cancelled = client.post(
        f"/admin/edit/{activity.id}/o/20261126T170000Z",
        data={
            "csrf_token": token,
            "action": "cancel",
            "version": "1",
            "note": "Ledaren är sjuk",
            "note_ar": "المدربة مريضة",
            "note_ti": "መራሒት ሓሚማ ኣላ",
            "note_so": "",
        },
    )
    assert cancelled.status_code == 303
    override = find(app, "Syjunta").overrides["20261126T170000Z"]
    assert override.note == {"sv": "Ledaren är sjuk", "ar": "المدربة مريضة", "ti": "መራሒት ሓሚማ ኣላ"}
    assert "المدربة مريضة" in client.get("/?lang=ar").get_data(as_text=True)
    somali = client.get("/?lang=so").get_data(as_text=True)
    assert "Ledaren är sjuk" in somali  # no Somali note: the Swedish one, marked as such


def test_every_date_of_a_long_series_is_reachable_to_its_end(
    app: Flask, client: FlaskClient
) -> None:
    """The issue's language café runs Sundays to 27 June: June's dates open from the admin
    page by month and by picking a day, and the week view's items open their date."""
    login(client, "anna")
    create(
        client,
        confirm_clash="yes",
        title_sv="Söndagscafé",
        date="2026-11-29",
        start_time="17:00",
        end_time="19:00",
        until="2027-06-27",
    )
    activity = find(app, "Söndagscafé")
    page = client.get(f"/admin/edit/{activity.id}?lang=sv").get_data(as_text=True)
    months = page.split('name="month"', 1)[1].split("</select>", 1)[0]
    assert months.count("<option") == 8 and "juni 2027" in months  # November … June
    assert "söndag 29 november" in page and "söndag 6 december" not in page  # one month shown
    june = client.get(f"/admin/edit/{activity.id}?lang=sv&month=2027-06").get_data(as_text=True)
    listed = june.split('class="occurrence-links"', 1)[1].split("</ul>", 1)[0]
    assert [d for d in ("6", "13", "20", "27") if f"söndag {d} juni" in listed] == [
        "6",
        "13",
        "20",
        "27",
    ]
    assert f"/admin/edit/{activity.id}/o/20270627T150000Z" in listed  # 17:00 summer time
    assert "← maj 2027" in june and "juli 2027" not in june
    # Picking a day opens that date; a day without one says so and shows its month.
    picked = client.get(f"/admin/edit/{activity.id}/day?day=2027-06-20")
    assert picked.headers["Location"].endswith(f"/admin/edit/{activity.id}/o/20270620T150000Z")
    assert client.get(picked.headers["Location"]).status_code == 200
    none = client.get(f"/admin/edit/{activity.id}/day?day=2027-06-21&lang=sv")
    assert "month=2027-06" in none.headers["Location"]
    assert "Det finns inget tillfälle måndag 21 juni." in client.get(
        none.headers["Location"]
    ).get_data(as_text=True)
    # In Arabic the months are Arabic.
    arabic = client.get(f"/admin/edit/{activity.id}?lang=ar&month=2027-06").get_data(as_text=True)
    assert "يونيو" in arabic
    assert "→ مايو 2027" in arabic  # earlier is to the right in a right-to-left page
    # The week view: each item is a link to its date.
    week = client.get("/admin/week?start=2027-06-21&lang=sv").get_data(as_text=True)
    assert f'href="/admin/edit/{activity.id}/o/20270627T150000Z"' in week
