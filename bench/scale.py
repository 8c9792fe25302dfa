"""Scale: the board, the feeds and the API of a real server at 1k, 10k and 50k stored activities.

For each size a data folder holds the demo week plus N activities, each a single event on a
day within two years either side of today (a municipality's archive and plans, so the week
shows what a real week would). Against a real `motesplats serve` (8 threads) it measures:

1. cold start: until the socket accepts, until the first board answers; memory then (RSS);
2. the board `/` (gzip, as browsers ask) with wrk (2 threads, 16 connections): quiet, and
   while the kiosk signs someone up once a second (rate, p99, and the ratio of the two);
3. the board rendered right after a signup (live) and after an activity edit (in-process,
   the same code without HTTP), with the cards it shows counted as `<article class="card`;
4. `/calendar.ics` and `/api/activities` (a month): the first build after a write, the kept
   answer, and the server's peak memory (VmHWM) across the feed's build.

Then the feeds at 2,000 events (all within the feed's year), with wrk beside the ceilings of
the same bytes: waitress with a bare WSGI callable, and nginx if it is on this machine; and
beside Gancio if a Gancio build is on this machine (`GANCIO_URL` of one seeded with the same
events; not installed by the project), else it says so. Results go to
bench/results/latest.json (section `scale`).

Usage: `.venv/bin/python -m bench.scale [--quick] [--sizes 1000,50000]` (quick: 1k and
10k, 5 s loads).
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.board import REPO, THREADS, free_port, realistic_activities, wait_for
from bench.live import record
from bench.phone import Phone, next_signup_path
from kiosk.activities.model import utc_iso

ZONE = ZoneInfo("Europe/Stockholm")
SWIM = "demo-simning-kvinnor@motesplats"  # takes signups
GZIP = {"Accept-Encoding": "gzip"}
CARD = b'<article class="card'


def spread(docs: list[dict], now: datetime, days: int = 1461, ahead: bool = False) -> list[dict]:
    """Each activity a single event at 10-17 on a day within `days` centred on now (or
    from today on, `ahead`)."""
    for i, doc in enumerate(docs):
        day = (i * 37) % days - (0 if ahead else days // 2)
        start = (now + timedelta(days=day)).replace(hour=10 + i % 8, minute=0, second=0)
        doc.update(
            rrule=None,
            exdates=[],
            overrides={},
            rdates=[],
            start=utc_iso(start),
            end=utc_iso(start + timedelta(hours=2)),
        )
    return docs


def make_data(folder: Path, size: int, days: int = 1461, ahead: bool = False) -> None:
    """The demo week (places, organisers, settings) plus `size` spread activities, with the
    data file settled (written whole, the journal empty) as after any day of use."""
    from kiosk import create_app, services

    app = create_app({"DATA_DIR": str(folder), "TESTING": True})
    store = services.get_for(app).store
    docs = spread(realistic_activities(size), datetime.now(ZONE), days, ahead)
    for first in range(0, len(docs), 5000):
        store.put_many("activities", docs[first : first + 5000])
    store.compact()
    store.close()


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name = line.split(":")[0]
        if name in ("VmRSS", "VmHWM"):
            found[name] = round(int(line.split()[1]) / 1024, 1)
    return found


def reset_peak(pid: int) -> None:
    """Start VmHWM again from the current RSS (Linux: write 5 to clear_refs)."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


