#!/usr/bin/env bash
# Install Mötesplats into ./.venv. Safe to run again (it only adds what is missing).
#   ./install.sh          the server: venv, the project, compiled translations, data folder
#   ./install.sh --dev    also the test tools: pytest, ruff, playwright, and (as root)
#                         Debian's chromium (browser tests), zbar-tools (QR decoding), poppler-utils
#                         (poster PDFs to PNG), wrk (benchmarks), nodejs and npm; then ical.js
#                         into tests/js (npm ci: the calendar reader the feed tests use),
#                         and gammu + gammu-smsd (the SMS tests run the real daemon, dummy modem)
#   sudo ./install.sh --service   also a systemd service: starts at boot, restarts on failure,
#                         runs as the user 'motesplats', data in /var/lib/motesplats/data
#   sudo ./install.sh --kiosk     the service, and Chromium full screen on this PC's display
#                         (KIOSK_USER=<who is logged in on the screen>, default: who ran sudo)
#   sudo ./install.sh --uninstall removes the service and the kiosk browser (keeps the data)
#   ./install.sh --update  fetches the new version (git pull), tries it on a copy of the data,
#                         and keeps the old version if the new one cannot read the data
set -euo pipefail
cd "$(dirname "$0")"

DEV=0
SERVICE=0
KIOSK=0
UNINSTALL=0
UPDATE=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1 ;;
    --service) SERVICE=1 ;;
    --kiosk) SERVICE=1; KIOSK=1 ;;
    --uninstall) UNINSTALL=1 ;;
    --update) UPDATE=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
systemd_runs_here() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }
need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "$1 changes the system and needs root: sudo ./install.sh $1" >&2
    exit 1
  fi
}
UNITS_DIR="${UNITS_DIR:-/etc/systemd/system}"
SERVICE_USER=motesplats
SERVICE_DATA=/var/lib/motesplats/data

if [ "$UNINSTALL" = 1 ]; then
  need_root --uninstall
  if systemd_runs_here; then
    systemctl disable --now motesplats-kiosk.service motesplats.service 2>/dev/null || true
  fi
  rm -f "$UNITS_DIR/motesplats.service" "$UNITS_DIR/motesplats-kiosk.service"
  rm -f /etc/chromium/policies/managed/motesplats-kiosk.json
  if systemd_runs_here; then systemctl daemon-reload; fi
  say "Removed the Mötesplats service and kiosk browser. The data stays in $SERVICE_DATA."
  exit 0
fi

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "Mötesplats needs Python 3.11 or newer, and '$PYTHON' was not found." >&2
  echo "On Debian/Ubuntu: sudo apt-get install python3 python3-venv" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "Mötesplats needs Python 3.11 or newer; '$PYTHON' is $("$PYTHON" -V 2>&1)." >&2
  echo "Install a newer Python, or point PYTHON=/path/to/python3.11 at one." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  say "Creating .venv"
  "$PYTHON" -m venv .venv || {
    echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2
    exit 1
  }
fi

say "Installing Mötesplats into .venv"
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$DEV" = 1 ]; then
  .venv/bin/python -m pip install --quiet -e '.[dev]'
else
  .venv/bin/python -m pip install --quiet -e .
fi

say "Compiling translations"
.venv/bin/pybabel compile --use-fuzzy -d kiosk/translations 2>&1 | grep -v '^compiling' || true

say "Creating the data folder"
mkdir -p data
chmod 700 data  # names, phones and password hashes: the owner only (files are made 0600)
# The key pair Web Push is signed with (VAPID, RFC 8292): made once, kept in the data folder.
.venv/bin/python -m kiosk.messaging.web_push data >/dev/null

if [ "$UPDATE" = 1 ]; then
  if [ ! -d .git ] || ! command -v git >/dev/null 2>&1; then
    echo "--update needs a git checkout. Otherwise download the new version and run ./install.sh there." >&2
    exit 1
  fi
  old="$(git rev-parse HEAD)"
  say "Fetching the new version"
  if ! git pull --ff-only --quiet; then
    echo "Could not fetch the new version (no network, or files changed here: git status)." >&2
    exit 1
  fi
  if [ "$(git rev-parse HEAD)" = "$old" ]; then
    say "Mötesplats is up to date."
    exit 0
  fi
  .venv/bin/python -m pip install --quiet -e . &&
    .venv/bin/pybabel compile --use-fuzzy -d kiosk/translations >/dev/null 2>&1 || true
  data="${MOTESPLATS_DATA_DIR:-}"
  if [ -z "$data" ]; then
    if [ -d "$SERVICE_DATA" ] && [ -f "$UNITS_DIR/motesplats.service" ]; then data="$SERVICE_DATA"; else data="$PWD/data"; fi
  fi
  say "Trying the new version on a copy of the data in $data"
  if ! .venv/bin/motesplats migrate --dry-run --data-dir "$data"; then
    say "The new version cannot read the data. Going back to the old version; nothing was changed."
    git reset --quiet --keep "$old"
    .venv/bin/python -m pip install --quiet -e . || true
    exit 1
  fi
  if systemd_runs_here && systemctl is-enabled --quiet motesplats.service 2>/dev/null; then
    systemctl restart motesplats.service
    say "Updated to $(git rev-parse --short HEAD); the service restarted and updated the data."
  else
    say "Updated to $(git rev-parse --short HEAD). Restart Mötesplats to use it (it updates the data as it starts)."
  fi
  exit 0
