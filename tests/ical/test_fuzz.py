"""Fuzzing with hypothesis: generated form posts to every public and volunteer endpoint, and
generated iCalendar documents into the importer. Never a 500; a refused post stores nothing.

Examples per test: MOTESPLATS_FUZZ_EXAMPLES (default 500). Marked `torture` with the other
long tests.
"""

from __future__ import annotations

import os
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import services
from kiosk.ical.common import IcsError
from kiosk.ical.read import read_calendar
from tests.admin_helpers import login

pytestmark = pytest.mark.torture
EXAMPLES = int(os.environ.get("MOTESPLATS_FUZZ_EXAMPLES", "500"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SWIM_FORM = "/a/demo-simning-kvinnor@motesplats/20261126T173000Z/signup"

# Values people (and robots) type: empty, numbers, huge, scripts, control characters, RTL.
text = st.one_of(
    st.just(""),
    st.text(max_size=40),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400),
    st.sampled_from(
        [
            "0",
            "-1",
            "99999999999",
            "1e3",
            "<script>alert(1)</script>",
            "=cmd|' /C calc'!A0",
            "\u202eevil",
            "مريم",
            "ትግርኛ",
            "2026-02-30",
            "25:61",
            "__new__",
            "yes",
            "x" * 5000,
        ]
    ),
)

# Every form endpoint with the fields its form has (plus a few it does not).
ENDPOINTS = {
    SWIM_FORM: ["name", "adults", "children", "phone", "consent", "idempotency_key", "website"],
    "/help": ["first_name", "language", "phone", "errand", "message", "consent"],
    "/admin/new": [
        "title_sv",
        "title_ar",
        "description_sv",
        "date",
        "start_time",
        "end_time",
        "all_day",
        "last_day",
        "repeat",
        "until",
        "place_id",
        "new_place_name",
        "organiser_id",
        "audiences",
        "languages",
        "cost_sek",
        "status",
        "capacity",
        "signup_required",
    ],
    "/admin/organisations/demo-rodakorset": [
        "name",
        "about_sv",
        "for_whom_ar",
        "phone",
        "web",
        "contact_name",
    ],
    "/admin/settings": ["name", "municipality", "default_locale", "hours_0_open", "hours_0_close"],
    "/admin/sync": ["action", "name", "kind", "url", "two_way", "username", "password"],
    "/admin/people": ["action", "username", "role", "organiser_ids"],
    "/organiser/login": ["pin"],
    "/admin/login": ["username", "password"],
    "/organiser/o/demo-simning-kvinnor@motesplats/20261126T173000Z": [
        "walk_in_adults",
        "walk_in_children",
        "women",
        "men",
        "other",
        "attended",
    ],
}


def token(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return found.group(1) if found else ""


@pytest.fixture
def staff(app: Flask, people: None) -> FlaskClient:
    client = app.test_client()
    assert login(client, "anna").status_code == 303
    return client


@FUZZ
@given(data=st.data())
def test_generated_form_posts_never_break_the_server(app: Flask, staff: FlaskClient, data) -> None:  # type: ignore[no-untyped-def]
    path = data.draw(st.sampled_from(sorted(ENDPOINTS)))
    fields = data.draw(st.dictionaries(st.sampled_from(ENDPOINTS[path]), text, max_size=12))
    kind = data.draw(st.sampled_from(["real", "none", "made up"]))
    sent = {"real": token(staff, path), "none": None, "made up": data.draw(text)}[kind]
    form = {**fields, **({"csrf_token": sent} if sent is not None else {})}
    store = services.get_for(app).store
    before = store.version
    answer = staff.post(path, data=form)
    assert answer.status_code < 500, (path, form)
    if answer.status_code >= 400:
        assert store.version == before, (path, form, answer.status_code)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(ENDPOINTS[SWIM_FORM]), text, max_size=8))
def test_generated_offline_replays_never_break_the_server(app: Flask, fields) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    store = services.get_for(app).store
    before = store.version
    answer = client.post(
        SWIM_FORM,
        data=fields,
        headers={"X-Motesplats-Request": "signup"},
        environ_base={"REMOTE_ADDR": "192.0.2.50"},
    )
    assert answer.status_code < 500 and answer.is_json
    if not answer.get_json()["ok"]:
        assert store.version == before


