"""Browser fixtures: the real server in a subprocess and headless Debian Chromium."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.admin_helpers import PASSWORD
from tests.conftest import VENV_BIN, free_port, start_server, stop_server, wait_for_http

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    proc = start_server(tmp_path_factory.mktemp("browser") / "data", port)
    url = f"http://127.0.0.1:{port}"
    wait_for_http(url + "/", proc)
    yield url
    stop_server(proc)


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
        yield browser
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
    port = free_port()
    proc = start_server(data, port)  # creates the store with the demo week
    url = f"http://127.0.0.1:{port}"
    wait_for_http(url + "/", proc)
    stop_server(proc)
    made = subprocess.run(
        [
            str(VENV_BIN / "motesplats"),
            "create-admin",
            "--username",
            "anna",
            "--name",
            "Anna",
            "--data-dir",
            str(data),
        ],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    proc = start_server(data, port)
    wait_for_http(url + "/", proc)
    yield url
    stop_server(proc)
