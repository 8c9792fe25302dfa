"""`ActivityBook`, the one writer of activities: versions, device stamps, the audit line."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.activities.book import ActivityBook, calendar_actor, capacity_of
from kiosk.activities.model import Activity, SignupSettings
from kiosk.store import open_store
from kiosk.volunteers.audit import AuditLog
from sync import device

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night clocks go forward


@pytest.fixture
def book(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "data")
    here = device.device_id(tmp_path / "data")
    yield (
        ActivityBook(
            store,
            AuditLog(tmp_path / "data", lambda: NOW),
            lambda: NOW,
            stamp=lambda doc: device.stamp(store, here, doc),
        ),
        here,
    )
    store.close()


def quiz(**fields: object) -> dict:
    start = datetime(2026, 4, 2, 16, 0, tzinfo=UTC)
    return Activity(
        id="quiz@test",
        title={"sv": "Frågesport"},
        start=start,
        end=start + timedelta(hours=1),
        signup=SignupSettings(True, 12),
        **fields,  # type: ignore[arg-type]
    ).to_doc()


def test_a_change_here_is_versioned_stamped_with_this_device_and_audited(book) -> None:  # type: ignore[no-untyped-def]
    activities, here = book
    first = activities.save(quiz(), None, actor="anna", actor_name="Anna")
    second = activities.save({**first, "title": {"sv": "Quiz"}}, first, actor="bo", actor_name="Bo")
    assert (first["version"], second["version"]) == (1, 2)
    assert second["changed_on"] == here and second["change_counter"] == first["change_counter"] + 1
    assert second["updated_by"] == "Bo" and second["updated_at"] == "2026-03-29T00:30:00Z"
    assert activities.get("quiz@test") == second
    log = activities.audit.entries(target="quiz@test")
    assert [(e["who"], e["action"]) for e in reversed(log)] == [
        ("anna", "created"),
        ("bo", "changed"),
    ]
    assert log[0]["before"]["title"] == {"sv": "Frågesport"}
    assert log[0]["after"]["title"] == {"sv": "Quiz"}


def test_an_imported_change_carries_its_calendar_not_this_device(book) -> None:  # type: ignore[no-untyped-def]
    activities, _here = book
    local = activities.save(quiz(), None, actor="anna", actor_name="Anna")
    incoming = {**quiz(), "title": {"sv": "Frågesport (centralt)"}, "source": "sync:src-1"}
    written = activities.save(
        incoming,
        local,
        actor=calendar_actor("sync:src-1"),
        actor_name="Regionen",
        origin="sync:src-1",
    )
    assert written["version"] == 2 and written["changed_on"] == "sync:src-1"
    assert written["change_counter"] == 2 and written["updated_by"] == "Regionen"
    assert written["updated_at"] == incoming["updated_at"]  # the calendar's own time is kept
    (entry,) = activities.audit.entries(target="quiz@test", limit=1)
    assert (entry["who"], entry["action"]) == ("calendar:src-1", "changed")


def test_a_batch_writes_its_audit_lines_with_one_fsync(book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    activities, _here = book
    fsyncs = []
    real_fsync = os.fsync
    monkeypatch.setattr(
        "kiosk.volunteers.audit.os.fsync",
        lambda fd: (fsyncs.append(os.readlink(f"/proc/self/fd/{fd}")), real_fsync(fd)),
    )
    with activities.store.lock(), activities.batch():
        for n in range(50):
            activities.save(
                {**quiz(), "id": f"q{n}@test"},
                None,
                actor="calendar:x",
                actor_name="X",
                origin="sync:x",
            )
        assert not activities.audit.path.exists()  # nothing written before the batch ends
    assert fsyncs.count(str(activities.audit.path)) == 1
    lines = activities.audit.path.read_text().splitlines()
    assert len(lines) == 50 and all(json.loads(line)["who"] == "calendar:x" for line in lines)


def test_delete_and_settle_are_audited_and_capacity_is_read_from_the_table(book) -> None:  # type: ignore[no-untyped-def]
    activities, _here = book
    saved = activities.save(quiz(), None, actor="anna", actor_name="Anna")
    assert capacity_of(activities.store, "quiz@test") == 12 == activities.capacity("quiz@test")
    assert capacity_of(activities.store, "nothing@test") is None
    settled = activities.settle({**saved, "title": {"sv": "Vald"}}, saved, actor="admin-1")
    assert settled["version"] == 2
    activities.delete("quiz@test", settled, actor="admin-1")
    assert activities.get("quiz@test") is None
    actions = [e["action"] for e in reversed(activities.audit.entries(target="quiz@test"))]
    assert actions == ["created", "settled", "deleted"]
