"""The date sweep's plan (tests/sweep.py): each instant once, October's two 02:30s both,
and every journey it names exists and runs on the moved clock (marked `today`)."""

from __future__ import annotations

import subprocess
import sys

from tests import clock, sweep
from tests.conftest import REPO


def test_each_instant_runs_once_and_both_october_half_past_twos_run() -> None:
    entries = sweep.distinct([e for e in clock.SWEEP if e != "today"])
    assert "2027-03-28T03:30" not in entries  # the same instant as the 02:30 that does not exist
    assert {"2027-10-31T02:30", "2027-10-31T02:30+fold"} <= set(entries)
    assert len(entries) == len(clock.SWEEP) - 2


def test_every_journey_exists_and_is_marked_today() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--collect-only", "-m", "today", *sweep.JOURNEYS],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.returncode == 0, listed.stdout[-2000:] + listed.stderr[-2000:]
    assert (
        f"{len(sweep.JOURNEYS)}/" in listed.stdout
        or f"{len(sweep.JOURNEYS)} tests" in listed.stdout
    )
