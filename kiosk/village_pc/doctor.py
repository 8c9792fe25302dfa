"""`motesplats doctor`: find what commonly goes wrong on the village PC and say it plainly.

Owns the checks, each a function returning `Finding`s with advice a volunteer can follow:
port in use, data folder not writable, disk nearly full, clock wrong, last backup too old,
translations not compiled, central calendar unreachable. Reads the store only when no
server holds it; otherwise asks the running server's `/healthz`.
"""

from __future__ import annotations

import email.utils
import json
import shutil
import socket
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sync.fetch import FetchError, web_address

BACKUP_MAX_AGE = timedelta(days=2)
CLOCK_TOLERANCE = timedelta(minutes=5)
TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


@dataclass(frozen=True)
class Finding:
    ok: bool
    title: str
    advice: str = ""

    def line(self) -> str:
        mark = "OK     " if self.ok else "PROBLEM"
        return f"{mark} {self.title}" + (f"\n        → {self.advice}" if self.advice else "")


def _answers(url: str, timeout: float = 3.0) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.load(response)
    except (OSError, ValueError, urllib.error.URLError):
        return None


def check_port(host: str, port: int) -> Finding:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            health = _answers(f"http://127.0.0.1:{port}/healthz")
            if health is not None and "activities" in health:
                return Finding(True, f"Mötesplats is running on port {port}.")
            return Finding(
                False,
                f"Port {port} is in use by another program.",
                "Stop that program, or start Mötesplats on another port: "
                "motesplats serve --port 8081 (and open http://localhost:8081/).",
            )
    return Finding(True, f"Port {port} is free for Mötesplats.")


def check_writable(data_dir: Path) -> Finding:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Finding(
            False,
            f"The data folder {data_dir} cannot be written ({exc.strerror}).",
            f"Give the user running Mötesplats the folder: sudo chown -R $USER {data_dir}",
        )
    return Finding(True, f"The data folder {data_dir} can be written.")


def check_disk(data_dir: Path, min_free_mb: int) -> Finding:
    usage = shutil.disk_usage(data_dir if data_dir.exists() else data_dir.parent)
    free_mb = usage.free // 2**20
    if free_mb < min_free_mb:
        return Finding(
            False,
            f"The disk is nearly full: {free_mb} MB free (want at least {min_free_mb} MB).",
            "Delete old files or move the data folder to a bigger disk; when the disk is "
            "full, signups and edits are refused.",
        )
    return Finding(True, f"{free_mb} MB free on the disk.")


def check_clock(now: datetime, last_change: datetime | None, reference_url: str | None) -> Finding:
    advice = (
        "Set the date and time (sudo timedatectl set-ntp true, or in the desktop's settings): "
        "signup deadlines, the purge of names and the sync all depend on it."
    )
    if last_change is not None and last_change - now > CLOCK_TOLERANCE:
        return Finding(
            False,
            f"The clock says {now:%Y-%m-%d %H:%M} UTC, before the last saved change "
            f"({last_change:%Y-%m-%d %H:%M} UTC): it is behind.",
            advice,
        )
    if reference_url:
        try:
            request = urllib.request.Request(reference_url, method="HEAD")
            with urllib.request.urlopen(request, timeout=5) as response:
                header = response.headers.get("Date")
        except (OSError, urllib.error.URLError):
            header = None
        if header:
            theirs = email.utils.parsedate_to_datetime(header)
            drift = now - theirs
            if abs(drift) > CLOCK_TOLERANCE:
                way = "ahead" if drift > timedelta(0) else "behind"
                return Finding(
                    False,
                    f"The clock is {abs(drift).total_seconds() / 3600:.1f} hours {way} of "
                    f"{urllib.request.urlparse(reference_url).netloc}.",
                    advice,
                )
            return Finding(True, "The clock agrees with the central calendar's server.")
    return Finding(True, f"The clock says {now:%Y-%m-%d %H:%M} UTC.")


