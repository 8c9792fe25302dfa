"""Changing the board: saving activities, single occurrences, places, organisations, settings.

Owns every write a volunteer makes (activities through `kiosk.activities.book`, which stamps
and audits them; places, organisations and the site settings here), with three rules: the
account must be allowed (`Account.may_edit`), nobody's change is silently lost (an
optimistic version check: a save based on version 3 of an activity that is now at version 4
raises `Conflict` carrying the current version and who saved it), and every change is
written to the audit log with the document before and after. Reads and checks happen under
the store's lock, so two volunteers saving at once are serialised.
"""

from __future__ import annotations

import copy
import re
import unicodedata
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from kiosk.activities import translation
from kiosk.activities.book import ActivityBook
from kiosk.activities.model import Activity, Organiser, Override, Place, SiteSettings, Texts
from kiosk.activities.recurrence import moved_keys
from kiosk.store import Store
from kiosk.volunteers.accounts import Account
from kiosk.volunteers.audit import AuditLog


class Conflict(Exception):
    """Someone saved the activity since the form was opened."""

    def __init__(self, current: Activity) -> None:
        super().__init__(f"changed meanwhile by {current.updated_by or '?'}")
        self.current = current


class NotAllowed(Exception):
    """The account may not change this activity."""


class Gone(Exception):
    """The activity was deleted meanwhile."""


def slug_id(prefix: str, name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:30] or prefix
    return f"{prefix}-{slug}-{uuid.uuid4().hex[:6]}"


class ReadOnly(NotAllowed):
    """The activity comes from a read-only calendar feed; change it there."""


ChangeHook = Callable[[dict[str, Any] | None, dict[str, Any] | None], None]


def _texts_for(activity: Activity, key: str) -> Texts:
    """The stored texts (to change in place) of `key`; ValueError for an unknown key."""
    if key in translation.SERIES_KEYS:
        return getattr(activity, key)  # type: ignore[no-any-return]
    if key.startswith(translation.NOTE_PREFIX):
        override = activity.overrides.get(key[len(translation.NOTE_PREFIX) :])
        if override is not None:
            return override.note
    raise ValueError(f"no text {key!r}")


