"""Board throughput against the stack's ceiling, and the cost of one write as data grows.

Prints, from one run on this machine:
1. requests/s for `/` on the real `motesplats serve`, and for a bare WSGI callable on the
   same waitress settings returning the same bytes, and their ratio; plus `/` answered
   with 304 to a conditional request. Load comes from `wrk` (16 connections) when
   installed, otherwise from a multi-process Python client.
2. the cost of one write at 1k, 10k and 50k stored activities: the fsynced journal append,
   the occasional rewrite of the data file, and the two amortised over the writes between
   rewrites; and the ratio 50k : 1k.
Results also go to bench/results/latest.json.

Usage: `.venv/bin/python -m bench.board [--quick]` (quick: shorter runs, 1k and 10k only).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
THREADS = 8
CONNECTIONS = 16


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def _client_worker(args: tuple[int, str, float, dict[str, str]]) -> int:
    import http.client

    port, path, seconds, headers = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    done, stop = 0, time.monotonic() + seconds
    while time.monotonic() < stop:
        conn.request("GET", path, headers=headers)
        conn.getresponse().read()
        done += 1
    return done


def load(port: int, path: str, seconds: float, headers: dict[str, str] | None = None) -> float:
    """Requests per second at CONNECTIONS concurrent keep-alive connections."""
    headers = headers or {}
    if shutil.which("wrk"):
        cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{int(seconds)}s"]
        for k, v in headers.items():
            cmd += ["-H", f"{k}: {v}"]
        out = subprocess.run(
            [*cmd, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
        ).stdout
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        if errors:
            raise SystemExit(f"{errors.group(1)} error responses:\n{out}")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    with multiprocessing.Pool(CONNECTIONS) as pool:
        counts = pool.map(_client_worker, [(port, path, seconds, headers)] * CONNECTIONS)
    return sum(counts) / seconds


def bench_throughput(seconds: float) -> dict[str, float | int | str]:
    tmp = Path(tempfile.mkdtemp(prefix="motesplats-bench-"))
    board_port, bare_port = free_port(), free_port()
    env = {**os.environ, "MOTESPLATS_LOG_LEVEL": "ERROR"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "motesplats"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(board_port),
            "--threads",
            str(THREADS),
            "--data-dir",
            str(tmp / "data"),
        ],
        env=env,
        cwd=REPO,
    )
    bare = None
    try:
        wait_for(f"http://127.0.0.1:{board_port}/")
        with urllib.request.urlopen(f"http://127.0.0.1:{board_port}/") as response:
            body = response.read()
            etag = response.headers["ETag"]
        (tmp / "body.html").write_bytes(body)
        bare = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.bare_wsgi",
                str(tmp / "body.html"),
                str(bare_port),
                str(THREADS),
            ],
            cwd=REPO,
        )
        wait_for(f"http://127.0.0.1:{bare_port}/")
        load(board_port, "/", 2)  # warm up
        load(bare_port, "/", 2)
        board_rps = load(board_port, "/", seconds)
        bare_rps = load(bare_port, "/", seconds)
        not_modified_rps = load(board_port, "/", seconds, {"If-None-Match": etag})
    finally:
        for proc in (server, bare):
            if proc:
                proc.terminate()
                proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "body_bytes": len(body),
        "board_rps": round(board_rps),
        "bare_wsgi_rps": round(bare_rps),
        "board_to_bare_ratio": round(board_rps / bare_rps, 3),
        "board_304_rps": round(not_modified_rps),
        "load_generator": "wrk" if shutil.which("wrk") else "python multiprocess",
    }


def realistic_activities(count: int) -> list[dict]:
    from kiosk.activities.demo import build_activities

    now = datetime.now(UTC).astimezone(ZoneInfo("Europe/Stockholm"))
    templates = [a.to_doc() for a in build_activities(now)]
    docs = []
    for i in range(count):
        doc = json.loads(json.dumps(templates[i % len(templates)]))
        doc["id"] = f"bench-{i}@motesplats"
        doc["title"] = {k: f"{v} {i}" for k, v in doc["title"].items()}
        docs.append(doc)
    return docs


def bench_write_cost(sizes: list[int], writes: int = 300) -> dict[str, dict[str, float]]:
    from kiosk.store import open_store

    results: dict[str, dict[str, float]] = {}
    for size in sizes:
        tmp = Path(tempfile.mkdtemp(prefix="motesplats-bench-store-"))
        try:
            store = open_store(tmp, backup_interval=timedelta(days=1))
            store.put_many("activities", realistic_activities(size))
            store.compact()
            extra = realistic_activities(size + writes)[size:]
            timings, line_bytes = [], []
            for i, doc in enumerate(extra):
                if i % 2:  # half new activities, half edits of existing ones
                    doc = {**doc, "id": f"bench-{(i * 7919) % size}@motesplats"}
                before = store.journal_path.stat().st_size
                t0 = time.perf_counter()
                store.put("activities", doc)
                timings.append(time.perf_counter() - t0)
                line_bytes.append(store.journal_path.stat().st_size - before)
            t0 = time.perf_counter()
            store.compact()
            compaction = time.perf_counter() - t0
            snapshot_bytes = store.snapshot_path.stat().st_size
            store.close()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        # A rewrite happens once the journal outgrows max(4 MiB, data file): its cost is
        # shared by that many bytes of writes.
        writes_per_rewrite = max(4 * 1024 * 1024, snapshot_bytes) / statistics.mean(line_bytes)
        append_ms = statistics.median(timings) * 1000
        results[str(size)] = {
            "append_median_ms": round(append_ms, 3),
            "append_p95_ms": round(statistics.quantiles(timings, n=20)[18] * 1000, 3),
            "rewrite_ms": round(compaction * 1000, 1),
            "data_file_mb": round(snapshot_bytes / 1e6, 1),
            "amortised_ms": round(append_ms + compaction * 1000 / writes_per_rewrite, 3),
        }
    return results


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    seconds = 3 if quick else 10
    sizes = [1000, 10000] if quick else [1000, 10000, 50000]
    print(
        f"Mötesplats board benchmark ({os.cpu_count()} cores, {THREADS} waitress threads, "
        f"{CONNECTIONS} connections, {seconds} s per run)"
    )
    throughput = bench_throughput(seconds)
    print(f"  body of /                 {throughput['body_bytes']:>8} bytes")
    print(f"  bare WSGI ceiling         {throughput['bare_wsgi_rps']:>8} req/s")
    print(
        f"  board /                   {throughput['board_rps']:>8} req/s  "
        f"({throughput['board_to_bare_ratio']:.0%} of the ceiling; target ≥ 50%)"
    )
    print(f"  board / answered 304      {throughput['board_304_rps']:>8} req/s")
    writes = bench_write_cost(sizes)
    print("  one write (fsynced journal append; data-file rewrite amortised):")
    for size, row in writes.items():
        print(
            f"    {int(size):>6} activities: append {row['append_median_ms']:.3f} ms "
            f"(p95 {row['append_p95_ms']:.3f}), rewrite {row['rewrite_ms']} ms of a "
            f"{row['data_file_mb']} MB file, amortised {row['amortised_ms']:.3f} ms"
        )
    first, last = writes[str(sizes[0])], writes[str(sizes[-1])]
    ratio = last["amortised_ms"] / first["amortised_ms"]
    print(f"  write cost {sizes[-1]} : {sizes[0]} = {ratio:.2f}x (target ≤ 3x)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "throughput": throughput,
        "write_cost": writes,
        "write_cost_ratio_last_to_first": round(ratio, 2),
    }
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"  written to {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main(sys.argv[1:])
