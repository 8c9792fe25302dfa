"""Opening the store from the settings table: the one way every part of Mötesplats does it.

Owns the mapping from settings (`DATA_DIR`, `BACKUP_KEEP`, `BACKUP_INTERVAL_MINUTES`,
`COMPACT_MIN_BYTES`) to the store's options, and that opening always brings the data to
this version's schema (`kiosk.store.migrations`), so a folder set up by any command - the
server, `create-admin`, `demo`, `restore`, `sync`, the doctor - records its schema version
and is never migrated twice. Also the data folder's secret key (`secret_key`: sessions and
the signup book's hashes), created once, random, mode 0600.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from kiosk.store import Store, migrations, open_store
from kiosk.store.durable import atomic_write

Tables = dict[str, list[dict[str, Any]]]


def open_from_settings(
    settings: Mapping[str, Any],
    *,
    backup_on_open: bool = True,
    before_migrating: Callable[[int], None] | None = None,
) -> Store:
    """The store of `settings["DATA_DIR"]`, at this version's schema.

    `backup_on_open` False: only to look (the doctor). `before_migrating` is told the
    schema version found (the `migrate` command reports it)."""

    def migrate(tables: Tables) -> Tables | None:
        if before_migrating is not None:
            before_migrating(migrations.stored_version(tables))
        return migrations.migrate(tables)

    return open_store(
        settings["DATA_DIR"],
        backup_keep=settings["BACKUP_KEEP"],
        backup_interval=timedelta(minutes=settings["BACKUP_INTERVAL_MINUTES"]),
        compact_min_bytes=settings["COMPACT_MIN_BYTES"],
        backup_on_open=backup_on_open,
        migrate=migrate,
    )


def secret_key(data_dir: Path) -> str:
    """The data folder's secret (created on first use)."""
    path = Path(data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, secrets.token_hex(32).encode(), mode=0o600)
    return path.read_text().strip()
