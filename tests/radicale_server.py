"""A real Radicale CalDAV server in a subprocess, for tests of the CalDAV sync.

`Radicale(folder)` writes a config file into `folder`, runs `python -m radicale` (the
virtualenv's interpreter) on 127.0.0.1 and a free port, waits until it answers and, on the
first start, creates one calendar collection with caldav's `Principal.make_calendar`.

- `url` is the server's base URL (`http://127.0.0.1:<port>/`), `principal_url` the user's
  home (`<url><user>/`) and `calendar_url` the pre-created calendar (`<url><user>/<id>/`).
- `user` / `password` are the credentials (Basic auth, a plain-text htpasswd file).
  `Radicale(folder, auth="none")` runs without authentication instead. That works for
  writes too, but there is no owner check: anonymous requests and any user name may read and
  write every calendar, and caldav's `principal()` without credentials gets a 401.
- `stop()` ends the server (SIGTERM, then SIGKILL after 10 s) and `kill()` kills it at once
  (SIGKILL). `start()` brings it back on the SAME port with the SAME collections folder: a
  server that goes offline and comes back. `running` says whether the process is alive.
- `client(**kwargs)` returns a `caldav.DAVClient` for this server with the right
  credentials (`auth_type="basic"` so no 401 round trip) and a short timeout.
- Everything Radicale logs goes to `<folder>/radicale.log` (appended across restarts);
  `log()` returns it, and a server that does not come up raises with the log in the message.
- It is also a context manager: `with Radicale(folder) as server: ...` starts and stops it.

Test files get one server per module by declaring the fixture themselves (tests/conftest.py
does not know about it)::

    import pytest

    from tests.radicale_server import Radicale, radicale_fixture

    radicale = pytest.fixture(scope="module")(radicale_fixture)

    def test_something(radicale: Radicale) -> None:
        calendar = radicale.client().calendar(url=radicale.calendar_url)

The fixture is named after the variable it is assigned to (`radicale` here). Tests sharing
the server should use their own UIDs, as the calendar is shared. A test that stops or kills
the server must start it again before it returns (use try/finally), or other tests in the
module find it down. For a fresh server per test use `scope="function"`.

Radicale behaviours worth knowing (3.9): it waits `[auth] delay` seconds (default 1) before
answering any 401/403, including the 401 to a request that carries no credentials and the
403 to an invalid sync token, and `[server] delay_on_error` seconds (default 1) before a
5xx; both are 0 here so tests stay fast. The default `[auth] type` is `denyall`, so a config
must name one. Options starting with "_" (e.g. `_filesystem_fsync`) are refused in a config
file ("Invalid option"), so Radicale fsyncs every write here as in production.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import caldav
import pytest

HOST = "127.0.0.1"
USER = "sync"
PASSWORD = "secret"
CALENDAR_ID = "motesplats"
CALENDAR_NAME = "Mötesplats"
START_TIMEOUT = 20.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Radicale:
    """One Radicale server process; see the module docstring."""

    def __init__(
        self,
        folder: Path,
        *,
        port: int | None = None,
        auth: str = "htpasswd",
        user: str = USER,
        password: str = PASSWORD,
        calendar_id: str = CALENDAR_ID,
        calendar_name: str = CALENDAR_NAME,
    ) -> None:
        if auth not in ("htpasswd", "none"):
            raise ValueError(f"auth must be 'htpasswd' or 'none', not {auth!r}")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or _free_port()
        self.auth = auth
        self.user = user
        self.password = password
        self.calendar_id = calendar_id
        self.calendar_name = calendar_name
        self.collections = self.folder / "collections"
        self.config_path = self.folder / "radicale.config"
        self.log_path = self.folder / "radicale.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None

    # -- addresses ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    @property
    def principal_url(self) -> str:
        return f"{self.url}{self.user}/"

    @property
    def calendar_url(self) -> str:
        return f"{self.principal_url}{self.calendar_id}/"

    # -- clients -----------------------------------------------------------------------------

    def client(self, timeout: float = 5, **kwargs: Any) -> caldav.DAVClient:
        """A caldav client for this server (the caller closes it, or uses `with`)."""
        options: dict[str, Any] = {
            "url": self.url,
            "username": self.user,
            "password": self.password,
            "auth_type": "basic",
            "timeout": timeout,
        }
        options.update(kwargs)
        return caldav.DAVClient(**options)

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> Radicale:
        """Start the server (no-op if it runs) and wait until it answers HTTP."""
        if self.running:
            return self
        self._write_config()
        self._log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in _reap
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(self.config_path)],
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            # Radicale reads RADICALE_CONFIG too; make sure only our file counts.
            env={k: v for k, v in os.environ.items() if k != "RADICALE_CONFIG"},
        )
        try:
            self._wait_until_answering()
            if not (self.collections / "collection-root" / self.user / self.calendar_id).is_dir():
                self._make_calendar()
        except BaseException:
            self.kill()
            raise
        return self

    def stop(self) -> None:
        """Terminate the server (SIGTERM) and wait for it; SIGKILL after 10 s."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._reap()

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), like a crash or a pulled plug."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGKILL)
        self._reap()

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""

    def __enter__(self) -> Radicale:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- internals ---------------------------------------------------------------------------

    def _reap(self) -> None:
        assert self._proc is not None
        self._proc.wait()
        self._proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def _write_config(self) -> None:
        if self.auth == "htpasswd":
            users = self.folder / "users"
            users.write_text(f"{self.user}:{self.password}\n", "utf-8")
            auth = (
                "type = htpasswd\n"
                f"htpasswd_filename = {users}\n"
                "htpasswd_encryption = plain\n"
                "delay = 0\n"
            )
            rights = "owner_only"
        else:
            auth = "type = none\ndelay = 0\n"
            rights = "owner_only"  # with auth "none" Radicale does not check the owner
        self.config_path.write_text(
            "[server]\n"
            f"hosts = {HOST}:{self.port}\n"
            "delay_on_error = 0\n"
            "[auth]\n"
            f"{auth}"
            "[rights]\n"
            f"type = {rights}\n"
            "[storage]\n"
            f"filesystem_folder = {self.collections}\n"
            "[web]\n"
            "type = none\n"
            "[logging]\n"
            "level = info\n",
            "utf-8",
        )

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        request = urllib.request.Request(self.url, method="OPTIONS")
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise RuntimeError(
                    f"Radicale exited with {self._proc.returncode} on port {self.port}:\n"
                    f"{self.log()}"
                )
            try:
                with urllib.request.urlopen(request, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers; that is all we wait for
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(
            f"Radicale did not answer on port {self.port} in {START_TIMEOUT} s:\n{self.log()}"
        )

    def _make_calendar(self) -> None:
        with self.client() as client:
            client.principal().make_calendar(name=self.calendar_name, cal_id=self.calendar_id)


def radicale_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """Fixture body: a started server in a fresh temporary folder, stopped afterwards.

    Declare it in a test file with `radicale = pytest.fixture(scope="module")(radicale_fixture)`.
    """
    server = Radicale(tmp_path_factory.mktemp("radicale"))
    with server:
        yield server
