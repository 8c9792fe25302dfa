"""The storage contract: durability, one lock, disk full, damaged files, folder lock."""

from __future__ import annotations

import errno
import json
import logging
import os
import threading
from pathlib import Path

import pytest

from kiosk.store import StoreError, StoreFull, StoreLocked, open_store
from kiosk.store import journal as journal_module


def test_put_get_delete_survive_reopen(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.put("places", {"id": "p1", "name": "Byahuset"})
    store.put_many("places", [{"id": "p2", "name": "Biblioteket"}, {"id": "p3", "name": "X"}])
    store.put("places", {"id": "p1", "name": "Undenäs byahus"})  # whole replacement
    assert store.delete("places", "p3") is True
    assert store.delete("places", "p3") is False
    store.close()

    store = open_store(tmp_path)
    assert store.get("places", "p1") == {"id": "p1", "name": "Undenäs byahus"}
    assert sorted(d["id"] for d in store.all("places")) == ["p1", "p2"]
    assert store.count("places") == 2 and store.get("places", "p3") is None
    assert store.recovery_notes == []
    store.close()


def test_version_changes_on_every_write_and_returned_docs_are_copies_of_disk(
    tmp_path: Path,
) -> None:
    store = open_store(tmp_path)
    before = store.version
    doc = {"id": "a", "tags": ["x"]}
    store.put("activities", doc)
    doc["tags"].append("changed after put")
    assert store.get("activities", "a") == {"id": "a", "tags": ["x"]}
    assert store.version == before + 1
    store.close()


def test_bad_documents_are_refused_and_change_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.put("places", {"id": "keep"})
    version = store.version
    for bad in ({"name": "no id"}, {"id": ""}, {"id": 5}, {"id": "x", "when": object()}):
        with pytest.raises(StoreError):
            store.put("places", bad)
    with pytest.raises(StoreError):
        store.put("Bad Table", {"id": "x"})
    assert store.version == version and store.count("places") == 1
    store.close()
    assert open_store(tmp_path).count("places") == 1


def test_twenty_threads_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path, compact_min_bytes=8 * 1024)  # compactions happen mid-test
    store.put("counters", {"id": "signups", "value": 0})
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(50):
                store.put("signups", {"id": f"t{n}-{i}", "thread": n, "i": i})
                with store.lock():  # read-modify-write must not interleave
                    value = store.get("counters", "signups")["value"]
                    store.put("counters", {"id": "signups", "value": value + 1})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count("signups") == 1000
    assert store.get("counters", "signups")["value"] == 1000
    store.close()

    store = open_store(tmp_path)
    assert store.count("signups") == 1000
    assert store.get("counters", "signups")["value"] == 1000
    assert store.recovery_notes == []
    store.close()


