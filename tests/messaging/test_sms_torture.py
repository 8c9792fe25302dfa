"""Torture: the sending process is SIGKILLed at random moments, again and again; every
message it acknowledged reaches real Gammu exactly once — none lost, none doubled."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.messaging.gammu_daemon import GammuDaemon, gammu, needs_gammu  # noqa: F401

COUNT = 40
KILLS = 8


@pytest.mark.torture
@needs_gammu
def test_sigkill_loses_and_doubles_no_message(tmp_path: Path, gammu: GammuDaemon) -> None:  # noqa: F811
    rng = random.Random(18)
    data = tmp_path / "data"
    acked: set[int] = set()
    done = False
    kills = 0
    while not done:
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.messaging.sms_torture_child",
                str(data),
                str(gammu.config),
                str(COUNT),
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        if kills < KILLS:
            time.sleep(rng.uniform(0.3, 2.5))
            child.kill()
            kills += 1
        out, _ = child.communicate(timeout=120)
        acked |= {int(line.split()[1]) for line in out.splitlines() if line.startswith("ACK")}
        done = "DONE" in out
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(gammu.sent()) < len(acked):
        time.sleep(0.2)
    time.sleep(2)  # anything doubled would show up now
    texts = [text for _, text in gammu.sent()]
    numbers = sorted(int(t.split()[1]) for t in texts)
    print(f"{kills} kills, {len(acked)} acknowledged, {len(texts)} sent")
    assert len(numbers) == len(set(numbers)), "a message was sent twice"
    assert acked <= set(numbers), f"lost: {sorted(acked - set(numbers))}"
