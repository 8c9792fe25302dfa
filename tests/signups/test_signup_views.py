"""Signing up over HTTP: the form, bad input, CSRF, limits, private links, organiser lists."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.signups.book import TABLE

SWIM = "/a/demo-simning-kvinnor@motesplats/20261126T173000Z/signup"  # Thu 26 Nov 18:30
PHONE_IP = {"REMOTE_ADDR": "192.0.2.10"}  # a phone on the hall's Wi-Fi (documentation range)


def token(client: FlaskClient) -> str:
    """The session's CSRF token (one per session, from any form)."""
    html = client.get(SWIM, environ_base=PHONE_IP).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_up(client: FlaskClient, path: str = SWIM, ip: str = "192.0.2.10", **fields: str):  # type: ignore[no-untyped-def]
    form = {
        "csrf_token": token(client),
        "name": "Amina",
        "adults": "1",
        "children": "0",
        "phone": "",
        "consent": "yes",
        **fields,
    }
    return client.post(path, data=form, environ_base={"REMOTE_ADDR": ip})


def stored(app: Flask) -> int:
    return services.get_for(app).store.count(TABLE)


def test_form_is_phone_first_and_shows_places(client: FlaskClient) -> None:
    html = client.get(SWIM + "?lang=sv").get_data(as_text=True)
    assert "Simning för kvinnor" in html and "20 platser kvar" in html
    assert 'name="consent"' in html and "raderas 30 dagar" in html
    assert 'inputmode="numeric"' in html and "data-step" in html


def test_successful_signup_redirects_to_a_private_confirmation(
    app: Flask, client: FlaskClient
) -> None:
    response = sign_up(client, name="Amina", adults="1", children="2", phone="070 123 45 67")
    assert response.status_code == 303
    private = response.headers["Location"]
    assert re.match(r"^/s/[0-9a-f]{32}/[\w-]+\?lang=sv$", private)
    # opened by a phone on the hall's network (from the kiosk's localhost, see
    # tests/signups/test_receipt_address.py)
    page = client.get(private, base_url="http://192.168.1.20:8080").get_data(as_text=True)
    assert "Du är anmäld!" in page and "Amina" in page and "1 vuxna, 2 barn" in page
    code = services.get_for(app).store.all(TABLE)[0]["code"]
    assert code in page and "/qr/s/" in page
    board = client.get("/?lang=sv").get_data(as_text=True)
    assert "Amina" not in board and "17 platser kvar" in board  # counts, never names


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "Skriv ditt förnamn"),
        ({"name": "x" * 10_000}, "Namnet är för långt"),
        ({"name": "<script>alert(1)</script>"}, "Namnet får bara innehålla"),
        ({"adults": "-1"}, "med siffror"),
        ({"adults": "1000000"}, "med siffror"),
        ({"adults": "0", "children": "0"}, "1 till 10 personer"),
        ({"adults": "6", "children": "6"}, "1 till 10 personer"),
        ({"phone": "call me maybe"}, "Telefonnumret ser inte rätt ut"),
        ({"consent": ""}, "Kryssa i rutan"),
        ({"website": "http://spam.example"}, "kunde inte tas emot"),
    ],
)
def test_bad_input_is_refused_clearly_and_stores_nothing(
    app: Flask, client: FlaskClient, fields: dict[str, str], message: str
) -> None:
    response = sign_up(client, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored(app) == 0


def test_bad_input_message_is_in_the_visitors_language(app: Flask, client: FlaskClient) -> None:
    response = sign_up(client, path=SWIM + "?lang=ar", name="")
    assert response.status_code == 400 and 'dir="rtl"' in response.get_data(as_text=True)
    assert "Skriv ditt förnamn" not in response.get_data(as_text=True)
    assert stored(app) == 0


def test_missing_or_wrong_csrf_token_stores_nothing(app: Flask, client: FlaskClient) -> None:
    token(client)
    form = {"name": "Amina", "adults": "1", "children": "0", "consent": "yes"}
    assert client.post(SWIM, data=form).status_code == 400
    response = client.post(SWIM, data={**form, "csrf_token": "forged"})
    assert response.status_code == 400 and "Ladda om sidan" in response.get_data(as_text=True)
    assert stored(app) == 0


def test_unknown_occurrence_and_closed_activity(app: Flask, client: FlaskClient) -> None:
    assert client.get("/a/nope@x/20261126T173000Z/signup").status_code == 404
    assert (
        client.get("/a/demo-simning-kvinnor@motesplats/20261127T173000Z/signup").status_code == 404
    )  # not a Thursday of the series
    assert client.get("/a/demo-simning-kvinnor@motesplats/garbage/signup").status_code == 404
    # The language café needs no signup: the form says so and refuses a post.
    cafe = "/a/demo-sprakcafe@motesplats/20261129T160000Z/signup"
    assert "Ingen anmälan behövs" in client.get(cafe).get_data(as_text=True)
    assert sign_up(client, path=cafe).status_code == 400
    # The cancelled cycling Saturday shows the cancellation and refuses signups.
    cycling = "/a/demo-cykelkurs@motesplats/20261128T090000Z/signup"
    page = client.get(cycling + "?lang=sv").get_data(as_text=True)
    assert "banner-cancelled" in page and "ledaren är sjuk" in page
    assert sign_up(client, path=cycling).status_code == 400
    assert stored(app) == 0


def test_rate_limit_per_phone_but_not_for_the_kiosk(app: Flask, client: FlaskClient) -> None:
    for i in range(10):
        assert sign_up(client, name=f"P{i}").status_code == 303
    response = sign_up(client, name="Eleventh")
    assert response.status_code == 429 and "Vänta en stund" in response.get_data(as_text=True)
    assert stored(app) == 10
    kiosk = {"REMOTE_ADDR": "127.0.0.1"}
    html = client.get(SWIM, environ_base=kiosk).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    form = {
        "csrf_token": csrf,
        "name": "At the kiosk",
        "adults": "1",
        "children": "0",
        "consent": "yes",
    }
    assert client.post(SWIM, data=form, environ_base=kiosk).status_code == 303


def test_cancel_via_private_link_promotes_the_first_waiting(
    app: Flask, client: FlaskClient
) -> None:
    svc = services.get_for(app)
    activity = svc.catalogue.snapshot().activities["demo-simning-kvinnor@motesplats"]
    links = []
    for i in range(10):  # 20 places: parties of 2, from ten phones
        links.append(
            sign_up(client, ip=f"192.0.2.{20 + i}", name=f"P{i}", adults="2").headers["Location"]
        )
    waiting = [  # from another phone: one person, then a party of two
        sign_up(client, ip="192.0.2.11", name=f"W{i}", adults=str(i + 1)).headers["Location"]
        for i in range(2)
    ]
    assert "väntelistan" in client.get(waiting[0]).get_data(as_text=True)
    assert "1 person väntar före dig" in client.get(waiting[1]).get_data(as_text=True)
    first_link = links[0].split("?")[0]
    page = client.get(first_link)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    asked = client.post(first_link + "/cancel", data={"csrf_token": csrf})  # asks once more
    assert asked.status_code == 200 and "Vill du verkligen avboka?" in asked.get_data(as_text=True)
    assert "Du är anmäld!" in client.get(first_link).get_data(as_text=True)  # not yet cancelled
    response = client.post(first_link + "/cancel", data={"csrf_token": csrf, "confirm": "yes"})
    assert response.status_code == 303
    assert "Din anmälan är avbokad" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert "Du är anmäld!" in client.get(waiting[0]).get_data(as_text=True)  # promoted
    assert "väntelistan" in client.get(waiting[1]).get_data(as_text=True)
    counts = svc.signups.counts(activity.id, "20261126T173000Z")
    assert counts.confirmed_people == 19 and counts.waitlisted_people == 2  # 2 do not fit in 1

    version = svc.store.version  # a reused link: clear message, nothing changes
    reused = client.post(first_link + "/cancel", data={"csrf_token": csrf})
    assert reused.status_code == 409 and "redan avbokad" in reused.get_data(as_text=True)
    wrong = client.post(first_link[:-3] + "xyz/cancel", data={"csrf_token": csrf})
    assert wrong.status_code == 404 and "Länken stämmer inte" in wrong.get_data(as_text=True)
    assert svc.store.version == version


def test_qr_images_are_svg_with_the_absolute_signup_url(client: FlaskClient) -> None:
    response = client.get("/qr/a/demo-simning-kvinnor@motesplats/20261126T173000Z.svg?lang=ar")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<?xml") and b"<svg" in response.data


@pytest.fixture
def organiser(tmp_path):  # type: ignore[no-untyped-def]
    from kiosk import create_app
    from tests.conftest import FIXED_NOW

    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path),
            "CLOCK": lambda: FIXED_NOW,
            "ORGANISER_PIN": "4711",
        }
    )
    yield app, app.test_client()
    services.get_for(app).store.close()