class Editor:
    def __init__(
        self,
        store: Store,
        audit: AuditLog,
        clock: Callable[[], datetime],
        *,
        book: ActivityBook,
        on_change: ChangeHook = lambda before, after: None,
        read_only: Callable[[str], bool] = lambda origin: False,
        keys_in_use: Callable[[str], set[str]] = lambda activity_id: set(),
        on_moved: Callable[[str, dict[str, str]], None] = lambda activity_id, moves: None,
    ) -> None:
        """`book` writes the activities (version, device, audit). The hooks, given by the
        composition root (`kiosk.services`): `on_change(before, after)` queues a change for
        the central calendar; `read_only(origin)` says whether activities from that origin
        are a read-only feed's; `keys_in_use(activity_id)` are the recurrence ids other
        tables use for it (signups, door counts) and `on_moved(activity_id, moves)` renames
        them when a series moves."""
        self.store = store
        self.audit = audit
        self.clock = clock
        self.book = book
        self.on_change = on_change
        self.read_only = read_only
        self.keys_in_use = keys_in_use
        self.on_moved = on_moved

    def _check_writable(self, current: Activity) -> None:
        if self.read_only(current.source):
            raise ReadOnly(current.id)

    def _current(self, activity_id: str) -> Activity:
        doc = self.book.get(activity_id)
        if doc is None:
            raise Gone(activity_id)
        return Activity.from_doc(doc)

    def _write(self, who: Account, activity: Activity, before: Activity | None) -> Activity:
        activity.updated_at = self.clock()
        activity.updated_by = who.display_name
        activity.version = (before.version + 1) if before else 1
        problems = activity.problems()
        if problems:
            raise ValueError("; ".join(problems))
        before_doc = before.to_doc() if before else None
        after = self.book.save(
            activity.to_doc(), before_doc, actor=who.id, actor_name=who.display_name
        )
        self.on_change(before_doc, after)
        return Activity.from_doc(after)

    def save(self, who: Account, activity: Activity, expected_version: int | None) -> Activity:
        """Create (`expected_version` None) or replace an activity."""
        activity = copy.deepcopy(activity)
        if not who.may_edit(activity.organiser_id):
            raise NotAllowed(activity.id)
        with self.store.lock():
            if expected_version is None:
                if self.book.get(activity.id) is not None:
                    raise Conflict(self._current(activity.id))
                if not activity.municipality:  # made here: this board's municipality
                    site = self.store.get("settings", "site") or {}
                    activity.municipality = str(site.get("municipality") or "")
                return self._write(who, activity, None)
            current = self._current(activity.id)
            if not who.may_edit(current.organiser_id):
                raise NotAllowed(activity.id)
            self._check_writable(current)
            if current.version != expected_version:
                raise Conflict(current)
            keys = set(current.overrides) | set(current.exdates) | self.keys_in_use(current.id)
            moves = moved_keys(current, activity, keys)
            if moves:  # the whole series moved: its cancelled, moved and booked dates follow
                activity.overrides = {moves.get(k, k): o for k, o in activity.overrides.items()}
                activity.exdates = sorted({moves.get(k, k) for k in activity.exdates})
            written = self._write(who, activity, current)
            if moves:
                self.on_moved(current.id, moves)
            return written

    def change_occurrence(
        self,
        who: Account,
        activity_id: str,
        rid: str,
        expected_version: int,
        *,
        action: str,
        start: datetime | None = None,
        end: datetime | None = None,
        note: Texts | None = None,
    ) -> Activity:
        """`action`: "cancel" / "move" / "restore" just this occurrence (of a series or not)."""
        with self.store.lock():
            current = self._current(activity_id)
            if not who.may_edit(current.organiser_id):
                raise NotAllowed(activity_id)
            self._check_writable(current)
            if current.version != expected_version:
                raise Conflict(current)
            changed = copy.deepcopy(current)
            if changed.rrule:
                if action == "restore":
                    changed.overrides.pop(rid, None)
                else:
                    old = changed.overrides.get(rid, Override())
                    changed.overrides[rid] = Override(
                        start if action == "move" else old.start,
                        end if action == "move" else old.end,
                        "cancelled" if action == "cancel" else "changed",
                        note if note is not None else old.note,
                    )
            else:
                if action == "cancel":
                    changed.status = "cancelled"
                elif action == "restore":
                    changed.status = "scheduled"
                elif action == "move" and start and end:
                    changed.start, changed.end, changed.status = start, end, "changed"
                if note is not None:
                    changed.status_note = note
            return self._write(who, changed, current)

    def delete(self, who: Account, activity_id: str, expected_version: int) -> None:
        with self.store.lock():
            current = self._current(activity_id)
            if not who.may_edit(current.organiser_id):
                raise NotAllowed(activity_id)
            self._check_writable(current)
            if current.version != expected_version:
                raise Conflict(current)
            self.book.delete(activity_id, current.to_doc(), actor=who.id)
            self.on_change(current.to_doc(), None)

    def translate(
        self,
        who: Account,
        activity_id: str,
        key: str,
        lang: str,
        text: str,
        made_from: str,
        *,
        confirm: bool = False,
    ) -> Activity:
        """Write one text of an activity in one language (`key` as in
        `kiosk.activities.translation`), translated from the Swedish whose fingerprint is
        `made_from` (what the translator saw: if the Swedish changed meanwhile, the new
        translation shows as outdated, nothing is lost). `confirm`: the stored translation
        is right as it is (reviewed). No version check: only this one text changes."""
        if not who.may_translate(lang) or lang == "sv":
            raise NotAllowed(activity_id)
        with self.store.lock():
            current = self._current(activity_id)
            self._check_writable(current)
            changed = copy.deepcopy(current)
            texts = _texts_for(changed, key)
            if confirm:
                if not texts.get(lang, "").strip():
                    raise ValueError("nothing to confirm")
            else:
                texts[lang] = text
            name = translation.mark_key(key, lang)
            changed.translated_from[name] = made_from
            changed.unreviewed = [n for n in changed.unreviewed if n != name]
            return self._write(who, changed, current)

    def add_place(self, who: Account, name: str, address: str = "", room: str = "") -> Place:
        place = Place(slug_id("place", name), name, address, room)
        self.store.put("places", place.to_doc())
        self.audit.record(who.id, "created", "places", place.id, None, place.to_doc())
        return place

    def add_organiser(self, who: Account, name: str) -> Organiser:
        organiser = Organiser(slug_id("org", name), name)
        self.store.put("organisers", organiser.to_doc())
        self.audit.record(who.id, "created", "organisers", organiser.id, None, organiser.to_doc())
        return organiser

    def save_organiser(self, who: Account, organiser: Organiser) -> None:
        """Change an organisation's directory entry (its own organisers, or an admin)."""
        if not who.may_edit(organiser.id):
            raise NotAllowed(organiser.id)
        with self.store.lock():
            before = self.store.get("organisers", organiser.id)
            if before is None:
                raise NotAllowed(organiser.id)
            self.store.put("organisers", organiser.to_doc())
            self.audit.record(
                who.id, "changed", "organisers", organiser.id, before, organiser.to_doc()
            )

    def save_place(self, who: Account, place: Place) -> None:
        """Change a place (kind, names, address, how to get there): admins only, since
        every organisation's activities share it."""
        if not who.is_admin:
            raise NotAllowed(place.id)
        with self.store.lock():
            before = self.store.get("places", place.id)
            if before is None:
                raise Gone(place.id)
            self.store.put("places", place.to_doc())
            self.audit.record(who.id, "changed", "places", place.id, before, place.to_doc())

    def save_site(self, who: Account, site: SiteSettings) -> None:
        with self.store.lock():
            before = self.store.get("settings", "site")
            self.store.put("settings", site.to_doc())
            self.audit.record(who.id, "changed", "settings", "site", before, site.to_doc())
