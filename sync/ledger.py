"""What this board and each calendar last agreed on; deletions; conflicts.

Owns three tables:
* `sync_state` (`<source>|<uid>`): the server's ETag and href of the object, a hash of
  the activity as last sent or received, and (two-way sources) the object's text as the
  server holds it, so an edit here rewrites only what it changed. A local document whose
  hash differs was changed here since; a server ETag that differs was changed there since.
  Both: a conflict.
  It also keeps the record's version central confirmed (`version`: the device that made
  the change and its counter, as the object carries it) and the versions confirmed before
  it (`confirmed`, the last HISTORY): a server that hands back one of those earlier ones
  has gone back in time (restored from an old copy), which is not a change made there.
* `tombstones` (`<uid>`): an activity deleted here, so a pull does not bring it back before
  the deletion has reached the server; once the server confirmed it, kept TOMBSTONE_DAYS
  with the version deleted, so a server restored from an old copy does not bring it back.
* `sync_conflicts` (`<source>|<uid>`): both versions and which one the rule applied; an
  admin settles it with one click. A version another board set aside on the server is
  listed too (`<source>|<uid>|<device>`, `from_device`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kiosk.store import Store

HISTORY = 16  # confirmed versions remembered per object
TOMBSTONE_DAYS = 180  # a confirmed deletion is remembered this long
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


Version = tuple[str, int]  # (device, counter) of one change of a record


def version_of(doc: dict[str, Any] | None) -> Version | None:
    """The version a document (or an activity's doc) carries; None if it names no device."""
    if not doc or not doc.get("changed_on"):
        return None
    return str(doc["changed_on"]), int(doc.get("change_counter") or 0)


def is_older(version: Version | None, than: Version | None) -> bool:
    """Whether `version` is an earlier change by the same device than `than`."""
    return (
        version is not None and than is not None and version[0] == than[0] and version[1] < than[1]
    )


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
        state = self.state(source_id, uid) or {}
        known = state.get("body")
        kept: dict[str, Any] = {"body": body or known} if (body or known) else {}
        confirmed = [tuple(v) for v in state.get("confirmed") or []]
        version = version_of(doc)
        if version is not None:
            confirmed = [v for v in confirmed if v != version][-(HISTORY - 1) :] + [version]
        kept["confirmed"] = [list(v) for v in confirmed]
        self._put(
            source_id,
            uid,
            kept,
            etag=etag,
            href=href,
            hash=content_hash(doc),
            version=list(version) if version else None,
        )

    def went_back(self, source_id: str, uid: str, version: Version | None) -> bool:
        """Whether the server now holds a version of `uid` it had confirmed before a later
        one (it was restored from an old copy): an earlier change of the same device, or
        one of the versions confirmed before the last."""
        state = self.state(source_id, uid) or {}
        last = tuple(state["version"]) if state.get("version") else None
        if version is None or last is None or version == last:
            return False
        earlier = {tuple(v) for v in state.get("confirmed") or []}
        return is_older(version, last) or version in earlier  # type: ignore[arg-type]

    def saw_server_copy(self, source_id: str, uid: str, etag: str | None, href: str | None) -> None:
        """The server's copy changed (new ETag) but ours was kept: remember its ETag, so
        that sending ours overwrites exactly that copy; what we agreed on stays."""
        state = self.state(source_id, uid) or {}
        self._put(source_id, uid, state, etag=etag, href=href or state.get("href"))

    def overwrite_next(
        self, source_id: str, uid: str, etag: str | None, href: str | None = None
    ) -> None:
        """Ours is to replace the server's copy with `etag` (at `href`, default the known
        one): nothing is agreed any more (the local document counts as changed here until
        the server confirms it)."""
        state = self.state(source_id, uid) or {}
        kept = {"body": state["body"]} if state.get("body") else {}
        self._put(source_id, uid, kept, etag=etag, href=href or state.get("href"), hash="")

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
        """Deleted here and not yet confirmed by the server."""
        tomb = self.store.get(TOMBSTONES, uid)
        return tomb is not None and not tomb.get("confirmed")

    def tombstone(self, uid: str) -> dict[str, Any] | None:
        return self.store.get(TOMBSTONES, uid)

    def confirm_burial(self, uid: str, at: str) -> None:
        """The server confirmed the deletion: remember it (TOMBSTONE_DAYS), so the same
        version coming back from a restored server is deleted again, not imported."""
        tomb = self.store.get(TOMBSTONES, uid)
        if tomb is not None:
            self.store.put(TOMBSTONES, {**tomb, "confirmed": at})

    def deleted_version(self, uid: str, version: Version | None) -> bool:
        """Whether `version` of `uid` is the one (or older than the one) deleted here and
        confirmed: it comes back only from a server that went back in time."""
        tomb = self.store.get(TOMBSTONES, uid)
        if tomb is None or not tomb.get("confirmed") or version is None:
            return False
        deleted = (str(tomb.get("device", "")), int(tomb.get("counter") or 0))
        return version == deleted or is_older(version, deleted)

    def unbury(self, uid: str) -> None:
        self.store.delete(TOMBSTONES, uid)

    def forget_old_burials(self, before: str) -> None:
        """Confirmed deletions older than `before` (ISO UTC) are forgotten."""
        old = [
            t["id"]
            for t in self.store.all(TOMBSTONES)
            if t.get("confirmed") and str(t["confirmed"]) < before
        ]
        for uid in old:
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

    def conflict_elsewhere(
        self,
        source_id: str,
        uid: str,
        device: str,
        doc: dict[str, Any],
        current: dict[str, Any],
        at: str,
    ) -> None:
        """Another board (`device`) lost a conflict over `uid` and set its version aside on
        the server: listed here too, so any board may take it."""
        self.store.put(
            CONFLICTS,
            {
                "id": f"{key(source_id, uid)}|{device}",
                "source_id": source_id,
                "uid": uid,
                "local": doc,
                "remote": current,
                "remote_etag": None,
                "applied": "central",
                "at": at,
                "from_device": device,
            },
        )

    def mark_set_aside(self, source_id: str, uid: str) -> None:
        """This board's losing version is on the server's object now (`on_server`)."""
        conflict = self.get_conflict(key(source_id, uid))
        if conflict is not None and not conflict.get("on_server"):
            self.store.put(CONFLICTS, {**conflict, "on_server": True})

    def conflicts_elsewhere(self, source_id: str, uid: str) -> list[dict[str, Any]]:
        return [
            c
            for c in self.store.all(CONFLICTS)
            if c.get("from_device") and c.get("source_id") == source_id and c.get("uid") == uid
        ]

    def conflicts(self) -> list[dict[str, Any]]:
        return sorted(self.store.all(CONFLICTS), key=lambda d: d.get("at", ""))

    def get_conflict(self, conflict_id: str) -> dict[str, Any] | None:
        return self.store.get(CONFLICTS, conflict_id)

    def settle(self, conflict_id: str) -> None:
        self.store.delete(CONFLICTS, conflict_id)
