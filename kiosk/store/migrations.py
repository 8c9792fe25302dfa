"""Versions of the stored data and the steps between them.

Owns `SCHEMA_VERSION` (kept in the data itself, table `meta`, document `schema`, so that it
changes in the same atomic write as the data it describes) and `migrate()`, which the store
calls while opening: every step runs in memory on copies, and only when all succeeded does
the store back up the old data and write the new (see `JournalStore._apply_migration`). A
step that fails raises `MigrationError`; the files stay byte-identical and the old version
of Mötesplats can go on using them.

Data from before versioning (no `schema` document) is version 1.
Steps:
  1 → 2: a signup's idempotency key is kept as its SHA-256 hash, like the private link's
         secret (it is as good as the link: whoever has it gets the link).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from kiosk.store import Store, StoreError

Tables = dict[str, list[dict[str, Any]]]
SCHEMA_VERSION = 2
META_TABLE = "meta"
SCHEMA_ID = "schema"


class MigrationError(StoreError):
    """A migration step failed; nothing was written."""


def _hash_idempotency_keys(tables: Tables) -> Tables:
    for signup in tables.get("signups", []):
        key = signup.get("idempotency_key")
        if key:
            signup["idempotency_key"] = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return tables


# MIGRATIONS[n] turns version n-1 into version n.
MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {2: _hash_idempotency_keys}


def holds_no_data(store: Store) -> bool:
    """A new store: nothing in it but its schema version."""
    return all(name == META_TABLE for name in store.tables())


def stored_version(tables: Tables) -> int:
    for doc in tables.get(META_TABLE, []):
        if doc.get("id") == SCHEMA_ID:
            return int(doc["version"])
    return 1 if any(tables.values()) else 0  # 0: a new, empty store


def migrate(tables: Tables) -> Tables | None:
    """The tables at SCHEMA_VERSION, or None when they are already there."""
    version = stored_version(tables)
    if version == SCHEMA_VERSION:
        return None
    if version > SCHEMA_VERSION:
        raise MigrationError(
            f"the data is from a newer Mötesplats (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); update Mötesplats or restore an older backup"
        )
    for step in range(max(version, 1) + 1, SCHEMA_VERSION + 1):
        try:
            tables = MIGRATIONS[step](tables)
        except Exception as exc:
            raise MigrationError(
                f"updating the data to schema {step} failed ({exc.__class__.__name__}: {exc}); "
                "nothing was changed"
            ) from exc
    meta = [d for d in tables.get(META_TABLE, []) if d.get("id") != SCHEMA_ID]
    tables[META_TABLE] = [*meta, {"id": SCHEMA_ID, "version": SCHEMA_VERSION}]
    return tables
