"""A browser's push service on 127.0.0.1, for the Web Push tests: it takes messages as a real
push service does (RFC 8030 POST to the subscription's endpoint), checks the VAPID
signature (RFC 8292) and decrypts the payload (RFC 8291, aes128gcm) with the keys of a
browser subscription made here — so a test reads what the phone would show.

`PushService.answer` sets the status code of the next answers (201 by default; 410 for a
subscription the person turned off, 503 or 429 for a busy service) and `delay` makes it slow.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One browser's subscription: its own key pair and auth secret, as PushManager makes."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self) -> dict[str, Any]:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]  # names in lower case
    claims: dict[str, Any]  # the VAPID JWT's claims, its signature checked
    server_key: str  # the `k=` of the Authorization header
    payload: dict[str, Any]  # decrypted


def check_vapid(authorization: str) -> tuple[dict[str, Any], str]:
    """The claims of a `vapid t=<jwt>, k=<key>` header; AssertionError if the signature fails."""
    assert authorization.startswith("vapid "), authorization
    parts = dict(p.strip().split("=", 1) for p in authorization[6:].split(","))
    token, server_key = parts["t"], parts["k"]
    head, body, signature = token.split(".")
    assert json.loads(unb64url(head)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64url(signature)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(server_key))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise AssertionError("the VAPID signature does not verify") from exc
    return json.loads(unb64url(body)), server_key


class PushService:
    def __init__(self) -> None:
        self.browsers: dict[str, Browser] = {}
        self.deliveries: list[Delivery] = []
        self.requests = 0
        self.status, self.delay = 201, 0.0
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with service._lock:
                    service.requests += 1
                    status, delay = service.status, service.delay
                if delay:
                    time.sleep(delay)
                if status == 201:
                    service._deliver(
                        self.path, {k.lower(): v for k, v in self.headers.items()}, body
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def browser(self, name: str = "phone") -> Browser:
        made = Browser(f"{self.origin}/push/{name}")
        self.browsers[f"/push/{name}"] = made
        return made

    def answer(self, status: int, delay: float = 0.0) -> None:
        with self._lock:
            self.status, self.delay = status, delay

    def _deliver(self, path: str, headers: dict[str, str], body: bytes) -> None:
        browser = self.browsers[path]
        claims, server_key = check_vapid(headers["authorization"])
        assert headers.get("content-encoding") == "aes128gcm"
        clear = http_ece.decrypt(
            body, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm"
        )
        with self._lock:
            self.deliveries.append(Delivery(path, headers, claims, server_key, json.loads(clear)))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    yield service
    service.close()
