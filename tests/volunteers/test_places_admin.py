"""Places: a kind with its pictogram, a name per language beside the sign's, how to get there."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from tests.admin_helpers import csrf, login

POOL = "demo-simhall"
SWIMMING = "demo-simning-kvinnor@motesplats"


def _form(client: FlaskClient) -> dict[str, str]:
    page = client.get(f"/admin/places/{POOL}").get_data(as_text=True)
    fields = dict(re.findall(r'<input id="[^"]+" name="([^"]+)"[^>]*value="([^"]*)"', page))
    return {**fields, "csrf_token": csrf(client, f"/admin/places/{POOL}"), "kind": "swimming_hall"}


def test_an_admin_gives_a_place_a_name_and_directions_per_language(
    app: Flask, client: FlaskClient, people: None
) -> None:
    login(client, "anna")
    answer = client.post(
        f"/admin/places/{POOL}",
        data={
            **_form(client),
            "names_ar": "مسبح يوتينه",
            "how_to_ar": "قرب محطة الحافلات.",
            "how_to_sv": "Nära busstationen.",
        },
    )
    assert answer.status_code == 303
    stored = services.get_for(app).store.get("places", POOL)
    assert stored["names"]["ar"] == "مسبح يوتينه" and stored["kind"] == "swimming_hall"
    detail = client.get(f"/a/{SWIMMING}?lang=ar").get_data(as_text=True)
    # the kind in the reader's words with its pictogram, the Arabic name beside the sign's,
    # each isolated so "Götene simhall" does not swap places with the Arabic around it
    assert "icon-place_swimming_hall" in detail
    assert re.search(
        r'<bdi lang="ar" dir="rtl">مسبح يوتينه</bdi> \(<bdi lang="sv">Götene simhall</bdi>\)',
        detail,
    )
    assert "قرب محطة الحافلات." in detail
    swedish = client.get(f"/a/{SWIMMING}?lang=sv").get_data(as_text=True)
    assert "Nära busstationen." in swedish and "مسبح يوتينه" not in swedish


def test_a_bad_place_form_says_why_and_stores_nothing(
    app: Flask, client: FlaskClient, people: None
) -> None:
    login(client, "anna")
    before = services.get_for(app).store.get("places", POOL)
    answer = client.post(
        f"/admin/places/{POOL}",
        data={**_form(client), "name": " ", "map_url": "javascript:alert(1)"},
    )
    assert answer.status_code == 400
    assert "https://" in answer.get_data(as_text=True)
    assert services.get_for(app).store.get("places", POOL) == before


def test_only_admins_edit_places(client: FlaskClient, people: None) -> None:
    login(client, "omar")
    assert client.get(f"/admin/places/{POOL}").status_code == 403


def test_the_room_is_shown_in_the_readers_language_beside_the_signs(client: FlaskClient) -> None:
    page = client.get("/a/demo-laxhjalp@motesplats?lang=ti").get_data(as_text=True)
    assert re.search(
        r'<bdi lang="ti" dir="ltr">ክፍሊ ንባብ</bdi> \(<bdi lang="sv">Läsesalen</bdi>\)', page
    )
    assert "ክፍሊ ንባብ" not in client.get("/a/demo-laxhjalp@motesplats?lang=sv").get_data(as_text=True)
