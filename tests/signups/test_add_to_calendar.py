"""'Add to my calendar': the signed-up date as an .ics a phone's calendar (and ical.js) reads."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from kiosk import services
from tests.conftest import REPO
from tests.signups.test_signup_views import sign_up


def _private(client: FlaskClient, **fields: str) -> str:
    answer = sign_up(client, **fields)
    return answer.headers["Location"].split("?")[0]


def test_the_private_page_offers_the_date_in_the_signup_language(
    app: Flask, client: FlaskClient
) -> None:
    private = _private(client)
    page = client.get(private + "?lang=ti").get_data(as_text=True)
    link = re.search(r'href="(/s/[^"]+\.ics)"', page).group(1)
    answer = client.get(link)
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    assert answer.headers["Cache-Control"] == "no-store"
    event = next(iter(Calendar.from_ical(answer.data).walk("VEVENT")))
    signup = services.get_for(app).store.all("signups")[0]
    assert str(event["UID"]) == f"signup-{signup['id']}@motesplats"
    assert str(event["SUMMARY"]) == "Simning för kvinnor (burkini går bra)"  # signed up in sv
    assert "Götene simhall" in str(event["LOCATION"])
    assert private in str(event["URL"])
    assert event["DTSTART"].dt.tzinfo is not None
    assert any(c.name == "VTIMEZONE" for c in Calendar.from_ical(answer.data).subcomponents)
    assert client.get(link.replace(link.split("/")[3], "x" * 20)).status_code == 404


def test_a_tigrinya_signup_gets_its_title_and_ical_js_reads_the_file(
    client: FlaskClient, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    answer = sign_up(
        client, path="/a/demo-simning-kvinnor@motesplats/20261126T173000Z/signup?lang=ti"
    )
    private = answer.headers["Location"].split("?")[0]
    body = client.get(private + ".ics").data
    event = next(iter(Calendar.from_ical(body).walk("VEVENT")))
    assert str(event["SUMMARY"]).startswith("ምሕንባስ")  # the Tigrinya title
    node = shutil.which("node")
    script = REPO / "tests/js/expand.mjs"
    if node is None or not (REPO / "tests/js/node_modules/ical.js").exists():
        pytest.skip("ical.js is not installed (./install.sh --dev)")
    path = tmp_path / "one.ics"
    path.write_bytes(body)
    result = subprocess.run(
        [node, str(script), str(path), "2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    occurrences = json.loads(result.stdout)
    assert len(occurrences) == 1
    assert occurrences[0]["start"].startswith("2026-11-26T17:30")  # 18:30 in Stockholm