fi

if [ "$DEV" = 1 ]; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium fonts-noto-core)
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
  command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
  command -v gammu-smsd >/dev/null 2>&1 || need+=(gammu gammu-smsd)
  if [ "${#need[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "Installing ${need[*]} (browser tests, calendar feed tests and benchmarks)"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
      echo "Note: the browser tests need /usr/bin/chromium, the calendar feed tests node and npm," >&2
      echo "      and the benchmark prefers wrk; install them with: sudo apt-get install ${need[*]}" >&2
    fi
  fi
  # ical.js, exactly as tests/js/package-lock.json pins it; again only when the lock changed.
  if command -v npm >/dev/null 2>&1; then
    if [ ! tests/js/node_modules/.package-lock.json -nt tests/js/package-lock.json ]; then
      say "Installing ical.js into tests/js (calendar feed tests)"
      npm ci --prefix tests/js --no-audit --no-fund --loglevel=error >/dev/null
    fi
  else
    echo "Note: the calendar feed tests need npm (then: npm ci --prefix tests/js)." >&2
  fi
fi

if [ "$SERVICE" = 1 ]; then
  need_root "$([ "$KIOSK" = 1 ] && echo --kiosk || echo --service)"
  if ! systemd_runs_here; then
    say "systemd is not running on this machine (a container or CI?): skipping the service."
    echo "Start the board by hand instead: .venv/bin/motesplats serve"
    exit 0
  fi
  id "$SERVICE_USER" >/dev/null 2>&1 ||
    useradd --system --home-dir /var/lib/motesplats --shell /usr/sbin/nologin "$SERVICE_USER"
  mkdir -p "$SERVICE_DATA"
  .venv/bin/python -m kiosk.messaging.web_push "$SERVICE_DATA" >/dev/null
  chown -R "$SERVICE_USER:" /var/lib/motesplats
  chmod -R go-rwx "$SERVICE_DATA"  # folders 0700, files 0600: only the service reads them
  if ! runuser -u "$SERVICE_USER" -- test -r "$PWD/kiosk/__init__.py"; then
    echo "The user '$SERVICE_USER' cannot read $PWD. Put Mötesplats in a folder everyone" >&2
    echo "can read, for example: sudo mv $PWD /opt/motesplats, then run this again there." >&2
    exit 1
  fi
  kiosk_flags=()
  if [ "$KIOSK" = 1 ]; then
    KIOSK_USER="${KIOSK_USER:-${SUDO_USER:-}}"
    if [ -z "$KIOSK_USER" ] || [ ! -e /tmp/.X11-unix/X0 ]; then
      say "No desktop session on display :0 (or no KIOSK_USER): skipping the kiosk browser."
      KIOSK=0
    else
      [ -x /usr/bin/chromium ] || apt-get install -y -qq chromium x11-xserver-utils >/dev/null
      # Chromium's managed policy: the kiosk browser reaches only the board on this PC
      .venv/bin/python -m kiosk.village_pc.chromium_policy write >/dev/null
      kiosk_flags=(--kiosk --desktop-user "$KIOSK_USER")
    fi
  fi
  units="$(mktemp -d)"
  .venv/bin/python -m kiosk.village_pc.systemd write "$units" --repo "$PWD" --data-dir "$SERVICE_DATA" \
    --user "$SERVICE_USER" "${kiosk_flags[@]}"
  install -m 644 "$units"/*.service "$UNITS_DIR/"
  rm -rf "$units"
  systemctl daemon-reload
  systemctl enable --now motesplats.service
  say "The board runs as a service: systemctl status motesplats (logs: journalctl -u motesplats)"
  if [ "$KIOSK" = 1 ]; then
    systemctl enable --now motesplats-kiosk.service
    say "Chromium shows the board full screen on display :0 for $KIOSK_USER."
  fi
  exit 0
fi

say "Done. Start the board with: .venv/bin/motesplats serve"
