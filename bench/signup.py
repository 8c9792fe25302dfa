"""Signup burst: 200 phones press "Sign up" at the same moment, against a live server.

Each phone first loads the form (its cookie and CSRF token), then all post together. Prints
p50 / p95 / max latency of the POST (its redirect to the confirmation page included),
errors, and the final confirmed / waitlisted counts. Target: p95 < 300 ms, 0 errors.

Usage: `.venv/bin/python -m bench.signup [--phones N]`
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.board import REPO, RESULTS, free_port, wait_for
from bench.phone import Phone, next_signup_path

ACTIVITY = "demo-simning-kvinnor@motesplats"  # 20 places in the demo week


def _phones_in_one_process(args: tuple[str, str, list[int], Any]) -> list[tuple]:
    """One client process: load its phones' forms, wait for everyone, press together."""
    base, path, numbers, ready = args
    phones = {i: Phone(base) for i in numbers}
    for phone in phones.values():
        phone.open_form(path)
    together = threading.Barrier(len(numbers))
    out: list[tuple] = []

    def press(i: int) -> None:
        together.wait()
        location, seconds = phones[i].acknowledge(path, f"Phone {i}")
        opened = time.perf_counter()
        status = phones[i].status(location) if location else "error"
        out.append((status, location, seconds, seconds + time.perf_counter() - opened))

    threads = [threading.Thread(target=press, args=(i,)) for i in numbers]
    ready.wait()  # every process has loaded its forms
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def burst(base: str, phones: int, processes: int = 8) -> tuple[list[tuple], float]:
    """All phones press at once; the client is spread over processes so it is no bottleneck."""
    path = next_signup_path(base, ACTIVITY)
    with multiprocessing.Manager() as manager:
        ready = manager.Barrier(processes + 1)
        groups = [list(range(p, phones, processes)) for p in range(processes)]
        with multiprocessing.Pool(processes) as pool:
            pending = pool.map_async(
                _phones_in_one_process, [(base, path, g, ready) for g in groups]
            )
            ready.wait()
            began = time.perf_counter()
            results = [r for group in pending.get(timeout=300) for r in group]
    return results, time.perf_counter() - began


def main(argv: list[str]) -> dict:
    phones = int(argv[argv.index("--phones") + 1]) if "--phones" in argv else 200
    tmp = Path(tempfile.mkdtemp(prefix="motesplats-bench-signup-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "motesplats"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(tmp / "data"),
        ],
        env={**os.environ, "MOTESPLATS_LOG_LEVEL": "ERROR"},
        cwd=REPO,
    )
    try:
        wait_for(base + "/")
        results, wall = burst(base, phones)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
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
        "confirmed": counts.get("confirmed", 0),
        "waitlisted": counts.get("waitlisted", 0),
        "wall_s": round(wall, 2),
    }
    print(f"Signup burst: {phones} phones at once for 20 places ({os.cpu_count()} cores)")
    print(
        f"  latency p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms "
        f"(target < 300), max {figures['max_ms']} ms; all done in {figures['wall_s']} s"
    )
    print(
        f"  errors {figures['errors']}; confirmed {figures['confirmed']}, "
        f"waitlisted {figures['waitlisted']}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    latest = RESULTS / "latest.json"
    data = json.loads(latest.read_text()) if latest.exists() else {}
    data["signup_burst"] = figures
    latest.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
