"""A course and an approval in Chromium, as the people would do it.

A woman who reads only Arabic signs up on a 390x844 phone for the demo's cycling course:
one signup for every Saturday left, every page without a Swedish word. A man who reads
Somali asks for a place on the evening computer course, whose leader approves each signup;
a tired volunteer on a 1366x768 laptop finds it waiting and approves it; the man's page
then says he has a place, in Somali. Screenshots of each step are kept to look at.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_reader_journeys import PHONE, _check

pytestmark = [pytest.mark.browser, pytest.mark.today]
CYCLING = "demo-cykelkurs@motesplats"
COMPUTERS = "demo-datorkurs@motesplats"
LAPTOP = {"width": 1366, "height": 768}


def test_an_arabic_reader_signs_up_for_the_whole_cycling_course_on_a_phone(  # type: ignore[no-untyped-def]
    browser, admin_server: str, shot
) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{admin_server}/a/{CYCLING}?lang=ar")
    assert "دورة: التسجيل الواحد يشمل كل المواعيد المتبقية." in page.inner_text("main")
    page.locator("a.signup-link").first.tap()
    page.wait_for_url(re.compile(r"/signup"))
    _check(page, browser, "course form")
    heading = page.locator(".course-dates h2").inner_text()
    left = int(heading.rsplit(":", 1)[1])
    assert 1 <= left <= 6  # the Saturdays of a six-week course that are still to come
    page.fill("#name", "فاطمة")
    page.locator("input[name=consent]").tap()
    shot(page, "course-ar-390x844-1-form", full_page=True)
    with page.expect_navigation():
        page.locator("button[type=submit]").tap()
    assert "/s/" in page.url and page.locator(".banner-ok").is_visible()
    assert page.locator("li.course-date").count() == left
    _check(page, browser, "course receipt")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "course-ar-390x844-2-done", full_page=True)
    sv = context.new_page()
    sv.goto(page.url.replace("lang=ar", "lang=sv"))
    assert "Du är anmäld till hela kursen!" in sv.inner_text("main")
    shot(sv, "course-sv-390x844-2-done", full_page=True)
    context.close()


def test_a_volunteer_approves_a_somali_readers_signup(  # type: ignore[no-untyped-def]
    browser, admin_server: str, shot
) -> None:
    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = phone.new_page()
    page.goto(f"{admin_server}/a/{COMPUTERS}/signup?lang=so")
    page.wait_for_url(re.compile(r"/signup"))
    assert "Qabanqaabiyuhu wuxuu akhriyaa diiwaangelin kasta" in page.inner_text("main")
    page.fill("#name", "Cabdi")
    page.locator("input[name=consent]").tap()
    with page.expect_navigation():
        page.locator("button[type=submit]").tap()
    assert "Mahadsanid! Qabanqaabiyuhu" in page.inner_text("main")
    shot(page, "approval-so-390x844-1-pending", full_page=True)
    private = page.url

    laptop = browser.new_context(viewport=LAPTOP)
    volunteer = laptop.new_page()
    log_in(volunteer, f"{admin_server}/admin/?lang=sv")
    volunteer.goto(f"{admin_server}/organiser/?lang=sv")
    waiting = volunteer.locator("tr", has_text="Väntar på ditt svar: 1")
    assert waiting.count() == 1
    shot(volunteer, "approval-sv-1366x768-1-list")
    with volunteer.expect_navigation():
        waiting.locator("a").first.click()
    row = volunteer.locator("li.pending-signup", has_text="Cabdi")  # above the fold
    assert row.locator("button.approve").is_visible()
    assert row.locator("button.approve").bounding_box()["y"] < LAPTOP["height"]
    shot(volunteer, "approval-sv-1366x768-2-sheet")
    with volunteer.expect_navigation():
        row.locator("button.approve").click()
    assert "Godkänd. Personen har fått en plats." in volunteer.inner_text("main")
    assert volunteer.locator("tr", has_text="Cabdi").locator("td").last.inner_text() == "Anmäld"
    shot(volunteer, "approval-sv-1366x768-3-approved")
    laptop.close()

    page.goto(private)
    assert page.locator(".banner-ok").is_visible()
    assert "Waad is-diiwaangelisay!" in page.inner_text(".banner-ok")
    shot(page, "approval-so-390x844-2-approved", full_page=True)
    page.goto(private.replace("lang=so", "lang=ar"))
    assert page.evaluate("document.documentElement.dir") == "rtl"
    shot(page, "approval-ar-390x844-2-approved", full_page=True)
    phone.close()
