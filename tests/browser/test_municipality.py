"""For the municipality, in Chromium: a door count feeds the report's chart; the directory
on the kiosk and a phone; asking for help in Arabic; the week's digest on one A4 page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_poster import pages_of, to_png

pytestmark = [pytest.mark.browser, pytest.mark.today]


def test_door_count_shows_in_the_report_chart(browser, admin_server: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, f"{admin_server}/admin/reports?lang=sv")
    bars = page.locator("svg.chart g.bar")
    assert bars.count() == 12
    before = [int(bars.nth(i).get_attribute("data-total")) for i in range(12)]
    # a fresh install's report shows the demo's counts at the door for its last four weeks:
    # this month's bar, or only last month's on the first day of a month
    assert before[-1] + before[-2] > 0
    page.goto(f"{admin_server}/organiser/?lang=sv")
    page.locator("table.list a").first.click()
    # the demo may have counted this date already: the new count replaces it
    old = sum(
        int(page.input_value(f"input[name={n}]") or 0)
        for n in ("walk_in_adults", "walk_in_children")
    )
    page.fill("input[name=walk_in_adults]", "12")
    page.fill("input[name=walk_in_children]", "5")
    page.fill("input[name=women]", "9")
    with page.expect_navigation():
        page.locator("button.big-button[type=submit]").click()
    assert page.locator(".banner-ok").is_visible()
    page.goto(f"{admin_server}/admin/reports?lang=sv")
    totals = [int(bars.nth(i).get_attribute("data-total")) for i in range(12)]
    assert sum(totals) == sum(before) - old + 17
    changed = [i for i in range(12) if totals[i] != before[i]]
    assert all(i >= 10 for i in changed)  # this month, or last month early in one
    box = page.locator("svg.chart").bounding_box()
    assert box and box["width"] > 800 and box["height"] > 200
    assert "besök" in page.locator(".totals").inner_text()
    shot(page, "reports-chart-1280x900-sv", full_page=True)
    page.close()


def test_directory_on_the_kiosk_and_a_phone(browser, admin_server: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{admin_server}/?lang=sv")
    page.locator("nav.tabs a", has_text="Föreningar").click()
    page.wait_for_url("**/organisations**")
    assert page.locator(".org-card").count() >= 4
    shot(page, "directory-1920x1080-sv")
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{admin_server}/organisations/demo-rodakorset?lang=ar")
    assert phone.evaluate("document.documentElement.dir") == "rtl"
    assert "الأطفال والشباب" in phone.locator("main").inner_text()
    shot(phone, "directory-detail-390x844-ar")
    page.close()
    phone.close()


def test_asking_for_help_in_arabic_on_a_phone(browser, admin_server: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{admin_server}/help?lang=ar")
    page.check("input[name=errand][value=letter]")
    page.fill("#first_name", "مريم")
    page.fill("#phone", "072 555 12 34")
    page.check("input[name=consent]")
    shot(page, "help-form-390x844-ar", full_page=True)
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    assert page.locator(".banner-ok").is_visible()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.close()


def test_the_weeks_digest_fits_one_a4_page(browser, admin_server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{admin_server}/digest?also=ar")
    assert page.locator("section.day").count() >= 5
    assert page.locator(".l2[lang=ar]").count() > 3
    pdf = tmp_path / "digest.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pages_of(pdf) == 1
    to_png(pdf, "digest-a4-sv-ar")
    page.close()
