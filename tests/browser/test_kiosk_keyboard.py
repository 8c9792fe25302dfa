"""The kiosk's on-screen keyboard (static/js/keyboard.js): signing up with touch alone, in
Arabic (right to left) and in Tigrinya (Ge'ez: a consonant, then its vowel order); phones
never get it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port, start_server, stop_server, wait_for_http

pytestmark = [pytest.mark.browser, pytest.mark.today]
SWIM = "demo-simning-kvinnor@motesplats"
KIOSK = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
MIN_KEY = 64  # CSS px

# Every visible key's box, and the panel's top edge.
KEYS = """
() => [...document.querySelectorAll('.osk button')]
  .filter((b) => b.checkVisibility({ visibilityProperty: true }))
  .map((b) => { const r = b.getBoundingClientRect();
    return { text: b.textContent, label: b.getAttribute('aria-label') || '',
             x: r.x, y: r.y, width: r.width, height: r.height }; })
"""


@pytest.fixture(scope="module")
def kiosk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Opened as http://localhost:…, as the kiosk's own browser does."""
    port = free_port()
    data: Path = tmp_path_factory.mktemp("keyboard") / "data"
    proc = start_server(data, port)
    url = f"http://localhost:{port}"
    wait_for_http(url + "/", proc)
    yield url
    stop_server(proc)


def open_signup(browser, url: str, lang: str):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=KIOSK, has_touch=True)
    page.goto(f"{url}/a/{SWIM}?lang={lang}")
    assert page.evaluate("document.documentElement.classList.contains('kiosk')")
    page.locator("a.signup-link").first.tap()
    page.wait_for_url(re.compile(r"/signup"))
    page.evaluate(
        "window.inputs = 0; document.querySelector('#name')"
        ".addEventListener('input', () => { window.inputs += 1; })"
    )
    return page


def panel_is_open(page) -> bool:  # type: ignore[no-untyped-def]
    return page.locator(".osk.open").is_visible()


def tap_chars(page, text: str) -> None:  # type: ignore[no-untyped-def]
    for ch in text:
        page.locator(f".osk button[data-char='{ch}']").tap()


def check_keys_fit(page, field: str) -> None:  # type: ignore[no-untyped-def]
    """Big keys, all on screen, and the panel below the field being typed into."""
    keys = page.evaluate(KEYS)
    assert len(keys) >= 10
    for key in keys:
        assert key["width"] >= MIN_KEY and key["height"] >= MIN_KEY, key
        assert key["x"] >= 0 and key["x"] + key["width"] <= KIOSK["width"], key
        assert key["y"] >= 0 and key["y"] + key["height"] <= KIOSK["height"], key
        assert key["text"].strip(), key  # a visible label on every key
    panel = page.locator(".osk").bounding_box()
    box = page.locator(field).bounding_box()
    assert panel and box and box["y"] >= 0 and box["y"] + box["height"] <= panel["y"], (box, panel)


def finish_signup(page) -> None:  # type: ignore[no-untyped-def]
    page.locator(".osk [data-action='done']").tap()
    assert not panel_is_open(page)
    page.locator("input[name=consent]").tap()
    assert not panel_is_open(page)  # a checkbox is not typed into
    with page.expect_navigation():
        page.locator("button[type=submit]").tap()
    assert "/s/" in page.url
    assert page.locator(".banner-ok").is_visible()