def test_a_second_process_cannot_open_the_same_folder(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with pytest.raises(StoreLocked, match="already using"):
        open_store(tmp_path)
    store.close()
    open_store(tmp_path).close()


def _fail_writes(monkeypatch: pytest.MonkeyPatch, partial: bool) -> None:
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        if partial and len(data) > 1:
            real_write(fd, bytes(data[: len(data) // 2]))  # half a line reaches the disk
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal_module.os, "write", write)


@pytest.mark.parametrize("partial", [False, True])
def test_disk_full_refuses_the_write_and_keeps_earlier_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, partial: bool
) -> None:
    store = open_store(tmp_path)
    store.put("activities", {"id": "before", "title": {"sv": "Språkcafé"}})
    journal_size = store.journal_path.stat().st_size
    version = store.version

    with monkeypatch.context() as patch:
        _fail_writes(patch, partial)
        with pytest.raises(StoreFull, match="disk is full"):
            store.put("activities", {"id": "lost", "title": {"sv": "Ska inte sparas"}})
    assert store.get("activities", "lost") is None and store.version == version
    assert store.journal_path.stat().st_size == journal_size  # half-line cut away

    store.put("activities", {"id": "after", "title": {"sv": "Disken har plats igen"}})
    store.close()
    store = open_store(tmp_path)
    assert sorted(d["id"] for d in store.all("activities")) == ["after", "before"]
    assert store.recovery_notes == []
    store.close()


@pytest.mark.parametrize(
    "garbage", [b"", b'{"activities/01": {"1": {"id": "x", "tit', b"\x00\xff not json", b"[]"]
)
def test_damaged_data_file_is_moved_aside_and_newest_backup_used(
    tmp_path: Path, garbage: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(tmp_path)
    store.put("places", {"id": "in-backup", "name": "Biblioteket"})
    store.backup()
    store.put("places", {"id": "only-in-journal", "name": "Byahuset"})
    store.close()
    snapshot = tmp_path / "motesplats.json"
    snapshot.write_bytes(garbage)

    with caplog.at_level(logging.WARNING, logger="motesplats.store"):
        store = open_store(tmp_path)
    # Started from the backup, then replayed the journal written after it: nothing lost.
    assert {d["id"] for d in store.all("places")} == {"in-backup", "only-in-journal"}
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("motesplats.json.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes() == garbage  # never overwritten
    assert "damaged" in caplog.text and "started from backup" in caplog.text
    assert json.loads(snapshot.read_bytes())["_meta"]["1"]["seq"] == store.version
    store.close()


def test_damaged_file_and_no_backup_starts_empty_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(tmp_path)
    store.close()
    for backup in (tmp_path / "backups").iterdir():
        backup.unlink()
    (tmp_path / "motesplats.json").write_text("garbage")
    (tmp_path / "motesplats.journal").unlink()
    with caplog.at_level(logging.ERROR, logger="motesplats.store"):
        store = open_store(tmp_path)
    assert store.is_empty()
    assert "no good backup" in caplog.text
    store.close()


def test_torn_last_journal_line_is_discarded(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.put("places", {"id": "acknowledged"})
    store.close()
    with open(tmp_path / "motesplats.journal", "ab") as journal:
        journal.write(b'{"seq": 99, "op": "put", "table": "places", "docs": [{"id": "to')
    store = open_store(tmp_path)
    assert [d["id"] for d in store.all("places")] == ["acknowledged"]
    assert any("incomplete last journal line" in n for n in store.recovery_notes)
    store.put("places", {"id": "next"})  # the journal is clean again
    store.close()
    assert open_store(tmp_path).count("places") == 2


def test_damage_in_the_middle_of_the_journal_keeps_what_came_before(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.close()
    journal = tmp_path / "motesplats.journal"
    lines = [
        json.dumps({"seq": 2 + i, "op": "put", "table": "places", "docs": [{"id": f"p{i}"}]})
        for i in range(3)
    ]
    journal.write_text(lines[0] + "\nGARBAGE\n" + lines[2] + "\n")
    store = open_store(tmp_path)
    assert [d["id"] for d in store.all("places")] == ["p0"]
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("motesplats.journal.damaged-")]
    assert len(aside) == 1 and b"GARBAGE" in aside[0].read_bytes()
    store.close()


def test_crash_between_snapshot_and_journal_reset_does_not_replay_old_lines(
    tmp_path: Path,
) -> None:
    store = open_store(tmp_path)
    store.put("activities", {"id": "x", "title": "v1"})
    store.put("activities", {"id": "x", "title": "v2"})
    stale_journal = store.journal_path.read_bytes()
    store.put("activities", {"id": "x", "title": "v3"})
    store.close()
    store = open_store(tmp_path)  # compacts: the snapshot now holds v3
    store.close()
    (tmp_path / "motesplats.journal").write_bytes(stale_journal)  # as if reset never happened
    store = open_store(tmp_path)
    assert store.get("activities", "x")["title"] == "v3"
    store.close()


def test_backups_roll(tmp_path: Path) -> None:
    store = open_store(tmp_path, backup_keep=3)
    for i in range(5):
        store.put("places", {"id": f"p{i}"})
        store.backup()
    assert len(store.list_backups()) == 3
    newest = json.loads(store.list_backups()[0].read_bytes())
    assert newest["_meta"]["1"]["seq"] == store.version
    store.close()


def test_write_cost_does_not_grow_with_the_table(tmp_path: Path) -> None:
    """Structural check (not a timing): one write appends one line, whatever the size."""
    store = open_store(tmp_path)
    store.put_many("activities", [{"id": f"a{i}", "n": i} for i in range(5000)])
    store.close()
    store = open_store(tmp_path)  # compacted on open: empty journal
    size_before = store.journal_path.stat().st_size
    store.put("activities", {"id": "a1", "n": -1})
    line = store.journal_path.read_bytes()[size_before:]
    assert line.count(b"\n") == 1 and len(line) < 200
    store.close()


def test_last_change_is_kept_across_restarts(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    assert store.last_change is None
    store.put("places", {"id": "p"})
    first = store.last_change
    assert first is not None and first.tzinfo is not None
    store.close()
    store = open_store(tmp_path)  # from the journal
    assert store.last_change == first
    store.close()
    store = open_store(tmp_path)  # from the compacted data file
    assert store.last_change == first
    store.close()


def test_a_write_is_answered_only_after_its_journal_line_is_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(tmp_path)
    synced_sizes: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        synced_sizes.append(os.fstat(fd).st_size)

    monkeypatch.setattr(journal_module.os, "fsync", fsync)
    for number in range(5):
        store.put("signups", {"id": f"s{number}", "name": "Amina"})
        # the line just written is inside what the last fsync covered
        assert synced_sizes and synced_sizes[-1] == store.journal_path.stat().st_size
    with store.lock():  # a read-modify-write: the fsync happens when the lock is left
        store.put("signups", {"id": "in-lock"})
        count_inside = len(synced_sizes)
    assert count_inside == 5 and len(synced_sizes) == 6
    store.close()


def test_concurrent_writers_share_fsyncs_and_lose_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow disk (5 ms per fsync, injected): writers waiting meanwhile share the next one."""
    store = open_store(tmp_path)
    real_fsync = os.fsync
    fsyncs = []

    def slow_fsync(fd: int) -> None:
        threading.Event().wait(0.005)
        real_fsync(fd)
        fsyncs.append(fd)

    monkeypatch.setattr(journal_module.os, "fsync", slow_fsync)

    def writer(name: str) -> None:
        for number in range(25):
            store.put("signups", {"id": f"{name}-{number}"})

    threads = [threading.Thread(target=writer, args=(f"t{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.count("signups") == 200
    assert len(fsyncs) < 100, f"{len(fsyncs)} fsyncs for 200 writes: no group commit"
    store.close()
    store = open_store(tmp_path)
    assert store.count("signups") == 200
    store.close()


def test_failed_fsync_refuses_later_writes_until_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(tmp_path)
    store.put("places", {"id": "kept"})

    def broken_fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as patch:
        patch.setattr(journal_module.os, "fsync", broken_fsync)
        with pytest.raises(StoreError, match="journal"):
            store.put("places", {"id": "uncertain"})
    with pytest.raises(StoreError, match="restart"):
        store.put("places", {"id": "refused"})
    assert store.get("places", "kept") is not None
    store.close()
    store = open_store(tmp_path)
    assert store.get("places", "kept") is not None and store.get("places", "refused") is None
    store.close()
