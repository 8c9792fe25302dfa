"""The occurrence index: the same occurrences as a full expansion, and only changed
activities expanded again (a signup expands nothing)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from kiosk import services
from kiosk.activities.recurrence import expand_all, next_days
from kiosk.board import agenda
from tests.conftest import FIXED_NOW


def keys(occurrences: list) -> list[str]:
    return [o.key for o in occurrences]


def test_any_window_gives_what_a_full_expansion_gives(app: Flask) -> None:
    snap = services.get_for(app).catalogue.snapshot()
    everything = list(snap.activities.values())
    for start_days, length in [(0, 7), (-3, 1), (2, 14), (-40, 30), (0, 400), (5, 0.5)]:
        start = FIXED_NOW + timedelta(days=start_days, hours=-3)
        end = start + timedelta(days=length)
        assert keys(agenda.occurrences_between(snap, start, end)) == keys(
            expand_all(everything, start, end)
        ), (start_days, length)


def test_a_signup_expands_nothing_and_an_edit_expands_one_activity(app: Flask) -> None:
    svc = services.get_for(app)
    start, end = next_days(FIXED_NOW, 7)
    board = keys(agenda.occurrences_between(svc.catalogue.snapshot(), start, end))
    assert board
    index = svc.catalogue.index
    before = index.expanded
    svc.store.put("signups", {"id": "s1", "activity_id": "x", "recurrence_id": "y"})
    svc.store.put("door_counts", {"id": "d1", "activity_id": "x"})
    assert keys(agenda.occurrences_between(svc.catalogue.snapshot(), start, end)) == board
    assert index.expanded == before

    doc = svc.store.get("activities", "demo-simning-kvinnor@motesplats")
    assert doc is not None
    svc.store.put("activities", {**doc, "status": "cancelled"})
    snap = svc.catalogue.snapshot()
    after = agenda.occurrences_between(snap, start, end)
    assert index.expanded - before == 2  # one activity, in each of the week's two blocks
    assert keys(after) == board
    cancelled = {o.status for o in after if o.activity.id == doc["id"]}
    assert cancelled == {"cancelled"}

    svc.store.put("places", {"id": "new-place", "name": "Ny lokal"})
    assert svc.catalogue.snapshot().activities is snap.activities  # not re-read
    agenda.occurrences_between(svc.catalogue.snapshot(), start, end)
    assert index.expanded - before == 2


def test_a_deleted_activity_leaves_the_index(app: Flask) -> None:
    svc = services.get_for(app)
    start, end = next_days(FIXED_NOW, 7)
    agenda.occurrences_between(svc.catalogue.snapshot(), start, end)
    svc.store.delete("activities", "demo-simning-kvinnor@motesplats")
    found = agenda.occurrences_between(svc.catalogue.snapshot(), start, end)
    assert found and all(o.activity.id != "demo-simning-kvinnor@motesplats" for o in found)


def test_a_write_costs_the_activities_it_changed_not_the_stored_total(app: Flask) -> None:
    """Issue 23: after an edit the catalogue reads one document and the index expands one
    activity, with the store's change log; the result is the same as a fresh catalogue's."""
    svc = services.get_for(app)
    store, catalogue = svc.store, svc.catalogue
    start, end = next_days(FIXED_NOW, 7)
    catalogue.index.between(catalogue.snapshot().activities, start, end)
    doc = store.get("activities", "demo-sprakcafe@motesplats")
    store.put("activities", {**doc, "languages": [*doc["languages"], "uk"], "title": {"sv": "Ny"}})
    store.delete("activities", "demo-simning-kvinnor@motesplats")
    expanded = catalogue.index.expanded
    snap = catalogue.snapshot()
    found = catalogue.index.between(snap.activities, start, end)
    # The edited one, once per week block the board's week spans (two); the deleted one is
    # dropped without expanding; none of the other activities.
    assert catalogue.index.expanded - expanded == 2
    fresh = agenda.Catalogue(store)
    again = fresh.index.between(fresh.snapshot().activities, start, end)
    assert [(o.key, o.activity.title) for o in found] == [(o.key, o.activity.title) for o in again]
    assert "uk" in agenda.spoken_languages(snap)
    assert agenda.spoken_languages(snap) == agenda.spoken_languages(fresh.snapshot())
    assert not any(o.activity.id == "demo-simning-kvinnor@motesplats" for o in found)