class Server:
    """`motesplats serve` on a data folder, with the times of its start."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        began = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "motesplats"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--threads",
                str(THREADS),
                "--data-dir",
                str(folder),
            ],
            env={**os.environ, "MOTESPLATS_LOG_LEVEL": "ERROR"},
            cwd=REPO,
        )
        self.listening_s = self._until_listening(began)
        wait_for(self.base + "/?lang=sv", timeout=120)
        self.board_s = time.perf_counter() - began

    def _until_listening(self, began: float) -> float:
        while time.perf_counter() - began < 120:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return time.perf_counter() - began
            except OSError:
                time.sleep(0.02)
        raise SystemExit("the server did not listen within 120 s")

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        began = time.perf_counter()
        conn.request("GET", path, headers=headers or {})
        answer = conn.getresponse()
        body = answer.read()
        conn.close()
        return answer.status, body, time.perf_counter() - began

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def wrk(url: str, seconds: int, headers: dict[str, str] | None = None) -> dict[str, float]:
    """Requests/s and latency percentiles of `url` under wrk (2 threads, 16 connections)."""
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)

    def ms(label: str) -> float:
        found = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:
            return float("nan")
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return {
        "rps": round(float(rps.group(1)) if rps else 0.0, 1),
        "p50_ms": round(ms("50"), 2),
        "p99_ms": round(ms("99"), 2),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


class Signups:
    """The kiosk signs someone up once a second (127.0.0.1: no per-phone limits)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.phone = Phone(base)
        self.path = next_signup_path(base, SWIM)
        self.phone.open_form(self.path)
        self.done: list[float] = []
        self.failed = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def one(self, name: str) -> float:
        location, seconds = self.phone.acknowledge(self.path, name)
        if location is None:
            self.failed += 1
        self.done.append(seconds)
        return seconds

    def __enter__(self) -> Signups:
        def run() -> None:
            n = 0
            while not self._stop.wait(max(0.0, 1.0 - (time.perf_counter() % 1.0))):
                n += 1
                self.one(f"Besökare {n}")

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=60)


def render_after_signup(server: Server, signups: Signups, rounds: int = 7) -> list[float]:
    """The board fetched right after each of `rounds` signups (each a store write)."""
    timings = []
    for n in range(rounds):
        signups.one(f"Mätning {n}")
        status, _, seconds = server.get("/?lang=sv", GZIP)
        assert status == 200
        timings.append(seconds * 1000)
    return timings


def render_after_edit(folder: Path, rounds: int = 7) -> dict[str, float]:
    """In-process: the board rendered right after an activity is edited (the catalogue,
    the occurrence index and the page; no HTTP), median and slowest of `rounds`."""
    from kiosk import create_app, services

    app = create_app({"DATA_DIR": str(folder), "TESTING": True, "DEMO_ON_EMPTY": False})
    svc = services.get_for(app)
    client = app.test_client()
    client.get("/?lang=sv")
    timings = []
    for n in range(rounds):
        doc = svc.store.get("activities", f"bench-{n * 13}@motesplats")
        doc["title"] = {**doc["title"], "sv": f"Ändrad {n}"}
        svc.store.put("activities", doc)
        began = time.perf_counter()
        client.get("/?lang=sv")
        timings.append((time.perf_counter() - began) * 1000)
    svc.store.close()
    return {"median_ms": round(statistics.median(timings), 1), "max_ms": round(max(timings), 1)}


def feed_figures(server: Server, signups: Signups) -> dict[str, object]:
    """The feed and a month of the API: the first build (nothing kept yet), then the kept
    answer; the server's peak memory while the feed is built."""
    reset_peak(server.proc.pid)
    before = memory_mb(server.proc.pid)
    status, body, first = server.get("/calendar.ics", GZIP)
    assert status == 200, status
    peak = memory_mb(server.proc.pid)["VmHWM"]
    kept = statistics.median(server.get("/calendar.ics", GZIP)[2] for _ in range(5))
    events = gzip.decompress(body).count(b"BEGIN:VEVENT")
    today = datetime.now(ZONE).date()
    month = f"/api/activities?from={today}&to={today + timedelta(days=30)}"
    api_first = server.get(month, GZIP)[2]
    api_kept = statistics.median(server.get(month, GZIP)[2] for _ in range(5))
    return {
        "feed_events": events,
        "feed_gzip_bytes": len(body),
        "feed_first_s": round(first, 2),
        "feed_kept_ms": round(kept * 1000, 1),
        "feed_build_peak_mb": peak,
        "rss_before_feed_mb": before["VmRSS"],
        "api_month_first_ms": round(api_first * 1000, 1),
        "api_month_kept_ms": round(api_kept * 1000, 1),
    }


