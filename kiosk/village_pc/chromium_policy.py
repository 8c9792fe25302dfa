"""The kiosk browser's managed policy: Chromium on the village PC never leaves the board.

Owns the policy file `install.sh --kiosk` puts in `/etc/chromium/policies/managed/`. Every
URL is blocked except the board on this PC (`localhost`, `127.0.0.1`, any port) and
`about:blank`, so a tap on a map or web link that got past the page's own guard
(`static/js/kiosk-links.js`) shows Chromium's "blocked" page instead of stranding the screen
on another site, and the idle reset still brings the board back. Also off: incognito,
sign-in, the password manager, the translate bar, printing, pop-ups and downloads. (Developer
tools stay: the tests drive this very browser through them, and the kiosk has no keyboard.)
Plain: `policy()` returns the document; `python -m kiosk.village_pc.chromium_policy write
PATH` writes it.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

POLICY_DIR = Path("/etc/chromium/policies/managed")
POLICY_FILE = POLICY_DIR / "motesplats-kiosk.json"
BOARD_HOSTS = ("localhost", "127.0.0.1")


def policy() -> dict[str, Any]:
    """Chromium's managed policy for the kiosk (names as in Chromium's policy list)."""
    return {
        "URLBlocklist": ["*"],
        "URLAllowlist": [*BOARD_HOSTS, "about:blank"],
        "IncognitoModeAvailability": 1,  # disabled
        "BrowserSignin": 0,
        "PasswordManagerEnabled": False,
        "TranslateEnabled": False,
        "DownloadRestrictions": 3,  # block all downloads
        "PrintingEnabled": False,
        "DefaultPopupsSetting": 2,  # no pop-up windows
    }


def write(path: Path) -> None:
    """Write the policy to `path` atomically (readable by everyone, as Chromium needs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".motesplats-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(policy(), out, indent=2)
        out.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    out = sub.add_parser("write", help="write the policy file")
    out.add_argument("path", nargs="?", type=Path, default=POLICY_FILE)
    args = parser.parse_args(argv)
    write(args.path)
    print(f"wrote {args.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
