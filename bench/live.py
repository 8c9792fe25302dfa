"""What several benchmarks share: a real `motesplats serve` in a subprocess, and the results
file `bench/results/latest.json` where each benchmark records its figures under its name."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.board import REPO, RESULTS, free_port, wait_for


@contextmanager
def live_server(name: str, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a fresh data folder (the demo week) on a free port; yields the base URL."""
    tmp = Path(tempfile.mkdtemp(prefix=f"motesplats-bench-{name}-"))
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
        wait_for(base + "/")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def record(section: str, figures: dict) -> None:
    """Put one benchmark's figures into bench/results/latest.json, keeping the others'."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    latest = RESULTS / "latest.json"
    data = json.loads(latest.read_text()) if latest.exists() else {}
    data[section] = figures
    latest.write_text(json.dumps(data, indent=2, ensure_ascii=False))