def one_size(size: int, seconds: int) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix=f"motesplats-bench-scale-{size}-"))
    try:
        began = time.perf_counter()
        make_data(tmp / "data", size)
        made_s = time.perf_counter() - began
        server = Server(tmp / "data")
        try:
            figures: dict[str, object] = {
                "data_made_s": round(made_s, 1),
                "cold_listen_s": round(server.listening_s, 2),
                "cold_board_s": round(server.board_s, 2),
                "rss_after_start_mb": memory_mb(server.proc.pid)["VmRSS"],
            }
            status, body, _ = server.get("/?lang=sv")
            figures["cards_first_page"] = body.count(CARD)
            status, body, _ = server.get("/?lang=sv&show=2000")
            figures["cards_in_week"] = body.count(CARD)
            url = server.base + "/?lang=sv"
            wrk(url, 2, GZIP)  # warm up
            quiet = wrk(url, seconds, GZIP)
            signups = Signups(server.base)
            with signups:
                busy = wrk(url, seconds, GZIP)
            figures.update(
                board_quiet=quiet,
                board_busy=busy,
                busy_to_quiet=round(busy["rps"] / quiet["rps"], 3) if quiet["rps"] else 0,
                signups_during_load=len(signups.done),
                signup_failures=signups.failed,
            )
            after = render_after_signup(server, signups)
            figures["render_after_signup_ms"] = {
                "median": round(statistics.median(after), 1),
                "max": round(max(after), 1),
            }
            figures.update(feed_figures(server, signups))
            figures["rss_end_mb"] = memory_mb(server.proc.pid)["VmRSS"]
        finally:
            server.stop()
        figures["render_after_edit_ms"] = render_after_edit(tmp / "data")
        return figures
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _rate_of(command: list[str], port: int, seconds: int) -> dict[str, float]:
    """wrk's figures for a server started by `command` on `port` (stopped afterwards)."""
    proc = subprocess.Popen(command, cwd=REPO)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        return wrk(f"http://127.0.0.1:{port}/", seconds)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def ceiling(body: bytes, kind: str, seconds: int) -> dict[str, object]:
    """The same gzipped bytes from waitress with a bare WSGI callable, and from nginx."""
    tmp = Path(tempfile.mkdtemp(prefix="motesplats-bench-ceiling-"))
    found: dict[str, object] = {}
    try:
        (tmp / "body").write_bytes(body)
        port = free_port()
        bare = [sys.executable, "-m", "bench.bare_wsgi", str(tmp / "body"), str(port), str(THREADS)]
        found["bare_wsgi"] = _rate_of(bare, port, seconds)
        nginx = shutil.which("nginx") or (
            "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
        )
        if nginx is None:
            found["nginx"] = "not on this machine"
            return found
        port = free_port()
        conf = tmp / "nginx.conf"
        conf.write_text(
            f"daemon off; worker_processes 1; pid {tmp}/nginx.pid; error_log {tmp}/error.log;\n"
            f"events {{}}\nhttp {{ access_log off; types {{}} default_type {kind};\n"
            f"  client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp};\n"
            f"  uwsgi_temp_path {tmp}; scgi_temp_path {tmp};\n"
            f"  server {{ listen 127.0.0.1:{port}; root {tmp};\n"
            f"    location / {{ try_files /body =404; }} }} }}\n"
        )
        found["nginx"] = _rate_of([nginx, "-c", str(conf), "-p", str(tmp)], port, seconds)
        return found
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def feeds_at_2000(seconds: int) -> dict[str, object]:
    """2,000 activities within the feed's year: feed and API rates beside the ceilings."""
    tmp = Path(tempfile.mkdtemp(prefix="motesplats-bench-feeds-"))
    try:
        make_data(tmp / "data", 2000, days=600)
        server = Server(tmp / "data")
        try:
            today = datetime.now(ZONE).date()
            paths = {
                "calendar.ics": "/calendar.ics",
                "api_year": f"/api/activities?from={today}&to={today + timedelta(days=365)}",
            }
            found: dict[str, object] = {}
            for name, path in paths.items():
                status, body, _ = server.get(path, GZIP)
                rate = wrk(server.base + path, seconds, GZIP)
                found[name] = {
                    "gzip_bytes": len(body),
                    "motesplats": rate,
                    **ceiling(body, "application/octet-stream", seconds),
                }
            status, body, _ = server.get("/calendar.ics")
            found["calendar.ics"]["events"] = body.count(b"BEGIN:VEVENT")  # type: ignore[index]
        finally:
            server.stop()
        # After a restart nothing is kept: 16 calendar apps ask at once, one build serves all.
        server = Server(tmp / "data")
        try:
            answered: list[float] = []
            began = time.perf_counter()
            threads = [
                threading.Thread(
                    target=lambda: answered.append(server.get("/calendar.ics", GZIP)[2])
                )
                for _ in range(16)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            found["sixteen_after_restart_s"] = round(time.perf_counter() - began, 2)
            found["sixteen_answered"] = len(answered)
        finally:
            server.stop()
        gancio = os.environ.get("GANCIO_URL")
        if gancio:
            found["gancio"] = {
                "calendar.ics": wrk(gancio.rstrip("/") + "/feed/ics", seconds),
                "api": wrk(gancio.rstrip("/") + "/api/events", seconds),
            }
        else:
            found["gancio"] = "not on this machine (set GANCIO_URL to a seeded Gancio)"
        return found
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str]) -> dict:
    quick = "--quick" in argv
    sizes = [1000, 10000] if quick else [1000, 10000, 50000]
    if "--sizes" in argv:
        sizes = [int(n) for n in argv[argv.index("--sizes") + 1].split(",")]
    seconds = 5 if quick else 8
    load = os.getloadavg()
    print(f"Scale (issue 23): {os.cpu_count()} cores, load average {load[0]:.2f} at the start")
    results: dict[str, object] = {"load_at_start": round(load[0], 2)}
    for size in sizes:
        row = one_size(size, seconds)
        results[str(size)] = row
        quiet, busy = row["board_quiet"], row["board_busy"]
        print(
            f"  {size:>6} activities ({row['cards_in_week']} cards this week, first page "
            f"{row['cards_first_page']}):"
        )
        print(
            f"    cold start: listening {row['cold_listen_s']} s, board {row['cold_board_s']} s, "
            f"RSS {row['rss_after_start_mb']} MB (at the end {row['rss_end_mb']} MB)"
        )
        print(
            f"    board quiet {quiet['rps']} req/s p99 {quiet['p99_ms']} ms; with a signup a "
            f"second {busy['rps']} req/s p99 {busy['p99_ms']} ms = {row['busy_to_quiet']:.0%} "
            f"of quiet ({row['signups_during_load']} signups, {row['signup_failures']} failed)"
        )
        print(
            f"    board right after a signup: median {row['render_after_signup_ms']['median']} "
            f"ms, max {row['render_after_signup_ms']['max']} ms; after an activity edit "
            f"(in-process) median {row['render_after_edit_ms']['median_ms']} ms, max "
            f"{row['render_after_edit_ms']['max_ms']} ms"
        )
        print(
            f"    /calendar.ics: {row['feed_events']} VEVENTs, {row['feed_gzip_bytes']:,} bytes "
            f"gzipped; first build {row['feed_first_s']} s, kept {row['feed_kept_ms']} "
            f"ms; peak memory while built {row['feed_build_peak_mb']} MB"
        )
        print(
            f"    /api/activities (a month): first {row['api_month_first_ms']} ms, kept "
            f"{row['api_month_kept_ms']} ms"
        )
        sys.stdout.flush()
    feeds = feeds_at_2000(seconds)
    results["feeds_at_2000"] = feeds
    print("  feeds at 2,000 activities within the year (gzip, wrk 16 connections):")
    for name in ("calendar.ics", "api_year"):
        row = feeds[name]
        mine, bare = row["motesplats"], row["bare_wsgi"]
        nginx = row["nginx"]
        nginx_text = f"nginx {nginx['rps']} req/s" if isinstance(nginx, dict) else f"nginx {nginx}"
        print(
            f"    {name}: {mine['rps']} req/s p99 {mine['p99_ms']} ms; bare WSGI "
            f"{bare['rps']} req/s ({mine['rps'] / bare['rps']:.0%}); {nginx_text}; "
            f"{row['gzip_bytes']:,} bytes"
        )
    print(
        f"    16 calendar apps at once right after a restart: {feeds['sixteen_answered']} "
        f"answered, the last after {feeds['sixteen_after_restart_s']} s"
    )
    print(f"    Gancio: {feeds['gancio'] if isinstance(feeds['gancio'], str) else 'measured'}")
    results["load_at_end"] = round(os.getloadavg()[0], 2)
    print(f"  load average at the end {results['load_at_end']}")
    record("scale", results)
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
