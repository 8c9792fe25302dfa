"""Addresses and form values an attacker types, each answered safely (issue: hold against a
hostile world, points 4 and 9): no redirect off the server, no 500 from dates in the year
1 or 9999, from tokens and PINs in other scripts, from a newline in `next`.

A phone here is a client on 127.0.0.7 (the kiosk is 127.0.0.1)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from tests.admin_helpers import PASSWORD, csrf

PHONE = {"REMOTE_ADDR": "127.0.0.7"}
SWIM = "demo-simning-kvinnor@motesplats"
FAR = ["99991231T235959Z", "00010101T000000Z", "90001231T235959Z"]
FAR_DAYS = ["9999-12-31", "0001-01-01", "9000-12-31", "9999-12"]


def log_in_with_next(client: FlaskClient, target: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/login",
        query_string={"next": target},
        data={"csrf_token": csrf(client), "username": "anna", "password": PASSWORD},
        environ_base=PHONE,
    )


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",  # browsers drop the tab: //evil.example
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/admin/\nSet-Cookie: x=1",  # a header injected, or a 500 from Werkzeug
        "/admin/\r\nx",
        " /admin/",
        "/\u0085/evil.example",
    ],
)
def test_login_never_sends_the_browser_off_the_server(
    client: FlaskClient, people: None, target: str
) -> None:
    answer = log_in_with_next(client, target)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/admin/"


def test_login_keeps_a_real_next_page(client: FlaskClient, people: None) -> None:
    answer = log_in_with_next(client, "/admin/reports?from=2026-01")
    assert answer.headers["Location"] == "/admin/reports?from=2026-01"


def pin_login_page(app: Flask) -> tuple[FlaskClient, str]:
    """A phone at the organisers' login, with PIN 2468 set: its client and CSRF token."""
    app.config["ORGANISER_PIN"] = "2468"
    client = app.test_client()
    page = client.get("/organiser/login").get_data(as_text=True)
    return client, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_organiser_login_only_goes_to_organiser_pages(app: Flask) -> None:
    client, token = pin_login_page(app)
    for target in ("/organiser/\t/evil.example", "/organiser/\nx", "/organiserx", "//evil"):
        answer = client.post(
            "/organiser/login",
            query_string={"next": target},
            data={"csrf_token": token, "pin": "2468"},
            environ_base=PHONE,
        )
        assert answer.status_code == 303 and answer.headers["Location"] == "/organiser/", target


def test_a_pin_in_another_script_is_wrong_not_a_crash(app: Flask) -> None:
    client, token = pin_login_page(app)
    for pin in ("٢٤٦٨", "2468é", "۲۴۶۸", "\u0000"):
        answer = client.post(
            "/organiser/login?lang=ar", data={"csrf_token": token, "pin": pin}, environ_base=PHONE
        )
        assert answer.status_code == 400, pin
        assert "الرمز" in answer.get_data(as_text=True) or "PIN" in answer.get_data(as_text=True)


def test_a_csrf_token_in_another_script_is_refused_in_the_visitors_language(
    client: FlaskClient,
) -> None:
    client.get("/help?lang=ar")  # a session with a token
    answer = client.post(
        "/help?lang=ar", data={"csrf_token": "ቶከን☃", "first_name": "x"}, environ_base=PHONE
    )
    assert answer.status_code == 400
    assert 'lang="ar"' in answer.get_data(as_text=True)


@pytest.mark.parametrize("rid", FAR)
def test_dates_out_of_reach_in_paths_are_not_found(client: FlaskClient, rid: str) -> None:
    for path in (
        f"/a/{SWIM}/{rid}/signup",
        f"/qr/a/{SWIM}/{rid}.svg",
        f"/a/{SWIM}/{rid}/ics",
    ):
        answer = client.get(path, environ_base=PHONE)
        assert answer.status_code in (404, 400), (path, answer.status_code)


@pytest.mark.parametrize("day", FAR_DAYS)
def test_dates_out_of_reach_in_queries_never_break_a_page(
    app: Flask, client: FlaskClient, people: None, day: str
) -> None:
    assert client.get(f"/api/activities?from={day}").status_code in (200, 400)
    assert client.get(f"/api/activities?to={day}").status_code in (200, 400)
    assert client.get(f"/digest?from={day}").status_code == 200
    from tests.admin_helpers import login

    login(client, "anna")
    for path in (
        f"/admin/week?start={day}",
        f"/admin/reports?from={day}&to={day}",
        f"/admin/reports/summary?from={day}&to={day}",
        f"/admin/reports.csv?from={day}&to={day}",
        f"/admin/edit/{SWIM}?month={day}",
        f"/admin/edit/{SWIM}/day?day={day}",
        f"/organiser/o/{SWIM}/{FAR[0]}",
    ):
        answer = client.get(path)
        assert answer.status_code < 500, path


def test_a_typed_date_far_away_is_refused_on_the_activity_form(
    app: Flask, client: FlaskClient, people: None
) -> None:
    from tests.admin_helpers import edit_form, login

    login(client, "anna")
    form = edit_form(client, SWIM)
    before = services.get_for(app).store.version
    for day in ("9999-12-31", "0001-01-01"):
        form.update({"date": day, "csrf_token": csrf(client, "/admin/")})
        answer = client.post(f"/admin/edit/{SWIM}?lang=sv", data=form)
        assert answer.status_code == 400
    assert services.get_for(app).store.version == before


