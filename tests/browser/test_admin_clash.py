"""A volunteer adds a second language café at the same place and hour, on a tablet."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import clock as test_clock
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.today]


def next_sunday() -> str:
    """The coming Sunday (never today), as the form wants it: the server runs on the run's clock."""
    today = test_clock.now().date()
    return (today + timedelta(days=6 - today.weekday() or 7)).isoformat()


def test_clash_warning_names_the_first_cafe(browser, admin_server: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, f"{admin_server}/admin/new?lang=sv")
    assert page.url.endswith("/admin/new?lang=sv")
    page.fill("#title_sv", "Språkcafé för nybörjare")
    page.fill("input[name=date]", next_sunday())  # the demo café is on Sundays 17:00-19:00
    page.fill("input[name=start_time]", "18:00")
    page.fill("input[name=end_time]", "19:30")
    page.check("input[name=repeat][value=none]")
    page.select_option("#place_id", value="demo-karlsborg")
    assert not page.locator("input[name=new_place_name]").is_visible()
    with page.expect_navigation():
        page.locator("button.big-button[type=submit]").click()
    warning = page.locator("section.clash")
    assert warning.is_visible()
    text = warning.inner_text()
    assert "Språkcafé" in text and "på samma plats" in text
    shot(page, "admin-clash-1280x900-sv", full_page=True)
    with page.expect_navigation():
        page.locator("button[name=confirm_clash]").click()
    assert page.url.endswith("/admin/")
    assert "Språkcafé för nybörjare" in page.locator("table.list:not(.coverage)").inner_text()
    page.close()


def test_new_place_fields_appear_on_choosing_new(browser, admin_server: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(page, f"{admin_server}/admin/login?next=/admin/new")
    assert not page.locator("input[name=new_place_name]").is_visible()
    page.select_option("#place_id", value="__new__")
    assert page.locator("input[name=new_place_name]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.close()
