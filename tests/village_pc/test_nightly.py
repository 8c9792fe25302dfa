"""The nightly backup: due after the hour, once a night, 14 kept, a copy on the USB stick."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.store import open_store
from kiosk.village_pc import nightly

ZONE = ZoneInfo("Europe/Stockholm")


def test_due_once_a_night_after_the_hour() -> None:
    night = datetime(2026, 11, 24, 2, 59, tzinfo=ZONE)
    assert not nightly.is_due(night, None, 3)
    assert nightly.is_due(night + timedelta(minutes=1), None, 3)
    assert not nightly.is_due(night + timedelta(minutes=1), date(2026, 11, 24), 3)
    assert nightly.is_due(night + timedelta(days=1, minutes=1), date(2026, 11, 24), 3)


def test_fifteen_nights_keep_fourteen_here_and_on_the_stick(tmp_path: Path) -> None:
    store = open_store(tmp_path / "data")
    stick = tmp_path / "usb"
    stick.mkdir()
    store.put("places", {"id": "byhuset", "name": "Byhuset"})
    first = date(2026, 11, 1)
    for n in range(15):
        written = nightly.make(store, tmp_path / "data", first + timedelta(days=n), 14, stick)
        assert len(written) == 2
    store.close()
    for folder in (tmp_path / "data" / "nightly", stick):
        names = sorted(p.name for p in folder.iterdir())
        assert len(names) == 14 and names[0] == "motesplats-20261102.json", names
    assert nightly.last_night(tmp_path / "data") == date(2026, 11, 15)
    # Each one is a backup `motesplats restore` takes.
    check = open_store(tmp_path / "check")
    assert check.inspect_backup((stick / "motesplats-20261115.json").read_bytes())["places"] == 1
    check.close()


def test_no_stick_plugged_in_is_logged_and_the_data_folder_copy_still_made(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(tmp_path / "data")
    with caplog.at_level(logging.WARNING, logger="motesplats.nightly"):
        written = nightly.make(
            store, tmp_path / "data", date(2026, 11, 24), 14, tmp_path / "no-stick"
        )
    store.close()
    assert written == [tmp_path / "data" / "nightly" / "motesplats-20261124.json"]
    assert "is the USB stick plugged in" in caplog.text
