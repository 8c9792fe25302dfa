"""Cancelling asks once more; a cancellation can be undone for a minute (book and pages)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.activities.model import Activity, SignupSettings
from kiosk.activities.recurrence import expand
from kiosk.signups.book import UNDO_WINDOW, SignupBook, SignupError
from kiosk.store import open_store
from tests.conftest import FIXED_NOW, STOCKHOLM, Clock
from tests.signups.test_signup_views import sign_up

SWIM = "demo-simning-kvinnor@motesplats"


@pytest.fixture
def book(tmp_path: Path, clock: Clock):  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "store")
    yield SignupBook(store, clock), store
    store.close()


def occurrence(store, capacity: int | None):  # type: ignore[no-untyped-def]
    start = FIXED_NOW.replace(hour=18, minute=30) + timedelta(days=2)
    activity = Activity(
        id="swim@test",
        title={"sv": "Simning"},
        start=start.astimezone(STOCKHOLM),
        end=start + timedelta(hours=1),
        rrule="FREQ=WEEKLY",
        signup=SignupSettings(True, capacity),
    )  # type: ignore[call-arg]
    store.put("activities", activity.to_doc())
    return expand(activity, FIXED_NOW, FIXED_NOW + timedelta(days=7))[0]


def add(book: SignupBook, occ, name: str, people: int = 1):  # type: ignore[no-untyped-def]
    return book.add(occ, name=name, adults=people, children=0, phone=None, language="sv")


def test_undo_within_the_minute_gives_the_place_back(book, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    signups, store = book
    occ = occurrence(store, capacity=3)
    amina, secret = add(signups, occ, "Amina", 2)
    signups.cancel(amina.id, secret)
    cancelled = signups.find(amina.id, secret)
    assert signups.undo_until(cancelled) == FIXED_NOW + UNDO_WINDOW
    clock.now += timedelta(seconds=59)
    undone = signups.undo_cancel(amina.id, secret)
    assert undone.has_place and undone.had_place and not undone.lost_place
    assert signups.find(amina.id, secret).status == "confirmed"
    assert signups.counts(occ.activity.id, occ.recurrence_id).confirmed_people == 2
    with pytest.raises(SignupError, match="not_cancelled"):  # a second tap changes nothing
        signups.undo_cancel(amina.id, secret)


def test_after_a_minute_the_cancellation_stays(book, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    signups, store = book
    occ = occurrence(store, capacity=3)
    amina, secret = add(signups, occ, "Amina")
    signups.cancel(amina.id, secret)
    clock.now += UNDO_WINDOW
    assert signups.undo_until(signups.find(amina.id, secret)) is None
    version = store.version
    with pytest.raises(SignupError, match="undo_expired"):
        signups.undo_cancel(amina.id, secret)
    assert signups.find(amina.id, secret).status == "cancelled" and store.version == version
    with pytest.raises(SignupError, match="bad_token"):
        signups.undo_cancel(amina.id, secret + "x")


def test_a_place_taken_from_the_waitlist_meanwhile_puts_the_undoer_first_in_line(  # type: ignore[no-untyped-def]
    book, clock: Clock
) -> None:
    signups, store = book
    occ = occurrence(store, capacity=2)
    amina, secret = add(signups, occ, "Amina", 2)
    berhane, _ = add(signups, occ, "Berhane", 2)
    cali, _ = add(signups, occ, "Cali", 1)
    assert [berhane.status, cali.status] == ["waitlisted", "waitlisted"]
    _, promoted = signups.cancel(amina.id, secret)
    assert [p.name for p in promoted] == ["Berhane"]  # Amina's place went to Berhane
    clock.now += timedelta(seconds=20)
    undone = signups.undo_cancel(amina.id, secret)
    assert undone.lost_place and not undone.has_place
    counts = signups.counts(occ.activity.id, occ.recurrence_id)
    assert counts.confirmed_people == 2 and counts.waitlisted_parties == 2  # Berhane keeps it
    waiting = signups.signups_for(occ.activity.id, occ.recurrence_id)
    assert [(s.name, s.status) for s in waiting] == [
        ("Amina", "waitlisted"),
        ("Berhane", "confirmed"),
        ("Cali", "waitlisted"),
    ]
    assert signups.waiting_ahead(undone.signup) == 0  # before Cali, who signed up later
    assert signups.waiting_ahead(waiting[2]) == 1  # Cali: as many ahead as before Amina left


def test_a_waiting_party_that_undoes_gets_its_place_in_the_queue_back(book) -> None:  # type: ignore[no-untyped-def]
    signups, store = book
    occ = occurrence(store, capacity=1)
    add(signups, occ, "Amina")
    berhane, secret = add(signups, occ, "Berhane")
    cali, _ = add(signups, occ, "Cali")
    _, promoted = signups.cancel(berhane.id, secret)
    assert promoted == []
    undone = signups.undo_cancel(berhane.id, secret)
    assert not undone.had_place and not undone.lost_place and not undone.has_place
    assert signups.waiting_ahead(undone.signup) == 0
    assert signups.waiting_ahead(signups.signups_for(occ.activity.id, occ.recurrence_id)[2]) == 1


def test_cancel_undo_cancel_again_has_its_own_minute(book, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    signups, store = book
    occ = occurrence(store, capacity=None)  # no limit: always fits
    amina, secret = add(signups, occ, "Amina")
    signups.cancel(amina.id, secret)
    clock.now += timedelta(seconds=50)
    assert signups.undo_cancel(amina.id, secret).has_place
    clock.now += timedelta(seconds=50)
    signups.cancel(amina.id, secret)
    clock.now += timedelta(seconds=30)  # 130 s after the first cancel, 30 s after this one
    assert signups.undo_cancel(amina.id, secret).has_place
    history = [line.split(" ", 1)[1] for line in signups.find(amina.id, secret).history]
    assert history == [
        "confirmed",
        "cancelled",
        "undone confirmed",
        "cancelled",
        "undone confirmed",
    ]


# ---- the private page over HTTP ------------------------------------------------------


def csrf(client: FlaskClient, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def private_link(client: FlaskClient, ip: str = "192.0.2.10", **fields: str) -> str:
    response = sign_up(client, f"/a/{SWIM}/20261126T173000Z/signup", ip=ip, **fields)
    assert response.status_code == 303
    return response.headers["Location"].split("?")[0]


def test_cancel_asks_once_more_then_offers_undo_for_a_minute(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    link = private_link(client, name="Amina")
    token = csrf(client, link)
    page = client.get(link + "?lang=sv").get_data(as_text=True)
    assert "Avboka min anmälan" in page and 'name="confirm"' not in page

    asked = client.post(link + "/cancel?lang=sv", data={"csrf_token": token})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and asked.headers["Cache-Control"] == "no-store"
    assert "Vill du verkligen avboka?" in html and "Ja, avboka" in html
    assert "Nej, behåll min plats" in html and f'href="{link}?lang=sv"' in html
    assert 'name="confirm" value="yes"' in html and html.count('name="csrf_token"') >= 1
    assert "Avboka min anmälan" not in html  # only the question and its two answers
    status = services.get_for(app).store.all("signups")[0]["status"]
    assert status == "confirmed"  # asking changed nothing

    done = client.post(link + "/cancel", data={"csrf_token": token, "confirm": "yes"})
    assert done.status_code == 303 and "cancelled=1" in done.headers["Location"]
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Din anmälan är avbokad." in page and "Ångra avbokningen" in page
    assert 'data-expires-in="60"' in page
    clock.now += timedelta(seconds=45)
    page = client.get(link + "?lang=sv").get_data(as_text=True)
    assert 'data-expires-in="15"' in page

    undone = client.post(link + "/undo", data={"csrf_token": token})
    assert undone.status_code == 303 and "undone=place" in undone.headers["Location"]
    page = client.get(undone.headers["Location"]).get_data(as_text=True)
    assert "Avbokningen är ångrad. Du har din plats igen." in page and "Du är anmäld!" in page
    again = client.post(link + "/undo", data={"csrf_token": token})  # a second tap: no harm
    assert again.status_code == 303 and "undone" not in again.headers["Location"]


def test_undo_after_the_minute_says_why_and_changes_nothing(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    link = private_link(client, name="Amina")
    token = csrf(client, link)
    client.post(link + "/cancel", data={"csrf_token": token, "confirm": "yes"})
    clock.now += timedelta(seconds=61)
    page = client.get(link + "?lang=sv").get_data(as_text=True)
    assert "Ångra avbokningen" not in page and "data-expires-in" not in page
    version = services.get_for(app).store.version
    late = client.post(link + "/undo?lang=sv", data={"csrf_token": token})
    assert late.status_code == 409
    assert "mer än en minut" in late.get_data(as_text=True)
    assert services.get_for(app).store.version == version
    refused = client.post(link + "/undo", data={})  # no CSRF token: refused, nothing done
    assert refused.status_code == 400


def test_undo_when_the_place_went_to_the_waitlist_says_so(app: Flask, client: FlaskClient) -> None:
    links = [  # 20 places, ten phones (one phone may not take them all)
        private_link(client, ip=f"192.0.2.{20 + i}", name=f"P{i}", adults="2") for i in range(10)
    ]
    waiting = private_link(client, ip="192.0.2.11", name="W", adults="2")  # another phone
    assert "väntelistan" in client.get(waiting).get_data(as_text=True)
    token = csrf(client, links[0])
    client.post(links[0] + "/cancel", data={"csrf_token": token, "confirm": "yes"})
    assert "Du är anmäld!" in client.get(waiting).get_data(as_text=True)  # promoted
    undone = client.post(links[0] + "/undo", data={"csrf_token": token})
    assert "undone=lost" in undone.headers["Location"]
    page = client.get(undone.headers["Location"]).get_data(as_text=True)
    assert "din plats hann gå till någon på väntelistan" in page
    assert "Du står på väntelistan." in page and "Du är först på väntelistan." in page
    assert "Du är anmäld!" in client.get(waiting).get_data(as_text=True)  # W keeps the place


@pytest.mark.parametrize("lang", ["en", "ar", "fa_AF", "so", "ti"])
def test_the_new_words_are_translated(client: FlaskClient, lang: str) -> None:
    link = private_link(client, name="Amina")
    token = csrf(client, link)
    html = client.post(f"{link}/cancel?lang={lang}", data={"csrf_token": token}).get_data(
        as_text=True
    )
    assert "Vill du verkligen avboka?" not in html and "Ja, avboka" not in html
