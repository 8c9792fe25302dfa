"""The translator's account and queue: only its languages, no other rights, audited."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.activities import translation
from tests.admin_helpers import PASSWORD, csrf, login

THEORY = "demo-korkort@motesplats"


@pytest.fixture
def tina(app: Flask, people: None) -> None:
    """Tina translates into Tigrinya; the driving theory's title has no Tigrinya yet (the demo
    week has every language: one is taken away)."""
    svc = services.get_for(app)
    svc.accounts.create("tina", PASSWORD, "translator", "Tina", languages=["ti"])
    from kiosk.activities.model import Activity

    activity = Activity.from_doc(svc.activities.get(THEORY))
    del activity.title["ti"]
    svc.editor.save(svc.accounts.get("anna"), activity, activity.version)


def _slot_form(page: str, key: str, activity_id: str) -> dict[str, str]:
    for form in re.findall(r"<form method=\"post\".*?</form>", page, re.S):
        if f'value="{activity_id}"' in form and f'name="key" value="{key}"' in form:
            return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    raise AssertionError(f"no slot {key} of {activity_id}")


def test_a_translator_reaches_only_the_queue_of_its_languages(
    client: FlaskClient, tina: None
) -> None:
    login(client, "tina")
    # the login lands on the queue of the one language
    page = client.get("/translate/", follow_redirects=True)
    assert page.status_code == 200 and "ትግርኛ" in page.get_data(as_text=True)
    assert client.get("/translate/ar").status_code == 403
    # no other rights: the editors' pages send it back to its queue, organisers' pages too
    for path in ("/admin/", f"/admin/edit/{THEORY}", "/admin/people", "/admin/settings"):
        answer = client.get(path)
        assert answer.status_code in (302, 403), path
        if answer.status_code == 302:
            assert (
                "/translate" in answer.headers["Location"] or "login" in answer.headers["Location"]
            )
    assert client.get("/organiser/").status_code in (302, 403)


def test_an_organiser_is_no_translator(client: FlaskClient, people: None) -> None:
    login(client, "omar")
    assert client.get("/translate/ti").status_code == 403


def test_missing_texts_come_first_with_the_swedish_beside_and_a_save_is_audited(
    app: Flask, client: FlaskClient, tina: None
) -> None:
    login(client, "tina")
    page = client.get("/translate/ti").get_data(as_text=True)
    assert 'dir="ltr"' in page and 'lang="ti"' in page
    assert "Körkortsteori" in page  # the Swedish beside it
    form = _slot_form(page, "title", THEORY)
    answer = client.post("/translate/ti", data={**form, "text": "ትምህርቲ መንጃ ፍቓድ", "action": "save"})
    assert answer.status_code == 303
    svc = services.get_for(app)
    stored = svc.activities.get(THEORY)
    assert stored["title"]["ti"] == "ትምህርቲ መንጃ ፍቓድ"
    assert stored["title"]["sv"] == "Körkortsteori"  # nothing else changed
    assert translation.state(stored, "title", "ti") == "done"
    assert any(e["who"] == "tina" and e["target"] == THEORY for e in svc.audit.entries(50))
    # the board shows it to a Tigrinya reader
    board = client.get(f"/a/{THEORY}?lang=ti").get_data(as_text=True)
    assert "ትምህርቲ መንጃ ፍቓድ" in board


def test_an_outdated_translation_stays_shown_marked_until_updated(
    app: Flask, client: FlaskClient, tina: None
) -> None:
    svc = services.get_for(app)
    anna = svc.accounts.get("anna")
    login(client, "tina")
    form = _slot_form(client.get("/translate/ti").get_data(as_text=True), "title", THEORY)
    client.post("/translate/ti", data={**form, "text": "ትምህርቲ መንጃ ፍቓድ", "action": "save"})
    # the Swedish changes afterwards
    from kiosk.activities.model import Activity

    activity = Activity.from_doc(svc.activities.get(THEORY))
    activity.title["sv"] = "Körkortsteori för nybörjare"
    svc.editor.save(anna, activity, activity.version)
    board = client.get(f"/a/{THEORY}?lang=ti").get_data(as_text=True)
    assert "ትምህርቲ መንጃ ፍቓድ" in board and "outdated" in board
    page = client.get("/translate/ti").get_data(as_text=True)
    form = _slot_form(page, "title", THEORY)
    assert "Körkortsteori för nybörjare" in page
    client.post("/translate/ti", data={**form, "text": "ትምህርቲ መንጃ ፍቓድ ንጀመርቲ", "action": "save"})
    board = client.get(f"/a/{THEORY}?lang=ti").get_data(as_text=True)
    assert "ንጀመርቲ" in board and "outdated" not in board


def test_bad_input_gets_a_message_and_loses_nothing(
    app: Flask, client: FlaskClient, tina: None
) -> None:
    login(client, "tina")
    form = _slot_form(client.get("/translate/ti").get_data(as_text=True), "title", THEORY)
    before = services.get_for(app).activities.get(THEORY)
    page = client.post(
        "/translate/ti?lang=ti",
        data={**form, "text": "  ", "action": "save"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "banner" in page
    gone = client.post(
        "/translate/ti",
        data={**form, "key": "note@20990101T000000Z", "text": "x"},
        follow_redirects=True,
    )
    assert gone.status_code == 200
    assert services.get_for(app).activities.get(THEORY) == before
    no_csrf = {k: v for k, v in form.items() if k != "csrf_token"}
    assert client.post("/translate/ti", data={**no_csrf, "text": "x"}).status_code in (400, 403)


def test_admins_see_per_language_how_much_of_the_coming_week_is_translated(
    client: FlaskClient, people: None
) -> None:
    login(client, "anna")
    page = client.get("/admin/").get_data(as_text=True)
    assert "coverage" in page
    for name in ("English", "العربية", "دری", "Soomaali", "ትግርኛ"):
        assert name in page
    assert re.search(r"\d+ %", page)
    assert csrf(client, "/admin/")


def test_an_admin_invites_a_translator_for_chosen_languages(app: Flask, people: None) -> None:
    admin, invited = app.test_client(), app.test_client()
    login(admin, "anna")
    refused = admin.post(
        "/admin/people",
        data={"csrf_token": csrf(admin, "/admin/people"), "action": "invite", "role": "translator"},
    ).get_data(as_text=True)
    assert "admin/join/" not in refused  # no language chosen: no invitation
    page = admin.post(
        "/admin/people",
        data={
            "csrf_token": csrf(admin, "/admin/people"),
            "action": "invite",
            "role": "translator",
            "languages": ["so", "ti"],
        },
    ).get_data(as_text=True)
    link = re.search(r"(/admin/join/[A-Za-z0-9_-]+)", page).group(1)
    answer = invited.post(
        link,
        data={
            "csrf_token": csrf(invited, link),
            "username": "yonas",
            "password": PASSWORD,
            "display_name": "Yonas",
        },
        follow_redirects=True,
    )
    assert answer.status_code == 200
    account = services.get_for(app).accounts.get("yonas")
    assert account.role == "translator" and account.languages == ["so", "ti"]
    assert invited.get("/translate/ti").status_code == 200
    assert invited.get("/translate/ar").status_code == 403
    assert invited.get("/admin/edit/" + THEORY).status_code == 302


def test_the_demo_translations_wait_for_a_native_speaker_to_confirm_them(
    app: Flask, client: FlaskClient, tina: None
) -> None:
    svc = services.get_for(app)
    swim = "demo-simning-kvinnor@motesplats"
    assert translation.state(svc.activities.get(swim), "description", "ti") == "unreviewed"
    login(client, "tina")
    page = client.get("/translate/ti?show=unreviewed").get_data(as_text=True)
    form = _slot_form(page, "description", swim)
    client.post("/translate/ti", data={**form, "text": "", "action": "confirm"})
    stored = svc.activities.get(swim)
    assert translation.state(stored, "description", "ti") == "done"
    assert translation.state(stored, "description", "so") == "unreviewed"  # not Tina's
