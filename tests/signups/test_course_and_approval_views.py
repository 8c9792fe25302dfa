"""A course and an approval-required activity through the pages, in the visitor's language:
the demo's cycling course for women (one signup for every Saturday left) and its evening
computer course (the study circle's leader approves each signup). Fixed clock: Tuesday 24
November 2026, 09:00; the cycling Saturday of 28 November is cancelled."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from kiosk import services
from kiosk.signups.book import TABLE
from tests.admin_helpers import csrf, edit_form, login
from tests.signups.test_signup_views import sign_up

CYCLING = "demo-cykelkurs@motesplats"
SATURDAYS = ["20261205T090000Z", "20261212T090000Z", "20261219T090000Z", "20261226T090000Z"]
COMPUTERS = "demo-datorkurs@motesplats"
MONDAY = "20261130T170000Z"


def docs(app: Flask) -> list[dict]:
    return services.get_for(app).store.all(TABLE)


def test_a_course_signup_in_arabic_covers_every_saturday_left(
    app: Flask, client: FlaskClient
) -> None:
    form = f"/a/{CYCLING}/{SATURDAYS[1]}/signup?lang=ar"  # the poster of the 12th
    page = client.get(form).get_data(as_text=True)
    assert "التسجيل للدورة كاملة، كل المواعيد المتبقية: 5" in page  # 5, 12, 19, 26 Dec, 2 Jan
    assert "سجّل في الدورة كاملة" in page
    answer = sign_up(client, form, name="فاطمة", adults="1")
    assert answer.status_code == 303
    stored = docs(app)
    assert sorted(d["recurrence_id"] for d in stored)[:4] == SATURDAYS and len(stored) == 5
    assert {d["status"] for d in stored} == {"confirmed"} and {d["language"] for d in stored} == {
        "ar"
    }
    mine = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "أنت مسجّل في الدورة كاملة!" in mine and "مواعيد الدورة: 5" in mine
    assert mine.count('<li class="course-date') == 5
    book = services.get_for(app).signups
    for rid in SATURDAYS:
        assert book.counts(CYCLING, rid).places_left == 9
    # the calendar file holds every Saturday, each its own event
    link = answer.headers["Location"].split("?")[0]
    calendar = Calendar.from_ical(client.get(link + ".ics").data)
    assert len(calendar.walk("VEVENT")) == 5
    # cancelling it (two steps) frees every Saturday
    token = re.search(r'name="csrf_token" value="([^"]+)"', mine).group(1)
    ask = client.post(link + "/cancel?lang=ar", data={"csrf_token": token})
    assert "ستترك بذلك كل المواعيد المتبقية من الدورة." in ask.get_data(as_text=True)
    done = client.post(link + "/cancel", data={"csrf_token": token, "confirm": "yes"})
    assert done.status_code == 303
    assert {d["status"] for d in docs(app)} == {"cancelled"}
    assert book.counts(CYCLING, SATURDAYS[0]).places_left == 10


def test_the_cancelled_saturday_still_refuses_and_the_board_says_course(
    app: Flask, client: FlaskClient
) -> None:
    cancelled = f"/a/{CYCLING}/20261128T090000Z/signup"
    assert sign_up(client, cancelled).status_code == 400 and docs(app) == []
    detail = client.get(f"/a/{CYCLING}?lang=sv").get_data(as_text=True)
    assert "En kurs: en anmälan gäller alla tillfällen som är kvar." in detail


def test_an_approval_signup_in_tigrinya_waits_until_the_organiser_answers(
    app: Flask, client: FlaskClient, people: None
) -> None:
    form = f"/a/{COMPUTERS}/{MONDAY}/signup?lang=ti"
    page = client.get(form).get_data(as_text=True)
    assert "ኣዳላዊ ነፍሲ ወከፍ ምዝገባ የንብብን ይምልስን።" in page
    answer = sign_up(client, form, name="ሰላም", adults="2")
    assert answer.status_code == 303
    private = answer.headers["Location"]
    mine = client.get(private).get_data(as_text=True)
    assert "የቐንየልና! ኣዳላዊ ምዝገባኹም ኣንቢቡ ክምልስ እዩ።" in mine
    book = services.get_for(app).signups
    counts = book.counts(COMPUTERS, MONDAY)
    assert counts.pending_parties == 1 and counts.confirmed_people == 0

    # the organiser sees it waiting on the list and on the date's page, and approves it
    login(client, "anna")
    assert "Väntar på ditt svar: 1" in client.get("/organiser/?lang=sv").get_data(as_text=True)
    sheet = f"/organiser/o/{COMPUTERS}/{MONDAY}"
    html = client.get(sheet + "?lang=sv").get_data(as_text=True)
    assert "Anmälningar som väntar på ditt svar: 1." in html and "Godkänn" in html
    (signup_id,) = re.findall(r'value="approve:([0-9a-f]{32})"', html)
    decided = client.post(
        sheet + "/decide",
        data={"csrf_token": csrf(client, sheet), "decide": f"approve:{signup_id}"},
    )
    assert decided.status_code == 303
    after = client.get(decided.headers["Location"] + "&lang=sv").get_data(as_text=True)
    assert "Godkänd. Personen har fått en plats." in after
    assert book.counts(COMPUTERS, MONDAY).confirmed_people == 2
    # the person's page says so in Tigrinya; a second tap changes nothing
    visitor = app.test_client()
    assert "ተመዝጊብኩም" in visitor.get(private).get_data(as_text=True)
    again = client.post(
        sheet + "/decide",
        data={"csrf_token": csrf(client, sheet), "decide": f"decline:{signup_id}"},
    )
    assert again.status_code == 303 and book.counts(COMPUTERS, MONDAY).confirmed_people == 2
    log = client.get("/admin/audit?lang=sv").get_data(as_text=True)
    assert "godkände anmälan" in log


def test_a_declined_signup_is_told_on_its_page(
    app: Flask, client: FlaskClient, people: None
) -> None:
    form = f"/a/{COMPUTERS}/{MONDAY}/signup?lang=so"
    private = sign_up(client, form, name="Hodan").headers["Location"]
    login(client, "anna")
    sheet = f"/organiser/o/{COMPUTERS}/{MONDAY}"
    (signup_id,) = re.findall(
        r'value="decline:([0-9a-f]{32})"', client.get(sheet).get_data(as_text=True)
    )
    client.post(
        sheet + "/decide",
        data={"csrf_token": csrf(client, sheet), "decide": f"decline:{signup_id}"},
    )
    page = app.test_client().get(private).get_data(as_text=True)
    assert "qabanqaabiyuhu ma aqbali karin diiwaangelintaada" in page
    assert "Avboka" not in page and 'class="big-button cancel-button"' not in page
    assert "Hodan" not in client.get(sheet).get_data(as_text=True)  # off the attendance list


@pytest.mark.usefixtures("people")
def test_course_and_approval_are_set_on_the_activity_page(app: Flask, client: FlaskClient) -> None:
    login(client, "anna")
    swim = "demo-simning-kvinnor@motesplats"
    form = edit_form(client, swim)
    assert form["signup_for"] == ["date"] and "approval" not in form
    form.update({"signup_for": "course", "approval": "yes", "csrf_token": csrf(client, "/admin/")})
    answer = client.post(f"/admin/edit/{swim}", data=form)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    signup = services.get_for(app).catalogue.snapshot().activities[swim].signup
    assert signup.course and signup.approval
    page = client.get(f"/admin/edit/{swim}?lang=sv").get_data(as_text=True)
    assert "En anmälan gäller" in page and "Arrangören godkänner varje anmälan" in page
