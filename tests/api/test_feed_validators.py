"""The iCalendar feeds answer conditional requests: ETag, Last-Modified, 304.

Calendar apps poll a subscribed feed all day; each feed (`/calendar.ics`, narrowed by
organiser or audience or not, with a language or not, and `/a/<id>.ics`) has its own ETag
and answers If-None-Match and If-Modified-Since with 304, without building the file.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, tzinfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import http_date, parse_date

from kiosk import services
from kiosk.api import views

FEEDS = (
    "/calendar.ics",
    "/calendar.ics?organiser=demo-rodakorset",
    "/calendar.ics?audience=women",
    "/calendar.ics?lang=en",
    "/a/demo-simning-kvinnor@motesplats.ics",
)


def test_every_feed_has_its_own_etag_and_answers_304_to_it(client: FlaskClient) -> None:
    etags = set()
    for url in FEEDS:
        first = client.get(url)
        assert first.status_code == 200 and first.data.startswith(b"BEGIN:VCALENDAR")
        etag = first.headers["ETag"]
        assert first.headers["Cache-Control"] == "no-cache"
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", url
        assert again.headers["ETag"] == etag
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
        head = client.head(url, headers={"If-None-Match": etag})
        assert head.status_code == 304
        etags.add(etag)
    assert len(etags) == len(FEEDS)


def test_a_catalogue_change_changes_every_etag_and_a_signup_none(
    app: Flask, client: FlaskClient
) -> None:
    before = {url: client.get(url).headers["ETag"] for url in FEEDS}
    store = services.get_for(app).store
    store.put("signups", {"id": "s1", "activity_id": "demo-simning-kvinnor@motesplats"})
    for url, etag in before.items():
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url
    place = store.get("places", "demo-simhall")
    store.put("places", {**place, "room": "Lilla bassängen"})
    for url, etag in before.items():
        changed = client.get(url, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["ETag"] != etag, url


def test_if_modified_since_is_answered_and_if_none_match_comes_first(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    time.sleep(1.1)  # Last-Modified is not sent within the second of the last write
    for url in FEEDS:
        first = client.get(url)
        stamp = first.headers["Last-Modified"]
        modified = parse_date(stamp)
        assert modified is not None
        assert client.get(url, headers={"If-Modified-Since": stamp}).status_code == 304
        earlier = http_date(modified - timedelta(hours=1))
        assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200
        both = {"If-Modified-Since": stamp, "If-None-Match": '"not-this-one"'}
        assert client.get(url, headers=both).status_code == 200  # RFC 9110 13.2.2
    store = services.get_for(app).store
    store.put("places", {"id": "new-place", "name": "Ny lokal"})
    assert client.get(FEEDS[0], headers={"If-Modified-Since": stamp}).status_code == 200
    written = store.last_change
    assert written is not None

    class SameSecond(datetime):
        """The clock stopped at the write, so the next request falls in its second."""

        @classmethod
        def now(cls, tz: tzinfo | None = None) -> SameSecond:
            return cls.fromtimestamp(written.timestamp(), tz)

    monkeypatch.setattr(views, "datetime", SameSecond)
    assert "Last-Modified" not in client.get(FEEDS[0]).headers  # the same second as the write


def test_not_modified_is_answered_without_building_the_feed(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    etags = {url: client.get(url).headers["ETag"] for url in FEEDS}

    def no_building(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a 304 must not build the calendar")

    monkeypatch.setattr(views, "feed_bytes", no_building)
    for url, etag in etags.items():
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_errors_have_no_validators(client: FlaskClient) -> None:
    for url in ("/calendar.ics?organiser=nobody", "/a/nobody.ics"):
        response = client.get(url)
        assert response.status_code == 404 and "ETag" not in response.headers
