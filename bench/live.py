"""What several benchmarks share: a real `motesplats serve` in a subprocess, and the results
file `bench/results/latest.json` where each benchmark records its figures under its name."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.board import REPO, RESULTS, free_port, wait_for


@contextmanager
def live_server(
    name: str, host: str = "127.0.0.1", prepare: Callable[[Path], object] | None = None
) -> Iterator[str]:
    """Serve a fresh data folder (the demo week, or what `prepare(folder)` puts there) on a
    free port; yields the base URL."""
    tmp = Path(tempfile.mkdtemp(prefix=f"motesplats-bench-{name}-"))
    if prepare is not None:
        prepare(tmp / "data")
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "motesplats"),
            "serve",
            "--host",
            host,
            "--port",
            str(port),
            "--data-dir",
            str(tmp / "data"),
        ],
        env={**os.environ, "MOTESPLATS_LOG_LEVEL": "ERROR"},
        cwd=REPO,
    )
    base = f"http://{host}:{port}"
    try:
        wait_for(base + "/", timeout=120)
        yield base
    finally:
        peak = peak_rss_mb(server.pid)
        if peak is not None:
            print(f"  server's peak memory (VmHWM) after {name}: {peak:.0f} MB")
            record_memory(name, peak)
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory so far (Linux VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def record_memory(name: str, megabytes: float) -> None:
    latest = RESULTS / "latest.json"
    data = json.loads(latest.read_text()) if latest.exists() else {}
    record("memory_peak_mb", {**data.get("memory_peak_mb", {}), name: round(megabytes, 1)})


def record(section: str, figures: dict) -> None:
    """Put one benchmark's figures into bench/results/latest.json, keeping the others'."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    latest = RESULTS / "latest.json"
    data = json.loads(latest.read_text()) if latest.exists() else {}
    data[section] = figures
    latest.write_text(json.dumps(data, indent=2, ensure_ascii=False))
