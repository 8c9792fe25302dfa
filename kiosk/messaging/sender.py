"""The background job that gets queued messages to their transports, and reads replies.

Owns one cycle (`Sender.cycle`, run every few seconds and woken when a message is queued):
read STOP replies; follow messages handed to the daemon (sent, failed, or withdrawn when the
occurrence has started); queue due reminders (once a minute); then hand over what is
due, oldest first — text messages to the SMS transport, push messages to Web Push — except
during quiet hours (they wait for morning), text messages beyond the day's cap (they wait
for tomorrow), after the occurrence started (dropped, never late) or to a
number that said STOP.
A message is marked `handing` (durable) before the transport is asked, so a crash then is
retried with the same idempotency key and the transport does not send it twice.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kiosk.activities.model import parse_utc
from kiosk.messaging import Refused, Transport, TransportState, Unavailable
from kiosk.messaging.outbox import MessageOutbox, is_quiet

if TYPE_CHECKING:  # the notifier composes with flask-babel; the sender itself needs no Flask
    from kiosk.messaging.notifier import Notifier

log = logging.getLogger("motesplats.sms")
STOP_WORDS = re.compile(r"^\s*(stop|stopp|sluta|avsluta|unsubscribe)\W*\s*$", re.IGNORECASE)
INTERVAL = 5.0
REMINDER_EVERY = 60.0  # seconds: reminders are looked for once a minute, not every cycle


class Sender:
    def __init__(
        self,
        outbox: MessageOutbox,
        notifier: Notifier,
        transport: Transport | None,
        clock: Callable[[], datetime],
        *,
        quiet: tuple[int, int],
        daily_cap: int,
        push: Transport | None = None,
    ) -> None:
        """`transport` carries SMS, `push` Web Push; either may be None (that channel off)."""
        self.outbox, self.notifier, self.transport = outbox, notifier, transport
        self.push = push
        self.clock, self.quiet, self.daily_cap = clock, quiet, daily_cap
        self.wake_event = threading.Event()
        self.last_state = TransportState(False, "no SMS transport is configured")
        self._reminders_looked: float | None = None  # monotonic time of the last look

    @property
    def active(self) -> bool:
        """Some channel is on (SMS, Web Push or both)."""
        return self.transport is not None or self.push is not None

    def wake(self) -> None:
        self.wake_event.set()

    def cycle(self) -> dict[str, int]:
        """One round; returns what it did (for tests and the log)."""
        done = {"stopped": 0, "sent": 0, "failed": 0, "dropped": 0, "reminders": 0}
        if not self.active:
            return done
        if self.transport is not None:
            self._read_replies(done)
            self._follow_handed(done)
        looked = self._reminders_looked
        if looked is None or time.monotonic() - looked >= REMINDER_EVERY:
            done["reminders"] = self.notifier.remind_due()
            self._reminders_looked = time.monotonic()
        self._hand_over_due(done)
        return done

    def state(self) -> TransportState:
        if self.transport is None:
            return self.last_state
        self.last_state = self.transport.state()
        return self.last_state

    def _read_replies(self, done: dict[str, int]) -> None:
        assert self.transport is not None
        for reply in self.transport.replies():
            if STOP_WORDS.match(reply.text):
                self.outbox.stop_number(reply.number)
                done["stopped"] += 1
                log.info("a number replied STOP: no more messages to it")
            self.transport.forget(reply)

    def _too_late(self, not_after: str) -> bool:
        return self.clock().astimezone(UTC) >= parse_utc(not_after)

    def _follow_handed(self, done: dict[str, int]) -> None:
        assert self.transport is not None
        for message in self.outbox.open_messages():
            if message.status != "handed":
                continue
            fate = self.transport.check(message.outgoing())
            if fate == "sent":
                self.outbox.sent(message)
                self.transport.forget_sent(message.outgoing())  # after the record
                done["sent"] += 1
            elif fate == "failed":
                self.transport.clear_failure(message.outgoing())
                self.outbox.failed(message, "the modem could not send it")
                done["failed"] += 1
            elif self._too_late(message.not_after) and self.transport.withdraw(message.outgoing()):
                self.outbox.drop(message, "too late")
                done["dropped"] += 1

    def _hand_over_due(self, done: dict[str, int]) -> None:
        transports = {"sms": self.transport, "push": self.push}
        local = self.clock().astimezone(self.outbox.zone)
        if is_quiet(local, self.quiet):
            return  # everything waits for morning
        room = self.daily_cap - self.outbox.handed_today()  # read once, counted down here
        away: set[str] = set()  # channels whose modem or service failed in this cycle
        for message in self.outbox.due():
            transport = transports.get(message.channel)
            if self._too_late(message.not_after):
                self.outbox.drop(message, "too late")
                done["dropped"] += 1
                continue
            if self.outbox.said_stop(message):
                self.outbox.drop(message, "stopped")
                done["dropped"] += 1
                continue
            if transport is None or message.channel in away:
                continue  # that channel is off or away: its messages wait
            if message.channel == "sms" and room <= 0:
                continue  # text messages wait for tomorrow's cap; push goes on
            message = self.outbox.handing(message)
            try:
                fate = transport.hand_over(message.outgoing())
            except Unavailable as exc:
                self.outbox.failed(message, str(exc))
                done["failed"] += 1
                away.add(message.channel)  # the rest of this channel waits too
                continue
            except Refused as exc:
                self.outbox.drop(message, str(exc))
                done["dropped"] += 1
                continue
            if message.channel == "sms":
                room -= 1
            if fate == "sent":
                self.outbox.sent(message)
                done["sent"] += 1
            else:
                self.outbox.handed(message)
