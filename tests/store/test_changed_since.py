"""The store's change log: which ids a table's writes touched since a version, or "not known"."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from kiosk.store import open_store
from kiosk.store.journal import RECENT_IDS, RECENT_WRITES


def test_changed_since_names_the_ids_written_and_deleted(tmp_path: Path) -> None:
    store = open_store(tmp_path, backup_interval=timedelta(days=1))
    store.put_many("activities", [{"id": "a"}, {"id": "b"}])
    start = store.table_version("activities")
    assert store.changed_since("activities", start) == set()
    store.put("activities", {"id": "a", "x": 1})
    store.put("places", {"id": "p"})  # another table: not named
    middle = store.table_version("activities")
    store.delete("activities", "b")
    store.put("activities", {"id": "c"})
    assert store.changed_since("activities", start) == {"a", "b", "c"}
    assert store.changed_since("activities", middle) == {"b", "c"}
    assert store.changed_since("activities", middle + 99) is None  # a version never made
    store.close()


def test_bulk_writes_restores_and_old_versions_are_not_known(tmp_path: Path) -> None:
    store = open_store(tmp_path, backup_interval=timedelta(days=1))
    store.put("activities", {"id": "a"})
    before_bulk = store.table_version("activities")
    store.put_many("activities", [{"id": f"n{i}"} for i in range(RECENT_IDS + 1)])
    assert store.changed_since("activities", before_bulk) is None
    after_bulk = store.table_version("activities")
    store.put("activities", {"id": "a", "x": 2})
    assert store.changed_since("activities", after_bulk) == {"a"}

    oldest = store.table_version("activities")
    for i in range(RECENT_WRITES + 1):
        store.put("activities", {"id": "a", "x": i})
    assert store.changed_since("activities", oldest) is None  # forgotten: read it all
    recent = store.table_version("activities")
    store.put("activities", {"id": "z"})
    assert store.changed_since("activities", recent) == {"z"}

    backup = store.backup().read_bytes()
    store.put("activities", {"id": "y"})
    version = store.table_version("activities")
    store.restore(backup)
    assert store.changed_since("activities", version) is None
    store.close()
