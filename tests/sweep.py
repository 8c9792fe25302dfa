"""Run the tests that depend on today's date at every instant of `tests.clock.SWEEP`.

    .venv/bin/python -m tests.sweep                 # every instant but today (the suite's own run)
    .venv/bin/python -m tests.sweep --at 2027-10-31T02:30+fold -- -x   # one instant, pytest -x

Each instant is a fresh pytest process over the tests marked `today` (live servers and
Chromium), with MOTESPLATS_TEST_NOW set: the test process reads it through tests.clock, the
servers it starts run under time-machine, Chromium's pages under Playwright's clock. The
torture tests among them run fewer rounds (their figures come from the main run). Prints
one line per instant and a total; exits 1 when any instant failed or ran no test.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from tests import clock

REPO = Path(__file__).resolve().parent.parent
COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped)")


def counts(output: str) -> dict[str, int]:
    """pytest's closing figures ("3 passed, 1 failed in 9.1s") as a dict."""
    found: dict[str, int] = {}
    for line in reversed(output.splitlines()):
        if " in " in line and COUNT.search(line):
            for number, word in COUNT.findall(line):
                found[word.rstrip("s") if word.startswith("error") else word] = int(number)
            break
    return found


def run_at(entry: str, extra: list[str]) -> tuple[int, dict[str, int], float, str]:
    env = {
        **os.environ,
        clock.ENV: entry,
        "MOTESPLATS_TORTURE_ROUNDS": os.environ.get("MOTESPLATS_SWEEP_TORTURE_ROUNDS", "10"),
    }
    command = [sys.executable, "-m", "pytest", "-m", "today", "-q", "-p", "no:cacheprovider"]
    started = time.monotonic()
    result = subprocess.run(
        [*command, *extra], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    return result.returncode, counts(result.stdout), time.monotonic() - started, result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at", action="append", help="an instant (default: all but today)")
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest (after --)")
    args = parser.parse_args(argv)
    entries = args.at or [e for e in clock.SWEEP if e != "today"]
    for entry in entries:
        clock.parse(entry)  # a wrong entry stops here, before any run
    clock.check_tools()  # so does a machine without time-machine
    passed = failed = 0
    broken: list[str] = []
    for entry in entries:
        code, figures, took, output = run_at(entry, args.pytest_args)
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
