"""The two transports against real peers: Gammu's daemon with its dummy modem, and a local
HTTP server speaking the provider's wire format (and failing as providers do)."""

from __future__ import annotations

import contextlib
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk.messaging import Outgoing, Refused, Unavailable, http_provider
from kiosk.messaging.gammu import GammuTransport
from kiosk.messaging.texts import segments
from tests.conftest import wait_until
from tests.messaging.gammu_daemon import GammuDaemon, gammu, needs_gammu  # noqa: F401

TIGRINYA = "ቦታ ረኺብኩም: ምሕንባስ፣ ረቡ 4/12 18:00። http://motesplats.test/m/abcdefgh12345678abcd"


@needs_gammu
def test_gammu_sends_unicode_once_per_key_and_reads_stop(gammu: GammuDaemon) -> None:  # noqa: F811
    transport = GammuTransport(gammu.config)
    assert transport.state().up
    message = Outgoing("k" * 32, "+46735551234", TIGRINYA)
    assert transport.hand_over(message) == "handed"
    assert transport.hand_over(message) == "handed"  # a retry after a crash: not twice
    assert wait_until(lambda: transport.check(message) == "sent", timeout=10)
    assert transport.hand_over(message) == "handed"  # even once it was sent
    time.sleep(1.5)
    assert gammu.sent() == [("+46735551234", TIGRINYA)]
    gammu.receive("+46735551234", "STOP")
    assert wait_until(lambda: transport.replies() != [], timeout=10), gammu.log()[-1500:]
    (reply,) = transport.replies()
    assert (reply.number, reply.text.strip()) == ("+46735551234", "STOP")
    transport.forget(reply)
    assert transport.replies() == []


@needs_gammu
def test_gammu_away_is_unavailable_and_nothing_is_spooled(gammu: GammuDaemon) -> None:  # noqa: F811
    transport = GammuTransport(gammu.config)
    gammu.stop()
    state = transport.state()
    assert not state.up and "not running" in state.detail
    with pytest.raises(Unavailable):
        transport.hand_over(Outgoing("a" * 32, "+46735551234", "hej"))
    assert list(gammu.folders["outbox"].iterdir()) == []
    with pytest.raises(Refused):
        transport.hand_over(Outgoing("b" * 32, "0735551234", "not E.164"))


class Provider(BaseHTTPRequestHandler):
    answers: list[int] = []
    seen: list[dict] = []
    delay = 0.0

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers["Content-Length"])
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        Provider.seen.append(
            {
                "form": {k: v[0] for k, v in form.items()},
                "auth": self.headers["Authorization"],
                "key": self.headers["Idempotency-Key"],
            }
        )
        time.sleep(Provider.delay)
        status = Provider.answers.pop(0) if Provider.answers else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # the client gave up (the timeout case)
            self.wfile.write(b'{"status": "created", "parts": 1}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[str]:
    Provider.answers, Provider.seen, Provider.delay = [], [], 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/a1/sms"
    server.shutdown()


def test_provider_wire_format_and_faults(provider: str, monkeypatch: pytest.MonkeyPatch) -> None:
    transport = http_provider.HttpProvider(provider, "u123", "secret", "Motesplats")
    message = Outgoing("c" * 32, "+46735551234", TIGRINYA)
    assert transport.hand_over(message) == "sent"
    (seen,) = Provider.seen
    assert seen["form"] == {"from": "Motesplats", "to": "+46735551234", "message": TIGRINYA}
    assert seen["auth"] == "Basic dTEyMzpzZWNyZXQ=" and seen["key"] == "c" * 32
    Provider.answers = [503]
    with pytest.raises(Unavailable):
        transport.hand_over(message)
    assert not transport.state().up
    Provider.answers = [429]
    with pytest.raises(Unavailable):
        transport.hand_over(message)
    Provider.answers = [400]
    with pytest.raises(Refused):
        transport.hand_over(message)
    monkeypatch.setattr(http_provider, "TIMEOUT", 0.3)
    Provider.delay = 1.0
    started = time.monotonic()
    with pytest.raises(Unavailable):
        transport.hand_over(message)
    assert time.monotonic() - started < 1.0  # a slow provider does not hold the sender
    # every retry carried the same idempotency key
    assert {s["key"] for s in Provider.seen} == {"c" * 32}


def test_unreachable_provider_is_unavailable() -> None:
    transport = http_provider.HttpProvider("http://127.0.0.1:9/sms", "u", "p", "M")
    with pytest.raises(Unavailable):
        transport.hand_over(Outgoing("d" * 32, "+46735551234", "hej"))


def test_segments_are_counted_per_script() -> None:
    assert segments("Du har fått en plats: Simning, ons 4/12 18:00, Götene simhall.") == 1
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2 and segments("a" * 306) == 2
    assert segments("€" * 80) == 1 and segments("€" * 81) == 2  # two septets each
    assert segments("ب" * 70) == 1 and segments("ب" * 71) == 2 and segments("ب" * 134) == 2
    assert segments("ሀ" * 70) == 1 and segments(TIGRINYA) == 2
