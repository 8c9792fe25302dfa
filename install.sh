#!/usr/bin/env bash
# Install Mötesplats into ./.venv. Safe to run again (it only adds what is missing).
#   ./install.sh          the server: venv, the project, compiled translations, data folder
#   ./install.sh --dev    also the test tools: pytest, ruff, playwright, and (as root)
#                         Debian's chromium (browser tests), zbar-tools (QR decoding), poppler-utils
#                         (poster PDFs to PNG), wrk (benchmarks)
set -euo pipefail
cd "$(dirname "$0")"

DEV=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

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

if [ "$DEV" = 1 ]; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium fonts-noto-core)
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
  command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  if [ "${#need[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "Installing ${need[*]} (browser tests and benchmarks)"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
      echo "Note: the browser tests need /usr/bin/chromium and the benchmark prefers wrk;" >&2
      echo "      install them with: sudo apt-get install ${need[*]}" >&2
    fi
  fi
fi

say "Done. Start the board with: .venv/bin/motesplats serve"
