"""From the QR on the board to a confirmation, on a 390x844 phone, in Arabic (Chromium, zbar)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bench.phone import next_signup_path
from tests.conftest import REPO, free_port, start_server, stop_server, wait_for_http

pytestmark = [pytest.mark.browser, pytest.mark.today]
SWIM = "demo-simning-kvinnor@motesplats"


@pytest.fixture(scope="module")
def public_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose PUBLIC_URL is set, as a municipality would configure it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    import os

    os.environ["MOTESPLATS_PUBLIC_URL"] = base
    try:
        proc = start_server(tmp_path_factory.mktemp("qr") / "data", port)
    finally:
        del os.environ["MOTESPLATS_PUBLIC_URL"]
    wait_for_http(base + "/", proc)
    yield base
    stop_server(proc)


def decode_qr(png: Path) -> str:
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: ./install.sh --dev installs zbar-tools")
    result = subprocess.run(
        [zbarimg, "--raw", "-q", str(png)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def arabic(msgid: str) -> str:
    with open(REPO / "kiosk/translations/ar/LC_MESSAGES/messages.po", "rb") as f:
        return read_po(f, locale="ar")[msgid].string


def test_qr_on_the_board_decodes_to_the_exact_signup_url(
    browser,
    public_server: str,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{public_server}/?lang=ar")
    # The first card still open for signups (late in the day today's may be over: no QR).
    card = page.locator(".card:not(.ended)", has=page.locator(".card-qr img")).first
    expected = public_server + card.locator(".card-qr").get_attribute("href") + "?lang=ar"
    src = card.locator(".card-qr img").get_attribute("src")
    page.set_content(
        f'<body style="margin:0;background:#fff"><img src="{public_server}{src}" '
        'width="400" height="400"></body>'
    )
    page.wait_for_load_state("networkidle")
    png = tmp_path / "qr.png"
    page.locator("img").screenshot(path=str(png))
    assert decode_qr(png) == expected
    page.close()


def test_sign_up_from_a_phone_in_arabic(browser, public_server: str, shot) -> None:  # type: ignore[no-untyped-def]
    url = public_server + next_signup_path(public_server, SWIM, lang="ar")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    shot(page, "signup-form-390x844-ar", full_page=True)
    page.fill("#name", "فاطمة")
    page.locator("[data-step='1'][data-for='children']").click()  # one child, by tapping +
    assert page.input_value("#children") == "1"
    page.check("input[name=consent]")
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    assert "/s/" in page.url
    banner = page.locator(".banner-ok")
    assert banner.is_visible() and arabic("Du är anmäld!") in banner.inner_text()
    assert page.locator(".code").inner_text().strip().isalnum()
    assert page.locator("img.qr").evaluate("img => img.naturalWidth > 0")
    shot(page, "signup-confirmed-390x844-ar", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()
