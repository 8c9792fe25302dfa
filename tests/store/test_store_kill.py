"""Torture: SIGKILL a writer process at random moments, then open the store.

50 rounds (MOTESPLATS_KILL_ROUNDS) of up to 500 writes each, in one data folder, so later
rounds also recover from the crashes of earlier ones. Half the kills land at a random
acknowledged write, half inside a random rewrite of the data file (a non-atomic rewrite
is caught this way; random timing alone hits its ~2 ms window too rarely). The store must
always open, report no damage, and hold every write acknowledged before each kill.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.store import open_store
from tests.conftest import REPO

ROUNDS = int(os.environ.get("MOTESPLATS_KILL_ROUNDS", "50"))
WRITES = 500


@pytest.mark.torture
def test_sigkill_during_writes_never_loses_an_acknowledged_write(tmp_path: Path) -> None:
    rng = random.Random(20261124)
    acked_puts: dict[str, int] = {}
    acked_batches: dict[str, int] = {}
    killed_mid_run = 0
    for round_no in range(ROUNDS):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.store_writer", str(tmp_path), str(round_no), str(WRITES)],
            stdout=subprocess.PIPE,
            cwd=REPO,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        # Odd rounds kill at a random acknowledgement; even rounds aim at a random data-file
        # rewrite (the riskiest moment), 0-60 ms after it starts.
        aim_at_compaction = round_no % 2 == 0
        kill_after = rng.randint(1, 9) if aim_at_compaction else rng.randint(0, WRITES)
        counter_acked: str | None = None
        seen = 0
        for line in proc.stdout:
            parts = line.split()
            if parts[0] == "done":
                break
            if parts[0] == "compacting":
                seen += aim_at_compaction
                if aim_at_compaction and seen >= kill_after:
                    time.sleep(rng.random() * 0.060)
                    break
                continue
            kind, key, value = parts[1], parts[2], parts[3]
            if kind == "put":
                acked_puts[key] = int(value)
            elif kind == "batch":
                acked_batches[key] = int(value)
            else:
                counter_acked = value
            seen += not aim_at_compaction
            if not aim_at_compaction and seen >= kill_after:
                time.sleep(rng.random() * 0.003)  # land inside a later write or compaction
                break
        proc.send_signal(signal.SIGKILL)
        # Lines already printed before the kill are acknowledgements too.
        for line in proc.stdout.read().splitlines():
            parts = line.split()
            if parts and parts[0] == "ack":
                if parts[1] == "put":
                    acked_puts[parts[2]] = int(parts[3])
                elif parts[1] == "batch":
                    acked_batches[parts[2]] = int(parts[3])
                else:
                    counter_acked = parts[3]
        killed_mid_run += proc.wait() == -signal.SIGKILL

        store = open_store(tmp_path)
        try:
            assert not [n for n in store.recovery_notes if "damaged" in n], store.recovery_notes
            for doc_id, n in acked_puts.items():
                doc = store.get("activities", doc_id)
                assert doc is not None and doc["n"] == n, f"round {round_no}: lost {doc_id}"
            for prefix, n in acked_batches.items():
                for k in range(5):
                    doc = store.get("activities", f"{prefix}-{k}")
                    assert doc is not None and doc["n"] == n, f"lost batch {prefix}"
            assert store.count("ballast") == 2500
            if counter_acked is not None:
                value = store.get("counters", "writes")["value"]
                acked_round, acked_i = (int(x) for x in counter_acked.split("-"))
                got_round, got_i = (int(x) for x in value.split("-"))
                assert (got_round, got_i) >= (acked_round, acked_i)
        finally:
            store.close()
    assert killed_mid_run >= ROUNDS * 0.8  # the kills really landed during the writes
    print(f"{ROUNDS} kills, {len(acked_puts)} acknowledged puts all present")
