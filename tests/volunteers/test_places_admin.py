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


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_a_map_picture_and_a_location_for_phones(
    app: Flask, client: FlaskClient, people: None
) -> None:
    import io

    login(client, "anna")
    answer = client.post(
        f"/admin/places/{POOL}",
        data={
            **_form(client),
            "lat": "58,5267",
            "lon": "13.4855",
            "map_image": (io.BytesIO(PNG), "karta.png"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    stored = services.get_for(app).store.get("places", POOL)
    assert stored["lat"] == 58.5267 and stored["map_image"].startswith("map-")
    detail = client.get(f"/a/{SWIMMING}?lang=sv").get_data(as_text=True)
    src = re.search(r'<img class="place-map" src="([^"]+)"', detail).group(1)
    picture = client.get(src)
    assert picture.status_code == 200 and picture.data == PNG
    assert 'href="geo:58.5267,13.4855"' in detail
    # anything else than a picture is refused and the stored one stays
    refused = client.post(
        f"/admin/places/{POOL}",
        data={**_form(client), "map_image": (io.BytesIO(b"<svg onload=alert(1)>"), "x.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert services.get_for(app).store.get("places", POOL)["map_image"] == stored["map_image"]
    assert client.get(f"/places/{POOL}/map/map-00000000.png").status_code == 404
    assert client.get(f"/places/{POOL}/map/..%2f..%2fsecret").status_code == 404
