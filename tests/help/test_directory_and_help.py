"""The organisation directory (public, edited by its own organisers) and help requests
(public form, staff-only queue, purge after closing)."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from tests.admin_helpers import csrf, login
from tests.conftest import Clock

PHONE_IP = {"REMOTE_ADDR": "192.0.2.30"}


def test_directory_lists_each_organisation_with_its_coming_activities(client: FlaskClient) -> None:
    page = client.get("/organisations?lang=sv").get_data(as_text=True)
    assert "Röda Korset Götene" in page and "Läxhjälp, cykelkurs" in page
    assert "After School Club" in page  # its coming activity
    assert 'href="tel:070-1234567"' in page
    arabic = client.get("/organisations/demo-rodakorset?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in arabic and "الأطفال والشباب" in arabic
    assert "(på svenska)" not in arabic or "بالسويدية" in arabic
    assert client.get("/organisations/nobody").status_code == 404


def test_organisers_edit_only_their_own_entry(
    app: Flask, client: FlaskClient, people: None
) -> None:
    login(client, "omar")  # organiser for demo-rodakorset
    assert client.get("/admin/organisations/demo-kommun").status_code == 403
    form = {
        "csrf_token": csrf(client, "/admin/organisations/demo-rodakorset"),
        "name": "Röda Korset Götene",
        "about_sv": "Läxhjälp varje tisdag.",
        "about_ti": "ሓገዝ ናይ ገዛ ዕዮ",
        "for_whom_so": "Carruurta iyo dhalinyarada",
        "contact_name": "Birgitta",
        "phone": "070-123 45 67",
        "web": "javascript:alert(1)",
    }
    refused = client.post("/admin/organisations/demo-rodakorset", data=form)
    assert refused.status_code == 400 and "https://" in refused.get_data(as_text=True)
    form["web"] = "https://www.rodakorset.se/gotene"
    assert client.post("/admin/organisations/demo-rodakorset", data=form).status_code == 303
    saved = services.get_for(app).catalogue.snapshot().organisers["demo-rodakorset"]
    assert saved.about == {"sv": "Läxhjälp varje tisdag.", "ti": "ሓገዝ ናይ ገዛ ዕዮ"}
    assert saved.for_whom == {"so": "Carruurta iyo dhalinyarada"}
    page = client.get("/organisations/demo-rodakorset?lang=ti").get_data(as_text=True)
    assert "ሓገዝ ናይ ገዛ ዕዮ" in page


def ask_for_help(client: FlaskClient, **fields: str):  # type: ignore[no-untyped-def]
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/help").get_data(as_text=True)
    )
    form = {
        "csrf_token": token.group(1),
        "errand": "letter",
        "first_name": "Mariam",
        "language": "fa_AF",
        "phone": "072 555 12 34",
        "message": "Brev från Migrationsverket",
        "consent": "yes",
        **fields,
    }
    return client.post("/help", data=form, environ_base=PHONE_IP)


def test_help_request_is_stored_and_nothing_shows_on_the_board(
    app: Flask, client: FlaskClient
) -> None:
    answer = ask_for_help(client)
    assert answer.status_code == 200 and "ringer upp dig" in answer.get_data(as_text=True)
    stored = services.get_for(app).store.all("help_requests")
    assert (
        len(stored) == 1 and stored[0]["first_name"] == "Mariam" and stored[0]["status"] == "open"
    )
    for page in ("/", "/organisations", "/api/activities", "/calendar.ics"):
        body = client.get(page).get_data(as_text=True)
        assert "Mariam" not in body and "555 12 34" not in body


def test_bad_help_requests_are_refused_in_the_visitors_language_and_store_nothing(
    app: Flask, client: FlaskClient
) -> None:
    refused = ask_for_help(client, first_name="", phone="call me", consent="", errand="x")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "förnamn" in text and "Telefonnumret" in text
    english = client.post(
        "/help?lang=en",
        data={"csrf_token": csrf(client, "/help"), "first_name": "A"},
        environ_base=PHONE_IP,
    )
    assert english.status_code == 400 and "phone number" in english.get_data(as_text=True)
    assert services.get_for(app).store.all("help_requests") == []


def test_only_staff_see_the_queue_and_data_is_purged_after_closing(
    app: Flask, client: FlaskClient, clock: Clock, people: None
) -> None:
    ask_for_help(client)
    assert client.get("/admin/help").status_code == 302  # anonymous: to the login
    login(client, "omar")  # an association's organiser is not staff
    assert client.get("/admin/help").status_code == 403
    staff = app.test_client()
    login(staff, "anna")
    queue = staff.get("/admin/help").get_data(as_text=True)
    assert "Mariam" in queue and "072 555 12 34" in queue
    assert 'Hjälpärenden <span class="badge badge-cancelled">1</span>' in queue  # in the menu
    request_id = services.get_for(app).store.all("help_requests")[0]["id"]
    token = csrf(staff, "/admin/help")
    assert (
        staff.post("/admin/help", data={"csrf_token": token, "id": request_id}).status_code == 303
    )
    svc = services.get_for(app)
    clock.now += timedelta(days=13)
    svc.purge_now()
    assert svc.store.get("help_requests", request_id)["first_name"] == "Mariam"
    clock.now += timedelta(days=2)  # 15 days after closing (retention 14)
    svc.purge_now()
    purged = svc.store.get("help_requests", request_id)
    assert purged["first_name"] is None and purged["phone"] is None and purged["message"] is None
    assert purged["status"] == "handled" and purged["purged"] is True


def test_open_requests_are_never_purged(app: Flask, client: FlaskClient, clock: Clock) -> None:
    ask_for_help(client)
    clock.now += timedelta(days=400)
    services.get_for(app).purge_now()
    assert services.get_for(app).store.all("help_requests")[0]["first_name"] == "Mariam"
