"""A purge leaves no copy of the erased data (issue "hostile world", point 10): not in the
live data file or its journal, not in the rolling backups, the nightly backups or the USB
copy. Everything else in those backups stays as it was."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from kiosk import create_app, services
from kiosk.activities.recurrence import expand
from kiosk.village_pc import nightly
from tests.conftest import Clock

NAME = "Zaynab-Purge-Test"
PHONE = "+46701239876"
HELPED = "Hodan-Helped-Test"


def on_disk(*folders: Path) -> bytes:
    return b"".join(p.read_bytes() for f in folders for p in f.rglob("*") if p.is_file())


def test_names_leave_the_data_file_and_every_backup(tmp_path: Path, clock: Clock) -> None:
    data, usb = tmp_path / "data", tmp_path / "usb"
    usb.mkdir()
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data), "CLOCK": clock, "BACKUP_COPY_DIR": str(usb)}
    )
    svc = services.get_for(app)
    swim = svc.catalogue.snapshot().activities["demo-simning-kvinnor@motesplats"]
    occ = expand(swim, clock.now, clock.now + timedelta(days=8))[0]
    svc.signups.add(occ, name=NAME, adults=1, children=0, phone=PHONE, language="so")
    helped = svc.help_desk.add(HELPED, "so", "+46701230000", "letter", "Ett brev från CSN")
    svc.help_desk.mark_handled(helped.id, "anna")
    svc.store.backup()
    nightly.make(svc.store, data, date(2026, 11, 24), keep=14, copy_dir=usb)
    before = on_disk(data, usb)
    assert NAME.encode() in before and HELPED.encode() in before
    assert before.count(NAME.encode()) >= 4  # data file or journal, a backup, two nightlies

    clock.now = occ.end + max(svc.retention, svc.help_retention) + timedelta(minutes=5)
    svc.purge_now()
    after = on_disk(data, usb)
    for secret in (NAME, PHONE, HELPED, "Ett brev från CSN"):
        assert secret.encode() not in after, secret
    # the backups still hold everything else: the demo week is restorable from them
    for path in [svc.store.list_backups()[0], *usb.glob("motesplats-*.json")]:
        counts = svc.store.inspect_backup(path.read_bytes())
        assert counts["activities"] >= 10 and counts["signups"] == 1, path
    svc.store.close()
