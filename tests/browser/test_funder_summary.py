"""The strategist's journey to the funder, in Chromium: the municipality's logo uploaded in
the settings, the report, its one-page summary printed to A4 (one page, with the name, logo,
period, key figures, chart and tables) and rendered to PNG to look at; in Swedish and in
Arabic (right to left)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_poster import pages_of, to_png
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.today]


def test_the_funder_gets_one_a4_page_with_logo_period_figures_and_chart(
    browser, admin_server: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    log_in(page, f"{admin_server}/admin/settings?lang=sv")
    page.set_input_files("input[name=logo]", str(REPO / "static/icons/icon-192.png"))
    with page.expect_navigation():
        page.locator("button.big-button[type=submit]").click()
    page.goto(f"{admin_server}/admin/reports?lang=sv")
    with page.expect_navigation():
        page.locator("a", has_text="En sida för finansiären").click()
    summary = page.locator("article.summary")
    assert summary.locator("h1").inner_text().startswith("Deltagande")
    assert "–" in summary.locator("h1").inner_text()  # the period, from month to month
    assert summary.locator(".site").inner_text() == "Mötesplats Götene"
    assert page.evaluate("document.querySelector('.summary .logo').naturalWidth") == 192
    figures = summary.locator(".key-figures dd")
    assert figures.count() == 5 and int(figures.nth(0).inner_text()) > 0  # held
    assert summary.locator("svg.chart g.bar").count() == 12
    assert summary.locator("table caption").all_inner_texts() == ["Per månad", "Per målgrupp"]
    audience_cells = summary.locator("table").nth(1).locator("td").all_inner_texts()
    assert not [c for c in audience_cells if c.isdigit() and 0 < int(c) < 5]  # "<5" instead
    page.emulate_media(media="print")
    for lang in ("sv", "ar"):
        page.goto(page.url.split("&lang=")[0].split("?lang=")[0] + f"&lang={lang}")
        assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
        pdf = tmp_path / f"summary-{lang}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        assert pages_of(pdf) == 1, lang
        if lang == "ar":  # "<5" stays "<5", not "5>", in a right-to-left table
            cell = page.locator(".summary table").nth(1).locator("td bdi[dir=ltr]").first
            assert cell.evaluate("b => getComputedStyle(b).direction") == "ltr"
        to_png(pdf, f"funder-summary-a4-{lang}")
    page.close()
