"""The feeds at a municipality's scale (issue 23): built once per catalogue version and kept
as bytes, each activity's VEVENTs made once per version of it, gzipped for clients that take
it, and holding the activities of a window around today rather than every one ever stored."""

from __future__ import annotations

import gzip
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from kiosk import services
from kiosk.activities.model import Activity, utc_iso
from kiosk.api.feeds import AHEAD_DAYS, PAST_DAYS
from tests.conftest import FIXED_NOW


def _uids(body: bytes) -> set[str]:
    return {str(e["UID"]) for e in Calendar.from_ical(body).walk("VEVENT")}


def test_a_feed_is_built_once_per_version_and_an_edit_makes_one_part_again(
    app: Flask, client: FlaskClient
) -> None:
    svc = services.get_for(app)
    first = client.get("/calendar.ics")
    made, builds = svc.event_parts.made, svc.answers.builds
    assert client.get("/calendar.ics").data == first.data
    assert (svc.event_parts.made, svc.answers.builds) == (made, builds)  # kept bytes
    assert svc.answers.hits >= 1

    doc = svc.store.get("activities", "demo-sprakcafe@motesplats")
    activity = Activity.from_doc(doc)
    activity.title = {**activity.title, "sv": "Språkcafé med fika"}
    svc.store.put("activities", activity.to_doc())
    svc.store.put("signups", {"id": "s1", "activity_id": "x", "recurrence_id": "y"})
    again = client.get("/calendar.ics")
    assert "Språkcafé med fika" in again.get_data(as_text=True)
    assert svc.event_parts.made == made + 1  # only the edited activity's VEVENTs
    assert _uids(again.data) == _uids(first.data)


def test_gzip_for_clients_that_take_it_with_its_own_etag(client: FlaskClient) -> None:
    plain = client.get("/calendar.ics")
    zipped = client.get("/calendar.ics", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 3
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert (
        "Accept-Encoding" in plain.headers["Vary"] and "Accept-Encoding" in zipped.headers["Vary"]
    )
    again = client.get(
        "/calendar.ics",
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]},
    )
    assert again.status_code == 304


def test_the_feed_holds_a_window_around_today_and_series_whole(
    app: Flask, client: FlaskClient
) -> None:
    svc = services.get_for(app)
    template = svc.store.get("activities", "demo-sprakcafe@motesplats")

    def single(key: str, days: int) -> dict:
        start = FIXED_NOW + timedelta(days=days)
        return {
            **template,
            "id": key,
            "rrule": None,
            "exdates": [],
            "overrides": {},
            "start": utc_iso(start),
            "end": utc_iso(start + timedelta(hours=2)),
        }

    old_start = FIXED_NOW - timedelta(days=3 * 365)
    svc.store.put_many(
        "activities",
        [
            single("long-ago@x", -PAST_DAYS - 2),
            single("last-month@x", -PAST_DAYS + 2),
            single("next-year@x", AHEAD_DAYS - 2),
            single("far-ahead@x", AHEAD_DAYS + 2),
            {
                **single("old-series@x", -3 * 365),
                "rrule": "FREQ=WEEKLY;BYDAY=TU",
                "start": utc_iso(old_start),
                "end": utc_iso(old_start + timedelta(hours=1)),
            },
            {
                **single("ended-series@x", -3 * 365),
                "rrule": f"FREQ=WEEKLY;UNTIL={(FIXED_NOW - timedelta(days=90)):%Y%m%dT000000Z}",
            },
        ],
    )
    uids = _uids(client.get("/calendar.ics").data)
    assert {"last-month@x", "next-year@x", "old-series@x"} <= uids
    assert not uids & {"long-ago@x", "far-ahead@x", "ended-series@x"}
    assert "demo-sprakcafe@motesplats" in uids
    # One activity's own feed holds it whatever its dates.
    assert _uids(client.get("/a/far-ahead@x.ics").data) == {"far-ahead@x"}
