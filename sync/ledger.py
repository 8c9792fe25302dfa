"""What this board and each calendar last agreed on; deletions; conflicts.

Owns three tables:
* `sync_state` (`<source>|<uid>`): the server's ETag and href of the object, a hash of
  the activity as last sent or received, and (two-way sources) the object's text as the
  server holds it, so an edit here rewrites only what it changed. A local document whose
  hash differs was changed here since; a server ETag that differs was changed there since.
  Both: a conflict.
* `tombstones` (`<uid>`): an activity deleted here, so a pull does not bring it back before
  the deletion has reached the server.
* `sync_conflicts` (`<source>|<uid>`): both versions and which one the rule applied; an
  admin settles it with one click.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kiosk.store import Store

STATE = "sync_state"
TOMBSTONES = "tombstones"
CONFLICTS = "sync_conflicts"
# Bookkeeping that does not make two versions of an activity different (the translation
# marks are this board's own: which Swedish a translation was made from, what is unreviewed).
NOT_CONTENT = {
    "version",
    "updated_at",
    "updated_by",
    "changed_on",
    "change_counter",
    "source",
    "translated_from",
    "unreviewed",
}


def content_hash(doc: dict[str, Any] | None) -> str:
    if doc is None:
        return ""
    kept = {k: v for k, v in doc.items() if k not in NOT_CONTENT}
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()[:32]


def key(source_id: str, uid: str) -> str:
    return f"{source_id}|{uid}"


class Ledger:
    def __init__(self, store: Store) -> None:
        self.store = store

    # ---- agreed state ----
    def state(self, source_id: str, uid: str) -> dict[str, Any] | None:
        return self.store.get(STATE, key(source_id, uid))

    def _put(self, source_id: str, uid: str, kept: dict[str, Any], **fields: Any) -> None:
        """Write the state of one object: `kept` (fields carried over) with `fields`."""
        self.store.put(
            STATE, {**kept, "id": key(source_id, uid), "source_id": source_id, "uid": uid, **fields}
        )

    def agree(
        self,
        source_id: str,
        uid: str,
        etag: str | None,
        href: str | None,
        doc: dict[str, Any] | None,
        body: str | None = None,
    ) -> None:
        """Both sides hold `doc` (the server as `etag` at `href`). `body`: the object's text
        as the server holds it (two-way sources), so a later edit can rewrite only what it
        changed (`kiosk.ical.preserve`); None keeps the text already known."""
        known = (self.state(source_id, uid) or {}).get("body")
        text = {"body": body or known} if (body or known) else {}
        self._put(source_id, uid, text, etag=etag, href=href, hash=content_hash(doc))

    def saw_server_copy(self, source_id: str, uid: str, etag: str | None, href: str | None) -> None:
        """The server's copy changed (new ETag) but ours was kept: remember its ETag, so
        that sending ours overwrites exactly that copy; what we agreed on stays."""
        state = self.state(source_id, uid) or {}
        self._put(source_id, uid, state, etag=etag, href=href or state.get("href"))

    def overwrite_next(self, source_id: str, uid: str, etag: str | None) -> None:
        """Ours is to replace the server's copy with `etag`: nothing is agreed any more
        (the local document counts as changed here until the server confirms it)."""
        state = self.state(source_id, uid) or {}
        kept = {"body": state["body"]} if state.get("body") else {}
        self._put(source_id, uid, kept, etag=etag, href=state.get("href"), hash="")

    def forget(self, source_id: str, uid: str) -> None:
        self.store.delete(STATE, key(source_id, uid))

    def known_uids(self, source_id: str) -> dict[str, dict[str, Any]]:
        return {d["uid"]: d for d in self.store.all(STATE) if d.get("source_id") == source_id}

    def changed_here(self, source_id: str, uid: str, doc: dict[str, Any] | None) -> bool:
        state = self.state(source_id, uid)
        return state is None or state.get("hash") != content_hash(doc)

    # ---- tombstones ----
    def bury(self, uid: str, device: str, counter: int, at: str) -> None:
        self.store.put(TOMBSTONES, {"id": uid, "device": device, "counter": counter, "at": at})

    def buried(self, uid: str) -> bool:
        return self.store.get(TOMBSTONES, uid) is not None

    def unbury(self, uid: str) -> None:
        self.store.delete(TOMBSTONES, uid)

    # ---- conflicts ----
    def conflict(
        self,
        source_id: str,
        uid: str,
        local: dict[str, Any] | None,
        remote: dict[str, Any] | None,
        remote_etag: str | None,
        applied: str,
        at: str,
    ) -> None:
        self.store.put(
            CONFLICTS,
            {
                "id": key(source_id, uid),
                "source_id": source_id,
                "uid": uid,
                "local": local,
                "remote": remote,
                "remote_etag": remote_etag,
                "applied": applied,
                "at": at,
            },
        )

    def conflicts(self) -> list[dict[str, Any]]:
        return sorted(self.store.all(CONFLICTS), key=lambda d: d.get("at", ""))

    def get_conflict(self, conflict_id: str) -> dict[str, Any] | None:
        return self.store.get(CONFLICTS, conflict_id)

    def settle(self, conflict_id: str) -> None:
        self.store.delete(CONFLICTS, conflict_id)
