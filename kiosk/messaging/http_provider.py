"""The SMS provider transport: one HTTP POST per message to the municipality's provider.

Owns the provider's wire format, which is 46elks' (a Swedish provider many municipalities
use): a form POST of `from`, `to` and `message` with HTTP Basic authentication, answered
with JSON. Every request carries the message's key as `Idempotency-Key`, so a request
repeated after a crash or a lost answer is not sent twice by a provider that honours it.
2xx: sent. 429, 5xx, timeouts and unreachable: `Unavailable` (tried again later). Other
4xx: `Refused` (never tried again). The answer is read only up to 64 KiB, and the whole
request is bounded by a timeout.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from kiosk.messaging import Outgoing, Refused, Transport, TransportState, Unavailable

TIMEOUT = 15.0
MAX_ANSWER = 64 * 1024


class HttpProvider(Transport):
    def __init__(self, url: str, user: str, password: str, sender: str) -> None:
        if not url.startswith(("https://", "http://")):
            raise ValueError("SMS_HTTP_URL: an http(s) address is needed")
        self.url, self.sender = url, sender
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.auth = f"Basic {token}"
        self.last_error = ""

    def hand_over(self, message: Outgoing) -> str:
        body = urllib.parse.urlencode(
            {"from": self.sender, "to": message.number, "message": message.text}
        ).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Authorization": self.auth,
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Idempotency-Key": message.key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                answer.read(MAX_ANSWER)
        except urllib.error.HTTPError as exc:
            self.last_error = f"HTTP {exc.code}"
            if exc.code == 429 or exc.code >= 500:
                raise Unavailable(f"the SMS provider answered {exc.code}") from exc
            raise Refused(f"the SMS provider refused the message ({exc.code})") from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            self.last_error = str(exc)[:200]
            raise Unavailable(f"the SMS provider cannot be reached: {exc}") from exc
        self.last_error = ""
        return "sent"

    def check(self, message: Outgoing) -> str:
        return "sent"  # hand_over answers only once the provider took it

    def withdraw(self, message: Outgoing) -> bool:
        return False

    def state(self) -> TransportState:
        if self.last_error:
            return TransportState(False, f"provider: {self.last_error}")
        return TransportState(True, f"provider {urllib.parse.urlsplit(self.url).hostname}")


def from_settings(settings: Mapping[str, Any]) -> HttpProvider:
    return HttpProvider(
        settings["SMS_HTTP_URL"],
        settings["SMS_HTTP_USER"],
        settings["SMS_HTTP_PASSWORD"],
        settings["SMS_HTTP_FROM"],
    )
