"""Shared fixtures: an app on a temporary data folder with a fixed clock, and its client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import create_app, services

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Tuesday morning: the After School Club (Tuesdays 16:30) is on today.
FIXED_NOW = datetime(2026, 11, 24, 9, 0, tzinfo=STOCKHOLM)
REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "CLOCK": lambda: FIXED_NOW}
    )
    yield app
    services.get_for(app).store.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stderr.read() if proc.stderr else b""
            raise AssertionError(f"server exited with {proc.returncode}: {out!r}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError as exc:  # it answers, but with an error: say so now
            raise AssertionError(f"{url} answered {exc.code}") from exc
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def start_server(data_dir: Path, port: int, *extra: str) -> subprocess.Popen:
    """Run the real console script `motesplats serve` in a subprocess."""
    env = {**os.environ, "MOTESPLATS_LOG_LEVEL": "INFO"}
    return subprocess.Popen(
        [
            str(VENV_BIN / "motesplats"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=REPO,
    )


def stop_server(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err.decode("utf-8", "replace")