def test_sign_up_in_arabic_with_touch_only(browser, kiosk_server: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = open_signup(browser, kiosk_server, "ar")
    assert not panel_is_open(page)
    page.locator("#name").tap()
    assert panel_is_open(page)
    panel = page.locator(".osk")
    assert panel.get_attribute("dir") == "rtl"
    assert panel.get_attribute("aria-label") == "لوحة المفاتيح على الشاشة"
    for letter in "ءىةضذ":
        assert page.locator(f".osk button[data-char='{letter}']").is_visible(), letter
    tap_chars(page, "فاطمب")
    page.locator(".osk [data-action='erase']").tap()  # a wrong letter, erased
    tap_chars(page, "ة")
    assert page.input_value("#name") == "فاطمة"
    assert page.evaluate("window.inputs") == 7  # the page's own scripts see every key
    assert page.evaluate("document.activeElement.id") == "name"  # the caret stayed
    assert page.locator(".osk [data-action='space']").get_attribute("aria-label") == "مسافة"
    assert page.locator(".osk [data-action='erase']").get_attribute("aria-label") == "حذف"
    check_keys_fit(page, "#name")
    shot(page, "kiosk-keyboard-1920x1080-ar")

    # A Latin name on an Arabic page: the script key switches, and back.
    page.locator(".osk [data-action='script']").tap()
    assert panel.get_attribute("dir") == "ltr"
    assert page.locator(".osk button[data-char='q']").is_visible()
    page.locator(".osk [data-action='script']").tap()
    assert panel.get_attribute("dir") == "rtl"
    assert page.input_value("#name") == "فاطمة"

    # The phone number: a digits pad, left to right.
    page.locator("#phone").tap()
    assert panel.get_attribute("dir") == "ltr"
    assert page.locator(".osk button[data-char='+']").is_visible()
    assert not page.locator(".osk button[data-char='ف']").count()
    tap_chars(page, "070")
    page.locator(".osk [data-action='space']").tap()
    tap_chars(page, "1234567")
    assert page.input_value("#phone") == "070 1234567"
    check_keys_fit(page, "#phone")
    shot(page, "kiosk-keyboard-1920x1080-ar-phone")
    finish_signup(page)
    page.close()


def test_sign_up_in_tigrinya_consonant_then_vowel(browser, kiosk_server: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = open_signup(browser, kiosk_server, "ti")
    page.locator("#name").tap()
    assert panel_is_open(page)
    assert page.locator(".osk").get_attribute("dir") == "ltr"
    assert page.locator(".osk-hint").inner_text() == "ፊደል ጠውቑ፣ ድሕሪኡ ቅርጹ ምረጹ"
    consonants = page.locator(".osk button[data-base]")
    assert consonants.count() == 34
    page.locator(".osk button[data-base='ሰ']").tap()
    forms = page.locator(".osk .osk-form")
    assert [forms.nth(i).inner_text() for i in range(forms.count())] == list("ሰሱሲሳሴስሶ")
    assert page.input_value("#name") == ""  # a consonant alone inserts nothing yet
    page.locator(".osk button[data-char='ሳ']").tap()
    assert page.input_value("#name") == "ሳ"
    assert not forms.count()  # the forms go once one is picked
    page.locator(".osk button[data-base='ረ']").tap()
    assert page.locator(".osk button[data-base='ረ']").get_attribute("aria-pressed") == "true"
    check_keys_fit(page, "#name")
    shot(page, "kiosk-keyboard-1920x1080-ti")
    page.locator(".osk button[data-char='ራ']").tap()
    assert page.input_value("#name") == "ሳራ"
    assert page.evaluate("window.inputs") == 2
    finish_signup(page)
    page.close()


def test_swedish_letters_and_the_help_form(browser, kiosk_server: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=KIOSK, has_touch=True)
    page.goto(f"{kiosk_server}/help?lang=sv")
    page.locator("#first_name").tap()
    assert page.locator(".osk").get_attribute("dir") == "ltr"
    assert not page.locator(".osk [data-action='script']").count()  # Latin is the page's own
    tap_chars(page, "Åsa-Ö")  # capitals by themselves where a name starts
    page.locator(".osk [data-action='shift']").tap()
    tap_chars(page, "K")
    assert page.input_value("#first_name") == "Åsa-ÖK"
    check_keys_fit(page, "#first_name")
    shot(page, "kiosk-keyboard-1920x1080-sv")
    page.locator("#message").tap()
    page.locator(".osk [data-action='symbols']").tap()
    tap_chars(page, "12")
    page.locator(".osk [data-action='letters']").tap()
    tap_chars(page, "ä")
    assert page.input_value("#message") == "12ä"
    check_keys_fit(page, "#message")
    page.close()


def test_phones_get_no_on_screen_keyboard(browser, kiosk_server: str) -> None:  # type: ignore[no-untyped-def]
    phone_base = kiosk_server.replace("localhost", "127.0.0.1")
    page = browser.new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    page.goto(f"{phone_base}/a/{SWIM}?lang=ar")
    assert not page.evaluate("document.documentElement.classList.contains('kiosk')")
    page.locator("a.signup-link").first.tap()
    page.wait_for_url(re.compile(r"/signup"))
    page.locator("#name").tap()
    page.wait_for_timeout(300)
    assert page.evaluate("document.activeElement.id") == "name"
    assert page.locator(".osk").count() == 0
    page.close()
