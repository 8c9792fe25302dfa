"""Web Push: the browser's own notifications, for people who let the private page tell them.

Owns the server's VAPID key pair (a PEM file in the data folder, made by `install.sh` or on
first start, readable by the server only), the check of a subscription a browser sends us
(it is hostile until bounded: only HTTPS endpoints of the push services in the setting
PUSH_SERVICES, keys of the right size), and the transport that hands a message to the
browser's push service with pywebpush (RFC 8030 / 8291 / 8292).

A push message cannot be taken back and the protocol has no idempotency key, so the
message's key goes out as the `Topic` (a push service keeps one undelivered message per
topic) and as the notification's `tag` (the browser shows one notification per tag): a
message handed twice after a crash is shown once. Its TTL ends at the occurrence's start,
so a phone that was off does not show it late.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid

from kiosk.messaging import Outgoing, Refused, Transport, TransportState, Unavailable
from kiosk.store.durable import atomic_write

log = logging.getLogger("motesplats.push")
KEY_FILE = "vapid_private.pem"
DEFAULT_SERVICES = (
    "fcm.googleapis.com",  # Chrome, Edge on Android, Samsung Internet
    "*.push.services.mozilla.com",  # Firefox
    "*.notify.windows.com",  # Edge on Windows
    "*.push.apple.com",  # Safari
)
MAX_ENDPOINT = 1024
TIMEOUT = 15.0
GONE = (404, 410)  # the person turned notifications off or the browser dropped them


class BadSubscription(ValueError):
    """What the browser sent is not a subscription we will use."""


def key_path(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / KEY_FILE


def ensure_key(path: Path) -> Vapid:
    """The VAPID key pair in `path`, made (mode 0600, written atomically) when missing."""
    if path.exists():
        return Vapid.from_file(str(path))
    vapid = Vapid()
    vapid.generate_keys()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, vapid.private_pem(), mode=0o600)
    log.info("made the VAPID key pair for Web Push in %s", path)
    return vapid


def public_key(vapid: Vapid) -> str:
    """The application server key a browser subscribes with (base64url, uncompressed point)."""
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64_length(text: Any) -> int:
    if not isinstance(text, str) or len(text) > 200:
        return -1
    try:
        return len(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):
        return -1


def _service_allowed(endpoint: str, services: tuple[str, ...]) -> bool:
    parts = urlsplit(endpoint)
    origin = f"{parts.scheme}://{parts.netloc}"
    host = (parts.hostname or "").lower()
    for entry in services:
        if "://" in entry:  # a whole origin (a test's local push service)
            if origin == entry.rstrip("/"):
                return True
        elif parts.scheme == "https" and (
            host == entry or (entry.startswith("*.") and host.endswith(entry[1:]))
        ):
            return True
    return False


def check_subscription(data: Any, services: tuple[str, ...]) -> dict[str, str]:
    """The parts of a browser's PushSubscription JSON we keep; BadSubscription otherwise."""
    if not isinstance(data, Mapping):
        raise BadSubscription("not a subscription")
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or not 10 < len(endpoint) <= MAX_ENDPOINT:
        raise BadSubscription("no endpoint")
    if not _service_allowed(endpoint, services):
        raise BadSubscription("not a known push service")
    if not isinstance(keys, Mapping):
        raise BadSubscription("no keys")
    if _b64_length(keys.get("p256dh")) != 65 or _b64_length(keys.get("auth")) != 16:
        raise BadSubscription("keys of the wrong size")
    return {"endpoint": endpoint, "p256dh": keys["p256dh"], "auth": keys["auth"]}


def services_from_setting(text: str) -> tuple[str, ...]:
    entries = tuple(e.strip().lower() for e in (text or "").split(",") if e.strip())
    return entries or DEFAULT_SERVICES


class WebPush(Transport):
    """Hands a message to the browser's push service; "sent" once it took it (201)."""

    def __init__(self, vapid: Vapid, subject: str, timeout: float = TIMEOUT) -> None:
        self.vapid, self.subject, self.timeout = vapid, subject, timeout
        self.sent_count = 0

    def hand_over(self, message: Outgoing) -> str:
        subscription = message.subscription or {}
        if not subscription.get("endpoint"):
            raise Refused("no browser subscription")
        # Imported on the first push, not at start: pywebpush brings aiohttp (0.4 s of a
        # server's start).
        from pywebpush import WebPushException, webpush

        payload = json.dumps(
            {"body": message.text, "url": message.link, "tag": message.key, "lang": message.lang},
            ensure_ascii=False,
        )
        try:
            webpush(
                {
                    "endpoint": subscription["endpoint"],
                    "keys": {"p256dh": subscription["p256dh"], "auth": subscription["auth"]},
                },
                data=payload,
                vapid_private_key=self.vapid,
                vapid_claims={"sub": self.subject},  # a new dict: pywebpush writes aud/exp in
                ttl=max(60, message.ttl),
                timeout=self.timeout,
                headers={"Topic": message.key[:32], "Urgency": "high"},
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status in GONE:
                raise Refused("the browser no longer takes notifications") from exc
            if status == 429 or status >= 500 or status == 0:
                raise Unavailable(f"push service answered {status or 'nothing'}") from exc
            raise Refused(f"push service refused it ({status})") from exc
        except (OSError, ValueError) as exc:  # requests' errors are OSErrors; bad keys ValueError
            raise Unavailable(f"push service unreachable: {type(exc).__name__}") from exc
        self.sent_count += 1
        return "sent"

    def check(self, message: Outgoing) -> str:
        return "sent"  # never "handed": the push service took it or it failed at once

    def withdraw(self, message: Outgoing) -> bool:
        return False

    def state(self) -> TransportState:
        return TransportState(True, f"Web Push: {self.sent_count} handed to push services")


def from_settings(settings: Mapping[str, Any]) -> WebPush | None:
    """The Web Push transport, or None when PUSH is off (or "auto" without HTTPS)."""
    if not push_enabled(settings):
        return None
    vapid = ensure_key(key_path(settings["DATA_DIR"]))
    subject = str(settings.get("PUSH_SUBJECT") or settings.get("PUBLIC_URL") or "").strip()
    if not subject.startswith(("mailto:", "https://")):
        subject = "mailto:motesplats@localhost"
    return WebPush(vapid, subject)


def push_enabled(settings: Mapping[str, Any]) -> bool:
    """PUSH "on", or "auto" (the default) on a public instance reached over HTTPS."""
    mode = str(settings.get("PUSH") or "auto").strip().lower()
    if mode == "auto":
        return str(settings.get("PUBLIC_URL") or "").startswith("https://")
    return mode in ("on", "1", "true", "yes")


if __name__ == "__main__":  # install.sh: python -m kiosk.messaging.web_push <data folder>
    import sys

    print(public_key(ensure_key(key_path(sys.argv[1] if len(sys.argv) > 1 else "data"))))
