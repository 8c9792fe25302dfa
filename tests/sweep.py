"""Run the live journeys whose outcome depends on today's date at every instant of
`tests.clock.SWEEP`.

    .venv/bin/python -m tests.sweep                 # every instant but today (the suite's own run)
    .venv/bin/python -m tests.sweep --at 2027-10-31T02:30+fold -- -x   # one instant, pytest -x
    .venv/bin/python -m tests.sweep --all --at 2027-01-01T00:30   # every `today` test there

Each instant is a fresh pytest process with MOTESPLATS_TEST_NOW set: the test process reads
it through tests.clock, the servers it starts run under time-machine, Chromium's pages
under Playwright's clock. Instants that are one moment (02:30 on the morning the clocks go
forward *is* 03:30) run once.

What runs at each instant is `JOURNEYS`: the board, a signup at the kiosk and on a phone,
the poster and the week's digest, the reports' months, the live board, the offline kiosk
and phone, the real server's start and clock — each a test marked `today` that shows or
computes dates. The other `today` tests (tap sizes and accessibility on every page, crash
torture, bursts) do not look at the date beyond what these cover; they run on the real
clock in the main run, and all of them at one instant with `--all` (about 11 minutes,
too long for every instant in CI's 90). The in-process tests at every instant are
`tests/test_every_day.py`. Prints one line per instant and a total; exits 1 when any
instant failed or ran no test.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from tests import clock

REPO = Path(__file__).resolve().parent.parent
COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped)")


JOURNEYS = (
    "tests/browser/test_board_screens.py::test_kiosk_landscape[sv]",
    "tests/browser/test_board_screens.py::test_phone[ar]",
    "tests/browser/test_board_screens.py::test_detail_on_phone[ar]",
    "tests/browser/test_reader_journeys.py::test_arabic_reader_at_the_kiosk_signs_up_for_womens_swimming",
    "tests/browser/test_reader_journeys.py::test_tigrinya_reader_on_a_phone_signs_up_for_cooking",
    "tests/browser/test_signup_phone.py::test_sign_up_from_a_phone_in_arabic",
    "tests/browser/test_signup_kiosk.py::test_sign_up_at_the_kiosk_then_it_returns_home",
    "tests/browser/test_poster.py::test_poster_on_a_phone_screen",
    "tests/browser/test_municipality.py::test_door_count_shows_in_the_report_chart",
    "tests/browser/test_municipality.py::test_the_weeks_digest_fits_one_a4_page",
    "tests/browser/test_pwa.py::test_kiosk_keeps_the_board_while_the_server_is_down",
    "tests/browser/test_pwa.py::test_offline_signup_is_sent_later_and_stored_exactly_once",
    "tests/browser/test_live_board.py::test_a_saved_title_reaches_the_open_board_within_two_seconds",
    "tests/village_pc/test_cli.py::test_serve_shows_the_demo_week_on_first_start",
    "tests/village_pc/test_cli.py::test_the_live_server_keeps_the_runs_clock",
    "tests/village_pc/test_doctor.py::test_last_backup_too_old",
    "tests/sync/test_sync_feeds.py::test_the_board_answers_while_a_feed_trickles",
)


def counts(output: str) -> dict[str, int]:
    """pytest's closing figures ("3 passed, 1 failed in 9.1s") as a dict."""
    found: dict[str, int] = {}
    for line in reversed(output.splitlines()):
        if " in " in line and COUNT.search(line):
            for number, word in COUNT.findall(line):
                found[word.rstrip("s") if word.startswith("error") else word] = int(number)
            break
    return found


def distinct(entries: list[str]) -> list[str]:
    """The entries, each instant once (the first entry that names it)."""
    seen: set[datetime | None] = set()
    kept = []
    for entry in entries:
        instant = clock.parse(entry)
        # compared in UTC: local times that differ only by `fold` (October's two 02:30s)
        # are equal as Python compares them, yet an hour apart
        moment = instant.astimezone(UTC) if instant else None
        if moment not in seen:
            seen.add(moment)
            kept.append(entry)
    return kept


def run_at(entry: str, extra: list[str], every: bool) -> tuple[int, dict[str, int], float, str]:
    env = {
        **os.environ,
        clock.ENV: entry,
        "MOTESPLATS_TORTURE_ROUNDS": os.environ.get("MOTESPLATS_SWEEP_TORTURE_ROUNDS", "10"),
    }
    chosen = ["-m", "today"] if every else list(JOURNEYS)
    command = [sys.executable, "-m", "pytest", *chosen, "-q", "-p", "no:cacheprovider"]
    started = time.monotonic()
    result = subprocess.run(
        [*command, *extra], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    return result.returncode, counts(result.stdout), time.monotonic() - started, result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at", action="append", help="an instant (default: all but today)")
    parser.add_argument("--all", action="store_true", help="every test marked `today`")
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest (after --)")
    args = parser.parse_args(argv)
    for entry in args.at or ():
        clock.parse(entry)  # a wrong entry stops here, before any run
    entries = distinct(args.at or [e for e in clock.SWEEP if e != "today"])
    clock.check_tools()  # so does a machine without time-machine
    passed = failed = 0
    broken: list[str] = []
    for entry in entries:
        code, figures, took, output = run_at(entry, args.pytest_args, args.all)
        instant = clock.parse(entry)
        shown = instant.isoformat() if instant else "the real clock"
        ok, bad = figures.get("passed", 0), figures.get("failed", 0) + figures.get("error", 0)
        passed, failed = passed + ok, failed + bad
        print(f"sweep {entry:<22} ({shown}): {ok} passed, {bad} failed in {took:.0f} s", flush=True)
        if code != 0 or ok == 0:
            broken.append(entry)
            tail = "\n".join(output.splitlines()[-60:])
            print(f"--- pytest at {entry} (exit {code}) ---\n{tail}\n---", flush=True)
    if broken:
        print(f"sweep: failing at {', '.join(broken)}", file=sys.stderr)
    print(f"sweep: {passed} passed, {failed} failed")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
