"""The optional phone number at signup: parsed, mobile only, stored one way."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.signups.phone import PhoneProblem, normalise
from tests.signups.test_signup_views import sign_up


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("070 123 45 67", "+46701234567"),
        ("+46 70-123 45 67", "+46701234567"),
        ("0046701234567", "+46701234567"),
        ("+252 61 234 5678", "+252612345678"),  # a Somali mobile, as a newcomer may have
        ("", ""),
    ],
)
def test_numbers_are_stored_in_one_form(written: str, stored: str) -> None:
    assert normalise(written) == stored


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("0511-38 60 00", "not_mobile"),
        ("hej", "invalid"),
        ("070", "invalid"),
        ("1" * 40, "invalid"),
    ],
)
def test_what_is_no_mobile_number_is_refused_with_a_reason(written: str, code: str) -> None:
    with pytest.raises(PhoneProblem) as refused:
        normalise(written)
    assert refused.value.code == code


def test_a_landline_gets_a_clear_message_in_the_visitors_language_and_nothing_is_stored(
    app: Flask, client: FlaskClient
) -> None:
    answer = sign_up(
        client,
        path="/a/demo-simning-kvinnor@motesplats/20261126T173000Z/signup?lang=ar",
        phone="0511-38 60 00",
    )
    assert answer.status_code == 400
    assert "ليس رقم هاتف محمول" in answer.get_data(as_text=True)
    assert services.get_for(app).store.count("signups") == 0
    ok = sign_up(client, phone="070-123 45 67")
    assert ok.status_code == 303
    assert services.get_for(app).store.all("signups")[0]["phone"] == "+46701234567"
