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
from tests import clock as test_clock

# Password hashes at argon2-cffi's cheapest cost: every process of the run (the app built
# here, `motesplats serve` and `create-admin` started by tests) reads it from the
# environment. Production keeps RFC 9106's cost (tests/test_config.py checks the default).
os.environ["MOTESPLATS_PASSWORD_PROFILE"] = "CHEAPEST"

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Tuesday morning: the After School Club (Tuesdays 16:30) is on today.
FIXED_NOW = datetime(2026, 11, 24, 9, 0, tzinfo=STOCKHOLM)
REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


class Clock:
    """A clock tests can move: `clock.now += timedelta(...)`."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(FIXED_NOW)


@pytest.fixture
def app(tmp_path: Path, clock: Clock) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "CLOCK": clock})
    yield app
    services.get_for(app).store.close()


@pytest.fixture
def people(app: Flask) -> None:
    """Two volunteers: Anna (admin) and Omar (organiser for the Red Cross)."""
    from tests.admin_helpers import PASSWORD

    accounts = services.get_for(app).accounts
    accounts.create("anna", PASSWORD, "admin", "Anna Admin")
    accounts.create("omar", PASSWORD, "organiser", "Omar", ["demo-rodakorset"])


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def wait_until(condition, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    """Whether `condition()` comes true within `timeout` seconds (polled every 10 ms)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {server_log(proc)}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError as exc:  # it answers, but with an error: say so now
            if exc.code == 503 and exc.headers.get("Retry-After"):
                time.sleep(0.2)  # listening, still opening the data (kiosk.village_pc.starting)
                continue
            raise AssertionError(f"{url} answered {exc.code}") from exc
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def start_server(
    data_dir: Path,
    port: int,
    *extra: str,
    env: dict[str, str] | None = None,
    cwd: Path = REPO,
) -> subprocess.Popen:
    """Run the real console script `motesplats serve` in a subprocess.

    `env` adds environment variables (PYTHONPATH=<a copy of the code> runs that copy, as
    a new deployment would); `extra` adds flags (a later `--host` wins). Its log goes to a
    file beside the data folder, not a pipe: a pipe nobody reads fills up and blocks the
    server mid-request. It runs on the run's clock (`tests.clock`: time-machine when the run
    is moved to another day).
    """
    env = test_clock.faked_env({**os.environ, "MOTESPLATS_LOG_LEVEL": "INFO", **(env or {})})
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    log = open(data_dir.parent / f"server-{port}.log", "ab")  # noqa: SIM115 - closed in stop
    command = [
        str(VENV_BIN / "motesplats"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        *extra,
    ]
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    proc.log_file = log  # type: ignore[attr-defined]
    return proc


def server_log(proc: subprocess.Popen) -> str:
    return Path(proc.log_file.name).read_text("utf-8", "replace")  # type: ignore[attr-defined]


def stop_server(proc: subprocess.Popen) -> str:
    """Stop the server; return everything it logged."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.log_file.close()  # type: ignore[attr-defined]
    return server_log(proc)


def data_folder_with_admin(data_dir: Path, username: str = "anna") -> None:
    """A data folder as a village hall has it after installing: the demo week (from a first
    start of the real server) and an admin made with `motesplats create-admin`
    (password tests.admin_helpers.PASSWORD)."""
    from tests.admin_helpers import PASSWORD

    port = free_port()
    proc = start_server(data_dir, port)  # creates the store with the demo week
    wait_for_http(f"http://127.0.0.1:{port}/healthz", proc)
    stop_server(proc)
    made = subprocess.run(
        [
            str(VENV_BIN / "motesplats"),
            "create-admin",
            "--username",
            username,
            "--name",
            username.title(),
            "--data-dir",
            str(data_dir),
        ],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=test_clock.faked_env(),
    )
    assert made.returncode == 0, made.stderr