def log_in(client: FlaskClient, pin: str = "4711"):  # type: ignore[no-untyped-def]
    html = client.get("/organiser/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return client.post("/organiser/login", data={"csrf_token": csrf, "pin": pin})


def test_organiser_list_needs_the_pin(organiser) -> None:  # type: ignore[no-untyped-def]
    _app, client = organiser
    assert client.get("/organiser/").status_code == 302
    assert log_in(client, "0000").status_code == 400
    assert log_in(client).status_code == 303
    assert client.get("/organiser/").status_code == 200


def test_attendance_sheet_csv_and_marking(organiser) -> None:  # type: ignore[no-untyped-def]
    app, client = organiser
    sign_up(client, name="Åsa Öberg", adults="2", phone="070 123 45 67")
    sign_up(client, name="فاطمة", children="1")
    sign_up(client, name="=HYPERLINK(1)")
    log_in(client)
    sheet = "/organiser/o/demo-simning-kvinnor@motesplats/20261126T173000Z"
    html = client.get(sheet).get_data(as_text=True)
    assert "Åsa Öberg" in html and "فاطمة" in html and "070-123 45 67" in html  # as Swedes write it

    raw = client.get(sheet + ".csv").data.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:2] == ["Kod", "Namn"]
    assert [r[1] for r in rows[1:]] == ["Åsa Öberg", "فاطمة", "'=HYPERLINK(1)"]

    ids = [d["id"] for d in services.get_for(app).store.all(TABLE) if d["name"] == "Åsa Öberg"]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert client.post(sheet, data={"csrf_token": csrf, "attended": ids}).status_code == 303
    docs = {d["name"]: d["attended"] for d in services.get_for(app).store.all(TABLE)}
    assert docs == {"Åsa Öberg": True, "فاطمة": False, "=HYPERLINK(1)": False}


def test_no_pin_configured_keeps_lists_closed(client: FlaskClient) -> None:
    assert "Ingen gemensam PIN är inställd" in client.get("/organiser/login").get_data(as_text=True)
    page = client.get("/organiser/login").get_data(as_text=True)
    assert 'name="pin"' not in page and "/admin/login" in page  # accounts instead
    refused = client.post("/organiser/login", data={"csrf_token": token(client), "pin": ""})
    assert refused.status_code == 400
    assert client.get("/organiser/").status_code == 302
