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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from waitress import create_server
from waitress.channel import HTTPChannel


class QuietChannel(HTTPChannel):
    """An HTTPChannel that does not spin the event loop while its worker is busy."""

    def writable(self) -> bool:
        if (
            self.requests
            and self.total_outbufs_len <= self.adj.outbuf_high_watermark
            and not (self.will_close or self.close_when_flushed)
        ):
            return False  # the worker sends its own output, then wakes the loop
        return bool(super().writable())


def serve(app: Any, on_ready: Callable[[], object] | None = None, **settings: Any) -> None:
    """Serve `app` with waitress until interrupted (settings as for `waitress.serve`).
    `on_ready` is called once the socket listens (systemd's READY=1)."""
    server = create_server(app, **settings)
    server.channel_class = QuietChannel  # type: ignore[union-attr]
    if on_ready is not None:
        on_ready()
    try:
        server.run()
    finally:
        server.close()
