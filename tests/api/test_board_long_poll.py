"""The board's long poll: `/api/board-version?since=<token>` waits for a change, boundedly."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from kiosk import create_app, services
from kiosk.board.live import default_waiters
from tests.conftest import Clock, wait_until

PHONE = {"REMOTE_ADDR": "192.0.2.10"}
OTHER_PHONE = {"REMOTE_ADDR": "192.0.2.11"}


def make_app(tmp_path: Path, clock: Clock, **settings: Any) -> Flask:
    return create_app(
        {"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "CLOCK": clock, **settings}
    )


@pytest.fixture
def quick_app(tmp_path: Path, clock: Clock) -> Iterator[Flask]:
    """Long polls wait 1 s at most; four may wait at once."""
    app = make_app(tmp_path, clock, LONG_POLL_SECONDS=1, LONG_POLL_WAITERS=4)
    yield app
    services.get_for(app).store.close()


def version(app: Flask) -> str:
    return app.test_client().get("/api/board-version").get_json()["version"]


class Waiting(threading.Thread):
    """One long poll in its own thread (its own test client), timed."""

    def __init__(self, app: Flask, since: str, environ: dict[str, str] | None = None) -> None:
        super().__init__(daemon=True)
        self.app, self.since, self.environ = app, since, environ or PHONE
        self.answer: dict[str, Any] | None = None
        self.seconds = 0.0

    def run(self) -> None:
        began = time.monotonic()
        response = self.app.test_client().get(
            f"/api/board-version?since={self.since}", environ_base=self.environ
        )
        self.seconds = time.monotonic() - began
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        self.answer = response.get_json()


def test_without_since_it_answers_at_once_with_the_bounds(quick_app: Flask) -> None:
    data = quick_app.test_client().get("/api/board-version").get_json()
    assert data["version"] and data["wait"] == 1 and data["again_in"] == 0


def test_a_board_behind_the_current_version_is_answered_at_once(quick_app: Flask) -> None:
    began = time.monotonic()
    data = quick_app.test_client().get("/api/board-version?since=older").get_json()
    assert time.monotonic() - began < 0.5
    assert data["version"] == version(quick_app) and data["again_in"] == 0


def test_a_waiting_board_wakes_as_soon_as_something_is_written(
    tmp_path: Path, clock: Clock
) -> None:
    app = make_app(tmp_path, clock, LONG_POLL_SECONDS=10)
    try:
        before = version(app)
        waiting = Waiting(app, before)
        waiting.start()
        watch = services.get_for(app).board_watch
        assert wait_until(lambda: watch.waiting == 1)
        time.sleep(0.2)
        assert waiting.is_alive()  # nothing changed: it waits
        written = time.monotonic()
        services.get_for(app).store.put("places", {"id": "new", "name": "Ny plats"})
        waiting.join(5)
        woke_after = time.monotonic() - written
        assert waiting.answer is not None and waiting.answer["version"] != before
        assert waiting.answer["version"] == version(app)
        assert woke_after < 0.5, woke_after  # woken by the write, not by its 10 s bound
        assert watch.waiting == 0
    finally:
        services.get_for(app).store.close()


def test_a_restore_wakes_waiting_boards_too(tmp_path: Path, clock: Clock) -> None:
    app = make_app(tmp_path, clock, LONG_POLL_SECONDS=10)
    svc = services.get_for(app)
    try:
        backup = svc.store.backup().read_bytes()
        waiting = Waiting(app, version(app))
        waiting.start()
        assert wait_until(lambda: svc.board_watch.waiting == 1)
        svc.store.restore(backup)
        waiting.join(5)
        assert waiting.answer is not None and waiting.seconds < 3
    finally:
        svc.store.close()


def test_with_no_change_it_answers_the_same_version_after_its_bound(quick_app: Flask) -> None:
    current = version(quick_app)
    waiting = Waiting(quick_app, current)
    waiting.run()  # here, in this thread
    assert waiting.answer == {"version": current, "wait": 1, "again_in": 0}
    assert 0.9 <= waiting.seconds < 2.5


def test_a_new_day_is_news_without_a_write(tmp_path: Path, clock: Clock) -> None:
    from datetime import timedelta

    from kiosk.board import live

    app = make_app(tmp_path, clock, LONG_POLL_SECONDS=10)
    original = live.RECHECK_SECONDS
    live.RECHECK_SECONDS = 0.2  # how often a waiter looks again without being woken
    try:
        before = version(app)
        waiting = Waiting(app, before)
        waiting.start()
        assert wait_until(lambda: services.get_for(app).board_watch.waiting == 1)
        clock.now += timedelta(days=1)
        waiting.join(3)
        assert waiting.answer is not None and waiting.answer["version"] != before
        assert waiting.answer["version"].endswith("2026-11-25")
    finally:
        live.RECHECK_SECONDS = original
        services.get_for(app).store.close()


def test_beyond_the_servers_bound_boards_are_answered_at_once_and_told_to_pause(
    tmp_path: Path, clock: Clock
) -> None:
    app = make_app(tmp_path, clock, LONG_POLL_SECONDS=2, LONG_POLL_WAITERS=1)
    try:
        current = version(app)
        first = Waiting(app, current)
        first.start()
        assert wait_until(lambda: services.get_for(app).board_watch.waiting == 1)
        began = time.monotonic()
        refused = app.test_client().get(
            f"/api/board-version?since={current}", environ_base=OTHER_PHONE
        )
        assert time.monotonic() - began < 0.5
        assert refused.status_code == 200  # not an error: the offline bar stays hidden
        assert refused.get_json() == {"version": current, "wait": 2, "again_in": 30}
        first.join(5)
        assert first.answer is not None and first.answer["again_in"] == 0
    finally:
        services.get_for(app).store.close()


def test_one_client_waits_at_most_twice_at_once(quick_app: Flask) -> None:
    current = version(quick_app)
    watch = services.get_for(quick_app).board_watch
    mine = [Waiting(quick_app, current) for _ in range(2)]
    for waiting in mine:
        waiting.start()
    assert wait_until(lambda: watch.waiting == 2)
    third = quick_app.test_client().get(f"/api/board-version?since={current}", environ_base=PHONE)
    assert third.get_json()["again_in"] == 30  # the same phone: answered at once
    elsewhere = Waiting(quick_app, current, OTHER_PHONE)
    elsewhere.start()
    assert wait_until(lambda: watch.waiting == 3)  # another phone may still wait
    for waiting in [*mine, elsewhere]:
        waiting.join(5)
        assert waiting.answer is not None and waiting.answer["again_in"] == 0
    assert watch.waiting == 0


def test_by_default_a_quarter_of_the_threads_may_wait(app: Flask) -> None:
    watch = services.get_for(app).board_watch
    assert watch.max_waiters == default_waiters(app.config["THREADS"]) == 2
    assert watch.seconds == 25 and watch.per_client == 2
    assert default_waiters(1) == 1 and default_waiters(16) == 4


def test_the_store_tells_its_listeners_after_each_acknowledged_write(app: Flask) -> None:
    store = services.get_for(app).store
    seen: list[int] = []
    store.on_change(lambda: seen.append(store.version))
    store.put("places", {"id": "a", "name": "A"})
    with store.lock():  # one block of writes: told once, after all of them
        store.put("places", {"id": "b", "name": "B"})
        store.delete("places", "a")
        assert len(seen) == 1
    assert seen == [seen[0], store.version] and seen[0] < store.version
