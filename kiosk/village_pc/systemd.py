"""Living under systemd on the village PC: readiness notification and the unit files.

Owns `notify()` (the sd_notify protocol: one datagram to $NOTIFY_SOCKET, so the service is
"started" only once it listens, and the kiosk browser unit can wait for it) and the two
unit files `install.sh --service` / `--kiosk` install:

* `motesplats.service`: `motesplats serve` as an unprivileged user, Type=notify, restarted
  on failure, started at boot, allowed to write only its data folder;
* `motesplats-kiosk.service`: Chromium in kiosk mode on the local display, pointed at
  http://localhost:<port>/, started after the server is ready and restarted whenever it
  exits (the loop FullPageOS uses), with the screen never blanking.

`python -m kiosk.village_pc.systemd write DIR --user U --desktop-user D ...` writes them;
`python -m kiosk.village_pc.systemd wait URL` waits until the server answers (the browser unit's
ExecStartPre).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SERVER_UNIT = "motesplats.service"
KIOSK_UNIT = "motesplats-kiosk.service"

# Chromium on the kiosk: quiet offline, no nags, no pinch zoom, touch on. A profile on disk
# (not incognito) so that the service worker keeps the board through server restarts.
CHROMIUM_FLAGS = (
    "--kiosk",
    "--no-first-run",
    "--noerrdialogs",
    "--disable-infobars",
    "--disable-session-crashed-bubble",
    "--disable-features=Translate,TranslateUI",
    "--disable-pinch",
    "--overscroll-history-navigation=0",
    "--touch-events=enabled",
    "--check-for-update-interval=31536000",
    "--simulate-outdated-no-au=Tue, 31 Dec 2099 23:59:59 GMT",
    "--disable-component-update",
    "--autoplay-policy=no-user-gesture-required",
)

# Mark the last run as a clean exit, so that Chromium shows no "restore pages?" bubble after
# a power cut (FullPageOS does the same).
CLEAN_EXIT = (
    "-/bin/sed -i"
    """ -e 's/"exited_cleanly":false/"exited_cleanly":true/'"""
    """ -e 's/"exit_type":"[^"]*"/"exit_type":"Normal"/'"""
)


def notify(state: str) -> bool:
    """Tell systemd `state` (e.g. "READY=1"); False when not started by systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(state.encode("utf-8"))
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Install:
    """Where things are on this PC."""

    repo: Path  # the checkout with .venv
    data_dir: Path
    user: str = "motesplats"
    desktop_user: str = "kiosk"  # who is logged in on the local display
    port: int = 8080
    chromium: str = "/usr/bin/chromium"
    display: str = ":0"

    @property
    def console_script(self) -> Path:
        return self.repo / ".venv" / "bin" / "motesplats"

    @property
    def python(self) -> Path:
        return self.repo / ".venv" / "bin" / "python"


def server_unit(where: Install) -> str:
    return f"""[Unit]
Description=Mötesplats activity board (server)
Documentation=file://{where.repo}/README.md
After=network.target
Wants=network-online.target

[Service]
Type=notify
NotifyAccess=main
User={where.user}
Group={where.user}
WorkingDirectory={where.repo}
Environment=MOTESPLATS_DATA_DIR={where.data_dir}
Environment=MOTESPLATS_PORT={where.port}
Environment=PYTHONUNBUFFERED=1
ExecStart={where.console_script} serve
UMask=0077
Restart=on-failure
RestartSec=3
TimeoutStartSec=180
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=strict
ProtectHome=read-only
ReadWritePaths={where.data_dir}

[Install]
WantedBy=multi-user.target
"""


def kiosk_unit(where: Install) -> str:
    url = f"http://localhost:{where.port}/"
    profile = f"/home/{where.desktop_user}/.config/motesplats-kiosk"
    prefs = f"{profile}/Default/Preferences"
    flags = " ".join(f'"{f}"' if " " in f else f for f in CHROMIUM_FLAGS)
    return f"""[Unit]
Description=Mötesplats kiosk browser on the local screen
After={SERVER_UNIT} graphical.target
Requires={SERVER_UNIT}
PartOf=graphical.target

[Service]
Type=simple
User={where.desktop_user}
Environment=DISPLAY={where.display}
Environment=XAUTHORITY=/home/{where.desktop_user}/.Xauthority
ExecStartPre={where.python} -m kiosk.village_pc.systemd wait {url}healthz
ExecStartPre=-/usr/bin/xset s off
ExecStartPre=-/usr/bin/xset -dpms
ExecStartPre=-/usr/bin/xset s noblank
ExecStartPre={CLEAN_EXIT} {prefs}
ExecStart={where.chromium} {flags} --user-data-dir={profile} {url}
Restart=always
RestartSec=2

[Install]
WantedBy=graphical.target
"""


def wait_for(url: str, timeout: float = 300.0) -> bool:
    """Until `url` answers 200 (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if response.status == 200:
                    return True
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(1)
    return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.village_pc.systemd")
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("write", help="write the unit files into a folder")
    write.add_argument("folder", type=Path)
    write.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[2])
    write.add_argument("--data-dir", type=Path, required=True)
    write.add_argument("--user", default="motesplats")
    write.add_argument("--desktop-user", default="kiosk")
    write.add_argument("--port", type=int, default=8080)
    write.add_argument("--chromium", default="/usr/bin/chromium")
    write.add_argument("--kiosk", action="store_true", help="also the kiosk browser unit")
    wait = commands.add_parser("wait", help="wait until a URL answers 200")
    wait.add_argument("url")
    wait.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    if args.command == "wait":
        return 0 if wait_for(args.url, args.timeout) else 1
    where = Install(
        args.repo, args.data_dir, args.user, args.desktop_user, args.port, args.chromium
    )
    args.folder.mkdir(parents=True, exist_ok=True)
    (args.folder / SERVER_UNIT).write_text(server_unit(where), encoding="utf-8")
    if args.kiosk:
        (args.folder / KIOSK_UNIT).write_text(kiosk_unit(where), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
