"""Reviewing the interface's strings in the app (`/translate/ui`): who may, saving and
confirming, the correction on the very next public page, and the .po download."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.translating.ui_strings import Entry
from tests.admin_helpers import csrf, login

TINA = "a-long-password-1"
PLACES_LEFT = "%(num)s plats kvar"


@pytest.fixture
def tina(app: Flask, people: None) -> None:
    services.get_for(app).accounts.create("tina", TINA, "translator", "Tina", languages=["ti"])


def as_tina(client: FlaskClient) -> FlaskClient:
    assert login(client, "tina", TINA).status_code == 303
    return client


def entry(app: Flask, lang: str, msgid: str) -> Entry:
    return next(e for e in services.get_for(app).ui_strings.entries(lang) if e.msgid == msgid)


def form_for(client: FlaskClient, page: str, key: str) -> dict[str, str]:
    """The hidden fields and texts of one string's form, as the browser would send them."""
    text = client.get(page).get_data(as_text=True)
    section = text.split(f'id="s-{key}"', 1)[1].split("</section>", 1)[0]
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)"', section
        )
    }
    for name, body in re.findall(
        r'<textarea[^>]* name="([^"]+)"[^>]*>\n?(.*?)</textarea>', section, re.S
    ):
        fields[name] = html.unescape(body)
    return fields


def test_a_translator_reviews_only_its_own_languages(
    app: Flask, client: FlaskClient, tina: None
) -> None:
    assert client.get("/translate/ui/ti").status_code == 302  # to the login
    as_tina(client)
    page = client.get("/translate/ui/ti")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'lang="ti" dir="ltr"' in text and "<textarea" in text
    first = entry(app, "ti", re.search(r'<bdi lang="sv" dir="ltr">([^<]+)</bdi>', text).group(1))
    assert first.unreviewed  # the unreviewed come first
    assert f'<bdi lang="en" dir="ltr">{html.escape(first.english[0], quote=False)}</bdi>' in text
    assert client.get("/translate/ui/ar").status_code == 403
    assert client.get("/translate/ui/ar.po").status_code == 403
    assert client.get("/translate/ui/sv").status_code == 404  # Swedish is the source
    index = client.get("/translate/ui/").get_data(as_text=True)
    assert "/translate/ui/ti" in index and "/translate/ui/ar" not in index


def test_an_organiser_is_refused_and_an_admin_reviews_every_language(
    client: FlaskClient, people: None
) -> None:
    login(client, "omar")
    assert client.get("/translate/ui/ti").status_code == 403
    assert client.get("/translate/ui/").status_code == 403
    client.post("/admin/logout", data={"csrf_token": csrf(client, "/admin/")})
    login(client, "anna")
    index = client.get("/translate/ui/").get_data(as_text=True)
    for lang in ("en", "ar", "fa_AF", "so", "ti"):
        assert f"/translate/ui/{lang}" in index
    assert "/translate/ui/sv" not in index
    assert "/translate/ui/" in client.get("/admin/").get_data(as_text=True)
    arabic = client.get("/translate/ui/ar?show=all&q=plats+kvar").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in arabic
    section = arabic.split("plats kvar</bdi>", 1)[1].split("</section>", 1)[0]
    assert len(re.findall(r"<textarea", section)) == 6  # Arabic has six plural forms
    assert client.get("/translate/ui/fa_AF").get_data(as_text=True).count('dir="rtl"') > 2


