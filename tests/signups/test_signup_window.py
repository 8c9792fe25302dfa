"""The signup window set per activity: signups open N days before and close N hours before,
said on the form in the visitor's language, nothing stored outside the window; set from the
activity's admin page. The fixed clock is Tuesday 24 November 2026, 09:00."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.activities.model import SignupSettings
from tests.admin_helpers import csrf, edit_form, login
from tests.signups.test_signup_views import SWIM, sign_up, stored

SWIM_ID = "demo-simning-kvinnor@motesplats"  # Thursdays 18:30; the next is 26 November
NEXT_WEEK = "/a/demo-simning-kvinnor@motesplats/20261203T173000Z/signup"  # 3 December


def window(app: Flask, opens_days: int, closes_hours: int) -> None:
    svc = services.get_for(app)
    doc = dict(svc.store.get("activities", SWIM_ID))
    settings = SignupSettings.from_doc(doc["signup"])
    settings.opens_days, settings.closes_hours = opens_days, closes_hours
    svc.store.put("activities", {**doc, "signup": settings.to_doc()})


def test_signups_open_seven_days_before(app: Flask, client: FlaskClient) -> None:
    window(app, 7, 0)
    # 26 November is two days away: open. 3 December is nine days away: not yet.
    assert sign_up(client).status_code == 303
    page = client.get(NEXT_WEEK + "?lang=sv").get_data(as_text=True)
    assert "Anmälan öppnar torsdag 26 november klockan 18:30." in page
    before = stored(app)
    answer = sign_up(client, NEXT_WEEK)
    assert answer.status_code == 400 and stored(app) == before
    arabic = client.get(NEXT_WEEK + "?lang=ar").get_data(as_text=True)
    assert "يبدأ التسجيل" in arabic


def test_signups_close_hours_before(app: Flask, client: FlaskClient) -> None:
    window(app, 0, 60)  # 60 hours before Thursday 18:30 is Monday 06:30: closed by Tuesday
    page = client.get(SWIM + "?lang=sv").get_data(as_text=True)
    assert "Anmälan har stängt. Fråga arrangören om det finns plats." in page
    assert 'name="name"' not in page  # no form to fill in
    html = client.get(NEXT_WEEK).get_data(as_text=True)  # next week's is open
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    form = {"csrf_token": token, "name": "Amina", "adults": "1", "consent": "yes"}
    before = stored(app)
    assert client.post(SWIM, data=form).status_code == 400 and stored(app) == before
    assert client.post(NEXT_WEEK, data=form).status_code == 303 and stored(app) == before + 1


@pytest.mark.usefixtures("people")
def test_the_window_is_set_on_the_activity_page(app: Flask, client: FlaskClient) -> None:
    login(client, "anna")
    form = edit_form(client, SWIM_ID)
    form.update({"opens_days": "7", "closes_hours": "2", "csrf_token": csrf(client, "/admin/")})
    answer = client.post(f"/admin/edit/{SWIM_ID}", data=form)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    signup = services.get_for(app).catalogue.snapshot().activities[SWIM_ID].signup
    assert (signup.opens_days, signup.closes_hours) == (7, 2)
    form.update({"opens_days": "sju", "csrf_token": csrf(client, "/admin/")})
    refused = client.post(f"/admin/edit/{SWIM_ID}?lang=sv", data=form)
    assert refused.status_code == 400
    assert "Skriv ett helt antal, eller lämna tomt." in refused.get_data(as_text=True)


def test_a_replay_key_does_not_open_a_closed_window(app: Flask, client: FlaskClient) -> None:
    """The offline replay's idempotency key skips the form's check; the signup book itself
    refuses a date whose window is not open, so no client can sign up around it."""
    window(app, 7, 0)
    before = stored(app)
    answer = sign_up(client, NEXT_WEEK, idempotency_key="0123456789abcdef0123456789abcdef")
    assert answer.status_code == 400 and stored(app) == before
    assert "Anmälan öppnar torsdag 26 november" in answer.get_data(as_text=True)
