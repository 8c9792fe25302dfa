"""The storage contract: the only door to stored data.

Views, the demo loader, the command line and (later) sync call a `Store`; nothing outside
this package imports TinyDB. A store holds named tables of JSON documents, each document a
dict with a string `"id"` that is unique in its table.

Promises every implementation keeps:

* **One lock.** All reads and writes in a process go through one re-entrant lock, so the
  threads of waitress never interleave a write. `lock()` exposes it for read-modify-write
  sequences that must be atomic (for example: check places left, then add a signup).
* **Acknowledged means durable.** When `put`, `put_many` or `delete` returns, the change
  is on disk (fsynced); a power cut or SIGKILL afterwards does not lose it. A write that
  raises changed nothing, in memory or on disk.
* **Never half-written.** A crash at any instant leaves files the store can open. A file
  that is damaged anyway (garbage, truncation, an empty file) is moved aside with a
  timestamp, never overwritten, and the store starts from the newest good backup; both
  facts are logged.
* **One process.** A second process opening the same data folder gets `StoreLocked`.
* **Cheap reads.** Reads are served from memory and never touch the disk; `version`
  changes on every write so callers can cache anything derived from the data.
* **Returned documents are shared.** Treat them as read-only: copy, change, `put()`.
* **Told when it changed.** `on_change(listener)` calls `listener()` after every
  acknowledged write (once per writing thread's outermost `lock()` block) and after a
  restore, without the lock held and once `version` shows the change, so something waiting
  for news (the board's long poll) can wake at once instead of polling.

`open_store(data_dir, ...)` returns the implementation in use (`journal.JournalStore`).
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any

Document = dict[str, Any]
IMPLEMENTATION = "kiosk.store.journal"


class StoreError(Exception):
    """A write could not be made; nothing was changed."""


class StoreFull(StoreError):
    """The disk is full; the write was refused and earlier data is intact."""


class StoreLocked(StoreError):
    """Another process is already using this data folder."""


class Store(ABC):
    """Tables of JSON documents keyed by their `"id"`."""

    @property
    @abstractmethod
    def version(self) -> int:
        """A number that changes on every acknowledged write (for caches and ETags)."""

    @abstractmethod
    def table_version(self, table: str) -> int:
        """A number that changes whenever `table` changes (0 if it never did since opening)."""

    def changed_since(self, table: str, version: int) -> set[str] | None:
        """The ids of `table` written or deleted after its `table_version` was `version`, or
        None when that is not known any more (too long ago, a restore, a migration): the
        caller then reads the whole table. Lets caches follow a write at the cost of what
        it changed, not of the table's size."""
        return None

    @property
    @abstractmethod
    def last_change(self) -> datetime | None:
        """When the last acknowledged write happened (UTC), or None for a store never written."""

    @abstractmethod
    def on_change(self, listener: Callable[[], object]) -> None:
        """Call `listener()` after every acknowledged write and restore (see the module
        docstring). Listeners must be quick, must not write, and must not raise."""

    @abstractmethod
    def lock(self) -> AbstractContextManager[Any]:
        """The store's one lock, for read-modify-write sequences that must not interleave."""

    @abstractmethod
    def get(self, table: str, doc_id: str) -> Document | None:
        """The document with this id, or None."""

    @abstractmethod
    def all(self, table: str) -> list[Document]:
        """Every document of a table, in no particular order."""

    def search(self, table: str, predicate: Callable[[Document], bool]) -> list[Document]:
        """The documents of a table for which `predicate` is true."""
        return [doc for doc in self.all(table) if predicate(doc)]

    @abstractmethod
    def count(self, table: str) -> int:
        """How many documents a table holds."""

    @abstractmethod
    def put(self, table: str, doc: Document) -> None:
        """Insert or wholly replace the document with `doc["id"]`; durable on return."""

    @abstractmethod
    def put_many(self, table: str, docs: Iterable[Document]) -> None:
        """Put several documents as one atomic write: all of them or none survive a crash."""

    @abstractmethod
    def delete(self, table: str, doc_id: str) -> bool:
        """Remove a document; True if it existed. Durable on return."""

    @abstractmethod
    def list_backups(self) -> list[Path]:
        """The backup files, newest first."""

    @abstractmethod
    def inspect_backup(self, raw: bytes) -> dict[str, int]:
        """Documents per table in a backup's bytes; StoreError if it is not a valid backup."""

    @abstractmethod
    def restore(self, raw: bytes) -> Path:
        """Replace all data with a backup's bytes; return the backup made of the data before.

        Raises StoreError (changing nothing) if `raw` is not a valid Mötesplats backup.
        """

    @abstractmethod
    def backup(self) -> Path:
        """Write a consistent copy of everything into the backups folder; return its path."""

    @abstractmethod
    def scrub_backups(
        self,
        table: str,
        erased: Callable[[list[Document]], list[Document]],
        folders: Iterable[Path] = (),
    ) -> int:
        """Rewrite every backup (the backups folder, and files `motesplats-*.json` in
        `folders`: the nightly copies) whose `table` holds documents that `erased` returns
        changed: those take the changed form. Also rewrites the data file itself, so no
        copy of erased data is left in it. Returns how many backup files were rewritten."""

    @abstractmethod
    def close(self) -> None:
        """Flush, release the folder lock; the store must not be used afterwards."""

    def is_empty(self) -> bool:
        return all(self.count(t) == 0 for t in self.tables())

    @abstractmethod
    def tables(self) -> Iterator[str]:
        """Names of the tables that hold at least one document."""


def open_store(data_dir: str | Path, **options: Any) -> Store:
    """Open (creating if needed) the store in `data_dir`. Options go to the implementation.

    The implementation is loaded by name, as Radicale loads its storage: the contract here
    never imports it, so the two cannot import each other."""
    implementation = importlib.import_module(IMPLEMENTATION)
    return implementation.JournalStore(Path(data_dir), **options)