def test_a_correction_shows_at_once_on_the_public_board(
    app: Flask, client: FlaskClient, tina: None
) -> None:
    today = entry(app, "ti", "Idag")
    before = client.get("/?lang=ti").get_data(as_text=True)  # also fills the page cache
    assert f">{today.texts[0]}<" in before
    as_tina(client)
    fields = form_for(client, "/translate/ui/ti?show=all&q=Idag", today.key)
    assert fields["show"] == "all" and fields["q"] == "Idag"
    saved = client.post("/translate/ui/ti", data={**fields, "text_0": "ሎሚ መዓልቲ", "action": "save"})
    assert saved.status_code == 303
    assert saved.location.startswith("/translate/ui/ti?show=all&q=Idag")
    after = client.get("/?lang=ti").get_data(as_text=True)
    assert ">ሎሚ መዓልቲ<" in after and f">{today.texts[0]}<" not in after
    reviewed = entry(app, "ti", "Idag")
    assert reviewed.review is not None and reviewed.review.by == "tina"
    audit = (Path(app.config["DATA_DIR"]) / "audit.jsonl").read_text().splitlines()
    line = json.loads(audit[-1])
    assert (line["who"], line["action"], line["target"]) == ("tina", "reviewed", "ti:Idag")
    reviewed_page = client.get("/translate/ui/ti?show=reviewed&lang=sv").get_data(as_text=True)
    assert "Rättad av Tina" in reviewed_page
    # the other languages are untouched
    assert ">ሎሚ መዓልቲ<" not in client.get("/?lang=so").get_data(as_text=True)


def test_confirming_marks_it_reviewed_and_leaves_the_unreviewed_list(
    app: Flask, client: FlaskClient, tina: None
) -> None:
    as_tina(client)
    first = next(e for e in services.get_for(app).ui_strings.entries("ti") if not e.missing)
    fields = form_for(client, "/translate/ui/ti", first.key)
    done = client.post("/translate/ui/ti", data={**fields, "action": "confirm"})
    assert done.status_code == 303 and "#s-" in done.location
    confirmed = entry(app, "ti", first.msgid)
    assert confirmed.review.status == "confirmed" and confirmed.texts == first.texts  # type: ignore[union-attr]
    assert f'id="s-{first.key}"' not in client.get("/translate/ui/ti").get_data(as_text=True)


def test_a_plural_correction_has_one_input_per_form(
    app: Flask, client: FlaskClient, tina: None
) -> None:
    as_tina(client)
    places = entry(app, "ti", PLACES_LEFT)
    fields = form_for(client, "/translate/ui/ti?show=all&q=plats+kvar", places.key)
    assert set(fields) >= {"text_0", "text_1"} and "text_2" not in fields
    data = {**fields, "text_0": "%(num)s ቦታ ጥራይ", "text_1": "%(num)s ቦታታት ጥራይ", "action": "save"}
    assert client.post("/translate/ui/ti", data=data).status_code == 303
    assert entry(app, "ti", PLACES_LEFT).texts == ("%(num)s ቦታ ጥራይ", "%(num)s ቦታታት ጥራይ")


def test_other_placeholders_are_refused_with_a_message_and_nothing_is_lost(
    app: Flask, client: FlaskClient, tina: None
) -> None:
    as_tina(client)
    places = entry(app, "ti", PLACES_LEFT)
    fields = form_for(client, "/translate/ui/ti?show=all&q=plats+kvar", places.key)
    data = {**fields, "text_0": "ቦታ %(places)s", "text_1": "%(num)s ቦታታት", "action": "save"}
    refused = client.post("/translate/ui/ti?lang=en", data=data)
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Keep the placeholders exactly as in the original" in text
    assert "ቦታ %(places)s</textarea>" in text  # as typed
    assert entry(app, "ti", PLACES_LEFT) == places  # nothing stored
    no_token = client.post("/translate/ui/ti", data={**data, "csrf_token": ""})
    assert no_token.status_code == 400 and entry(app, "ti", PLACES_LEFT) == places


def test_a_change_made_meanwhile_is_not_overwritten(
    app: Flask, client: FlaskClient, tina: None
) -> None:
    as_tina(client)
    first = next(e for e in services.get_for(app).ui_strings.entries("ti") if not e.placeholders)
    fields = form_for(client, "/translate/ui/ti", first.key)
    services.get_for(app).ui_strings.correct("ti", first.msgid, ["ብኻልእ"], "anna")
    clash = client.post("/translate/ui/ti", data={**fields, "text_0": "ብዓይነይ", "action": "save"})
    assert clash.status_code == 409
    assert "Anna Admin" in clash.get_data(as_text=True)
    assert entry(app, "ti", first.msgid).texts == ("ብኻልእ",)


