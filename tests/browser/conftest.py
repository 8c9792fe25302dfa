"""Browser fixtures: the real server in a subprocess and headless Debian Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import clock as test_clock
from tests.admin_helpers import PASSWORD
from tests.conftest import (
    data_folder_with_admin,
    free_port,
    start_server,
    stop_server,
    wait_for_http,
)

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"


@contextmanager
def serving(data: Path) -> Iterator[str]:
    """`motesplats serve` on a data folder, on a free port of 127.0.0.1: its base URL."""
    port = free_port()
    proc = start_server(data, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/", proc)
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("browser") / "data") as url:
        yield url


def on_run_clock(context):  # type: ignore[no-untyped-def]
    """Put a browser context on the run's clock (tests.clock) with Playwright's clock, which
    fakes Date and the timers in its pages and lets the time run on. Chromium itself stays
    on the real clock: under libfaketime it runs 20 times slower."""
    if test_clock.faked():
        context.clock.install(time=test_clock.utc_now())
    return context


class ClockedBrowser:
    """The session's Chromium; every page and context it opens is on the run's clock."""

    def __init__(self, browser) -> None:  # type: ignore[no-untyped-def]
        self._browser = browser

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._browser, name)

    def new_context(self, **options):  # type: ignore[no-untyped-def]
        return on_run_clock(self._browser.new_context(**options))

    def new_page(self, **options):  # type: ignore[no-untyped-def]
        page = self._browser.new_page(**options)
        on_run_clock(page.context)
        return page


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: ./install.sh --dev installs it")
        pytest.skip(f"{CHROMIUM} is not installed (./install.sh --dev installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield ClockedBrowser(browser)
        browser.close()


@pytest.fixture
def shot():  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str, full_page: bool = False) -> Path:  # type: ignore[no-untyped-def]
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        assert path.stat().st_size > 10_000  # a real picture, not a blank page
        return path

    return take


@pytest.fixture
def admin_server(tmp_path: Path) -> Iterator[str]:
    """A server with the demo week and an admin, anna (password PASSWORD)."""
    data = tmp_path / "data"
    data_folder_with_admin(data)
    with serving(data) as url:
        yield url


def log_in(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """Open `url` (a volunteers' page, or the login with ?next=) and log in as anna."""
    page.goto(url)
    page.fill("#username", "anna")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
