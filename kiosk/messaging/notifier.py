"""Which text messages an event causes, written into the outbox before the event is answered.

Owns the rules (no HTTP; composing needs an app context for the translations):

* a party promoted from the waitlist gets "you have a place" (`promoted`, at once);
* a new signup gets a confirmation when its activity asks for one (`confirmed`);
* a signup that waited for an organiser's approval hears the answer: a place
  (`approved`), the waitlist (`approved_waiting`) or no (`declined`);
* a course enrolment (one record per date) hears of its promotion or approval once, for
  its first date left;
* every confirmed party gets a reminder `reminder_hours` before the start (default 24:
  the day before), unless it signed up after that moment (`reminder`, by `remind_due`);
* when an occurrence is cancelled or moved, everyone still on it hears (`cancelled`,
  `moved`), whoever changed it: a volunteer's form or the central calendar
  (`occurrences_changed`, given the activity before and after);
* an organiser's own words to everyone on one occurrence (`organiser`).

Each message goes by SMS to the phone the person gave and by Web Push to the browser that
subscribed on the private page (either or both). Each message's key is derived from its
cause (kind, signup, occurrence, the new time), so the same event noticed twice — a
retried request, a catch-up after a power cut — is queued once. `catch_up` finds
promotions of the last day that have no message yet (a crash between the cancellation and
its message) and queues them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.activities.model import Activity, parse_utc, utc_iso
from kiosk.activities.recurrence import Occurrence, expand
from kiosk.board.agenda import Catalogue, find_occurrence
from kiosk.messaging.outbox import Message, MessageOutbox, message_key
from kiosk.messaging.texts import Facts, compose, segments
from kiosk.signups.book import Signup, SignupBook

CHANGE_HORIZON = timedelta(days=60)
CATCH_UP = timedelta(days=1)


class Notifier:
    def __init__(
        self,
        outbox: MessageOutbox,
        signups: SignupBook,
        catalogue: Catalogue,
        clock: Callable[[], datetime],
        zone: ZoneInfo,
        link_base: Callable[[], str],
    ) -> None:
        """`link_base()`: the address phones reach this server on (no trailing slash)."""
        self.outbox, self.signups, self.catalogue = outbox, signups, catalogue
        self.clock, self.zone, self.link_base = clock, zone, link_base

    def _facts(self, occurrence: Occurrence, signup: Signup) -> Facts:
        snap = self.catalogue.snapshot()
        place = snap.places.get(occurrence.activity.place_id or "")
        names = {"sv": place.name, **place.names} if place else {}
        link = f"{self.link_base()}/m/{self.signups.sms_token(signup.id)}"
        return Facts(occurrence.title, occurrence.start.astimezone(self.zone), names, link)

    def _queue(
        self, kind: str, signup: Signup, occurrence: Occurrence, key: str, text: str = ""
    ) -> bool:
        """Queue one message by SMS (if it gave a phone) and by Web Push (if its browser
        subscribed); True if anything new was queued."""
        if not signup.reachable:
            return False
        start = occurrence.start.astimezone(UTC)
        if start <= self.clock().astimezone(UTC):
            return False
        channels = [("sms", key, signup.phone)] if signup.phone else []
        if signup.push:
            channels.append(("push", message_key("push", key), ""))
        channels = [c for c in channels if not self.outbox.knows(c[1])]
        if not channels:
            return False
        facts = self._facts(occurrence, signup)
        body = compose(kind, signup.language, facts, text)
        queued = False
        for channel, message_id, number in channels:
            queued |= self.outbox.add(
                Message(
                    id=message_id,
                    kind=kind,
                    signup_id=signup.id,
                    occurrence=signup.occurrence_key,
                    language=signup.language,
                    number=number or "",
                    text=body,
                    not_after=utc_iso(start),
                    created_at=utc_iso(self.clock()),
                    segments=segments(body) if channel == "sms" else 0,
                    channel=channel,
                    subscription=signup.push if channel == "push" else None,
                    link=facts.link if channel == "push" else "",
                )
            )
        return queued

    def _occurrence(self, signup: Signup) -> Occurrence | None:
        return find_occurrence(self.catalogue.snapshot(), signup.activity_id, signup.recurrence_id)

    # ---- events ----------------------------------------------------------------------

    def _once_per_enrolment(self, records: list[Signup]) -> list[Signup]:
        """Of a course's records, the first date still to come; other signups as they are."""
        now = self.clock().astimezone(UTC)
        first: dict[str, Signup] = {}
        for signup in records:
            group = signup.course or signup.id
            if signup.occurrence_end <= now:
                continue
            if group not in first or signup.occurrence_end < first[group].occurrence_end:
                first[group] = signup
        return list(first.values())

    def promoted(self, parties: list[Signup]) -> int:
        queued = 0
        for signup in self._once_per_enrolment(parties):
            occurrence = self._occurrence(signup)
            if occurrence is not None:
                key = message_key("promoted", signup.id, signup.last_event("promoted"))
                queued += self._queue("promoted", signup, occurrence, key)
        return queued

    def signed_up(self, signup: Signup) -> bool:
        occurrence = self._occurrence(signup)
        if occurrence is None or not occurrence.activity.signup.sms_confirm:
            return False
        if signup.status != "confirmed":
            return False
        return self._queue("confirmed", signup, occurrence, message_key("confirmed", signup.id))

    def decided(self, signup: Signup) -> bool:
        """An organiser's answer to a pending signup (the record that speaks for it)."""
        occurrence = self._occurrence(signup)
        kinds = {"confirmed": "approved", "waitlisted": "approved_waiting", "declined": "declined"}
        kind = kinds.get(signup.status)
        if occurrence is None or kind is None:
            return False
        return self._queue(kind, signup, occurrence, message_key(kind, signup.course or signup.id))

    def organiser_message(self, activity_id: str, rid: str, texts: dict[str, str]) -> int:
        """Queue the organiser's words (per language; a translated template where a
        language has none) to everyone on the occurrence; returns how many were queued."""
        occurrence = find_occurrence(self.catalogue.snapshot(), activity_id, rid)
        if occurrence is None:
            return 0
        stamp = utc_iso(self.clock())
        queued = 0
        for signup in self.signups.reachable(activity_id, rid):
            text = (texts.get(signup.language) or "").strip()
            key = message_key("organiser", signup.id, stamp)
            queued += self._queue("organiser", signup, occurrence, key, text)
        return queued

    def occurrences_changed(self, before: dict | None, after: dict | None) -> int:
        """Tell the people on each occurrence that this save cancelled or moved."""
        if before is None or after is None:
            return 0
        old, new = Activity.from_doc(before), Activity.from_doc(after)
        now = self.clock().astimezone(UTC)
        window = (now, now + CHANGE_HORIZON)
        was = {o.recurrence_id: o for o in expand(old, *window)}
        queued = 0
        for occurrence in expand(new, *window):
            previous = was.get(occurrence.recurrence_id)
            if previous is None:
                continue
            if occurrence.status == "cancelled" and previous.status != "cancelled":
                kind, extra = "cancelled", ""
            elif occurrence.status != "cancelled" and (
                occurrence.start != previous.start or new.place_id != old.place_id
            ):
                kind, extra = "moved", f"{utc_iso(occurrence.start)}/{new.place_id}"
            else:
                continue
            for signup in self.signups.reachable(new.id, occurrence.recurrence_id):
                key = message_key(kind, signup.id, occurrence.recurrence_id, extra)
                queued += self._queue(kind, signup, occurrence, key)
        return queued

    # ---- the clock -------------------------------------------------------------------

    def remind_due(self) -> int:
        """Queue the reminders whose moment has come (run every minute by the sender)."""
        now = self.clock().astimezone(UTC)
        queued = 0
        found: dict[str, Occurrence | None] = {}  # each occurrence found once, not per signup
        for signup in self.signups.all_signups():
            if signup.status != "confirmed" or not signup.reachable:
                continue
            if signup.occurrence_end <= now:
                continue
            if signup.occurrence_key not in found:
                found[signup.occurrence_key] = self._occurrence(signup)
            occurrence = found[signup.occurrence_key]
            if occurrence is None or occurrence.status == "cancelled":
                continue
            hours = occurrence.activity.signup.reminder_hours
            start = occurrence.start.astimezone(UTC)
            moment = start - timedelta(hours=hours)
            if hours <= 0 or not (moment <= now < start) or signup.created_at >= moment:
                continue
            key = message_key("reminder", signup.id, signup.recurrence_id)
            queued += self._queue("reminder", signup, occurrence, key)
        return queued

    def catch_up(self) -> int:
        """Promotions of the last day whose message was never queued (a crash between)."""
        since = self.clock().astimezone(UTC) - CATCH_UP
        missed = []
        for signup in self.signups.all_signups():
            when = signup.last_event("promoted")
            if signup.status != "confirmed" or not signup.reachable or not when:
                continue
            known = self.outbox.knows(message_key("promoted", signup.id, when))
            if parse_utc(when) >= since and not known:
                missed.append(signup)
        return self.promoted(missed)