LINE = st.one_of(
    st.sampled_from(
        [
            "BEGIN:VEVENT",
            "END:VEVENT",
            "UID:x@y",
            "DTSTART:20261201T100000Z",
            "DTSTART;TZID=Europe/Stockholm:20261201T100000",
            "DTSTART;VALUE=DATE:20261201",
            "DTEND:20261201T110000Z",
            "DURATION:PT1H",
            "DURATION:-P1D",
            "SUMMARY:Språkcafé",
            "SUMMARY;LANGUAGE=ar:مقهى اللغة",
            "RRULE:FREQ=WEEKLY;COUNT=5",
            "RRULE:FREQ=YEARLY;BYDAY=99MO",
            "EXDATE:20261208T100000Z",
            "RECURRENCE-ID:20261208T100000Z",
            "STATUS:CANCELLED",
            "SEQUENCE:-4",
            "LOCATION:Byhuset",
            "BEGIN:VTIMEZONE",
            "END:VTIMEZONE",
            "TZID:Mars/Olympus",
        ]
    ),
    st.text(max_size=60).map(lambda s: s.replace("\r", "").replace("\n", "")),
)


@FUZZ
@given(lines=st.lists(LINE, max_size=40))
def test_generated_icalendar_is_imported_or_refused_cleanly(lines: list[str]) -> None:
    document = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//fuzz//", *lines, "END:VCALENDAR"]
    )
    try:
        imported = read_calendar(document.encode("utf-8"))
    except IcsError:
        return
    for activity in imported.activities:
        assert activity.id and activity.start is not None


QUERIES = {
    "/api/activities": ["from", "to", "lang"],
    "/calendar.ics": ["organiser", "audience"],
    "/": ["for", "speaks", "place", "free", "childcare", "lang", "kiosk"],
    "/digest": ["also", "lang"],
    "/admin/reports": ["from", "to"],
    "/admin/reports.csv": ["from", "to", "sep"],
    "/organisations": ["lang"],
    "/manifest.webmanifest": ["lang"],
}


@FUZZ
@given(data=st.data())
def test_generated_queries_to_the_api_and_pages_never_break_the_server(
    app: Flask,
    staff: FlaskClient,
    data,  # type: ignore[no-untyped-def]
) -> None:
    # No OpenAPI description exists, so hypothesis stands in for schemathesis here.
    path = data.draw(st.sampled_from(sorted(QUERIES)))
    query = data.draw(st.dictionaries(st.sampled_from(QUERIES[path]), text, max_size=4))
    answer = staff.get(path, query_string=query)
    assert answer.status_code < 500, (path, query)
    if path == "/api/activities" and answer.status_code == 400:
        assert "error" in answer.get_json()


SEGMENT = st.one_of(
    text.map(lambda s: s.replace("/", "")[:60]),
    st.sampled_from(
        ["99991231T235959Z", "00010101T000000Z", "20261126T173000Z", "9999-12-31", "٢٠٢٦", "ቶከን",
         "%0A", "..", "a" * 32, "0" * 32, "x@y", "\u202e"]
    ),
)  # fmt: skip
PATHS = [
    "/a/{0}",
    "/a/{0}/{1}/signup",
    "/a/demo-simning-kvinnor@motesplats/{0}/signup",
    "/qr/a/demo-simning-kvinnor@motesplats/{0}.svg",
    "/s/{0}/{1}",
    "/s/{0}/{1}.ics",
    "/m/{0}",
    "/admin/join/{0}",
    "/admin/edit/{0}",
    "/admin/edit/demo-simning-kvinnor@motesplats/day?day={0}",
    "/organiser/o/demo-simning-kvinnor@motesplats/{0}",
    "/organisations/{0}",
    "/a/{0}/poster?also={1}",
]


@FUZZ
@given(data=st.data())
def test_generated_path_segments_never_break_the_server(
    app: Flask, staff: FlaskClient, data
) -> None:  # type: ignore[no-untyped-def]
    """Dates, ids and tokens in paths (issue "hostile world", point 9)."""
    import urllib.parse

    template = data.draw(st.sampled_from(PATHS))
    parts = [urllib.parse.quote(data.draw(SEGMENT), safe="@") or "x" for _ in range(2)]
    path = template.format(*parts)
    answer = staff.get(path)
    assert answer.status_code < 500, path
