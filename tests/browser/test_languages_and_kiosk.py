"""The board for people who read little Swedish, and the kiosk's own behaviour (Chromium)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.languages import LANGUAGES
from tests.conftest import REPO, free_port, start_server, stop_server, wait_for_http

pytestmark = [pytest.mark.browser, pytest.mark.today]
KIOSK = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


def translated(lang: str, msgid: str) -> str:
    if lang == "sv":
        return msgid
    path = REPO / "kiosk" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as f:
        return read_po(f, locale=lang)[msgid].string


@pytest.mark.parametrize("lang", [lang.code for lang in LANGUAGES])
def test_each_language_is_translated_with_its_direction(
    browser, server_url: str, lang: str
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=KIOSK)
    page.goto(f"{server_url}/?lang={lang}")
    html = page.locator("html")
    assert html.get_attribute("lang") == lang.replace("_", "-")
    assert html.get_attribute("dir") == ("rtl" if lang in ("ar", "fa_AF") else "ltr")
    for msgid, selector in (("Idag", "#today-heading"), ("Kommande dagar", "#week-heading")):
        expected = translated(lang, msgid)
        assert page.locator(selector).inner_text().strip() == expected
        assert lang == "sv" or expected != msgid
    assert translated(lang, "Barnpassning") in page.locator("main").inner_text()
    current = page.locator(".langbar a[aria-current='true']")
    assert current.get_attribute("hreflang") == lang.replace("_", "-")
    page.close()


def test_arabic_cards_are_mirrored(browser, server_url: str) -> None:  # type: ignore[no-untyped-def]
    for lang, time_on_right in (("sv", False), ("ar", True)):
        page = browser.new_page(viewport=KIOSK)
        page.goto(f"{server_url}/?lang={lang}")
        card = page.locator(".week-pane .card").first.bounding_box()
        time = page.locator(".week-pane .card .time").first.bounding_box()
        middle = card["x"] + card["width"] / 2
        assert (time["x"] > middle) == time_on_right, lang
        border = page.locator(".week-pane .card").first.evaluate(
            "el => getComputedStyle(el)['border-"
            + ("right" if time_on_right else "left")
            + "-width']"
        )
        assert border == "8px"  # the coloured edge is on the reading side
        page.close()


def cards(page) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return page.locator("main .card").evaluate_all(
        "els => els.map(e => ({aud: e.dataset.audiences, langs: e.dataset.languages,"
        " free: e.dataset.free, childcare: e.dataset.childcare, text: e.innerText}))"
    )


def tap(page, locator) -> None:  # type: ignore[no-untyped-def]
    """Tap a link and wait until the page it opens has loaded."""
    with page.expect_navigation():
        locator.click()


def test_filters_take_one_tap_and_clear(browser, server_url: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=KIOSK)
    page.goto(f"{server_url}/?lang=sv")
    everything = len(cards(page))
    tap(page, page.locator(".filters .chip", has_text="Kvinnor"))
    shown = cards(page)
    assert 0 < len(shown) < everything
    assert all("women" in c["aud"].split() or "everyone" in c["aud"].split() for c in shown)
    assert not any("Fotbollscup" in c["text"] for c in shown)
    assert page.locator(".filters .chip.active").inner_text().strip().endswith("Kvinnor")

    tap(page, page.locator(".filters .chip", has_text="Med barnpassning"))  # filters combine
    shown = cards(page)
    assert shown and all(c["childcare"] == "true" for c in shown)
    assert all("women" in c["aud"] or "everyone" in c["aud"] for c in shown)
    shot(page, "kiosk-filtered-sv")

    tap(page, page.locator(".filters .chip.clear"))
    assert len(cards(page)) == everything
    assert page.locator(".filters .chip.active").count() == 0

    tap(page, page.locator(".filters .chip[lang='ti']"))
    assert all("ti" in c["langs"].split() for c in cards(page))
    tap(page, page.locator(".filters .chip", has_text="Bara gratis"))
    assert all(c["free"] == "true" for c in cards(page))
    page.close()


def test_kiosk_screen_has_no_selection_zoom_or_context_menu(browser, server_url: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=KIOSK)
    page.goto(server_url.replace("127.0.0.1", "localhost") + "/?lang=sv")
    assert page.evaluate("window.motesplats.kiosk") is True
    assert page.locator("body").evaluate("b => getComputedStyle(b).userSelect") == "none"
    # no pinch zoom: touch-action (and the kiosk's Chromium --disable-pinch); the viewport
    # tag keeps zoom allowed (axe, WCAG 1.4.4; desktop Chromium ignores it anyway)
    assert page.locator("body").evaluate("b => getComputedStyle(b).touchAction") == "pan-x pan-y"
    prevented = page.evaluate(
        "() => { const e = new MouseEvent('contextmenu', {bubbles: true, cancelable: true});"
        " document.querySelector('main').dispatchEvent(e); return e.defaultPrevented; }"
    )
    assert prevented
    page.close()


def test_phone_is_not_locked_down(browser, server_url: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{server_url}/?lang=sv")  # by address, as a phone on the hall's Wi-Fi
    assert page.evaluate("window.motesplats.kiosk") is False
    assert page.locator("body").evaluate("b => getComputedStyle(b).userSelect") != "none"
    assert "user-scalable" not in page.locator("meta[name=viewport]").get_attribute("content")
    page.close()


def test_refresh_replaces_the_board_without_reloading(browser, server_url: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=KIOSK)
    page.goto(f"{server_url}/?lang=sv")
    page.evaluate("window.__stillHere = true; window.__oldMain = document.querySelector('main')")
    page.evaluate("window.motesplats.refresh()")
    page.wait_for_function("document.querySelector('main') !== window.__oldMain")
    assert page.evaluate("window.__stillHere") is True  # no navigation, no flash
    assert page.locator("main .card").count() >= 8
    page.close()


@pytest.fixture
def impatient_server(tmp_path: Path) -> Iterator[str]:
    """A server whose kiosk returns home after 2 s without a touch."""
    port = free_port()
    os.environ["MOTESPLATS_KIOSK_IDLE_SECONDS"] = "2"
    try:
        proc = start_server(tmp_path / "data", port)
    finally:
        del os.environ["MOTESPLATS_KIOSK_IDLE_SECONDS"]
    url = f"http://localhost:{port}"
    wait_for_http(url + "/", proc)
    yield url
    stop_server(proc)


def test_idle_kiosk_returns_home_in_the_default_language(browser, impatient_server: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=KIOSK)
    page.goto(f"{impatient_server}/a/demo-sprakcafe@motesplats?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.mouse.click(10, 500)  # a touch restarts the wait
    page.wait_for_url(re.compile(r"/\?lang=sv$"), timeout=8000)
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("#today-heading").is_visible()
    page.close()


@pytest.mark.parametrize("lang", ["sv", "ar"])
def test_axe_finds_no_serious_or_critical_violations(browser, server_url: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport=KIOSK)
    page.goto(f"{server_url}/?lang={lang}")
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], results.generate_report()
    page.close()


@pytest.mark.parametrize("size", ["1920x1080", "390x844"])
def test_tigrinya_screenshots(browser, server_url: str, shot, size: str) -> None:  # type: ignore[no-untyped-def]
    width, height = (int(x) for x in size.split("x"))
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{server_url}/?lang=ti")
    page.wait_for_load_state("networkidle")
    shot(page, f"board-{size}-ti", full_page=width < 500)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()
