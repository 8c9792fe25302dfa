"""Signup burst: 200 phones press "Sign up" at the same moment, against a live server.

Each phone first loads the form (its cookie and CSRF token), then all post together and each
opens the private page it is sent to, as a phone's browser does. Prints p50 / p95 / max of
the acknowledgement (POST until the server's 303 with the private link), the same with the
page load, errors, and the final confirmed / waitlisted counts. Target: p95 < 300 ms, 0
errors. The phones are coroutines in one asyncio process (`bench.async_phones`), so the
client takes little of the two cores the server needs. Then the same traffic against
waitress with a bare WSGI callable: the floor of this machine's HTTP stack, with no app.

Usage: `.venv/bin/python -m bench.signup [--phones N]`
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from bench.async_phones import AsyncPhone
from bench.board import REPO, THREADS, free_port, wait_for
from bench.live import live_server, record
from bench.phone import next_signup_path

ACTIVITY = "demo-simning-kvinnor@motesplats"  # 20 places in the demo week


def burst(base: str, phones: int, path: str | None = None) -> tuple[list[tuple], float]:
    """Every phone loads the form, then all post at once and open the page they are sent to.

    Returns (status, location, ack seconds, ack + page seconds) per phone, and the wall time.
    """
    return asyncio.run(_burst(base, phones, path or next_signup_path(base, ACTIVITY)))


def floor(phones: int) -> dict[str, float]:
    """The same traffic against waitress with a bare WSGI callable (a form page of the same
    size, a 303 for every post): what this machine's HTTP stack costs with no app at all."""
    tmp = Path(tempfile.mkdtemp(prefix="motesplats-bench-floor-"))
    page = b'<input name="csrf_token" value="floor"><p class="banner-ok">' + b"x" * 9000
    (tmp / "body").write_bytes(page)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.bare_wsgi", str(tmp / "body"), str(port), str(THREADS)],
        cwd=REPO,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/", timeout=30)
        results, wall = burst(base, phones, "/form")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    ack = sorted(r[2] * 1000 for r in results if r[0] != "error")
    return {
        "p50_ms": round(statistics.median(ack), 1),
        "p95_ms": round(statistics.quantiles(ack, n=20)[18], 1),
        "wall_s": round(wall, 2),
    }


async def _burst(base: str, phones: int, path: str) -> tuple[list[tuple], float]:
    address = urllib.parse.urlsplit(base)
    crowd = [AsyncPhone(address.hostname or "127.0.0.1", address.port or 80) for _ in range(phones)]
    loading = asyncio.Semaphore(20)

    async def load(phone: AsyncPhone) -> None:
        async with loading:
            await phone.open_form(path)

    await asyncio.gather(*(load(p) for p in crowd))

    async def press(number: int, phone: AsyncPhone) -> tuple:
        location, seconds = await phone.sign_up(path, f"Phone {number}")
        opened = time.perf_counter()
        status = await phone.status(location) if location else "error"
        return status, location, seconds, seconds + time.perf_counter() - opened

    began = time.perf_counter()
    results = await asyncio.gather(*(press(i, p) for i, p in enumerate(crowd)))
    return list(results), time.perf_counter() - began


def main(argv: list[str]) -> dict:
    phones = int(argv[argv.index("--phones") + 1]) if "--phones" in argv else 200
    with live_server("signup") as base:
        results, wall = burst(base, phones)
    ack = sorted(r[2] * 1000 for r in results if r[0] != "error")
    page = sorted(r[3] * 1000 for r in results if r[0] != "error")
    counts = Counter(r[0] for r in results)
    figures = {
        "phones": phones,
        "p50_ms": round(statistics.median(ack), 1),
        "p95_ms": round(statistics.quantiles(ack, n=20)[18], 1),
        "max_ms": round(ack[-1], 1),
        "with_page_p95_ms": round(statistics.quantiles(page, n=20)[18], 1),
        "errors": counts.get("error", 0),
        "distinct_links": len({r[1] for r in results if r[1]}),
        "confirmed": counts.get("confirmed", 0),
        "waitlisted": counts.get("waitlisted", 0),
        "wall_s": round(wall, 2),
    }
    print(f"Signup burst: {phones} phones at once for 20 places ({os.cpu_count()} cores)")
    print(
        f"  latency p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms "
        f"(target < 300), max {figures['max_ms']} ms; all done in {figures['wall_s']} s"
    )
    print(f"  with the private page opened: p95 {figures['with_page_p95_ms']} ms")
    print(
        f"  errors {figures['errors']}; confirmed {figures['confirmed']}, "
        f"waitlisted {figures['waitlisted']}; {figures['distinct_links']} distinct private links"
    )
    bare = floor(phones)
    figures["bare_waitress_floor"] = bare
    print(
        f"  the same traffic against a bare WSGI callable on waitress (no app): p50 "
        f"{bare['p50_ms']} ms, p95 {bare['p95_ms']} ms, all done in {bare['wall_s']} s"
    )
    record("signup_burst", figures)
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
