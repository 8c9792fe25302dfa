"""The sync cycle: for every source, pull first, then push; and the loop that runs it.

Owns the rules. Pull: what the server changed replaces the local copy unless this board
changed it too since they last agreed (`ledger`); then it is a conflict, settled by one
rule on every board (the central calendar's version wins), and both versions go to the
admin's conflicts list. A server restored from an old copy (an object missing from a full
listing, or an older version of one than it confirmed) never deletes or reverts this
board's confirmed changes: they are sent again (`Report.restored`). A source that fails
keeps the last good data. Push: outbox entries in order; an entry is removed only once the
server confirmed it; a network failure stops the push for this cycle (order is kept) and
backs off.
Local edits wake the loop at once (`wake`). Everything runs in one background thread.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.activities.book import ActivityBook, calendar_actor
from kiosk.activities.demo import is_demo
from kiosk.activities.model import Activity, parse_utc, utc_iso
from kiosk.activities.sent_along import adopt
from kiosk.ical.common import IcsError
from kiosk.ical.preserve import merge, with_set_aside
from kiosk.ical.read import SET_ASIDE_MAX, IcsImport, read_calendar
from kiosk.ical.write import calendar_bytes
from kiosk.store import Store
from kiosk.volunteers.audit import AuditLog
from sync import PreconditionFailed, RemoteError, TokenExpired, device, load
from sync.ledger import NOT_CONTENT, Ledger, content_hash, key, version_of
from sync.outbox import FIRST_RETRY, MAX_RETRY, Outbox, still_waiting
from sync.sources import Source, SourceBook

log = logging.getLogger("motesplats.sync")
JITTER = 0.1  # each wait between cycles is the interval give or take this share


@dataclass
class Report:
    """What one cycle did for one source (also kept in the source's state)."""

    source_id: str
    ok: bool = True
    error: str = ""  # the technical detail (English)
    code: str = ""  # what kind of problem (`sync.ERROR_CODES`), "" when ok
    suggestions: list[str] = field(default_factory=list)  # addresses that may be meant
    received: int = 0
    deleted: int = 0
    pushed: int = 0
    conflicts: int = 0
    warnings: list[str] = field(default_factory=list)
    # what this board sent again because the server had lost it or gone back to an older
    # copy (restored from a backup): "<uid> <what>", shown on the sync page
    restored: list[str] = field(default_factory=list)


class SyncEngine:
    def __init__(
        self,
        store: Store,
        data_dir: Path,
        clock: Callable[[], datetime],
        *,
        book: ActivityBook | None = None,
        remote_factory: Callable[[Source], Any] = load,
    ) -> None:
        self.store = store
        self.data_dir = Path(data_dir)
        self.clock = clock
        self.sources = SourceBook(store)
        self.outbox = Outbox(store, clock)
        self.ledger = Ledger(store)
        self.book = book or ActivityBook(
            store,
            AuditLog(self.data_dir, clock),
            clock,
            stamp=lambda doc: device.stamp(store, self.device, doc),
        )
        self.remote_factory = remote_factory
        self.wake_event = threading.Event()  # set: the loop runs a cycle now
        self._cycle_lock = threading.Lock()
        self._forced = False
        self._first = True

    @property
    def device(self) -> str:
        return device.device_id(self.data_dir)

    # ---- local changes (called by kiosk.volunteers.editing under the store lock) -----------------

    def local_change(self, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        """Queue a saved or deleted activity for the two-way source it belongs to."""
        doc = after or before
        if doc is None or is_demo(doc):
            return  # the demo week stays on the kiosk that loaded it
        origin = doc.get("source", "local")
        target = (
            self.sources.push_target() if origin == "local" else self.sources.for_origin(origin)
        )
        if target is None or not target.writable:
            return
        uid = doc["id"]
        if after is None:
            self.ledger.bury(
                uid,
                doc.get("changed_on", ""),
                int(doc.get("change_counter", 0)),
                utc_iso(self.clock()),
            )
            self.outbox.add(target.id, uid, "delete")
        else:
            self.ledger.unbury(uid)
            for listed in self.ledger.conflicts_elsewhere(target.id, uid):
                self.ledger.settle(listed["id"])  # the edit takes the set-aside notes off
            body = self._ics_of(after)
            known = (self.ledger.state(target.id, uid) or {}).get("body")
            if known and before is not None:  # keep what central staff wrote and we do not model
                body = merge(known, self._ics_of(before), body)
            self.outbox.add(target.id, uid, "put", body)
        self.wake_event.set()

    def remove_source(
        self, source_id: str, *, keep_activities: bool, actor: str, actor_name: str
    ) -> int:
        """Remove a calendar. Its activities on the board become this board's own (editable
        here) or, without `keep_activities`, are deleted with it; either way none is left
        read-only with no calendar behind it. Returns how many there were."""
        source = self.sources.get(source_id)
        if source is None:
            return 0
        with self.store.lock(), self.book.batch():
            docs = [d for d in self.book.all() if d.get("source") == source.origin]
            for doc in docs:
                if keep_activities:
                    self.book.save(
                        {**doc, "source": "local"}, doc, actor=actor, actor_name=actor_name
                    )
                else:
                    self.book.delete(doc["id"], doc, actor=actor)
            self.sources.remove(source_id)
        return len(docs)

    def read_only(self, origin: str) -> bool:
        """Whether activities from `origin` may not be edited here (read-only feeds)."""
        if not origin.startswith("sync:"):
            return False
        source = self.sources.for_origin(origin)
        # a calendar removed before its activities were kept or deleted: they are ours now
        return source is not None and not source.writable

    def _ics_of(self, doc: dict[str, Any]) -> str:
        activity = Activity.from_doc(doc)
        places = {p["id"]: p for p in self.store.all("places")}
        orgs = {o["id"]: o for o in self.store.all("organisers")}
        from kiosk.activities.model import Organiser, Place

        place = (
            {activity.place_id: Place.from_doc(places[activity.place_id])}
            if (activity.place_id in places)
            else {}
        )
        org = (
            {activity.organiser_id: Organiser.from_doc(orgs[activity.organiser_id])}
            if (activity.organiser_id in orgs)
            else {}
        )
        return calendar_bytes([activity], place, org, "Mötesplats").decode("utf-8")

    # ---- the cycle ---------------------------------------------------------------------

    def run_once(self, force: bool = True) -> list[Report]:
        """One cycle over every source: pull, then push. Never raises for a remote's fault.

        A source that failed is left alone until its backoff passed (5 s, 10 s, … 15 min,
        with jitter), unless `force` (a person asked, or the server just started)."""
        with self._cycle_lock:
            reports = []
            for source in self.sources.all():
                retry_at = source.state.get("retry_at")
                if not force and still_waiting(retry_at, self.clock()):
                    continue
                report = Report(source.id)
                remote = self.remote_factory(source)
                self.sources.update_state(source.id, last_attempt=utc_iso(self.clock()))
                try:
                    self._pull(source, remote, report)
                    if source.writable:
                        self._enqueue_unsent(source)
                        self._push(source, remote, report)
                except RemoteError as exc:
                    report.ok, report.error, report.code = False, str(exc)[:500], exc.code
                    report.suggestions = exc.suggestions
                except IcsError as exc:
                    report.ok, report.error = False, f"not a usable calendar: {exc}"[:500]
                    report.code = "unreadable"
                except Exception as exc:  # a bug must not stop the other sources or the loop
                    log.exception("sync of %s failed", source.name)
                    report.ok, report.error = False, f"internal error: {exc}"[:500]
                    report.code = "internal"
                self._record(source, report)
                reports.append(report)
            return reports

    def _record(self, source: Source, report: Report) -> None:
        """Keep what the cycle did in the source's state: the error (code, detail and
        suggestions, "" when ok) and the report, whose warnings (what the pull skipped or
        adapted) are bounded: the first 20, each at most 300 characters, and their count."""
        now = utc_iso(self.clock())
        changes: dict[str, Any] = {
            "last_error": report.error,
            "last_error_code": report.code if not report.ok else "",
            "last_error_suggestions": [u[:300] for u in report.suggestions[:10]],
            "last_report": {
                "received": report.received,
                "deleted": report.deleted,
                "pushed": report.pushed,
                "conflicts": report.conflicts,
                "warnings": [w[:300] for w in report.warnings[:20]],
                "warnings_count": len(report.warnings),
                "at": now,
            },
        }
        if report.restored:  # kept until the next restoration, not only one cycle
            changes["last_restored"] = {
                "at": now,
                "items": [r[:300] for r in report.restored[:50]],
                "count": len(report.restored),
            }
            log.warning(
                "sync of %s: the calendar had lost or gone back on %d of our changes; "
                "sent again: %s",
                source.name,
                len(report.restored),
                ", ".join(report.restored[:10]),
            )
        if report.ok:
            changes.update(last_success=now, failures=0, retry_at="")
        else:
            failures = int(source.state.get("failures", 0)) + 1
            delay = min(FIRST_RETRY * 2 ** (failures - 1), MAX_RETRY) * random.uniform(0.75, 1.25)
            changes.update(
                last_failure=now,
                failures=failures,
                retry_at=utc_iso(self.clock() + timedelta(seconds=delay)),
            )
            log.warning("sync of %s: %s", source.name, report.error)
        self.sources.update_state(source.id, **changes)

    # ---- pull --------------------------------------------------------------------------

    def _pull(self, source: Source, remote: Any, report: Report) -> None:
        state = (self.sources.get(source.id) or source).state.get("remote", {})
        try:
            changes = remote.pull(state)
        except TokenExpired:
            report.warnings.append("the server forgot our sync token: full resync")
            changes = remote.pull({})
        if changes.unchanged:
            self.sources.update_state(source.id, remote=changes.state)
            return
        incoming: dict[str, tuple[Activity, str | None, str, str | None, IcsImport]] = {}
        for obj in changes.objects:
            try:
                parsed = read_calendar(obj.body)
            except IcsError as exc:
                if remote.atomic_feed:
                    raise  # the whole feed is unusable: keep the last good data
                report.warnings.append(f"{obj.href}: {exc}")
                continue
            # skipped events first (lost on the board), then what was adapted; `_record`
            # bounds what is kept and counts the rest
            report.warnings += [f"skipped: {line}" for line in parsed.skipped]
            report.warnings += parsed.warnings
            body = obj.body.decode("utf-8", "replace") if source.writable else None
            for activity in parsed.activities:
                incoming[activity.id] = (activity, obj.etag, obj.href, body, parsed)
        known = self.ledger.known_uids(source.id)
        by_href = {d.get("href"): uid for uid, d in known.items()}
        gone = {by_href[h] for h in changes.deleted_hrefs if h in by_href}
        missing = set(known) - set(incoming) - gone if changes.complete else set()
        with self.store.lock(), self.book.batch():
            for activity, etag, href, body, parsed in incoming.values():
                self._receive(source, activity, etag, href, report, body, parsed)
            for uid in gone:
                self._receive_deletion(source, uid, report)
            for uid in sorted(missing):
                self._missing_from_listing(source, uid, report)
            self.sources.update_state(source.id, remote=changes.state)

    def _receive(
        self,
        source: Source,
        activity: Activity,
        etag: str | None,
        href: str,
        report: Report,
        body: str | None = None,
        parsed: IcsImport | None = None,
    ) -> None:
        uid = activity.id
        if self.ledger.buried(uid):
            return  # deleted here; the deletion is on its way
        version = version_of(activity.to_doc())
        if self.ledger.deleted_version(uid, version):  # the server went back in time
            self.ledger.saw_server_copy(source.id, uid, etag, href)
            self.outbox.drop(uid)
            self.outbox.add(source.id, uid, "delete")
            report.restored.append(f"{uid}: deleted again (the calendar had brought it back)")
            return
        local = self.book.get(uid)
        state = self.ledger.state(source.id, uid)
        if state is not None and etag is not None and state.get("etag") == etag:
            return  # the server's copy is the one we already agreed on
        self._list_set_aside(source, uid, activity, parsed)
        if local is not None and self.ledger.went_back(source.id, uid, version):
            self._send_again(
                source, uid, local, etag, href, report, "gone back to an older version"
            )
            return
        origin = source.origin
        if local is not None and local.get("source", "local") not in ("local", origin):
            report.warnings.append(f"{uid}: belongs to another source; skipped")
            return
        if local is not None and local.get("source", "local") == "local" and not source.writable:
            report.warnings.append(f"{uid}: a local activity has this UID; skipped")
            return
        remote_doc = activity.to_doc()
        remote_doc["source"] = local.get("source", origin) if local else origin
        if parsed is not None:  # the place and organiser it names, as this board's own
            remote_doc = adopt(
                self.store,
                self.book.audit,
                calendar_actor(origin),
                remote_doc,
                parsed.places,
                parsed.organisers,
            )
        if local is not None and content_hash(local) == content_hash(remote_doc):
            agreed = state is not None and state.get("hash") == content_hash(local)
            if not agreed or state.get("etag") != etag or state.get("href") != href:
                self.ledger.agree(source.id, uid, etag, href, local, body)
            return  # same content: nothing to write
        changed_here = local is not None and self.ledger.changed_here(source.id, uid, local)
        if changed_here and state is not None:
            self._conflict(source, uid, local, remote_doc, etag, href, report, body, parsed)
            return
        stamped = self._write_imported(source, remote_doc, local)
        self.ledger.agree(source.id, uid, etag, href, stamped, body)
        report.received += 1

    def _list_set_aside(
        self, source: Source, uid: str, current: Activity, parsed: IcsImport | None
    ) -> None:
        """List here the versions other boards set aside on this object (their conflicts
        lost); drop those no longer on it (taken or dismissed on some board). This board's
        own conflict is over too once its version, set aside on the server, is gone from
        it (a version was taken, or ours dismissed, on some board)."""
        notes = parsed.set_aside.get(uid, []) if parsed is not None else []
        me = self.device  # (read from the data folder)
        others = {n["device"]: n for n in notes if n["device"] != me}
        for listed in self.ledger.conflicts_elsewhere(source.id, uid):
            if listed["from_device"] not in others:
                self.ledger.settle(listed["id"])
        for board, note in others.items():
            if self.ledger.get_conflict(f"{key(source.id, uid)}|{board}") is None:
                self.ledger.conflict_elsewhere(
                    source.id, uid, board, note["doc"], current.to_doc(), note["at"]
                )
        own = self.ledger.get_conflict(key(source.id, uid))
        if own and own.get("on_server") and me not in _boards_setting_aside(notes):
            self.ledger.settle(own["id"])  # taken or dismissed on some board: settled

    def _write_imported(
        self, source: Source, doc: dict[str, Any], local: dict[str, Any] | None
    ) -> dict[str, Any]:
        return self.book.save(
            doc,
            local,
            actor=calendar_actor(source.origin),
            actor_name=source.name,
            origin=source.origin,
        )

    def _missing_from_listing(self, source: Source, uid: str, report: Report) -> None:
        """A full listing lacks an object both sides had agreed on. Only a record another
        device owns is deleted here (audited as the calendar's deletion); this board's own
        are sent again: a listing that lacks them comes from a server that lost them
        (restored from an old copy, or its data lost), not from a person deleting them."""
        local = self.book.get(uid)
        if local is not None and local.get("source", "local") == "local" and not is_demo(local):
            self._send_again(source, uid, local, None, None, report, "lost it")
            return
        self._receive_deletion(source, uid, report)

    def _send_again(
        self,
        source: Source,
        uid: str,
        local: dict[str, Any],
        etag: str | None,
        href: str | None,
        report: Report,
        what: str,
    ) -> None:
        """The server lost this board's confirmed version of `uid` (`what`: it "lost it", or
        has "gone back to an older version"): queue ours again, to overwrite exactly the
        copy it now has (`etag`; none: create it). The text is the one the server last
        confirmed when ours has not changed since (so what central staff wrote and we do not
        model stays)."""
        state = self.ledger.state(source.id, uid) or {}
        body = state.get("body") if not self.ledger.changed_here(source.id, uid, local) else None
        if etag is None:
            self.ledger.forget(source.id, uid)
        else:
            self.ledger.overwrite_next(source.id, uid, etag, href)
        self.outbox.drop(uid)
        self.outbox.add(source.id, uid, "put", body or self._ics_of(local))
        report.restored.append(f"{uid}: sent again (the calendar had {what})")

    def _receive_deletion(self, source: Source, uid: str, report: Report) -> None:
        local = self.book.get(uid)
        if local is None:
            self.ledger.forget(source.id, uid)
            return
        if self.ledger.changed_here(source.id, uid, local):
            self._conflict(source, uid, local, None, None, None, report)
            return
        self.book.delete(uid, local, actor=calendar_actor(source.origin))
        self.ledger.forget(source.id, uid)
        report.deleted += 1

    def _conflict(
        self,
        source: Source,
        uid: str,
        local: dict[str, Any],
        remote: dict[str, Any] | None,
        etag: str | None,
        href: str | None,
        report: Report,
        body: str | None = None,
        parsed: IcsImport | None = None,
    ) -> None:
        """Both sides changed. One rule on every board: the version the central calendar
        holds wins (the change that reached it first, or central staff's), so the region
        converges without anyone choosing and a staff edit is never undone by a board.
        This board's version is kept in the conflicts list, and set aside on the server's
        object (X-MOTESPLATS-SET-ASIDE), so every board that has the activity lists it
        too: one click on any of them makes it the activity again (sent as a new change)."""
        set_aside = local
        earlier = self.ledger.get_conflict(key(source.id, uid))
        if earlier and earlier.get("local") and earlier.get("applied") == "central":
            set_aside = earlier["local"]  # still the version this board set aside first
        self.ledger.conflict(
            source.id, uid, set_aside, remote, etag, "central", utc_iso(self.clock())
        )
        self.outbox.drop(uid)
        if remote is None:
            self.book.delete(uid, local, actor=calendar_actor(source.origin))
            self.ledger.forget(source.id, uid)
        else:
            stamped = self._write_imported(source, remote, local)
            self.ledger.agree(source.id, uid, etag, href, stamped, body)
            known = body or (self.ledger.state(source.id, uid) or {}).get("body")
            self._set_aside_again(source, uid, known, parsed)
        report.conflicts += 1

    # ---- push --------------------------------------------------------------------------

    def _enqueue_unsent(self, source: Source) -> None:
        """Safety net: local changes with no outbox entry (e.g. a crash between two journal
        lines, or a source added after the activities) are queued now."""
        queued = {e.uid for e in self.outbox.pending(source.id)}
        held = {c["uid"] for c in self.ledger.conflicts() if c["source_id"] == source.id}
        with self.store.lock():
            for doc in self.book.all():
                uid = doc["id"]
                if uid in queued or uid in held:
                    continue
                if doc.get("source", "local") not in ("local", source.origin) or is_demo(doc):
                    continue
                if self.ledger.changed_here(source.id, uid, doc):
                    self.outbox.add(source.id, uid, "put", self._ics_of(doc))

    def _push(self, source: Source, remote: Any, report: Report) -> None:
        for entry in self.outbox.pending(source.id):
            if entry.held:
                continue
            if not self.outbox.due(entry):
                break  # later entries wait behind it: order is kept
            state = self.ledger.state(source.id, entry.uid) or {}
            try:
                if entry.op == "put":
                    etag, href = remote.put(
                        entry.uid, entry.body, state.get("etag"), state.get("href")
                    )
                    parsed = read_calendar(entry.body.encode("utf-8"))
                    sent = parsed.activities
                    doc = sent[0].to_doc() if sent else None
                    if self.device in _boards_setting_aside(parsed.set_aside.get(entry.uid, [])):
                        self.ledger.mark_set_aside(source.id, entry.uid)  # on the server now
                    if doc is not None:
                        local = self.book.get(entry.uid)
                        doc["source"] = (local or {}).get("source", "local")
                    self.ledger.agree(source.id, entry.uid, etag, href, doc, entry.body)
                else:
                    remote.delete(
                        state.get("href") or remote.href_for(entry.uid), state.get("etag")
                    )
                    self.ledger.forget(source.id, entry.uid)
                    self.ledger.confirm_burial(entry.uid, utc_iso(self.clock()))
            except PreconditionFailed:
                self._push_conflict(source, remote, entry.uid, report)
                continue
            except RemoteError as exc:
                self.outbox.failed(entry, str(exc))
                raise
            self.outbox.done(entry)
            report.pushed += 1

    def _push_conflict(self, source: Source, remote: Any, uid: str, report: Report) -> None:
        """The server's copy changed since we last saw it: fetch it (that one object) and
        record the conflict."""
        state = self.ledger.state(source.id, uid) or {}
        obj = remote.fetch(uid, state.get("href"))
        found = None
        parsed: IcsImport | None = None
        text = obj.body.decode("utf-8", "replace") if obj is not None else None
        if obj is not None:
            try:
                parsed = read_calendar(obj.body)
                for activity in parsed.activities:
                    if activity.id == uid:
                        found = (activity.to_doc(), obj.etag, obj.href)
            except IcsError:
                pass
        local = self.book.get(uid)
        with self.store.lock():
            if local is not None and found is not None:
                remote_doc = {**found[0], "source": local.get("source", "local")}
                if content_hash(remote_doc) == content_hash(local):  # the same already
                    self.ledger.agree(source.id, uid, found[1], found[2], local, text)
                    self.outbox.drop(uid)
                    self._set_aside_again(source, uid, text, parsed)
                    return
            if local is None:
                self.outbox.drop(uid)
                if found is None:  # deleted there too meanwhile: the deletion is done
                    self.ledger.forget(source.id, uid)
                    self.ledger.confirm_burial(uid, utc_iso(self.clock()))
                    return
                # a deletion met a change: the change wins, nothing is lost
                self.ledger.unbury(uid)
                self._receive(source, Activity.from_doc(found[0]), found[1], found[2], report)
                return
            remote_doc = found[0] if found else None
            if remote_doc is not None:
                remote_doc["source"] = local.get("source", "local")
            self._conflict(
                source,
                uid,
                local,
                remote_doc,
                found[1] if found else None,
                found[2] if found else None,
                report,
                text if found else None,
                parsed,
            )

    def _set_aside_again(
        self, source: Source, uid: str, text: str | None, parsed: IcsImport | None
    ) -> None:
        """Set this board's losing version aside on the object `text` (as the server holds
        it now, with the notes `parsed` found on it), unless it is there already."""
        own = self.ledger.get_conflict(key(source.id, uid))
        if not own or not own.get("local") or own.get("applied") != "central" or not text:
            return
        notes = parsed.set_aside.get(uid, []) if parsed is not None else []
        me = self.device
        if me in _boards_setting_aside(notes) or not source.writable:
            return
        mine = {"device": me, "at": own.get("at", ""), "doc": own["local"]}
        kept = [_note_text(n) for n in [*notes, mine][-SET_ASIDE_MAX:]]
        self.outbox.add(source.id, uid, "put", with_set_aside(text, kept))

    # ---- settling a conflict (admin's one click) ----------------------------------------

    def settle(self, conflict_id: str, choice: str, who: str = "admin") -> None:
        """`choice` "local" or "central": that version becomes the activity on both sides
        (audited as `who`'s)."""
        with self.store.lock():
            conflict = self.ledger.get_conflict(conflict_id)
            if conflict is None:
                return
            source = self.sources.get(conflict["source_id"])
            uid = conflict["uid"]
            if conflict.get("from_device"):  # set aside by another board
                self._settle_set_aside(conflict, choice, source, who)
                return
            chosen = conflict["local"] if choice == "local" else conflict["remote"]
            current = self.book.get(uid)
            self.outbox.drop(uid)
            if chosen is None:
                if current is not None:
                    self.book.delete(uid, current, actor=who)
                if choice == "local" and source is not None:
                    self.outbox.add(source.id, uid, "delete")
                else:
                    self.ledger.forget(conflict["source_id"], uid)
            else:
                doc = self.book.settle(chosen, current, actor=who)
                if choice == "local" and source is not None:
                    # the server's copy as last seen (our set-aside note may have changed it)
                    seen = (self.ledger.state(source.id, uid) or {}).get("etag")
                    self.ledger.overwrite_next(source.id, uid, seen or conflict.get("remote_etag"))
                    self.outbox.add(source.id, uid, "put", self._ics_of(doc))
                elif source is not None:
                    state = self.ledger.state(source.id, uid) or {}
                    self.ledger.agree(
                        source.id, uid, conflict.get("remote_etag"), state.get("href"), doc
                    )
                    self._take_off_server(source, uid, lambda n: n["device"] == self.device)
            self.ledger.settle(conflict_id)
        self.wake_event.set()

    def _settle_set_aside(
        self, conflict: dict[str, Any], choice: str, source: Source | None, who: str
    ) -> None:
        """Another board's set-aside version: "local" takes it (the activity here and on
        the server; the notes go with that edit), "central" dismisses it for every board."""
        uid = conflict["uid"]
        self.ledger.settle(conflict["id"])
        if source is None:
            return
        current = self.book.get(uid)
        if choice == "local" and current is not None:
            chosen = {**conflict["local"], "source": current.get("source", "local")}
            doc = self.book.settle(chosen, current, actor=who)
            self.local_change(current, doc)
        else:
            self._take_off_server(source, uid, lambda n: n["device"] == conflict["from_device"])
        self.wake_event.set()

    def _take_off_server(self, source: Source, uid: str, which: Callable[[dict], bool]) -> None:
        """Send the object again without the set-aside versions `which` picks."""
        known = (self.ledger.state(source.id, uid) or {}).get("body")
        if not known or not source.writable:
            return
        try:
            notes = read_calendar(known.encode("utf-8")).set_aside.get(uid, [])
        except IcsError:
            return
        kept = [_note_text(n) for n in notes if not which(n)]
        if len(kept) < len(notes):
            self.outbox.add(source.id, uid, "put", with_set_aside(known, kept))

    def freshness(self, stale_after_hours: float) -> dict[str, Any] | None:
        """For the board: when the calendars were last fetched, and whether that is too long
        ago. None when no calendar is configured."""
        sources = self.sources.all()
        if not sources:
            return None
        times = [parse_utc(s.state["last_success"]) for s in sources if s.state.get("last_success")]
        oldest = min(times) if len(times) == len(sources) else None
        stale = oldest is None or self.clock() - oldest > timedelta(hours=stale_after_hours)
        return {"last": max(times) if times else None, "oldest": oldest, "stale": stale}

    # ---- the loop ------------------------------------------------------------------------

    # ---- the loop (run by kiosk.jobs: one thread, woken by `wake`) ----------------------

    def cycle(self) -> None:
        """One turn of the background loop: sync every source if there is any. The first
        turn after a (re)start tries at once, whatever the backoff said; later turns are
        forced only when a person asked (`wake(force=True)`)."""
        if not self.sources.all():
            return
        forced, self._forced = self._first or self._forced, False
        self.run_once(force=forced)
        self._first = False

    def next_wait(self, interval: float, jitter: bool = False) -> float:
        """The interval, or sooner when a retry is due. With `jitter` (the loop's own wait)
        give or take JITTER of it, so kiosks that started together, or came back after the
        server's restart, do not keep asking in the same second."""
        wait = interval * random.uniform(1 - JITTER, 1 + JITTER) if jitter else interval
        for entry in self.outbox.pending()[:1]:
            if still_waiting(entry.next_try, self.clock()):
                wait = min(
                    wait, max(1.0, (parse_utc(entry.next_try) - self.clock()).total_seconds())
                )
        return wait

    def wake(self, force: bool = False) -> None:
        """Run a cycle now; `force`: also for sources backing off (a person asked)."""
        self._forced = self._forced or force
        self.wake_event.set()


def _boards_setting_aside(notes: list[dict[str, Any]]) -> set[str]:
    """The boards whose versions are set aside on an object."""
    return {str(n["device"]) for n in notes}


def _note_text(note: dict[str, Any]) -> str:
    """A set-aside version as the JSON text the server keeps (bookkeeping left out)."""
    doc = {k: v for k, v in note["doc"].items() if k not in NOT_CONTENT or k == "updated_by"}
    return json.dumps(
        {"device": note["device"], "at": note["at"], "doc": doc},
        ensure_ascii=False,
        sort_keys=True,
    )
