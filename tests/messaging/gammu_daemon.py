"""Real Gammu for the SMS tests: gammu-smsd with Gammu's dummy phone, started by the tests.

The dummy driver keeps the "phone" in a folder: a file dropped into its `sms/1/` folder is a
text message arriving (the daemon reads it into its inbox), and messages the daemon sends
are moved to its sent folder. `stop()` and `start()` take the "modem" away and back.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import wait_until

FOUND = re.compile(r'Found \d+ sms to "([^"]+)" with text "(.*)" cod \d+ lgt')
NEW = re.compile(r"New message to send: (\S+)")
TRANSMITTED = re.compile(r"Transmitted (\S+) \(total")
AVAILABLE = shutil.which("gammu-smsd") is not None and shutil.which("gammu-smsd-monitor")
needs_gammu = pytest.mark.skipif(
    not AVAILABLE, reason="gammu-smsd is not installed (./install.sh --dev installs it)"
)


class GammuDaemon:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.device = root / "phone"
        self.folders = {n: root / n for n in ("inbox", "outbox", "sent", "error")}
        for folder in (self.device, *self.folders.values()):
            folder.mkdir(parents=True, exist_ok=True)
        self.config = root / "smsdrc"
        paths = "\n".join(
            f"{key} = {self.folders[name]}/"
            for key, name in (
                ("inboxpath", "inbox"),
                ("outboxpath", "outbox"),
                ("sentsmspath", "sent"),
                ("errorsmspath", "error"),
            )
        )
        self.config.write_text(
            f"[gammu]\nmodel = dummy\ndevice = {self.device}\nconnection = none\n\n"
            f"[smsd]\nservice = files\n{paths}\ninboxformat = unicode\n"
            f"logfile = {root / 'smsd.log'}\ndebuglevel = 1\ncommtimeout = 1\n"
            "sendtimeout = 5\nloopsleep = 1\nreceivefrequency = 1\nstatusfrequency = 1\n"
            "checksecurity = 0\ncheckbattery = 0\nchecksignal = 0\nhangupcalls = 0\n",
            encoding="utf-8",
        )
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["gammu-smsd", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_until(lambda: "Starting phone communication" in self.log(), timeout=15):
            raise RuntimeError("gammu-smsd did not start:\n" + self.log())

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log(self) -> str:
        path = self.root / "smsd.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def sent(self) -> list[tuple[str, str]]:
        """(number, text) of every message the daemon transmitted, from its own log (at
        debug level 1 it logs each text as it reads it; Mötesplats deletes the sent files)."""
        found, reading = [], {}
        last = ("", "")
        for line in self.log().splitlines():
            read = FOUND.search(line)
            if read:
                last = (read.group(1), read.group(2))
                continue
            queued = NEW.search(line)
            if queued:
                reading[queued.group(1)] = last
                continue
            done = TRANSMITTED.search(line)
            if done and done.group(1) in reading:
                found.append(reading[done.group(1)])
        return found

    def receive(self, number: str, text: str, n: int = 1) -> None:
        """A text message arrives at the modem from `number`."""
        (self.device / "sms" / "1").mkdir(parents=True, exist_ok=True)
        (self.device / "sms" / "1" / str(n)).write_text(
            '[SMSBackup000]\nSMSC = "+46700000000"\nState = UnRead\n'
            f'Number = "{number}"\nCoding = Unicode_No_Compression\nFolder = 1\n'
            f"Sent = 20260101T120000Z\nText00 = {text.encode('utf-16-be').hex().upper()}\n",
            encoding="utf-8",
        )


@pytest.fixture
def gammu(tmp_path: Path):  # type: ignore[no-untyped-def]
    daemon = GammuDaemon(tmp_path / "gammu")
    daemon.start()
    yield daemon
    daemon.stop()
