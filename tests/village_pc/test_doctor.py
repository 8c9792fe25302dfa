"""`motesplats doctor` finds each problem when it is provoked; backup → restore round trip."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.store import open_store
from kiosk.village_pc import doctor
from sync.sources import SourceBook
from tests.conftest import REPO, VENV_BIN, free_port


def motesplats(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "motesplats"), *args], capture_output=True, text=True, timeout=120, cwd=REPO
    )


def made_store(data: Path) -> Path:
    """A data folder with the demo week (as the first start leaves it)."""
    result = motesplats("demo", "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    return data


def run_doctor(data: Path, *extra: str, port: int | None = None) -> tuple[int, str]:
    result = motesplats(
        "doctor", "--data-dir", str(data), "--port", str(port or free_port()), *extra
    )
    return result.returncode, result.stdout


@pytest.mark.today
def test_a_healthy_setup_says_so(tmp_path: Path) -> None:
    code, out = run_doctor(made_store(tmp_path / "data"), "--min-free-mb", "1")
    assert code == 0 and "Everything looks fine." in out and "PROBLEM" not in out, out


def test_port_in_use_by_another_program(tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("0.0.0.0", 0))
        other.listen()
        port = other.getsockname()[1]
        code, out = run_doctor(made_store(tmp_path / "data"), port=port)
    assert code == 1 and f"PROBLEM Port {port} is in use by another program." in out


def test_data_folder_not_writable(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder's parent should be")
    code, out = run_doctor(blocker / "data")
    assert code == 1 and "cannot be written" in out and "chown" in out


def test_disk_nearly_full(tmp_path: Path) -> None:
    code, out = run_doctor(made_store(tmp_path / "data"), "--min-free-mb", str(10**9))
    assert code == 1 and "PROBLEM The disk is nearly full" in out


class WrongClock(BaseHTTPRequestHandler):
    offset_s = 3 * 3600.0

    def do_HEAD(self) -> None:  # noqa: N802
        self.send_response_only(200)  # send_response would add the true Date first
        self.send_header("Date", formatdate(time.time() + self.offset_s, usegmt=True))
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.today
def test_clock_wrong_against_a_reference_server(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), WrongClock)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        code, out = run_doctor(made_store(tmp_path / "data"), "--reference-url", url)
        WrongClock.offset_s = 20.0
        code_ok, out_ok = run_doctor(
            tmp_path / "data", "--reference-url", url, "--min-free-mb", "1"
        )
    finally:
        server.shutdown()
    assert code == 1 and "PROBLEM The clock is 3.0 hours behind" in out, out
    assert code_ok == 0 and "The clock agrees" in out_ok, out_ok


@pytest.mark.today
def test_last_backup_too_old(tmp_path: Path) -> None:
    data = made_store(tmp_path / "data")
    three_days_ago = time.time() - 3 * 86400
    for backup in (data / "backups").iterdir():
        os.utime(backup, (three_days_ago, three_days_ago))
    code, out = run_doctor(data)
    assert code == 1 and "PROBLEM The newest backup is 3 days old." in out


def test_translations_not_compiled(tmp_path: Path) -> None:
    copy = tmp_path / "translations"
    shutil.copytree(REPO / "kiosk" / "translations", copy)
    assert doctor.check_translations(copy).ok
    (copy / "ar" / "LC_MESSAGES" / "messages.mo").unlink()
    finding = doctor.check_translations(copy)
    assert not finding.ok and "ar" in finding.title and "install.sh" in finding.advice


def test_central_calendar_unreachable(tmp_path: Path) -> None:
    data = made_store(tmp_path / "data")
    store = open_store(data)
    SourceBook(store).add("Kommunens kalender", "ics", f"http://127.0.0.1:{free_port()}/cal.ics")
    store.close()
    code, out = run_doctor(data)
    assert code == 1 and "PROBLEM The calendar Kommunens kalender cannot be reached" in out


def test_backup_change_restore_round_trip(tmp_path: Path) -> None:
    data = made_store(tmp_path / "data")
    made = motesplats("backup", "--data-dir", str(data))
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.split("Backup written: ")[1].strip())
    store = open_store(data)
    before = {t: sorted(store.all(t), key=lambda d: d["id"]) for t in store.tables()}
    first = before["activities"][0]
    store.put("activities", {**first, "title": {"sv": "Ändrad efter backupen"}})
    store.delete("activities", before["activities"][1]["id"])
    store.put("places", {"id": "new-place", "name": "Ny lokal"})
    store.close()

    restored = motesplats("restore", str(backup), "--data-dir", str(data))
    assert restored.returncode == 0, restored.stderr
    assert "activities" in restored.stdout and "The data before is kept in" in restored.stdout
    store = open_store(data)
    after = {t: sorted(store.all(t), key=lambda d: d["id"]) for t in store.tables()}
    store.close()
    assert after == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    data = made_store(tmp_path / "data")
    wrong = tmp_path / "holiday.json"
    wrong.write_text('{"not": "a backup"}')

    def content() -> dict[str, list[dict]]:
        store = open_store(data, backup_on_open=False)
        try:
            return {t: sorted(store.all(t), key=lambda d: d["id"]) for t in store.tables()}
        finally:
            store.close()

    before = content()
    refused = motesplats("restore", str(wrong), "--data-dir", str(data))
    assert refused.returncode == 1 and "Nothing was changed." in refused.stderr
    assert content() == before
