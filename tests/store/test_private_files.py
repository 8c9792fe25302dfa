"""The data folder holds names, phones, help texts, password hashes and calendar passwords:
only its owner may read it (issue "hostile world", point 10). Folders 0700, files 0600,
also for a folder an older version left 0755/0644, and for the nightly copies."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

from kiosk.store import open_store
from kiosk.store.durable import atomic_write
from kiosk.village_pc import nightly
from kiosk.village_pc.systemd import Install, server_unit


def modes(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)) or ".": stat.S_IMODE(p.stat().st_mode)
        for p in [folder, *folder.rglob("*")]
    }


def test_a_new_store_and_its_backups_are_the_owners_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    store.put("signups", {"id": "a", "name": "Amina", "phone": "+46701234567"})
    store.backup()
    store.close()
    found = modes(data)
    assert len(found) >= 4
    for name, mode in found.items():
        wanted = 0o700 if (data / name).is_dir() else 0o600
        assert mode == wanted, (name, oct(mode))


def test_an_open_folder_from_before_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    old = data / "uploads"
    old.mkdir(mode=0o755)
    atomic_write(old / "logo.png", b"png", mode=0o644)
    os.chmod(old, 0o755)
    open_store(data).close()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE(old.stat().st_mode) == 0o700
    assert stat.S_IMODE((old / "logo.png").stat().st_mode) == 0o600


def test_nightly_copies_are_the_owners_only(tmp_path: Path) -> None:
    data, usb = tmp_path / "data", tmp_path / "usb"
    usb.mkdir()
    store = open_store(data)
    written = nightly.make(store, data, date(2026, 11, 24), keep=14, copy_dir=usb)
    store.close()
    assert written
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_service_makes_new_files_private() -> None:
    where = Install(repo=Path("/opt/motesplats"), data_dir=Path("/var/lib/motesplats/data"))
    assert "UMask=0077" in server_unit(where)
