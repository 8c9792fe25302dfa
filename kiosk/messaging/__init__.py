"""Text messages to people who signed up: the transport contract.

The package owns getting short texts to phones. Its parts, each replaceable:

* `texts` writes a message in the person's language and counts its SMS segments;
* `outbox` keeps every message durably until it is sent once (table `sms_outbox`), with
  the day's counts (`sms_days`) and the numbers that said STOP (`sms_stopped`);
* `notifier` decides which messages an event causes (a place from the waitlist, a
  confirmation, a reminder, a cancelled or moved occurrence);
* `sender` is the background job that hands due messages to a transport;
* a **transport** carries them: `gammu` (Gammu's SMS daemon and a USB modem, no internet)
  or `http_provider` (the municipality's SMS provider). Which one is the setting
  SMS_TRANSPORT; `open_transport` loads it by name, as Radicale loads its storage.
  `web_push` carries the same messages to browsers that subscribed on the private page
  (a second channel beside SMS, setting PUSH).

Promises every transport keeps:

* `hand_over(message)` either takes the message (returns "sent" when it is gone, or
  "handed" when a daemon will send it and `check` tells later) or raises `Unavailable`
  (try later, nothing was taken) or `Refused` (this message can never go: a bad number).
  Handing the same `message.key` twice never sends twice: the key is the idempotency key.
* `check(message)` of a handed message: "sent", "pending" or "failed".
* `withdraw(message)` takes a handed, unsent message back; True if it will not be sent.
* `forget_sent(message)` deletes the transport's copy of a sent message (its text and
  number); `clear_failure(message)` lets a failed key be handed again.
* `state()` says whether it can send now, and a line for the staff page.
* `replies()` are texts people sent back (for STOP); `forget(reply)` removes one read.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TRANSPORTS = {"gammu": "kiosk.messaging.gammu", "http": "kiosk.messaging.http_provider"}


class Unavailable(Exception):
    """The modem or provider cannot take messages now; nothing was taken."""


class Refused(Exception):
    """This message can never be sent (the provider refused the number or the text)."""


@dataclass(frozen=True)
class Outgoing:
    key: str  # idempotency key: one message, sent at most once
    number: str  # E.164 (SMS)
    text: str
    subscription: Mapping[str, str] | None = None  # a browser's push subscription (Web Push)
    link: str = ""  # the private page, opened when the notification is touched
    lang: str = ""
    ttl: int = 0  # seconds until the occurrence starts: a push service drops it after


@dataclass(frozen=True)
class TransportState:
    up: bool
    detail: str  # one line for the staff page ("Modem: signal 60 %, 12 sent")


@dataclass(frozen=True)
class Reply:
    number: str
    text: str
    ref: str  # what `forget` needs


class Transport(ABC):
    @abstractmethod
    def hand_over(self, message: Outgoing) -> str:
        """Send or queue one message: "sent" or "handed"; Unavailable or Refused."""

    @abstractmethod
    def check(self, message: Outgoing) -> str:
        """ "sent", "pending" or "failed" for a message handed over before."""

    @abstractmethod
    def withdraw(self, message: Outgoing) -> bool:
        """Take back a handed message not yet sent; True if it will not be sent."""

    @abstractmethod
    def state(self) -> TransportState:
        """Whether messages can go now."""

    def forget_sent(self, message: Outgoing) -> None:  # noqa: B027 - nothing kept by default
        """Drop whatever copy the transport keeps of a message recorded as sent."""

    def clear_failure(self, message: Outgoing) -> None:  # noqa: B027 - nothing kept by default
        """Let a failed message's key be handed over again."""

    def replies(self) -> list[Reply]:
        """Messages people sent back (none for transports that cannot receive)."""
        return []

    def forget(self, reply: Reply) -> None:  # noqa: B027 - nothing to remove by default
        """Remove a reply that has been read."""


def open_transport(settings: Mapping[str, Any]) -> Transport | None:
    """The transport named by SMS_TRANSPORT, built from the settings; None when off."""
    name = str(settings.get("SMS_TRANSPORT") or "").strip()
    if not name:
        return None
    if name not in TRANSPORTS:
        raise ValueError(f"SMS_TRANSPORT: one of {', '.join(TRANSPORTS)} or empty: {name!r}")
    return importlib.import_module(TRANSPORTS[name]).from_settings(settings)
