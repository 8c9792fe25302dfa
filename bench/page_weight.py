"""Page weight: what a phone downloads the first time it opens the board or a signup form.

Opens each page in a fresh headless Chromium (390x844, empty cache) against the real
`motesplats serve`, and adds up every response the page asked for (HTML, CSS, scripts,
icons, QR codes, manifest): bytes as sent (waitress sends them uncompressed) and gzipped
at level 6 (what the municipality's HTTPS proxy sends). The service worker's background
installation (the app shell and the offline page in six languages) is counted apart.
Also counts requests to any other host (there must be none). Target: `/` < 100 KB gzipped.

Usage: `.venv/bin/python -m bench.page_weight`
"""

from __future__ import annotations

import gzip
import sys
from urllib.parse import urlsplit

from bench.live import live_server, record
from bench.phone import next_signup_path
from bench.scale import make_data

CHROMIUM = "/usr/bin/chromium"
TARGET_KB = 100
SWIM = "demo-simning-kvinnor@motesplats"


def weigh(browser, url: str) -> dict:  # type: ignore[no-untyped-def]
    """Open `url` in a new context; sum what the page and the worker downloaded."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    responses = []
    context.on("response", lambda response: responses.append(response))
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if page.evaluate("window.isSecureContext && 'serviceWorker' in navigator"):
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_timeout(500)
    origin = urlsplit(url).netloc
    totals = {"page": [0, 0, 0], "worker": [0, 0, 0]}  # requests, raw bytes, gzipped bytes
    foreign = 0
    for response in responses:
        if urlsplit(response.url).netloc != origin:
            foreign += 1
            continue
        try:
            body = response.body()
        except Exception:  # a redirect has no body
            body = b""
        part = "worker" if response.request.service_worker else "page"
        totals[part][0] += 1
        totals[part][1] += len(body)
        totals[part][2] += len(gzip.compress(body, 6))
    context.close()
    return {
        "requests": totals["page"][0],
        "bytes": totals["page"][1],
        "gzip_bytes": totals["page"][2],
        "worker_requests": totals["worker"][0],
        "worker_bytes": totals["worker"][1],
        "worker_gzip_bytes": totals["worker"][2],
        "other_hosts": foreign,
    }


def main(argv: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    figures: dict[str, dict] = {}
    with live_server("weight") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        local = base.replace("127.0.0.1", "localhost")  # a secure origin: the worker installs
        signup = next_signup_path(base, SWIM)
        for name, url in (
            ("board_sv", local + "/?lang=sv"),
            ("board_ar", local + "/?lang=ar"),
            ("signup_sv", local + signup),
        ):
            figures[name] = weigh(browser, url)
        browser.close()
    # A busy week: 2,000 activities in the next seven days (the first page shows 48 cards).
    with (
        live_server(
            "weight-2000", prepare=lambda d: make_data(d, 2000, days=7, ahead=True)
        ) as base,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        local = base.replace("127.0.0.1", "localhost")
        figures["board_sv_2000_in_week"] = weigh(browser, local + "/?lang=sv")
        browser.close()
    print("Page weight, first visit on a 390x844 phone (empty cache)")
    for name, f in figures.items():
        print(
            f"  {name}: {f['requests']} requests, {f['bytes'] / 1024:.1f} KB as sent, "
            f"{f['gzip_bytes'] / 1024:.1f} KB gzipped (target < {TARGET_KB} KB); "
            f"service worker install: {f['worker_requests']} requests, "
            f"{f['worker_gzip_bytes'] / 1024:.1f} KB gzipped; other hosts: {f['other_hosts']}"
        )
    record("page_weight", figures)
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
