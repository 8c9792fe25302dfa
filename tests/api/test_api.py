"""The JSON API of expanded occurrences."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_default_range_is_a_week_of_occurrences(client: FlaskClient) -> None:
    data = client.get("/api/activities").get_json()
    assert data["from"] == "2026-11-24" and data["to"] == "2026-11-30"
    assert data["tz"] == "Europe/Stockholm"
    titles = [o["title"]["sv"] for o in data["occurrences"]]
    assert titles[0] == "After School Club – läxhjälp"
    assert "Språkcafé" in titles and len(titles) == 12
    starts = [o["start"] for o in data["occurrences"]]
    assert starts == sorted(starts)
    first = data["occurrences"][0]
    assert first["start"] == "2026-11-24T16:30:00+01:00"
    assert first["place"]["name"] == "Götene bibliotek"
    assert first["recurrence_id"] == "20261124T153000Z"


def test_explicit_range_expands_series(client: FlaskClient) -> None:
    data = client.get("/api/activities?from=2026-12-01&to=2026-12-31").get_json()
    club = [o for o in data["occurrences"] if o["activity_id"] == "demo-laxhjalp@motesplats"]
    assert [o["start"][:10] for o in club] == [
        "2026-12-01",
        "2026-12-08",
        "2026-12-15",
        "2026-12-22",
        "2026-12-29",
    ]


def test_cancelled_occurrence_has_its_status(client: FlaskClient) -> None:
    data = client.get("/api/activities?from=2026-11-28&to=2026-11-28").get_json()
    cycling = [o for o in data["occurrences"] if o["activity_id"] == "demo-cykelkurs@motesplats"]
    assert cycling and cycling[0]["status"] == "cancelled"


def test_bad_input_gets_a_clear_message_in_the_viewers_language(client: FlaskClient) -> None:
    response = client.get("/api/activities?from=2026-13-01&lang=sv")
    assert response.status_code == 400
    assert "ÅÅÅÅ-MM-DD" in response.get_json()["error"]
    assert client.get("/api/activities?from=2026-12-10&to=2026-12-01").status_code == 400
    assert client.get("/api/activities?from=2026-01-01&to=2027-06-01").status_code == 400
    assert client.get("/api/activities?for=martians").status_code == 400
    english = client.get("/api/activities?from=nope&lang=en").get_json()["error"]
    assert "YYYY-MM-DD" in english


def test_board_version_changes_after_a_write(app, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    from kiosk import services

    before = client.get("/api/board-version").get_json()["version"]
    services.get_for(app).store.put("places", {"id": "new", "name": "Ny plats"})
    assert client.get("/api/board-version").get_json()["version"] != before


def test_answers_are_kept_as_bytes_paged_and_validated(app, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    """Issue 23: the API is built once per catalogue version (ETag, 304), and one answer
    holds at most MAX_OCCURRENCES; `next_offset` pages through the rest."""
    from kiosk import services
    from kiosk.api import views

    svc = services.get_for(app)
    url = "/api/activities?from=2026-11-24&to=2027-11-23"
    whole = client.get(url)
    body = whole.get_json()
    assert body["total"] == len(body["occurrences"]) and "next_offset" not in body
    builds = svc.answers.builds
    assert client.get(url).data == whole.data and svc.answers.builds == builds
    assert client.get(url, headers={"If-None-Match": whole.headers["ETag"]}).status_code == 304

    views.MAX_OCCURRENCES, kept = 10, views.MAX_OCCURRENCES
    try:
        seen, offset = [], 0
        while True:
            page = client.get(f"{url}&offset={offset}").get_json()
            seen += page["occurrences"]
            if "next_offset" not in page:
                break
            offset = page["next_offset"]
    finally:
        views.MAX_OCCURRENCES = kept
    assert seen == body["occurrences"]
    refused = client.get(f"{url}&offset=tio&lang=ar")
    assert refused.status_code == 400 and "offset" in refused.get_json()["error"]
