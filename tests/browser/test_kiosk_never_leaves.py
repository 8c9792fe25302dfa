"""The kiosk never leaves the board: links to other hosts become a QR code on the screen,
phone numbers are shown large, and the kiosk browser's managed policy blocks other hosts."""

from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.village_pc import chromium_policy
from tests.browser.conftest import CHROMIUM, serving
from tests.conftest import free_port

pytestmark = [pytest.mark.browser, pytest.mark.today]
SWIM = "demo-simning-kvinnor@motesplats"
KIOSK = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def kiosk_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("kiosk-links") / "data") as url:
        yield url.replace("127.0.0.1", "localhost")  # as the kiosk's own browser opens it


@pytest.fixture
def other_host() -> Iterator[str]:
    """A web site on another host (127.0.0.2 is loopback too, but not the board's host)."""
    port = free_port()

    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<h1>another site</h1>")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.2", port), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.2:{port}/"
    server.shutdown()


def test_a_map_link_on_the_kiosk_shows_a_qr_code_and_stays(browser, kiosk_url: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=KIOSK, has_touch=True)
    page.goto(f"{kiosk_url}/a/{SWIM}?lang=ar")
    before = page.url
    page.locator("a[href*='openstreetmap']").first.tap()
    dialog = page.locator("dialog[data-elsewhere]")
    dialog.wait_for(state="visible")
    assert page.url == before  # still on the board
    qr = dialog.locator("img[data-elsewhere-qr]")
    assert "openstreetmap" in qr.get_attribute("src")
    # drawn (it may still be on its way when the dialog opens: wait for it to decode)
    assert qr.evaluate("img => img.decode().then(() => img.naturalWidth > 0)")
    assert "openstreetmap.org" in dialog.locator("[data-elsewhere-target]").inner_text()
    shot(page, "kiosk-elsewhere-qr-1920x1080-ar")
    dialog.locator("[data-elsewhere-close]").tap()
    assert not dialog.is_visible()
    # a phone number: shown large, no call attempted from the kiosk
    page.locator("a[href^='tel:']").first.tap()
    assert dialog.is_visible() and page.url == before
    number = dialog.locator(".phone-number")
    assert number.is_visible() and number.bounding_box()["height"] >= 40
    page.close()


def test_links_on_a_phone_are_untouched(browser, kiosk_url: str) -> None:  # type: ignore[no-untyped-def]
    phone_url = kiosk_url.replace("localhost", "127.0.0.1")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{phone_url}/a/{SWIM}?lang=sv")
    page.evaluate("document.querySelector(\"a[href*='openstreetmap']\").href = 'about:blank'")
    page.locator("a[href='about:blank']").first.click()
    page.wait_for_url("about:blank")
    page.close()


def test_the_kiosk_browsers_policy_blocks_other_hosts(
    browser, kiosk_url: str, other_host: str
) -> None:  # type: ignore[no-untyped-def]
    """The policy file install.sh --kiosk writes, loaded by Debian's Chromium (a browser
    started for this test: Chromium reads managed policies when it starts)."""
    target = chromium_policy.POLICY_FILE
    if not os.access(target.parent if target.parent.exists() else Path("/etc"), os.W_OK):
        if os.environ.get("CI"):
            pytest.fail(f"cannot write {target}: CI runs as root")
        pytest.skip(f"cannot write {target} (not root)")
    launcher = browser.browser_type
    plain = launcher.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    page = plain.new_context().new_page()
    assert "another site" in page.goto(other_host).text()  # reachable without the policy
    plain.close()
    chromium_policy.write(target)
    try:
        kiosk = launcher.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = kiosk.new_context().new_page()
        with pytest.raises(Exception, match="ERR_BLOCKED_BY_ADMINISTRATOR"):
            page.goto(other_host)
        page = page.context.new_page()
        board = page.goto(f"{kiosk_url}/?lang=sv")
        assert board is not None and board.ok  # the board itself is allowed
        kiosk.close()
    finally:
        target.unlink(missing_ok=True)
