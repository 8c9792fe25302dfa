"""The audit log: who changed what, when, with the document before and after.

Owns `audit.jsonl` in the data folder, an append-only file of one JSON line per change. It
is kept outside the store's data file, so the board never reads it and a restored backup
does not rewrite history (the restore itself is logged). Each line is written with one
`write` and fsynced under a lock; a line torn by a power cut is skipped when reading.
Secrets never enter it: password hashes are removed from account documents.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.activities.model import utc_iso

FILE_NAME = "audit.jsonl"
HIDDEN_KEYS = frozenset({"password_hash"})
Entry = tuple[str, str, str, str, dict[str, Any] | None, dict[str, Any] | None]


def _clean(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    if doc is None:
        return None
    return {k: v for k, v in doc.items() if k not in HIDDEN_KEYS}


class AuditLog:
    def __init__(self, data_dir: Path, clock: Callable[[], datetime]) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self.clock = clock
        self._lock = threading.Lock()

    def record(
        self,
        who: str,
        action: str,
        kind: str,
        target: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Append one change: `action` is created/changed/deleted/…, `kind` the table."""
        self.record_many([(who, action, kind, target, before, after)])

    def record_many(self, entries: list[Entry]) -> None:
        """Append several changes with one write and one fsync (a sync's import)."""
        at = utc_iso(self.clock())
        lines = b"".join(
            (
                json.dumps(
                    {
                        "at": at,
                        "who": who,
                        "action": action,
                        "kind": kind,
                        "target": target,
                        "before": _clean(before),
                        "after": _clean(after),
                    },
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
                + "\n"
            ).encode()
            for who, action, kind, target, before, after in entries
        )
        if not lines:
            return
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, lines)
                os.fsync(fd)
            finally:
                os.close(fd)

    def entries(self, limit: int = 200, target: str | None = None) -> list[dict[str, Any]]:
        """The newest entries first (optionally only those about `target`)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        found: list[dict[str, Any]] = []
        for line in reversed(raw.splitlines()):
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line torn by a power cut
            if target is None or entry.get("target") == target:
                found.append(entry)
                if len(found) >= limit:
                    break
        return found


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """Top-level keys whose values differ (for a short summary in the admin list)."""
    before, after = before or {}, after or {}
    skip = {"version", "updated_at", "updated_by"}
    keys = (set(before) | set(after)) - skip
    return sorted(k for k in keys if before.get(k) != after.get(k))
