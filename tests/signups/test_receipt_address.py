"""The kiosk receipt's QR and link: an address a phone can open, or plainly none."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.web import public_url
from tests.signups.test_signup_views import sign_up


def _receipt(client: FlaskClient, base: str) -> str:
    answer = sign_up(client, ip="127.0.0.1")
    return client.get(answer.headers["Location"], base_url=base).get_data(as_text=True)


def test_no_address_a_phone_can_reach_says_so_and_explains_the_code(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(public_url, "lan_address", lambda: None)
    page = _receipt(client, "http://localhost:8080")
    assert "localhost" not in page.split('class="keep-link"', 1)[1].split("</section>", 1)[0]
    assert 'class="qr"' not in page
    assert "Telefoner kan inte nå den här tavlan" in page
    assert "Koden visar att du är anmäld" in page


def test_the_lan_address_or_public_url_is_used_when_there_is_one(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(public_url, "lan_address", lambda: "192.168.1.20")
    page = _receipt(client, "http://localhost:8080")
    assert "http://192.168.1.20:8080/s/" in page and 'class="qr"' in page
    app.config["PUBLIC_URL"] = "https://motesplats.gotene.se"
    page = _receipt(client, "http://localhost:8080")
    assert "https://motesplats.gotene.se/s/" in page
