"""Backups from /admin: download one, restore one after a check and a confirmation."""

from __future__ import annotations

import io
import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from tests.admin_helpers import CAFE, csrf, login

pytestmark = pytest.mark.usefixtures("people")


def upload(client: FlaskClient, raw: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/restore",
        data={"csrf_token": csrf(client, "/admin/"), "backup": (io.BytesIO(raw), "backup.json")},
        content_type="multipart/form-data",
    )


def test_download_then_restore_brings_back_what_was_deleted(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "anna")
    svc = services.get_for(app)
    backup = client.post("/admin/backups/now", data={"csrf_token": csrf(client, "/admin/")})
    assert backup.status_code == 200 and "attachment" in backup.headers["Content-Disposition"]
    raw = backup.data
    svc.store.delete("activities", CAFE)
    assert svc.store.get("activities", CAFE) is None

    checked = upload(client, raw)
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "Återställa den här säkerhetskopian?" in html
    assert "activities: 13" in html
    assert svc.store.get("activities", CAFE) is None  # nothing changes before confirming

    pending = re.search(r'name="pending" value="([^"]+)"', html).group(1)
    done = client.post(
        "/admin/restore/confirm", data={"csrf_token": csrf(client, "/admin/"), "pending": pending}
    )
    assert done.status_code == 303
    assert svc.store.get("activities", CAFE) is not None
    assert CAFE in svc.catalogue.snapshot().activities  # the board sees it at once
    assert "Språkcafé" in client.get("/?lang=sv").get_data(as_text=True)
    assert svc.audit.entries()[0]["action"] == "restored"
    again = client.post(
        "/admin/restore/confirm", data={"csrf_token": csrf(client, "/admin/"), "pending": pending}
    )
    assert again.status_code == 303  # the pending file is used up: a clear message, no change


FOREIGN = [
    b"",
    b"\x00\xff\xfe garbage",
    b'{"_default": {"1": {"name": "a TinyDB file from another program"}}}',
    b"[1, 2, 3]",
    json.dumps({"activities/01": {"1": {"id": "x"}}}).encode(),  # no _meta
    json.dumps({"_meta": {"1": {"seq": 5, "format": 99}}}).encode(),  # a future format
    b'{"activities/01": {"1": {"id": "x", "tit',  # cut short
]


@pytest.mark.parametrize("raw", FOREIGN)
def test_corrupted_or_foreign_file_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient, raw: bytes
) -> None:
    login(client, "anna")
    svc = services.get_for(app)
    version = svc.store.version
    response = upload(client, raw)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Välj en fil" in html or "ingen säkerhetskopia från Mötesplats" in html
    assert "Ingenting har ändrats" in html or not raw
    assert svc.store.version == version and svc.store.get("activities", CAFE) is not None
    assert (
        not list((svc.audit.path.parent / "restore-pending").glob("*"))
        if (svc.audit.path.parent / "restore-pending").exists()
        else True
    )


def test_restore_rebuilds_the_signup_counts(app: Flask, client: FlaskClient) -> None:
    login(client, "anna")
    svc = services.get_for(app)
    raw = client.post("/admin/backups/now", data={"csrf_token": csrf(client, "/admin/")}).data
    occurrence = next(
        o
        for o in services.get_for(app).catalogue.snapshot().activities.values()
        if o.signup.required
    )
    from kiosk.activities.recurrence import expand
    from tests.conftest import FIXED_NOW

    occ = expand(occurrence, FIXED_NOW, FIXED_NOW.replace(year=2027))[0]
    svc.signups.add(occ, name="Amina", adults=2, children=0, phone=None, language="sv")
    assert svc.signups.counts(occurrence.id, occ.recurrence_id).confirmed_people == 2
    svc.restore(raw, "anna")
    assert svc.signups.counts(occurrence.id, occ.recurrence_id).confirmed_people == 0


def test_organiser_cannot_download_backups(app: Flask, client: FlaskClient) -> None:
    login(client, "omar")
    assert (
        client.post("/admin/backups/now", data={"csrf_token": csrf(client, "/admin/")}).status_code
        == 403
    )
    name = services.get_for(app).store.list_backups()[0].name
    assert client.get(f"/admin/backups/{name}").status_code == 403
