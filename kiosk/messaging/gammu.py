"""The Gammu transport: messages as files in gammu-smsd's spool, sent by a USB modem.

Owns the talk with Gammu's SMS daemon (Debian `gammu-smsd`, files service). A message is
handed over by writing `OUTA<date>_<time>_00_<number>_<key>.txt` (UTF-16 with a BOM, which
the daemon reads as Unicode) into the daemon's outbox folder: written beside it first, then
renamed in, so the daemon never reads half a file. The idempotency key in the name is how a
restart finds out what happened to a message: still in the outbox (pending), in the sent
folder (sent) or in the error folder (failed); handing a key that is already in any of
them writes nothing. Once the outbox has recorded a message as sent, its file is deleted
from the sent folder, so no text or number stays on disk (keep the daemon's debug level
at 0 in production: at 1 its log repeats each text). The folders are read from the
daemon's own configuration, so there is one source of truth. `gammu-smsd-monitor` tells
whether the daemon (and so the modem) is running. Replies are the daemon's inbox files
(configure `inboxformat = unicode`).
"""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.messaging import Outgoing, Refused, Reply, Transport, TransportState, Unavailable

NUMBER = re.compile(r"^\+[0-9]{6,15}$")
KEY = re.compile(r"^[A-Za-z0-9]{8,64}$")
INBOX_NAME = re.compile(r"^IN\d{8}_\d{6}_\d{2}_(\+?[0-9]{3,20})_\d{2}\.txt$")
MONITOR_SECONDS = 5


class GammuTransport(Transport):
    def __init__(self, config_path: Path) -> None:
        self.config_path = Path(config_path)
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        if not parser.read(self.config_path, encoding="utf-8"):
            raise ValueError(f"SMS_GAMMU_CONFIG: cannot read {self.config_path}")
        smsd = {k.lower(): v for k, v in parser["smsd"].items()} if "smsd" in parser else {}
        if smsd.get("service", "").strip().lower() != "files":
            raise ValueError(f"{self.config_path}: [smsd] service must be files")
        self.outbox = Path(smsd["outboxpath"])
        self.sent = Path(smsd.get("sentsmspath") or smsd["outboxpath"])
        self.error = Path(smsd.get("errorsmspath") or smsd["outboxpath"])
        self.inbox = Path(smsd["inboxpath"])
        self.staging = self.outbox.parent / (self.outbox.name.rstrip("/") + ".motesplats")
        self._running_until = 0.0  # monotonic: the daemon was seen running until then

    def _name(self, message: Outgoing) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%d_%H%M%S")
        return f"OUTA{stamp}_00_{message.number}_{message.key}.txt"

    def _find(self, folder: Path, key: str) -> Path | None:
        try:
            names = os.listdir(folder)
        except OSError:
            return None
        suffix = f"_{key}.txt"
        for name in names:
            if name.startswith("OUT") and name.endswith(suffix):
                return folder / name
        return None

    def hand_over(self, message: Outgoing) -> str:
        if not NUMBER.match(message.number):
            raise Refused(f"not a phone number for Gammu: {message.number!r}")
        if not KEY.match(message.key):
            raise Refused("bad message key")
        if any(self._find(f, message.key) for f in (self.outbox, self.sent, self.error)):
            return "handed"  # handed before a crash: never twice
        if not self._running():
            raise Unavailable("the SMS daemon is not running (is the modem plugged in?)")
        name = self._name(message)
        try:
            self.staging.mkdir(parents=True, exist_ok=True)
            temp = self.staging / name
            with open(temp, "wb") as out:
                out.write(b"\xff\xfe" + message.text.encode("utf-16-le"))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.outbox / name)
            fd = os.open(self.outbox, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise Unavailable(f"cannot write to the SMS daemon's outbox: {exc}") from exc
        return "handed"

    def check(self, message: Outgoing) -> str:
        if self._find(self.sent, message.key):
            return "sent"
        if self._find(self.error, message.key):
            return "failed"
        if self._find(self.outbox, message.key):
            return "pending"
        return "failed"  # gone from every folder: treat as not sent, it is tried again

    def forget_sent(self, message: Outgoing) -> None:
        """Delete a sent message's file from the daemon's sent folder: its text and number
        are not kept once it is sent (the outbox keeps only that it was)."""
        found = self._find(self.sent, message.key)
        if found:
            found.unlink(missing_ok=True)

    def clear_failure(self, message: Outgoing) -> None:
        """Remove a failed message's file so the same key can be handed again."""
        found = self._find(self.error, message.key)
        if found:
            found.unlink(missing_ok=True)

    def withdraw(self, message: Outgoing) -> bool:
        found = self._find(self.outbox, message.key)
        if found is None:
            return self._find(self.sent, message.key) is None
        try:
            found.unlink()
        except FileNotFoundError:  # the daemon took it this instant
            return self._find(self.sent, message.key) is None
        return True

    def _running(self) -> bool:
        """Whether the daemon runs: asked of gammu-smsd-monitor at most every few seconds,
        so handing over a batch does not start a process per message."""
        now = time.monotonic()
        if now >= self._running_until:
            self._running_until = now + MONITOR_SECONDS if self.state().up else 0.0
        return now < self._running_until

    def state(self) -> TransportState:
        try:
            done = subprocess.run(
                ["gammu-smsd-monitor", "-c", str(self.config_path), "-n", "1", "-d", "0", "-C"],
                capture_output=True,
                text=True,
                timeout=MONITOR_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return TransportState(False, f"gammu-smsd-monitor: {exc}")
        lines = [line for line in done.stdout.splitlines() if line.count(";") >= 8]
        if done.returncode != 0 or not lines:
            return TransportState(False, "the SMS daemon is not running")
        fields = lines[-1].split(";")
        sent, failed, signal = fields[4], fields[6], fields[8]
        return TransportState(True, f"signal {signal} %, sent {sent}, failed {failed}")

    def replies(self) -> list[Reply]:
        try:
            names = sorted(os.listdir(self.inbox))
        except OSError:
            return []
        found = []
        for name in names[:200]:
            match = INBOX_NAME.match(name)
            if not match:
                continue
            try:
                raw = (self.inbox / name).read_bytes()[:4000]
            except OSError:
                continue
            found.append(Reply(match.group(1), _decode(raw), name))
        return found

    def forget(self, reply: Reply) -> None:
        (self.inbox / reply.ref).unlink(missing_ok=True)


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    return raw.decode("utf-8", errors="replace")


def from_settings(settings: Mapping[str, Any]) -> GammuTransport:
    return GammuTransport(Path(settings["SMS_GAMMU_CONFIG"]))
