"""How waitress serves the app: its settings and one fix to its event loop.

Waitress's event loop asks every open connection, on every turn, whether it wants to write.
While a worker thread is still answering a request and has put more than `send_bytes` of
output in the connection's buffer, the connection answers yes; the loop then tries the
buffer's lock, finds the worker holding it (the worker sends its own output), does nothing,
and asks again at once. That spin holds the interpreter lock the worker needs to finish, so
it feeds itself: with 200 phones signing up at once (each then opening its ~20 kB signup
page) it cost 3-8 s of CPU per burst instead of under 1 s, and p95 latency went from ~250 ms
to 2-3 s (measured with py-spy and a counter on `handle_write`: 80,000-177,000 turns that
sent nothing). `QuietChannel` does not ask to write while its worker is busy, unless the
buffer passed waitress's high-water mark (then the worker waits for the loop to drain it).
When the worker finishes, waitress wakes the loop itself (`HTTPChannel.service` pulls the
trigger) and the rest goes out at once.

Fair connections (waitress's limit is one number for everyone, and its idle timeout is
reset by every byte, so one header line every 10 s keeps a connection forever):

* one address holds at most `per_client` connections; further ones are closed on accept;
* phones and other computers share `connection_limit`; the kiosk's own browser (loopback,
  127.0.0.1 or ::1) always gets in on top, within `KIOSK_RESERVE` more;
* a request must arrive whole within `request_seconds` of its first byte (`GuardedChannel`
  stamps it; the server's maintenance, every `CLEANUP_SECONDS`, closes the late ones).
"""

from __future__ import annotations

import logging
import time
import types
from collections.abc import Callable
from typing import Any

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.task import WSGITask

log = logging.getLogger("motesplats.http")
KIOSK = ("127.0.0.1", "::1")
KIOSK_RESERVE = 50  # connections only the kiosk's browser may use, past the others' limit
CLEANUP_SECONDS = 2


class KeepAliveTask(WSGITask):
    """A WSGITask that keeps the connection after a 304 or 204 (waitress closes it: it finds
    no Content-Length, which these answers never have, RFC 9110 8.6). Calendar apps and
    boards revalidate all day; each 304 cost a new TCP connection."""

    _bodiless_keep = False

    def build_response_header(self) -> bytes:
        self._bodiless_keep = (
            not self.has_body
            and self.version == "1.1"
            and not self.close_on_finish
            and self.request.headers.get("CONNECTION", "").lower() != "close"
        )
        try:
            return bytes(super().build_response_header())
        finally:
            self._bodiless_keep = False

    def set_close_on_finish(self) -> None:
        if not self._bodiless_keep:
            super().set_close_on_finish()


class QuietChannel(HTTPChannel):
    """An HTTPChannel that does not spin the event loop while its worker is busy."""

    task_class = KeepAliveTask

    def writable(self) -> bool:
        if (
            self.requests
            and self.total_outbufs_len <= self.adj.outbuf_high_watermark
            and not (self.will_close or self.close_when_flushed)
        ):
            return False  # the worker sends its own output, then wakes the loop
        return bool(super().writable())


class GuardedChannel(QuietChannel):
    """Remembers when the request it is reading began (None: no request half-read)."""

    request_started: float | None = None

    def received(self, data: bytes) -> bool:
        if data and self.request is None:
            self.request_started = time.monotonic()
        result = bool(super().received(data))
        if self.request is None:
            self.request_started = None
        return result


def _client(channel: Any) -> str:
    addr = getattr(channel, "addr", None)
    return str(addr[0]) if isinstance(addr, tuple) and addr else ""


def _guard(server: Any, limit: int, per_client: int, request_seconds: float) -> None:
    """Give `server` the per-client cap, the kiosk's reserve and the request deadline."""
    accept, maintenance = server.handle_accept, server.maintenance

    def handle_accept(self: Any) -> None:
        before = set(self.active_channels)
        accept()
        for fileno in set(self.active_channels) - before:
            channel = self.active_channels[fileno]
            client = _client(channel)
            if client in KIOSK:
                continue
            others = [c for c in self.active_channels.values() if _client(c) not in KIOSK]
            mine = sum(_client(c) == client for c in others)
            if mine > per_client or len(others) > limit:
                log.warning("refused a connection from %s: too many open", client)
                channel.will_close = True  # closed by the loop itself (never mid-iteration)

    def guarded_maintenance(self: Any, now: float) -> None:
        maintenance(now)
        late = time.monotonic() - request_seconds
        for channel in list(self.active_channels.values()):
            started = getattr(channel, "request_started", None)
            if started is not None and started < late:
                log.warning("closed a request from %s: not whole in time", _client(channel))
                channel.will_close = True  # as waitress's own idle timeout does
                channel.request_started = None

    server.handle_accept = types.MethodType(handle_accept, server)
    server.maintenance = types.MethodType(guarded_maintenance, server)


def serve(
    app: Any,
    on_ready: Callable[[], object] | None = None,
    *,
    connection_limit: int = 400,
    per_client: int = 24,
    request_seconds: float = 30,
    **settings: Any,
) -> None:
    """Serve `app` with waitress until interrupted (settings as for `waitress.serve`, and
    the fair-connection bounds of the module docstring). `on_ready` is called once the
    socket listens (systemd's READY=1)."""
    server = create_server(
        app,
        connection_limit=connection_limit + KIOSK_RESERVE,
        cleanup_interval=CLEANUP_SECONDS,
        **settings,
    )
    server.channel_class = GuardedChannel  # type: ignore[union-attr]
    _guard(server, connection_limit, per_client, request_seconds)
    if on_ready is not None:
        on_ready()
    try:
        server.run()
    finally:
        server.close()
