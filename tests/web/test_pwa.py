"""The app parts of the board (kiosk.web.pwa) and signups replayed from a phone (idempotency)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.languages import LANGUAGES
from kiosk.signups.book import TABLE
from kiosk.web import pwa
from kiosk.web.pwa import deployment_version
from tests.conftest import REPO, Clock
from tests.signups.test_signup_views import PHONE_IP, SWIM

KEY = "k3y-made-on-the-phone-0123456789"  # what signup-queue.js makes: 24+ URL-safe chars
SCRIPT = {"X-Motesplats-Request": "signup", "Accept": "application/json"}


def replay(client: FlaskClient, key: str = KEY, path: str = SWIM, **extra: str):  # type: ignore[no-untyped-def]
    """A signup as the phone's script sends it: no CSRF field, maybe no session at all."""
    form = {"name": "Saba", "adults": "2", "children": "1", "consent": "yes", **extra}
    if key:
        form["idempotency_key"] = key
    headers = {**SCRIPT, "Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    return client.post(path, data=form, headers=headers, environ_base=PHONE_IP)


def saba_signups(app: Flask) -> list[dict]:
    return [d for d in services.get_for(app).store.all(TABLE) if d["name"] == "Saba"]


@pytest.mark.parametrize("lang", [lang.code for lang in LANGUAGES])
def test_manifest_speaks_the_viewers_language(client: FlaskClient, lang: str) -> None:
    response = client.get(f"/manifest.webmanifest?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["start_url"] == f"/?lang={lang}" and manifest["scope"] == "/"
    assert manifest["id"] == "/"  # one app whatever the language it was installed in
    assert manifest["display"] == "standalone" and manifest["theme_color"] == "#0b4f6c"
    assert manifest["dir"] == ("rtl" if lang in ("ar", "fa_AF") else "ltr")
    assert manifest["name"] == "Mötesplats Götene" and len(manifest["short_name"]) <= 12
    swedish = "Veckans aktiviteter på mötesplatsen – anmäl dig från telefonen."
    assert (manifest["description"] == swedish) == (lang == "sv")
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_worker_keeps_the_shell_and_offline_pages_in_six_languages(client: FlaskClient) -> None:
    response = client.get("/sw.js")
    assert (
        response.mimetype == "text/javascript" and response.headers["Cache-Control"] == "no-cache"
    )
    first_line, code = response.get_data(as_text=True).split("\n", 1)
    shell = json.loads(first_line.removeprefix("var SHELL = ").removesuffix(";"))
    assert "importScripts(SHELL.queue)" in code and "caches.delete" in code
    assert len(shell["precache"]) == len(pwa.SHELL_FILES) + len(LANGUAGES)
    for url in [*shell["precache"], shell["queue"]]:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "Set-Cookie" not in answer.headers, url  # keeping them changes no language
    pages = {
        lang.code: client.get(f"/offline/{lang.code}").get_data(as_text=True) for lang in LANGUAGES
    }
    assert (
        'dir="rtl"' in pages["ar"] and 'dir="rtl"' in pages["fa_AF"] and 'dir="ltr"' in pages["so"]
    )
    assert "Du är offline" in pages["sv"] and "You are offline" in pages["en"]
    assert len({re.search(r"<h1>.*?</h1>", p, re.S).group(0) for p in pages.values()}) == 6
    assert client.get("/offline/xx").status_code == 404


def test_static_files_carry_their_version_and_are_kept_a_year(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/board\.css\?v=([0-9a-f]{12}))"', html)
    assert css, "the stylesheet's URL names its content"
    kept = client.get(css.group(1))
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/static/css/board.css?v=old").headers["Cache-Control"] == "no-cache"
    assert client.get("/static/css/board.css").headers["Cache-Control"] == "no-cache"


def test_a_changed_file_is_a_new_deployment(tmp_path: Path) -> None:
    static = tmp_path / "static"
    shutil.copytree(REPO / "static" / "css", static / "css")
    templates, translations = tmp_path / "templates", tmp_path / "translations"
    templates.mkdir()
    translations.mkdir()
    before = deployment_version(static, templates, translations)
    with open(static / "css" / "board.css", "a") as css:
        css.write("\n.new { color: red; }\n")
    deployment_version.cache_clear()
    assert deployment_version(static, templates, translations) != before


def test_a_replayed_signup_is_stored_once_and_answers_the_same_link(
    app: Flask, client: FlaskClient
) -> None:
    first = replay(client)
    assert first.status_code == 200 and first.is_json
    assert first.get_json()["ok"] is True
    again = replay(app.test_client())  # another session: the cookie was lost meanwhile
    assert again.get_json() == first.get_json()
    found = saba_signups(app)
    assert len(found) == 1 and found[0]["adults"] == 2 and found[0]["children"] == 1
    assert found[0]["idempotency_key"] != KEY  # kept hashed, like the link's secret
    page = client.get(first.get_json()["url"])
    assert page.status_code == 200 and "Saba" in page.get_data(as_text=True)


def test_replays_arriving_after_the_occurrence_ended_still_find_theirs(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    url = replay(client).get_json()["url"]
    clock.now += timedelta(days=3)  # the swim was on Thursday; the phone was away till Sunday
    late = replay(client)
    assert late.status_code == 200 and late.get_json()["url"] == url
    other = replay(client, key="another-key-made-on-the-phone-01")
    assert other.status_code == 400 and other.get_json()["retry"] is False
    assert "redan varit" in other.get_json()["problems"][0]
    assert len(saba_signups(app)) == 1


def test_replays_do_not_use_up_the_rate_limit(app: Flask, client: FlaskClient) -> None:
    for _ in range(25):
        assert replay(client).status_code == 200
    assert len(saba_signups(app)) == 1
    for i in range(9):
        replay(client, key=f"fresh-key-number-{i:02d}-abcdefghij")
    limited = replay(client, key="one-too-many-keys-abcdefghijklmn")
    assert limited.status_code == 429 and limited.get_json()["retry"] is True


def test_the_same_key_for_another_occurrence_is_refused(app: Flask, client: FlaskClient) -> None:
    replay(client)
    next_week = SWIM.replace("20261126T173000Z", "20261203T173000Z")
    refused = replay(client, path=next_week)
    assert refused.status_code == 400 and refused.get_json()["ok"] is False
    assert len(saba_signups(app)) == 1


@pytest.mark.parametrize("key", ["short", "x" * 65, "has spaces in it 0123456789ab", "ü" * 30])
def test_keys_our_script_never_makes_are_refused(app: Flask, client: FlaskClient, key: str) -> None:
    refused = replay(client, key=key)
    assert refused.status_code == 400 and "kunde inte tas emot" in refused.get_json()["problems"][0]
    assert saba_signups(app) == []


def test_bad_input_from_the_script_gets_the_problems_in_its_language(
    app: Flask, client: FlaskClient
) -> None:
    refused = replay(client, path=SWIM + "?lang=en", name="", consent="")
    body = refused.get_json()
    assert refused.status_code == 400 and body["ok"] is False and body["retry"] is False
    assert any("first name" in p for p in body["problems"]) and len(body["problems"]) == 2
    assert saba_signups(app) == []


def test_the_script_header_is_no_way_around_csrf_for_other_sites(
    app: Flask, client: FlaskClient
) -> None:
    form = {"name": "Saba", "adults": "1", "consent": "yes", "idempotency_key": KEY}
    foreign = client.post(SWIM, data=form, headers={**SCRIPT, "Origin": "https://evil.example"})
    assert foreign.status_code == 400
    cross_site = client.post(SWIM, data=form, headers={**SCRIPT, "Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 400
    no_header = client.post(SWIM, data=form)  # a plain form post needs its CSRF token
    assert no_header.status_code == 400
    assert saba_signups(app) == []


def test_two_replays_at_the_same_moment_store_one_signup(app: Flask) -> None:
    """The page and the service worker may send the same signup at once (8 threads here)."""
    from concurrent.futures import ThreadPoolExecutor

    from kiosk.board import agenda

    svc = services.get_for(app)
    occurrence = agenda.find_occurrence(
        svc.catalogue.snapshot(), "demo-simning-kvinnor@motesplats", "20261126T173000Z"
    )

    def send(_: int) -> tuple[str, str]:
        signup, secret = svc.signups.add(
            occurrence,
            name="Saba",
            adults=1,
            children=0,
            phone=None,
            language="sv",
            idempotency_key=KEY,
        )
        return signup.id, secret

    with ThreadPoolExecutor(8) as pool:
        answers = set(pool.map(send, range(8)))
    assert len(answers) == 1 and len(saba_signups(app)) == 1
