"""On a 390x844 phone the signup form's first field is on the first screen (board.css)."""

from __future__ import annotations

import pytest

from bench.phone import next_signup_path

pytestmark = [pytest.mark.browser, pytest.mark.today]
SWIM = "demo-simning-kvinnor@motesplats"
PHONE = {"width": 390, "height": 844}
BOXES = """() => {
  const box = s => document.querySelector(s).getBoundingClientRect();
  const bar = box('.langbar');
  const pills = [...document.querySelectorAll('.langbar a')].map(a => a.getBoundingClientRect());
  const chosen = box('.langbar [aria-current="true"]');
  return {
    name_bottom: box('#name').bottom,
    rows: new Set(pills.map(p => Math.round(p.top))).size,
    pill_height: Math.min(...pills.map(p => p.height)),
    chosen_inside: chosen.left >= bar.left - 1 && chosen.right <= bar.right + 1,
    bar_scrolls: document.querySelector('.langbar').scrollWidth > bar.width,
    page_fits: document.documentElement.scrollWidth <= window.innerWidth,
    scrolled: window.scrollY,
  };
}"""


@pytest.mark.parametrize("lang", ["sv", "ar", "ti"])
def test_the_name_field_is_on_the_first_phone_screen(  # type: ignore[no-untyped-def]
    browser, server_url: str, shot, lang: str
) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(server_url + next_signup_path(server_url, SWIM, lang=lang))
    boxes = page.evaluate(BOXES)
    assert boxes["scrolled"] == 0
    assert boxes["name_bottom"] <= PHONE["height"], boxes  # the first field, whole, unscrolled
    assert boxes["rows"] == 1 and boxes["bar_scrolls"], boxes  # one row of languages, sideways
    assert boxes["pill_height"] >= 48, boxes  # still thumb-sized
    assert boxes["chosen_inside"], boxes  # the chosen language is in view, even the last one
    assert boxes["page_fits"], boxes  # the bar scrolls, not the page
    if lang == "ar":
        assert page.locator("html").get_attribute("dir") == "rtl"
        shot(page, "signup-first-screen-390x844-ar")
    print(f"\n{lang}: #name ends at {boxes['name_bottom']:.0f} px of {PHONE['height']}")
    page.close()