def test_the_po_download_has_the_corrections_and_reviewed_strings_are_not_fuzzy(
    app: Flask, client: FlaskClient, tina: None
) -> None:
    ui = services.get_for(app).ui_strings
    fuzzy = next(e for e in ui.entries("ti") if e.shipped_fuzzy and not e.placeholders)
    ui.correct("ti", fuzzy.msgid, ["ተረሪሙ"], "tina")
    as_tina(client)
    download = client.get("/translate/ui/ti.po")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="messages-ti.po"'
    catalog = read_po(io.BytesIO(download.data), locale="ti")
    assert catalog[fuzzy.msgid].string == "ተረሪሙ" and not catalog[fuzzy.msgid].fuzzy
    still = next(e for e in ui.entries("ti") if e.unreviewed)
    assert catalog[still.msgid].fuzzy
    assert len([m for m in catalog if m.id]) == len(ui.entries("ti"))


def test_search_and_pages(client: FlaskClient, tina: None) -> None:
    as_tina(client)
    first = client.get("/translate/ui/ti?show=all").get_data(as_text=True)
    assert first.count('class="ui-string') == 50
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/translate/ui/ti?show=all&page=2").get_data(as_text=True)
    assert 'rel="prev"' in second
    found = client.get("/translate/ui/ti?show=all&q=väntelistan").get_data(as_text=True)
    assert 0 < found.count('class="ui-string') < 20  # a few, not all 50 of a page
    assert client.get("/translate/ui/ti?show=all&page=999").status_code == 200


def test_the_overlay_is_merged_once_per_version_and_the_compiled_catalogue_stays(
    app: Flask,
) -> None:
    from flask_babel import get_translations, gettext, ngettext

    ui = services.get_for(app).ui_strings
    with app.test_request_context("/?lang=ti"):
        compiled = gettext("Idag")
        first = get_translations()
        assert get_translations() is first  # a request costs a lookup, not a merge
    ui.correct("ti", "Idag", ["ሎሚ መዓልቲ"], "anna")
    with app.test_request_context("/?lang=ti"):
        laid = get_translations()
        assert laid is not first and gettext("Idag") == "ሎሚ መዓልቲ"
        assert get_translations() is laid
    assert first.gettext("Idag") == compiled  # the compiled catalogue itself is untouched
    with app.test_request_context("/?lang=sv"):
        assert gettext("Idag") == "Idag"
    ui.correct("ti", PLACES_LEFT, ["%(num)s ቦታ ጥራይ", "%(num)s ቦታታት ጥራይ"], "anna")
    with app.test_request_context("/?lang=ti"):
        assert ngettext(PLACES_LEFT, "%(num)s platser kvar", 1) == "1 ቦታ ጥራይ"
        assert ngettext(PLACES_LEFT, "%(num)s platser kvar", 3) == "3 ቦታታት ጥራይ"


def test_the_page_cache_serves_the_old_page_until_a_review_is_stored(
    app: Flask, client: FlaskClient
) -> None:
    pages = services.get_for(app).pages
    assert pages is not None
    client.get("/?lang=so")
    hits = pages.hits
    old = client.get("/?lang=so").get_data(as_text=True)
    assert pages.hits == hits + 1
    today = entry(app, "so", "Idag")
    assert f">{today.texts[0]}<" in old
    services.get_for(app).ui_strings.correct("so", "Idag", ["Maanta (sax)"], "anna")
    new = client.get("/?lang=so").get_data(as_text=True)
    assert pages.hits == hits + 1 and ">Maanta (sax)<" in new
