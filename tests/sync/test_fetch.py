"""`sync.fetch` against a real local HTTP server that misbehaves in every way we know.

The server runs in a thread on 127.0.0.1 (any free port). Slow cases use timeouts of a
second or two; time is only checked against generous upper bounds that prove no hang.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.ical.common import IcsError
from kiosk.ical.read import read_calendar
from sync import fetch as fetch_module
from sync.fetch import USER_AGENT, Fetched, FetchError, fetch

ICS = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Test//Feed//EN\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:sprakcafe-1@example.org\r\n"
    "DTSTAMP:20261101T090000Z\r\n"
    "DTSTART;TZID=Europe/Stockholm:20261201T180000\r\n"
    "DTEND;TZID=Europe/Stockholm:20261201T200000\r\n"
    "SUMMARY:Språkcafé\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
).encode()
ETAG = '"feed-v1"'
LAST_MODIFIED = "Sun, 01 Nov 2026 09:00:00 GMT"
HTML = b"<!doctype html><html><head><title>Events</title></head><body>Moved</body></html>"
MB = 1024 * 1024
BLOCK = b"x" * (64 * 1024)
USER, PASSWORD = "board", "hemligt"


BOMB_SIZE = 100 * MB


@functools.cache
def gzip_bomb() -> bytes:
    """BOMB_SIZE zero bytes gzip-compressed (about 100 KB), built 1 MB at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MB)
    parts = [packer.compress(zeros) for _ in range(BOMB_SIZE // MB)]
    parts.append(packer.flush())
    return b"".join(parts)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    stop: threading.Event  # set by the fixture: ends the handlers that never finish
    seen: list[dict[str, str]]  # request headers, in order

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def handle(self) -> None:
        # The client hangs up on bodies it does not want: as it should.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, ssl.SSLError):
            super().handle()

    def _send(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        headers.setdefault("Content-Type", "text/calendar; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream_headers(self, **headers: str) -> None:
        """A 200 whose body ends when the connection closes (no length, no chunks)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def do_GET(self) -> None:
        self.seen.append(dict(self.headers.items()))
        path = self.path
        try:
            if path == "/feed.ics":
                if self.headers.get("If-None-Match") == ETAG or (
                    self.headers.get("If-Modified-Since") == LAST_MODIFIED
                ):
                    self.send_response(304)
                    self.send_header("ETag", ETAG)
                    self.end_headers()
                    return
                self._send(200, ICS, ETag=ETAG, Last_Modified=LAST_MODIFIED)
            elif path == "/feed-gzip.ics":
                self._send(200, gzip.compress(ICS), Content_Encoding="gzip")
            elif path == "/private.ics":
                expected = "Basic Ym9hcmQ6aGVtbGlndA=="  # board:hemligt
                if self.headers.get("Authorization") == expected:
                    self._send(200, ICS)
                else:
                    self._send(401, b"no", WWW_Authenticate='Basic realm="feed"')
            elif path == "/truncated.ics":
                self.send_response(200)
                self.send_header("Content-Length", str(len(ICS) * 10))
                self.end_headers()
                self.wfile.write(ICS[:100])
                self.close_connection = True
            elif path == "/bad-chunked.ics":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(b"zz-not-a-size\r\n" + ICS)
                self.close_connection = True
            elif path == "/not-http":
                self.wfile.write(b"BEGIN:VCALENDAR\r\nthis is no HTTP answer\r\n\r\n")
                self.close_connection = True
            elif path == "/page.html":
                self._send(200, HTML, Content_Type="text/html; charset=utf-8")
            elif path == "/huge.ics":  # 50 MB, streamed
                self._stream_headers()
                for _ in range(50 * MB // len(BLOCK)):
                    self.wfile.write(BLOCK)
            elif path == "/announced.ics":  # 60 MB announced, then nothing until the end
                self.send_response(200)
                self.send_header("Content-Length", str(60 * MB))
                self.end_headers()
                self.wfile.flush()
                self.stop.wait(10)
                self.close_connection = True
            elif path == "/bomb.ics":
                self._send(200, gzip_bomb(), Content_Encoding="gzip")
            elif path == "/trickle.ics":  # one byte every 0.5 s, forever
                self._stream_headers()
                while not self.stop.wait(0.5):
                    self.wfile.write(b"B")
                    self.wfile.flush()
            elif path == "/trickle-headers.ics":  # never gets past the headers
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                while not self.stop.wait(0.2):
                    self.wfile.write(b"X-Slow: a\r\n")
                    self.wfile.flush()
            elif path in ("/loop-a", "/loop-b"):
                other = "/loop-b" if path == "/loop-a" else "/loop-a"
                self._send(302, b"", Location=other)
            elif path.startswith("/hop/"):  # /hop/1 -> /hop/2 -> ... -> /hop/N
                step = int(path.rsplit("/", 1)[1])
                self._send(301, b"", Location=f"/hop/{step + 1}")
            elif path == "/moved.ics":
                self._send(301, b"", Location="/feed.ics")
            elif path == "/to-file":
                self._send(302, b"", Location="file:///etc/passwd")
            elif path == "/error":
                self._send(500, b"Internal Server Error", Content_Type="text/plain")
            else:
                self._send(404, b"not found", Content_Type="text/plain")
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True  # the client gave up: as it should


def _serve(tls: ssl.SSLContext | None = None) -> Iterator[tuple[str, type[Handler]]]:
    handler = type("TestHandler", (Handler,), {"stop": threading.Event(), "seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if tls else "http"
    yield f"{scheme}://127.0.0.1:{httpd.server_address[1]}", handler
    handler.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, type[Handler]]]:
    yield from _serve()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate for 127.0.0.1 (its key in the same file), from openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a test certificate")
    pem = tmp_path_factory.mktemp("tls") / "localhost.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(pem), "-out", str(pem)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return pem


@pytest.fixture(scope="module")
def tls_server(certificate: Path) -> Iterator[tuple[str, type[Handler]]]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate)
    yield from _serve(context)


@pytest.fixture
def trust(certificate: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make fetch trust the test certificate (its deadline sockets stay in place)."""
    context = ssl.create_default_context(cafile=str(certificate))
    context.sslsocket_class = fetch_module._TlsSocket
    monkeypatch.setattr(fetch_module, "_tls_context", context)


def _error(url: str, **kwargs: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)  # type: ignore[arg-type]
    assert str(caught.value)  # a message for the admin
    return caught.value


def test_valid_feed_then_304_with_etag(server: tuple[str, type[Handler]]) -> None:
    base, handler = server
    first = fetch(f"{base}/feed.ics")
    assert first == Fetched(True, ICS, ETAG, LAST_MODIFIED, f"{base}/feed.ics")
    assert [a.title["sv"] for a in read_calendar(first.body).activities] == ["Språkcafé"]
    sent = handler.seen[-1]
    assert sent["User-Agent"] == USER_AGENT
    assert "gzip" in sent["Accept-Encoding"]
    assert "If-None-Match" not in sent

    again = fetch(f"{base}/feed.ics", etag=first.etag, last_modified=first.last_modified)
    assert handler.seen[-1]["If-None-Match"] == ETAG
    assert handler.seen[-1]["If-Modified-Since"] == LAST_MODIFIED
    assert again.changed is False
    assert again.body == b""
    assert (again.etag, again.last_modified) == (ETAG, LAST_MODIFIED)


def test_if_modified_since_alone_gives_304(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    assert fetch(f"{base}/feed.ics", last_modified=LAST_MODIFIED).changed is False


def test_gzip_body_is_decompressed(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    assert fetch(f"{base}/feed-gzip.ics").body == ICS


def test_webcal_is_fetched_over_http(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    got = fetch(base.replace("http://", "webcal://") + "/feed.ics")
    assert got.body == ICS
    assert got.url == f"{base}/feed.ics"


def test_redirect_is_followed_and_final_url_reported(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    got = fetch(f"{base}/moved.ics")
    assert (got.body, got.url) == (ICS, f"{base}/feed.ics")


def test_basic_auth(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    assert _error(f"{base}/private.ics").kind == "http"
    assert fetch(f"{base}/private.ics", username=USER, password=PASSWORD).body == ICS
    assert fetch(f"http://{USER}:{PASSWORD}@{base[7:]}/private.ics").body == ICS


def test_truncated_body_is_a_network_error(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    assert _error(f"{base}/truncated.ics").kind == "network"


def test_garbled_chunked_body_is_a_clean_error(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    # http.client reports a bad chunk size like a cut-off body (IncompleteRead).
    assert _error(f"{base}/bad-chunked.ics").kind in ("network", "http")


def test_answer_that_is_not_http(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    assert _error(f"{base}/not-http").kind == "http"


def test_html_is_fetched_but_is_not_a_calendar(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    got = fetch(f"{base}/page.html")
    assert got.body == HTML
    with pytest.raises(IcsError):
        read_calendar(got.body)


def test_50_mb_stream_stops_at_the_limit_with_little_memory(
    server: tuple[str, type[Handler]],
) -> None:
    base, _ = server
    tracemalloc.start()
    try:
        started = time.monotonic()
        error = _error(f"{base}/huge.ics", max_bytes=2 * MB, total_timeout=10)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.kind == "too_big"
    assert elapsed < 10
    assert peak < 16 * MB  # the limit plus working space, nowhere near 50 MB


def test_50_mb_stream_with_the_default_limit(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    assert _error(f"{base}/huge.ics", total_timeout=10).kind == "too_big"


def test_announced_size_over_the_limit_is_refused_before_reading(
    server: tuple[str, type[Handler]],
) -> None:
    base, _ = server
    started = time.monotonic()
    # The server sends no body at all: reading it would end in too_slow, not too_big.
    error = _error(f"{base}/announced.ics", total_timeout=5)
    assert error.kind == "too_big"
    assert time.monotonic() - started < 5


def test_gzip_bomb_is_caught_after_decompression(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    assert len(gzip_bomb()) < MB  # small on the wire ...
    tracemalloc.start()
    try:
        error = _error(f"{base}/bomb.ics", max_bytes=5 * MB, total_timeout=10)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.kind == "too_big"  # ... 100 MB once unpacked
    assert peak < 32 * MB


def test_trickle_is_cut_off_at_the_deadline(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    started = time.monotonic()
    error = _error(f"{base}/trickle.ics", total_timeout=2)
    assert error.kind == "too_slow"
    assert time.monotonic() - started < 2 + 3


def test_trickle_inside_the_headers_is_cut_off_too(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    started = time.monotonic()
    assert _error(f"{base}/trickle-headers.ics", total_timeout=1).kind == "too_slow"
    assert time.monotonic() - started < 1 + 3


def test_server_that_never_answers() -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # the kernel accepts; nobody answers
    try:
        port = listener.getsockname()[1]
        started = time.monotonic()
        error = _error(f"http://127.0.0.1:{port}/feed.ics", total_timeout=1.5)
        assert error.kind == "too_slow"
        assert time.monotonic() - started < 1.5 + 3
    finally:
        listener.close()


def test_redirect_loop(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    error = _error(f"{base}/loop-a")
    assert error.kind == "redirects"
    assert "loop" in str(error)


def test_too_many_redirects(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    assert _error(f"{base}/hop/1", max_redirects=3).kind == "redirects"


def test_redirect_to_a_file_url(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    assert _error(f"{base}/to-file").kind == "bad_url"


def test_server_error(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    error = _error(f"{base}/error")
    assert error.kind == "http"
    assert "500" in str(error)


def test_not_found(server: tuple[str, type[Handler]]) -> None:
    base, _ = server
    assert _error(f"{base}/nothing-here.ics").kind == "http"


def test_unreachable_port() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert _error(f"http://127.0.0.1:{port}/feed.ics", total_timeout=5).kind == "network"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/feed.ics",
        "javascript:alert(1)",
        "example.org/feed.ics",
        "http:///feed.ics",
        "http://example.org:99999/feed.ics",
        "http://example.org/a feed.ics",
    ],
)
def test_bad_urls(url: str) -> None:
    assert _error(url).kind == "bad_url"


def test_https_feed(tls_server: tuple[str, type[Handler]], trust: None) -> None:
    base, _ = tls_server
    got = fetch(f"{base}/feed.ics")
    assert (got.body, got.etag, got.url) == (ICS, ETAG, f"{base}/feed.ics")
    assert fetch(f"{base}/feed-gzip.ics").body == ICS


def test_https_trickle_is_cut_off_at_the_deadline(
    tls_server: tuple[str, type[Handler]], trust: None
) -> None:
    base, _ = tls_server
    started = time.monotonic()
    assert _error(f"{base}/trickle.ics", total_timeout=1.5).kind == "too_slow"
    assert time.monotonic() - started < 1.5 + 3


def test_https_with_an_untrusted_certificate(tls_server: tuple[str, type[Handler]]) -> None:
    base, _ = tls_server
    error = _error(f"{base}/feed.ics", total_timeout=5)
    assert error.kind == "network"
    assert "certificate" in str(error)


def test_https_server_that_never_starts_tls() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        port = listener.getsockname()[1]
        started = time.monotonic()
        assert _error(f"https://127.0.0.1:{port}/feed.ics", total_timeout=1).kind == "too_slow"
        assert time.monotonic() - started < 1 + 3
    finally:
        listener.close()