def check_backups(backups: list[Path], now: float) -> Finding:
    if not backups:
        return Finding(False, "There is no backup yet.", "Run: motesplats backup")
    age = timedelta(seconds=now - max(p.stat().st_mtime for p in backups))
    if age > BACKUP_MAX_AGE:
        return Finding(
            False,
            f"The newest backup is {age.days} days old.",
            "Is the server running? It makes one every day. Or run: motesplats backup",
        )
    return Finding(True, f"The newest backup is {int(age.total_seconds() // 3600)} hours old.")


def check_translations(folder: Path = TRANSLATIONS) -> Finding:
    catalogues = [p for p in folder.iterdir() if (p / "LC_MESSAGES" / "messages.po").exists()]
    missing = [p.name for p in catalogues if not (p / "LC_MESSAGES" / "messages.mo").exists()]
    if missing or not catalogues:
        return Finding(
            False,
            "Translations are not compiled: " + (", ".join(sorted(missing)) or "none found") + ".",
            "Run ./install.sh again (it compiles them); until then the board shows Swedish.",
        )
    return Finding(True, f"Translations compiled for {len(catalogues)} languages.")


def check_calendars(urls: list[tuple[str, str]], timeout: float = 5.0) -> list[Finding]:
    findings = []
    for name, url in urls:
        try:
            request = urllib.request.Request(web_address(url), method="HEAD")
            with urllib.request.urlopen(request, timeout=timeout):
                pass
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403, 405, 501):  # it answers; HEAD or credentials aside
                findings.append(Finding(True, f"The calendar {name} answers."))
                continue
            findings.append(
                Finding(
                    False,
                    f"The calendar {name} answers {exc.code}.",
                    f"Check its address on /admin/sync: {url}",
                )
            )
            continue
        except (OSError, urllib.error.URLError, FetchError) as exc:
            reason = getattr(exc, "reason", exc)
            findings.append(
                Finding(
                    False,
                    f"The calendar {name} cannot be reached ({reason}).",
                    "Is the network up? The board keeps working with what it fetched last. "
                    f"Check the address on /admin/sync: {url}",
                )
            )
            continue
        findings.append(Finding(True, f"The calendar {name} answers."))
    return findings


def run(settings: dict[str, Any], min_free_mb: int, reference_url: str | None) -> list[Finding]:
    """Every check, in the order a volunteer should fix them."""
    from kiosk.store import StoreLocked
    from kiosk.store.opening import open_from_settings
    from sync.sources import SourceBook

    data_dir = Path(settings["DATA_DIR"])
    findings = [
        check_port(
            "0.0.0.0" if settings["HOST"] in ("0.0.0.0", "::") else settings["HOST"],
            settings["PORT"],
        ),
        check_writable(data_dir),
        check_disk(data_dir, min_free_mb),
        check_translations(),
    ]
    now = datetime.now(UTC)
    try:
        store = open_from_settings(settings, backup_on_open=False)
    except StoreLocked:
        findings.append(check_clock(now, None, reference_url))
        health = _answers(f"http://127.0.0.1:{settings['PORT']}/healthz") or {}
        age = health.get("last_backup_age_s")
        if age is None or age > BACKUP_MAX_AGE.total_seconds():
            findings.append(
                Finding(False, "The running server has no recent backup.", "Run: motesplats backup")
            )
        return findings
    except Exception as exc:  # noqa: BLE001 - the doctor reports, it does not crash
        findings.append(
            Finding(
                False,
                f"The data cannot be opened: {exc}",
                "Look at the log; backups are in the data folder's backups/.",
            )
        )
        return findings
    try:
        sources = [(s.name, s.url) for s in SourceBook(store).all()]
        if reference_url is None and sources:  # the central calendar's server knows the time
            try:
                reference_url = web_address(sources[0][1])
            except FetchError:
                reference_url = None
        findings.append(check_clock(now, store.last_change, reference_url))
        findings.append(check_backups(store.list_backups(), time.time()))
    finally:
        store.close()
    findings += (
        check_calendars(sources)
        if sources
        else [
            Finding(True, "No central calendar configured (the board shows what is entered here).")
        ]
    )
    return findings
