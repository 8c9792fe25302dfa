"""Removing a central calendar (issue "hostile world", point 1): its activities were left
read-only with no calendar behind them, and deleting one answered 404. Now the admin
chooses to keep them as the board's own or to delete them with the calendar."""

from __future__ import annotations

import copy

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from tests.admin_helpers import CAFE, csrf, login

pytestmark = pytest.mark.usefixtures("people")


def feed_with_two_activities(app: Flask) -> tuple[str, list[str]]:
    svc = services.get_for(app)
    source = svc.sync.sources.add("Kommunens kalender", "ics", "https://calendar.example/k.ics")
    ids = []
    for n in range(2):
        doc = copy.deepcopy(svc.store.get("activities", CAFE))
        doc.update(id=f"feed-{n}@kommun", source=source.origin, title={"sv": f"Från kommunen {n}"})
        svc.store.put("activities", doc)
        ids.append(doc["id"])
    assert svc.sync.read_only(source.origin)
    return source.id, ids


def remove(client: FlaskClient, source_id: str, choice: str | None):  # type: ignore[no-untyped-def]
    form = {"csrf_token": csrf(client, "/admin/")}
    if choice:
        form["activities"] = choice
    return client.post(f"/admin/sync/sources/{source_id}/remove?lang=sv", data=form)


def test_the_sync_page_asks_what_becomes_of_the_calendars_activities(
    app: Flask, client: FlaskClient
) -> None:
    feed_with_two_activities(app)
    login(client, "anna")
    page = client.get("/admin/sync?lang=sv").get_data(as_text=True)
    assert "Dess 2 händelser på tavlan" in page and 'value="keep" checked' in page


def test_kept_activities_become_the_boards_own_and_editable(
    app: Flask, client: FlaskClient
) -> None:
    source_id, ids = feed_with_two_activities(app)
    login(client, "anna")
    answer = remove(client, source_id, "keep")
    assert answer.status_code == 303
    page = client.get("/admin/sync?lang=sv").get_data(as_text=True)
    assert "Dess 2 händelser är nu tavlans egna." in page
    svc = services.get_for(app)
    assert svc.sync.sources.get(source_id) is None
    for activity_id in ids:
        assert svc.store.get("activities", activity_id)["source"] == "local"
        assert "Spara" in client.get(f"/admin/edit/{activity_id}").get_data(as_text=True)


def test_deleted_with_the_calendar(app: Flask, client: FlaskClient) -> None:
    source_id, ids = feed_with_two_activities(app)
    login(client, "anna")
    remove(client, source_id, "delete")
    svc = services.get_for(app)
    assert all(svc.store.get("activities", i) is None for i in ids)
    assert svc.store.get("activities", CAFE) is not None  # the board's own are untouched
    actions = {e["action"] for e in svc.audit.entries(target=ids[0])}
    assert "deleted" in actions


def test_activities_of_a_calendar_removed_before_are_editable(
    app: Flask, client: FlaskClient
) -> None:
    svc = services.get_for(app)
    source_id, ids = feed_with_two_activities(app)
    svc.sync.sources.remove(source_id)  # as the older version removed it
    assert not svc.sync.read_only(f"sync:{source_id}")
    login(client, "anna")
    version = str(svc.store.get("activities", ids[0])["version"])
    client.post(
        f"/admin/edit/{ids[0]}/delete",
        data={"csrf_token": csrf(client, "/admin/"), "version": version},
    )
    assert svc.store.get("activities", ids[0]) is None
