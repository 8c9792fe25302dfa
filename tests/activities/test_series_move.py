"""A volunteer moves a whole weekly series: its cancelled dates, the people signed up and the
door counts follow each occurrence to its new time, nothing reappears, nobody is lost."""

from __future__ import annotations

import copy
from datetime import timedelta

from flask import Flask

from kiosk import services
from kiosk.activities.recurrence import expand
from kiosk.board import agenda
from kiosk.municipality.door_counts import DoorCount
from kiosk.volunteers.accounts import Account
from tests.conftest import STOCKHOLM

SWIM = "demo-simning-kvinnor@motesplats"  # Thursdays 18:30–19:30, takes signups
NOV26, DEC3, DEC10 = "20261126T173000Z", "20261203T173000Z", "20261210T173000Z"
ANNA = Account("anna", "Anna", "admin", "-")


def moved(app: Flask, step: timedelta):  # type: ignore[no-untyped-def]
    svc = services.get_for(app)
    current = svc.catalogue.snapshot().activities[SWIM]
    changed = copy.deepcopy(current)
    changed.start, changed.end = current.start + step, current.end + step
    return svc.editor.save(ANNA, changed, current.version)


def prepared(app: Flask):  # type: ignore[no-untyped-def]
    svc = services.get_for(app)
    version = svc.catalogue.snapshot().activities[SWIM].version
    svc.editor.change_occurrence(ANNA, SWIM, DEC3, version, action="cancel", note={"sv": "Lov"})
    occurrence = agenda.find_occurrence(svc.catalogue.snapshot(), SWIM, DEC10)
    signup, secret = svc.signups.add(
        occurrence, name="Saba", adults=2, children=0, phone=None, language="ti"
    )
    svc.door_counts.set(SWIM, NOV26, DoorCount(4, 1))
    return signup, secret


def test_half_an_hour_later_everything_follows(app: Flask) -> None:
    svc = services.get_for(app)
    signup, secret = prepared(app)
    activity = moved(app, timedelta(minutes=30))
    new_dec3, new_dec10, new_nov26 = "20261203T180000Z", "20261210T180000Z", "20261126T180000Z"
    assert set(activity.overrides) == {new_dec3}
    occurrences = {
        o.recurrence_id: o
        for o in expand(
            activity,
            activity.start.replace(day=1).astimezone(STOCKHOLM),
            activity.start.astimezone(STOCKHOLM) + timedelta(days=30),
        )
    }
    assert occurrences[new_dec3].status == "cancelled"  # the cancelled date did not come back
    assert occurrences[new_dec3].start.astimezone(STOCKHOLM).strftime("%H:%M") == "19:00"
    mine = svc.signups.find(signup.id, secret)
    assert mine.recurrence_id == new_dec10 and mine.status == "confirmed"
    counts = svc.signups.counts(SWIM, new_dec10)
    assert counts.confirmed_people == 2
    assert svc.signups.counts(SWIM, DEC10).confirmed_people == 0
    assert svc.door_counts.get(SWIM, new_nov26) == DoorCount(4, 1)
    assert svc.door_counts.get(SWIM, NOV26) == DoorCount()


def test_thursdays_to_fridays(app: Flask) -> None:
    svc = services.get_for(app)
    signup, secret = prepared(app)
    activity = moved(app, timedelta(days=1))
    assert set(activity.overrides) == {"20261204T173000Z"}
    assert svc.signups.find(signup.id, secret).recurrence_id == "20261211T173000Z"


def test_an_edit_that_keeps_the_time_moves_nothing(app: Flask) -> None:
    svc = services.get_for(app)
    signup, secret = prepared(app)
    current = svc.catalogue.snapshot().activities[SWIM]
    changed = copy.deepcopy(current)
    changed.title = {**changed.title, "sv": "Simning för kvinnor"}
    activity = svc.editor.save(ANNA, changed, current.version)
    assert set(activity.overrides) == {DEC3}
    assert svc.signups.find(signup.id, secret).recurrence_id == DEC10
