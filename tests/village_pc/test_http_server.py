"""The waitress event-loop fix: a busy worker's connection does not spin the loop."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from waitress.adjustments import Adjustments

from kiosk.village_pc.http_server import QuietChannel
from tests.conftest import free_port, start_server, stop_server, wait_for_http


def _channel(requests: int, buffered: int, closing: bool = False) -> QuietChannel:
    channel = QuietChannel.__new__(QuietChannel)  # the state alone, no socket
    channel.adj = Adjustments()
    channel.requests = [object()] * requests
    channel.total_outbufs_len = buffered
    channel.will_close = False
    channel.close_when_flushed = closing
    return channel


def test_does_not_ask_to_write_while_its_worker_answers() -> None:
    assert not _channel(requests=1, buffered=0).writable()
    assert not _channel(requests=1, buffered=20_000).writable()  # above send_bytes


def test_asks_to_write_when_it_must() -> None:
    assert _channel(requests=0, buffered=500).writable()  # worker done, output left
    assert _channel(requests=1, buffered=0, closing=True).writable()
    high = Adjustments().outbuf_high_watermark
    assert _channel(requests=1, buffered=high + 1).writable()  # the worker waits for us


@pytest.mark.today
def test_large_pages_arrive_whole_from_the_real_server(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(tmp_path / "data", port)
    try:
        wait_for_http(base + "/", server)
        with urllib.request.urlopen(base + "/?lang=ar", timeout=10) as response:
            declared = int(response.headers["Content-Length"])
            body = response.read()
        assert declared > 18_000 and len(body) == declared  # bigger than one send_bytes
    finally:
        stop_server(server)
