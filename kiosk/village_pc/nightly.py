"""The nightly backup: one full copy of the data per night, two weeks kept, and a copy on a
USB stick when one is plugged in.

Owns `data/nightly/motesplats-YYYYMMDD.json` (any of them can be given to `motesplats
restore`) and the copy to BACKUP_COPY_DIR. The store's own rolling backups (`backups/`, one
per start and per hour of writes) cover the last hours; these cover the last weeks. A stick
that is not mounted is logged and skipped; the copy in the data folder is still made.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from pathlib import Path

from kiosk.store import Store
from kiosk.store.durable import atomic_write

log = logging.getLogger("motesplats.nightly")
FOLDER = "nightly"
NAME = re.compile(r"^motesplats-(\d{8})\.json$")


def _nights(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if NAME.match(p.name)), reverse=True)


def last_night(data_dir: Path) -> date | None:
    """The date of the newest nightly backup in the data folder."""
    newest = _nights(data_dir / FOLDER)
    return (
        datetime.strptime(NAME.match(newest[0].name).group(1), "%Y%m%d").date() if newest else None
    )  # type: ignore[union-attr]


def is_due(now_local: datetime, last: date | None, hour: int) -> bool:
    return now_local.hour >= hour and last != now_local.date()


def make(store: Store, data_dir: Path, night: date, keep: int, copy_dir: Path | None) -> list[Path]:
    """Write tonight's backup into the data folder (and the stick); keep `keep` nights."""
    raw = store.backup().read_bytes()
    name = f"motesplats-{night:%Y%m%d}.json"
    written = []
    for folder in [data_dir / FOLDER, *([copy_dir] if copy_dir else [])]:
        if folder != data_dir / FOLDER and not folder.is_dir():
            log.warning(
                "backup copy skipped: %s is not there (is the USB stick plugged in?)", folder
            )
            continue
        folder.mkdir(mode=0o700, exist_ok=True)
        try:
            atomic_write(folder / name, raw)
        except OSError as exc:
            log.error("nightly backup to %s failed: %s", folder, exc)
            continue
        for old in _nights(folder)[keep:]:
            old.unlink(missing_ok=True)
        written.append(folder / name)
    return written


def run_if_due(
    store: Store,
    data_dir: Path,
    now_local: datetime,
    hour: int,
    keep: int,
    copy_dir: Path | None,
) -> list[Path]:
    """Write tonight's backup if it is due (`kiosk.jobs` asks every ten minutes)."""
    if not is_due(now_local, last_night(data_dir), hour):
        return []
    written = make(store, data_dir, now_local.date(), keep, copy_dir)
    log.info("nightly backup written: %s", ", ".join(map(str, written)))
    return written
