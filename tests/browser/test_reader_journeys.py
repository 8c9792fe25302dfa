"""Two people who read no Swedish, from the first screen to a finished signup (Chromium).

A woman who reads only Arabic, at the 1920x1080 kiosk, and a man who reads only Tigrinya, on
a 390x844 phone. On every page of the way the visible text must hold no Swedish word except
names of people and places: each page is also opened in Swedish, and a word of the Swedish
page that shows up on the reader's page is a Swedish word left untranslated, unless it is
part of a name (place, room, address, organisation, contact person: from the demo data).
The language bar and the list of spoken languages name each language in its own script on
purpose ("Svenska" there tells a reader the activity is in Swedish); they are left out.
Screenshots of the way in ar, fa_AF, so and ti are kept for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from kiosk.activities.demo import ORGANISERS, PLACES, SITE
from tests.browser.conftest import serving

pytestmark = [pytest.mark.browser, pytest.mark.today]
SWIM = "demo-simning-kvinnor@motesplats"  # for women, translated in the six languages
COOKING = "demo-matlagning@motesplats"  # for everyone, every other Thursday
KIOSK = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]{2,}")

# Names of brands and services, the same in every language (not Swedish words to translate).
PROPER_NOUNS = {"BankID", "SFI", "WhatsApp", "Facebook", "QR"}
# Words the newcomer languages use as they are (the Somali title says "burkini" too).
LOANWORDS = {"burkini"}


def names() -> set[str]:
    """Every word that is part of a name of a person or a place in the demo data."""
    found = PROPER_NOUNS | LOANWORDS
    texts = [SITE.name, SITE.municipality]
    for place in PLACES:
        texts += [place.name, place.room, place.address]
    for organiser in ORGANISERS:
        texts += [organiser.name, organiser.contact_name]
    for text in texts:
        found |= set(WORD.findall(text))
    return found


VISIBLE_TEXT = """() => {
  const skip = '.langbar, .spoken, .honeypot, script, style, template, noscript, .code';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip) || !parent.checkVisibility()) continue;
    parts.push(node.textContent);
  }
  return parts.join(' ').replace(/https?:\\/\\/\\S+/g, ' ');
}"""


def swedish_left(page, url: str, browser) -> set[str]:  # type: ignore[no-untyped-def]
    """Words of the Swedish version of `url` that appear on `page` and are no name. The
    Swedish twin opens in a context of its own (its language cookie must not reach the
    reader's)."""
    shown = set(WORD.findall(page.evaluate(VISIBLE_TEXT)))
    context = browser.new_context(viewport=page.viewport_size)
    swedish = context.new_page()
    swedish.goto(re.sub(r"lang=[a-zA-Z_]+", "lang=sv", url))
    in_swedish = set(WORD.findall(swedish.evaluate(VISIBLE_TEXT)))
    context.close()
    return (shown & in_swedish) - names()


@pytest.fixture(scope="module")
def reader_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("readers") / "data") as url:
        yield url


def _check(page, browser, where: str) -> None:  # type: ignore[no-untyped-def]
    """No Swedish word on `page` (the Swedish twin is the same address with lang=sv)."""
    url = (
        page.url if "lang=" in page.url else page.url + ("&" if "?" in page.url else "?") + "lang=x"
    )
    left = swedish_left(page, url, browser)
    assert not left, f"Swedish words on the {where}: {sorted(left)}"


def test_arabic_reader_at_the_kiosk_signs_up_for_womens_swimming(  # type: ignore[no-untyped-def]
    browser, reader_server: str, shot
) -> None:
    context = browser.new_context(viewport=KIOSK, has_touch=True)
    page = context.new_page()
    page.goto(f"{reader_server}/?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _check(page, browser, "board")
    shot(page, "journey-ar-kiosk-1-board")
    card = page.locator(f"a.card-link[href*='{SWIM}']").first
    assert "only-for" in card.inner_html()  # marked as only for women
    card.tap()
    page.wait_for_url(re.compile(SWIM))
    _check(page, browser, "activity page")
    shot(page, "journey-ar-kiosk-2-activity", full_page=True)
    page.locator("a.signup-link").first.tap()
    page.wait_for_url(re.compile(r"/signup"))
    _check(page, browser, "signup form")
    page.fill("#name", "فاطمة")
    page.locator("input[name=consent]").tap()
    shot(page, "journey-ar-kiosk-3-form")
    with page.expect_navigation():
        page.locator("button[type=submit]").tap()
    assert "/s/" in page.url and page.locator(".banner-ok").is_visible()
    _check(page, browser, "receipt")
    shot(page, "journey-ar-kiosk-4-done")
    context.close()


def test_tigrinya_reader_on_a_phone_signs_up_for_cooking(  # type: ignore[no-untyped-def]
    browser, reader_server: str, shot
) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{reader_server}/?lang=ti")
    _check(page, browser, "board")
    shot(page, "journey-ti-phone-1-board", full_page=False)
    page.goto(f"{reader_server}/a/{COOKING}?lang=ti")
    _check(page, browser, "activity page")
    shot(page, "journey-ti-phone-2-activity", full_page=True)
    page.locator("a.signup-link").first.tap()
    page.wait_for_url(re.compile(r"/signup"))
    _check(page, browser, "signup form")
    page.fill("#name", "ዮናስ")
    page.locator("input[name=consent]").tap()
    with page.expect_navigation():
        page.locator("button[type=submit]").tap()
    assert "/s/" in page.url and page.locator(".banner-ok").is_visible()
    _check(page, browser, "receipt")
    shot(page, "journey-ti-phone-3-done", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


@pytest.mark.parametrize("lang", ["ar", "fa_AF", "so", "ti"])
def test_screens_in_each_newcomer_language(browser, reader_server: str, shot, lang: str) -> None:  # type: ignore[no-untyped-def]
    """The board at the kiosk and an activity on a phone, for a person to look at."""
    context = browser.new_context(viewport=KIOSK)
    page = context.new_page()
    page.goto(f"{reader_server}/?lang={lang}")
    _check(page, browser, f"board in {lang}")
    shot(page, f"reader-board-1920x1080-{lang}")
    context.close()
    phone = browser.new_context(viewport=PHONE, is_mobile=True)
    page = phone.new_page()
    page.goto(f"{reader_server}/a/{SWIM}?lang={lang}")
    _check(page, browser, f"activity page in {lang}")
    shot(page, f"reader-activity-390x844-{lang}", full_page=True)
    phone.close()


def test_the_check_finds_swedish(browser, reader_server: str) -> None:  # type: ignore[no-untyped-def]
    """The check itself can fail: a Swedish page against itself leaves its words."""
    context = browser.new_context(viewport=KIOSK)
    page = context.new_page()
    page.goto(f"{reader_server}/a/{SWIM}?lang=sv")
    assert {"Simhallen", "kvinnor"} <= swedish_left(page, page.url, browser)
    context.close()
