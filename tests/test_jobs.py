"""`kiosk.jobs`: every background job started and stopped in one place, and kept alive."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from kiosk import services
from kiosk.config import resolve
from kiosk.jobs import Job, Jobs
from tests.conftest import wait_until


def test_a_job_runs_at_once_again_when_woken_and_survives_its_failures() -> None:
    runs: list[int] = []

    def flaky() -> None:
        runs.append(len(runs))
        if len(runs) % 2:
            raise RuntimeError("the central calendar answered garbage")

    jobs = Jobs()
    job = jobs.add(Job("flaky", flaky, lambda: 3600.0))
    jobs.start()
    try:
        assert wait_until(lambda: len(runs) == 1)
        for expected in (2, 3, 4):
            job.wake.set()
            assert wait_until(lambda n=expected: len(runs) == n)
        assert jobs.running == ["flaky"]  # four runs, two of them failed: still alive
    finally:
        jobs.stop()
    assert jobs.running == []


def test_a_job_that_cannot_tell_its_next_run_keeps_going_and_stop_ends_it_at_once() -> None:
    ran = threading.Event()
    jobs = Jobs()
    jobs.add(Job("no-wait", ran.set, lambda: 1 / 0))  # its wait raises: it waits a minute
    jobs.add(Job("later", lambda: None, lambda: 3600.0, run_at_start=False))
    jobs.start()
    assert ran.wait(5)
    began = time.monotonic()
    jobs.stop()
    assert time.monotonic() - began < 2 and jobs.running == []


def test_the_composition_root_adds_purge_nightly_backup_and_sync(tmp_path: Path) -> None:
    settings = resolve({"DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "k" * 32})
    built = services.build(settings)
    try:
        assert [j.name for j in built.jobs.jobs] == ["purge", "nightly-backup", "sync"]
        assert built.editor.book is built.activities is built.sync.book
        assert built.editor.on_change == built.sync.local_change
        # every save of an activity, a volunteer's or a calendar's, may cause text messages
        assert built.activities.after_save == [built.tell_changed]
        assert built.jobs.running == []  # built, not started: init_app starts them
    finally:
        built.store.close()
