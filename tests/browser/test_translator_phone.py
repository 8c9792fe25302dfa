"""A translator's whole way on a 390x844 phone, in Arabic: invited by an admin, joins, finds
the queue, translates a changed text with the Swedish beside it, and the board shows it."""

from __future__ import annotations

import re

import pytest

from tests.admin_helpers import PASSWORD
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.today]
PHONE = {"width": 390, "height": 844}
THEORY = "demo-korkort@motesplats"


def test_an_arabic_translator_updates_an_outdated_title_from_a_phone(  # type: ignore[no-untyped-def]
    browser, admin_server: str, shot
) -> None:
    admin = browser.new_context(viewport={"width": 1280, "height": 900})
    page = admin.new_page()
    log_in(page, f"{admin_server}/admin/login?next=/admin/people")
    page.check("input[name=role][value=translator]")
    page.check("input[name=languages][value=ar]")
    with page.expect_navigation():
        page.locator("form.edit-form button[type=submit]").click()
    link = page.locator(".private-url").inner_text().strip()
    # the admin changes the Swedish title: the Arabic one is now outdated
    page.goto(f"{admin_server}/admin/edit/{THEORY}")
    page.fill("#title_sv", "Körkortsteori för nybörjare")
    with page.expect_navigation():
        page.locator("form.edit-form button[type=submit]").first.click()
    admin.close()

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(link + "?lang=ar")
    page.fill("#display_name", "ليلى")
    page.fill("#username", "layla")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("button[type=submit]").tap()
    page.wait_for_url(re.compile(r"/translate/ar"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    slot = page.locator(
        "section.translate-slot", has=page.locator("text=Körkortsteori för nybörjare")
    )
    assert slot.locator(".badge").count() == 1  # outdated, marked
    field = slot.locator("[name=text]")
    assert field.get_attribute("dir") == "rtl" and field.input_value() == "نظرية رخصة القيادة"
    shot(page, "translator-queue-390x844-ar", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    field.fill("نظرية رخصة القيادة للمبتدئين")
    with page.expect_navigation():
        slot.locator("button[value=save]").tap()
    assert page.locator(".banner-ok", has_text="تم الحفظ").is_visible()
    # nothing else: the editors' pages send a translator back to the queue
    page.goto(f"{admin_server}/admin/edit/{THEORY}")
    assert "/translate" in page.url
    page.goto(f"{admin_server}/a/{THEORY}?lang=ar")
    assert "نظرية رخصة القيادة للمبتدئين" in page.locator("h1").inner_text()
    assert page.locator("h1 .outdated").count() == 0
    phone.close()


def test_a_tigrinya_speaker_corrects_an_interface_string_and_the_board_shows_it(  # type: ignore[no-untyped-def]
    browser, admin_server: str, shot
) -> None:
    """An admin (here anna) reviews a Tigrinya string on a phone: found by its Swedish, then
    corrected; the next board page in Tigrinya says it, and the .po export has it, not fuzzy."""
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    log_in(page, f"{admin_server}/admin/login?next=/translate/ui/ti?show=all")
    page.wait_for_url(re.compile(r"/translate/ui/ti"))  # every string: this one is reviewed
    page.fill("#ui-q", "Anmäl dig")
    with page.expect_navigation():
        page.locator("form.ui-search button[type=submit]").tap()
    section = page.locator(
        "section.ui-string", has=page.locator("bdi[lang=sv]", has_text=re.compile(r"^Anmäl dig$"))
    )
    field = section.locator("textarea").first
    assert field.get_attribute("lang") == "ti"
    field.fill("ተመዝገቡ ሕጂ")
    shot(page, "ui-review-390x844-ti")
    with page.expect_navigation():
        section.locator("button[value=save]").tap()
    page.goto(f"{admin_server}/?lang=ti")
    assert "ተመዝገቡ ሕጂ" in page.locator("body").inner_text()
    exported = page.request.get(f"{admin_server}/translate/ui/ti.po").text()
    entry = exported.split('msgid "Anmäl dig"', 1)[1].split("\n\n", 1)[0]
    block = exported.split('msgid "Anmäl dig"', 1)[0].rsplit("\n\n", 1)[-1]
    assert 'msgstr "ተመዝገቡ ሕጂ"' in entry and "fuzzy" not in block
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.close()
