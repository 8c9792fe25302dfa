"""Signing up at the touchscreen itself: big steppers, then the screen clears and goes home."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port, start_server, stop_server, wait_for_http

pytestmark = [pytest.mark.browser, pytest.mark.today]
SWIM = "demo-simning-kvinnor@motesplats"
KIOSK = {"width": 1920, "height": 1080}


@pytest.fixture
def kiosk_server(tmp_path: Path) -> Iterator[str]:
    """Opened as http://localhost:…, as the kiosk's own browser does; receipts clear in 3 s."""
    port = free_port()
    os.environ["MOTESPLATS_KIOSK_RECEIPT_SECONDS"] = "3"
    try:
        proc = start_server(tmp_path / "data", port)
    finally:
        del os.environ["MOTESPLATS_KIOSK_RECEIPT_SECONDS"]
    url = f"http://localhost:{port}"
    wait_for_http(url + "/", proc)
    yield url
    stop_server(proc)


def test_sign_up_at_the_kiosk_then_it_returns_home(browser, kiosk_server: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=KIOSK, has_touch=True)
    page.goto(f"{kiosk_server}/?lang=sv")
    assert page.evaluate("document.documentElement.classList.contains('kiosk')")
    page.locator(f"a.card-link[href*='{SWIM}']").first.tap()
    page.locator("a.signup-link").first.tap()
    page.wait_for_url(re.compile(r"/signup"))
    for _ in range(2):
        page.locator("[data-step='1'][data-for='adults']").tap()
    page.locator("[data-step='1'][data-for='children']").tap()
    assert page.input_value("#adults") == "3" and page.input_value("#children") == "1"
    page.locator("[data-step='-1'][data-for='adults']").tap()
    page.fill("#name", "Hawa")
    page.locator("input[name=consent]").tap()
    shot(page, "signup-form-kiosk-1920x1080-sv")
    with page.expect_navigation():
        page.locator("button[type=submit]").tap()
    assert "/s/" in page.url
    assert page.locator(".banner-ok").is_visible()
    assert page.locator("dd.code").inner_text().strip()
    receipt = page.locator(".kiosk-receipt")
    assert receipt.is_visible() and "3 sekunder" in receipt.inner_text()
    shot(page, "signup-confirmed-kiosk-1920x1080-sv")
    private = page.url
    page.wait_for_url(re.compile(r"/\?lang=sv$"), timeout=10_000)  # cleared without a touch
    assert page.locator("#today-heading").is_visible()
    assert page.url != private
    page.close()


def test_phone_keeps_its_confirmation(browser, kiosk_server: str) -> None:  # type: ignore[no-untyped-def]
    """The receipt timeout is for the shared screen only: a phone is not sent away."""
    phone_base = kiosk_server.replace("localhost", "127.0.0.1")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{phone_base}/a/{SWIM}?lang=sv")
    page.locator("a.signup-link").first.click()
    page.fill("#name", "Samira")
    page.check("input[name=consent]")
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    assert not page.locator(".kiosk-receipt").is_visible()
    page.wait_for_timeout(4_000)
    assert "/s/" in page.url
    page.close()
