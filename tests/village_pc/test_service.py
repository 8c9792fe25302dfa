"""On the village PC: systemd readiness, the unit files, install.sh --service, /healthz."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kiosk.village_pc import systemd
from tests.conftest import REPO, free_port, start_server, stop_server, wait_for_http


def test_serve_tells_systemd_it_is_ready_once_it_listens(tmp_path: Path) -> None:
    address = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(address)
        listener.settimeout(60)
        port = free_port()
        proc = start_server(tmp_path / "data", port, env={"NOTIFY_SOCKET": address})
        try:
            message = listener.recv(1024).decode()
            assert message.startswith("READY=1")
            # READY means ready: the board answers at once, no retry needed.
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
                assert r.status == 200
        finally:
            stop_server(proc)


def test_notify_without_systemd_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert systemd.notify("READY=1") is False
    monkeypatch.setenv("NOTIFY_SOCKET", "/nonexistent/socket")
    assert systemd.notify("READY=1") is False


def write_units(folder: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(REPO / ".venv/bin/python"),
            "-m",
            "kiosk.village_pc.systemd",
            "write",
            str(folder),
            "--data-dir",
            "/var/lib/motesplats/data",
            "--user",
            "root",
            "--desktop-user",
            "root",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unit_files_say_what_the_issue_asks(tmp_path: Path) -> None:
    assert write_units(tmp_path, "--kiosk").returncode == 0
    server = (tmp_path / systemd.SERVER_UNIT).read_text()
    assert "Type=notify" in server and "Restart=on-failure" in server
    assert (
        "WantedBy=multi-user.target" in server
        and "ReadWritePaths=/var/lib/motesplats/data" in server
    )
    assert f"ExecStart={REPO}/.venv/bin/motesplats serve" in server
    browser = (tmp_path / systemd.KIOSK_UNIT).read_text()
    assert "Restart=always" in browser and "Requires=motesplats.service" in browser
    assert "kiosk.village_pc.systemd wait http://localhost:8080/healthz" in browser
    for flag in (
        "--kiosk",
        "--no-first-run",
        "--disable-session-crashed-bubble",
        "--disable-pinch",
        "Translate",
        "--touch-events=enabled",
        "--check-for-update-interval",
    ):
        assert flag in browser, flag
    assert "xset -dpms" in browser and "xset s off" in browser
    assert "--incognito" not in browser  # the worker's cache must survive restarts


def test_unit_files_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed here (Debian package systemd)")
    assert write_units(tmp_path, "--kiosk").returncode == 0
    units = [str(tmp_path / systemd.SERVER_UNIT), str(tmp_path / systemd.KIOSK_UNIT)]
    checked = subprocess.run(
        [tool, "verify", "--man=no", *units], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
    # The check can fail: a unit with a relative ExecStart is refused.
    broken = tmp_path / "broken.service"
    broken.write_text("[Service]\nExecStart=motesplats serve\n")
    refused = subprocess.run(
        [tool, "verify", "--man=no", str(broken)], capture_output=True, text=True, timeout=60
    )
    assert refused.returncode != 0


def test_wait_gives_up_when_nothing_answers() -> None:
    assert systemd.wait_for(f"http://127.0.0.1:{free_port()}/healthz", timeout=1.5) is False


@pytest.mark.skipif(os.path.isdir("/run/systemd/system"), reason="this machine runs systemd")
def test_install_service_without_systemd_says_so_and_skips() -> None:
    if os.geteuid() != 0:
        pytest.skip("install.sh --service needs root")
    result = subprocess.run(
        ["bash", str(REPO / "install.sh"), "--service"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert "systemd is not running on this machine" in result.stdout
    assert not Path("/etc/systemd/system/motesplats.service").exists()


def test_install_uninstall_removes_the_units(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("install.sh --uninstall needs root")
    (tmp_path / "motesplats.service").write_text("[Service]\n")
    (tmp_path / "motesplats-kiosk.service").write_text("[Service]\n")
    result = subprocess.run(
        ["bash", str(REPO / "install.sh"), "--uninstall"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "UNITS_DIR": str(tmp_path)},
    )
    assert result.returncode == 0 and "The data stays" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_healthz_reports_storage_backups_and_sync(client: FlaskClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    assert body["ok"] is True and body["activities"] > 5
    assert body["last_backup_age_s"] is not None and body["sync"] == {"configured": False}


def test_healthz_is_503_when_the_data_folder_is_read_only(
    client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    if os.geteuid() == 0:  # root writes anywhere: only a stand-in can say "read-only"
        monkeypatch.setattr("kiosk.web.health.os.access", lambda path, mode: Path(path) != data)
    else:
        data.chmod(0o500)
    try:
        answer = client.get("/healthz")
        assert answer.status_code == 503
        assert answer.get_json()["problems"] == ["data folder not writable"]
    finally:
        data.chmod(0o700)


def test_the_server_answers_healthz_over_http(tmp_path: Path) -> None:
    port = free_port()
    proc = start_server(tmp_path / "data", port)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", proc)
    finally:
        stop_server(proc)