def test_one_phone_cannot_take_every_place_of_a_date(app: Flask, client: FlaskClient) -> None:
    """Point 11: ten signups of ten people each from one phone once took 100 places."""
    from tests.signups.test_signup_views import SWIM as FORM
    from tests.signups.test_signup_views import sign_up, stored

    assert sign_up(client, FORM, ip="127.0.0.7", adults="6", children="4").status_code == 303
    before = stored(app)
    again = sign_up(client, FORM, ip="127.0.0.7", name="Again", adults="1")
    assert again.status_code == 400 and stored(app) == before
    assert "högst 10 personer till samma tillfälle" in again.get_data(as_text=True)
    # another phone, and the kiosk itself (many people, one screen), still sign up
    assert sign_up(client, FORM, ip="127.0.0.8", adults="2").status_code == 303
    for _ in range(2):
        assert sign_up(client, FORM, ip="127.0.0.1", adults="5").status_code == 303
    counts = services.get_for(app).signups.counts(SWIM, "20261126T173000Z")
    assert counts.confirmed_people + counts.waitlisted_people == 10 + 2 + 10  # 20 places


def test_without_trusted_proxies_forwarded_headers_are_ignored(
    app: Flask, client: FlaskClient
) -> None:
    """Point 8: a phone's made-up X-Forwarded-For changes nothing."""
    from tests.signups.test_signup_views import SWIM as FORM
    from tests.signups.test_signup_views import sign_up

    for n in range(10):
        assert sign_up(client, FORM, ip="127.0.0.7", name=f"P{n}", adults="1").status_code == 303
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "10.9.9.9"  # "I am someone else"
    spoofed = sign_up(client, FORM, ip="127.0.0.7", name="Eleventh", adults="1")
    assert spoofed.status_code == 429  # still the same phone, over its limit


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Point 8: behind a proxy on the same PC every visitor's peer is 127.0.0.1. With
    TRUSTED_PROXIES each visitor is itself (limits per phone), and none is the kiosk."""
    from kiosk import create_app
    from tests.conftest import FIXED_NOW
    from tests.signups.test_signup_views import SWIM as FORM
    from tests.signups.test_signup_views import sign_up

    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "data"),
            "CLOCK": lambda: FIXED_NOW,
            "TRUSTED_PROXIES": "127.0.0.1",
        }
    )
    client = app.test_client()
    proxy = "127.0.0.1"

    def through_proxy(forwarded: str, **fields: str):  # type: ignore[no-untyped-def]
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded
        return sign_up(client, FORM, ip=proxy, **fields)

    # one phone behind the proxy: limited like a phone, its made-up first hop ignored
    assert through_proxy("1.2.3.4, 192.0.2.77", adults="10").status_code == 303
    refused = through_proxy("5.6.7.8, 192.0.2.77", adults="1")
    assert refused.status_code == 400  # the same phone (rightmost untrusted), not the kiosk
    assert through_proxy("192.0.2.78", adults="1").status_code == 303  # another phone
    # without the header the proxied client is unknown, never the kiosk
    del client.environ_base["HTTP_X_FORWARDED_FOR"]
    for n in range(10):
        sign_up(client, FORM, ip=proxy, name=f"N{n}", adults="1")
    assert sign_up(client, FORM, ip=proxy, name="Eleventh").status_code == 429
    services.get_for(app).store.close()


def test_a_bad_trusted_proxies_setting_is_refused() -> None:
    from kiosk.config import SETTINGS

    (setting,) = [s for s in SETTINGS if s.key == "TRUSTED_PROXIES"]
    assert setting.parse("127.0.0.1, 10.0.0.0/8") == "127.0.0.1, 10.0.0.0/8"
    with pytest.raises(ValueError):
        setting.parse("127.0.0.1, not-an-address")


def test_a_real_backup_of_a_busy_year_restores_from_the_web(
    app: Flask, client: FlaskClient, people: None
) -> None:
    """Point 7: a 1.2 MB backup was refused with Werkzeug's English 413 (the CSRF check read
    the form under the 1 MB limit before the restore view could raise it)."""
    import io

    from tests.admin_helpers import login

    svc = services.get_for(app)
    for n in range(300):  # a year of notes and signups makes a backup of about 1.3 MB
        svc.store.put("help_requests", {"id": f"h{n}", "message": "x" * 4000, "status": "closed"})
    raw = svc.store.backup().read_bytes()
    assert len(raw) > 1024 * 1024
    login(client, "anna")
    answer = client.post(
        "/admin/restore?lang=sv",
        data={"csrf_token": csrf(client, "/admin/"), "backup": (io.BytesIO(raw), "backup.json")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert "Återställa den här säkerhetskopian?" in answer.get_data(as_text=True)


def test_public_forms_refuse_big_bodies_in_the_visitors_language(
    app: Flask, client: FlaskClient
) -> None:
    """Point 7: every endpoint took bodies up to 100 MB."""
    store = services.get_for(app).store
    before = store.version
    client.get("/help?lang=ar")
    answer = client.post("/help?lang=ar", data={"message": "x" * (200 * 1024)}, environ_base=PHONE)
    assert answer.status_code == 413
    page = answer.get_data(as_text=True)
    assert 'lang="ar"' in page and "64 kB" in page
    assert store.version == before
    swim = client.post(
        f"/a/{SWIM}/20261126T173000Z/signup", data={"name": "x" * 100_000}, environ_base=PHONE
    )
    assert swim.status_code == 413
