"""A real Xandikos CalDAV server in a subprocess (a second server besides Radicale).

`Xandikos(folder)` runs `xandikos serve --defaults` (the virtualenv's console script) on
127.0.0.1 and a free port, without authentication, and waits until its calendar answers.
`calendar_url` is the calendar `--defaults` creates (`/user/calendars/calendar/`).
Everything it logs goes to `<folder>/xandikos.log`. A context manager: `with Xandikos(f)`.
"""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from tests.conftest import VENV_BIN, free_port


class Xandikos:
    user = ""
    password = ""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.calendar_url = f"{self.url}user/calendars/calendar/"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> Xandikos:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = open(self.folder / "xandikos.log", "ab")  # noqa: SIM115 - kept for the process
        self._process = subprocess.Popen(
            [
                str(VENV_BIN / "xandikos"),
                "serve",
                "--defaults",
                "--no-detect-systemd",
                "-d",
                str(self.folder / "data"),
                "-l",
                "127.0.0.1",
                "-p",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            try:
                request = urllib.request.Request(self.calendar_url, method="PROPFIND")
                request.add_header("Depth", "0")
                urllib.request.urlopen(request, timeout=2).close()
                return self
            except urllib.error.HTTPError:
                return self  # it answers
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("Xandikos did not start:\n" + (self.folder / "xandikos.log").read_text())

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def client(self):  # type: ignore[no-untyped-def]
        import caldav

        return caldav.DAVClient(url=self.url, timeout=10)

    def __enter__(self) -> Xandikos:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
