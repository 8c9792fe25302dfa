"""The board as people see it: kiosk and phone, Swedish and Arabic, saved as PNGs.

Screenshots land in tests/browser/screenshots/ to be looked at; the assertions check what a
person would notice: everything fits, touch targets are big, Arabic mirrors, the clock runs,
and a lost server is said out loud.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests import clock as test_clock

pytestmark = [pytest.mark.browser, pytest.mark.today]

KIOSK = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}
PHONE = {"width": 390, "height": 844}


def open_page(browser, url: str, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=viewport)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


def no_horizontal_overflow(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("lang", ["sv", "ar"])
def test_kiosk_landscape(browser, server_url: str, shot, lang: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, f"{server_url}/?lang={lang}", KIOSK)
    shot(page, f"kiosk-1920x1080-{lang}")
    assert no_horizontal_overflow(page)
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    # Top bar and the audience filters both stay on the screen.
    assert page.locator(".topbar").bounding_box()["y"] == 0
    filters = page.locator(".filters").bounding_box()
    assert filters["y"] + filters["height"] <= KIOSK["height"]
    assert page.locator(".today-pane .card").count() >= 1
    assert page.locator(".week-pane .card").count() >= 8
    # Right to left: the site name sits on the right, the language bar on the left.
    name_x = page.locator(".site-name").bounding_box()["x"]
    assert (name_x > KIOSK["width"] / 2) == (lang == "ar")
    # The clock runs in the municipality's zone, whatever the device's zone (here UTC).
    shown = page.locator("[data-clock]").inner_text().strip()
    stockholm = test_clock.now()
    allowed = {(stockholm + timedelta(minutes=d)).strftime("%H:%M") for d in (-1, 0, 1)}
    assert shown in allowed
    page.close()


def test_kiosk_portrait(browser, server_url: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, f"{server_url}/?lang=sv", PORTRAIT)
    shot(page, "kiosk-1080x1920-sv")
    assert no_horizontal_overflow(page)
    today = page.locator(".today-pane").bounding_box()
    week = page.locator(".week-pane").bounding_box()
    assert week["y"] >= today["y"] + today["height"] - 1  # stacked, not squeezed side by side
    page.close()


@pytest.mark.parametrize("lang", ["sv", "ar"])
def test_phone(browser, server_url: str, shot, lang: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, f"{server_url}/?lang={lang}", PHONE)
    shot(page, f"phone-390x844-{lang}", full_page=True)
    assert no_horizontal_overflow(page)
    for link in page.locator(".langbar a").all():
        box = link.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48
    page.close()


@pytest.mark.parametrize("lang", ["sv", "ar"])
def test_detail_on_phone(browser, server_url: str, shot, lang: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, f"{server_url}/?lang={lang}", PHONE)
    with page.expect_navigation():
        page.locator(".card-link", has_text="مقهى اللغة" if lang == "ar" else "Språkcafé").click()
    assert "/a/demo-sprakcafe" in page.url
    shot(page, f"detail-390x844-{lang}", full_page=True)
    assert no_horizontal_overflow(page)
    assert page.locator(".occurrences li").count() >= 4
    page.close()


def test_lost_server_is_said_on_the_board(browser, server_url: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=KIOSK)
    page.goto(f"{server_url}/?lang=sv")
    page.route("**/api/board-version", lambda route: route.abort())
    page.reload()  # the board polls at load; the poll now fails
    banner = page.locator("[data-offline]")
    banner.wait_for(state="visible", timeout=5000)
    assert re.search(r"\d\d:\d\d", banner.inner_text())
    shot(page, "kiosk-offline-sv")
    page.close()
