"""Sessions that end (issue "hostile world", point 5): an admin cookie copied from a
browser stops working when its owner logs out, changes the password or is deactivated; a
PIN session ends after SESSION_HOURS, when the PIN changes, and on any PIN logout."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from tests.admin_helpers import csrf, login
from tests.conftest import Clock
from tests.signups.test_signup_views import log_in as pin_log_in


def copied(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding a copy of this one's session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    return thief


def test_logout_ends_a_copied_admin_cookie(app: Flask, client: FlaskClient, people: None) -> None:
    login(client, "anna")
    thief = copied(client, app)
    assert thief.get("/admin/").status_code == 200  # the copy works while anna is logged in
    client.post("/admin/logout", data={"csrf_token": csrf(client, "/admin/")})
    assert thief.get("/admin/").status_code == 302  # to the login page
    assert client.get("/admin/").status_code == 302


def test_a_new_password_or_deactivation_ends_sessions(
    app: Flask, client: FlaskClient, people: None
) -> None:
    login(client, "omar")
    assert client.get("/admin/").status_code == 200
    services.get_for(app).accounts.set_password("omar", "another long password")
    assert client.get("/admin/").status_code == 302
    login(client, "omar", "another long password")
    assert client.get("/admin/").status_code == 200
    accounts = services.get_for(app).accounts
    omar = accounts.get("omar")
    omar.active = False
    accounts.update(omar)
    assert client.get("/admin/").status_code == 302


def test_a_pin_session_ends_with_its_pin_its_hours_or_any_pin_logout(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    app.config["ORGANISER_PIN"] = "4711"
    assert pin_log_in(client).status_code == 303
    assert client.get("/organiser/").status_code == 200
    app.config["ORGANISER_PIN"] = "9999"  # a new PIN (set and restarted)
    assert client.get("/organiser/").status_code == 302
    app.config["ORGANISER_PIN"] = "4711"
    assert pin_log_in(client).status_code == 303
    thief = copied(client, app)
    client.post("/organiser/logout", data={"csrf_token": csrf(client, "/organiser/")})
    assert thief.get("/organiser/").status_code == 302
    assert pin_log_in(client).status_code == 303
    clock.now += timedelta(hours=app.config["SESSION_HOURS"], minutes=1)
    assert client.get("/organiser/").status_code == 302
