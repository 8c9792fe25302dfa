"""Bounded HTTP GET for read-only calendar feeds (ICS over http, https and webcal).

Owns one thing: getting the bytes of a feed without letting the server decide how long it
takes or how much memory it costs. `fetch(url)` either returns `Fetched` or raises
`FetchError`, whose `kind` says what went wrong and whose message is meant for the admin
sync page:

* `bad_url`   — not an http/https/webcal address (`file:`, `ftp:`, no host, bad port).
* `network`   — no connection (unknown host, refused, reset, TLS certificate) or the server
  hung up before the whole answer arrived (fewer bytes than Content-Length announced).
* `http`      — an error status (4xx/5xx), or an answer that is not usable HTTP.
* `too_big`   — more than `max_bytes`, announced (Content-Length) or received, counted
  before and after gzip decompression (a gzip bomb stops at `max_bytes`).
* `too_slow`  — `total_timeout` passed: a wall-clock deadline over the whole fetch, from
  name lookup through redirects to the last byte. Every socket read and write gets the
  time that is left as its timeout and the deadline is checked between chunks, so a
  server trickling one byte a second is cut off at the deadline, also inside the headers.
* `redirects` — more than `max_redirects` redirects, or a redirect loop.

An error status also sets `FetchError.status`; a 200 answer's `Fetched.content_type` is the
media type the server named (an HTML page instead of a calendar shows there).

Conditional requests: pass the `etag` / `last_modified` of the previous answer; a 304 gives
`Fetched(changed=False, body=b"")`. Redirects are followed here (not by urllib) so they can
be counted; credentials (basic auth) are only sent to the scheme, host and port of the URL
asked for. Standard library only, one connection per request, no proxy support. Call it
from a background thread: it blocks for at most about `total_timeout` seconds.
"""

from __future__ import annotations

import base64
import http.client
import math
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

USER_AGENT = "Motesplats-sync/1"
ACCEPT = "text/calendar, text/plain;q=0.5, */*;q=0.1"
CHUNK = 64 * 1024
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
KINDS = ("network", "http", "too_big", "too_slow", "redirects", "bad_url")
SCHEMES = {"http": "http", "https": "https", "webcal": "http", "webcals": "https"}
# Headers this module sets itself; a caller's `headers` cannot replace them.
_OWN_HEADERS = {"accept-encoding", "host", "if-none-match", "if-modified-since", "authorization"}
# Characters left as they are when a path or query with spaces or non-ASCII is quoted.
_URL_SAFE = "/%:@!$&'()*+,;=-._~?"


class FetchError(Exception):
    """The feed could not be fetched; the message is for the admin, `kind` for the code,
    `status` the HTTP status of an error answer (kind `http`; None otherwise)."""

    def __init__(self, kind: str, message: str, status: int | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown FetchError kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclass
class Fetched:
    """What the server answered."""

    changed: bool  # False: the server said 304 Not Modified (body is b"")
    body: bytes
    etag: str | None
    last_modified: str | None
    url: str  # final URL after redirects
    # The media type the server named, lower case ("" if none); not part of equality.
    content_type: str = field(default="", compare=False)


# --- sockets that respect a deadline ----------------------------------------------------


class _DeadlinePassed(TimeoutError):
    """Raised by a socket call made after the deadline."""


class _DeadlineMixin:
    """Gives every read and write the time left until `deadline` as its socket timeout."""

    deadline: float = math.inf

    def _arm(self) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise _DeadlinePassed("deadline passed")
        self.settimeout(remaining)  # type: ignore[attr-defined]

    def recv(self, *args: Any, **kwargs: Any) -> Any:
        self._arm()
        return super().recv(*args, **kwargs)  # type: ignore[misc]

    def recv_into(self, *args: Any, **kwargs: Any) -> Any:
        self._arm()
        return super().recv_into(*args, **kwargs)  # type: ignore[misc]

    def send(self, *args: Any, **kwargs: Any) -> Any:
        self._arm()
        return super().send(*args, **kwargs)  # type: ignore[misc]

    def sendall(self, *args: Any, **kwargs: Any) -> Any:
        self._arm()
        return super().sendall(*args, **kwargs)  # type: ignore[misc]


class _PlainSocket(_DeadlineMixin, socket.socket):
    """A TCP socket with a deadline."""


class _TlsSocket(_DeadlineMixin, ssl.SSLSocket):
    """A TLS socket with a deadline (CPython bounds each TLS read by the socket timeout)."""


class _HttpConnection(http.client.HTTPConnection):
    """Used with a socket `_connect` made; it never connects by itself."""

    def connect(self) -> None:
        raise ConnectionError("the connection was already closed")


class _HttpsConnection(_HttpConnection):
    default_port = 443  # only for the Host header: no port when it is the default


_tls_context: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    global _tls_context
    if _tls_context is None:
        context = ssl.create_default_context()
        context.sslsocket_class = _TlsSocket
        _tls_context = context
    return _tls_context


# --- helpers ----------------------------------------------------------------------------


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def _seconds(s: float) -> str:
    return f"{s:g} s"


@dataclass
class _Target:
    url: str  # normalised: http or https, path quoted
    scheme: str
    host: str
    port: int
    path: str  # path and query for the request line
    userinfo: tuple[str, str] | None

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host.lower(), self.port)


def web_address(url: str) -> str:
    """A feed address as HTTP fetches it (webcal:// → http://, webcals:// → https://),
    checked; FetchError(bad_url) if it is not one."""
    return _target(url).url


def _target(url: str) -> _Target:
    """`url` checked and normalised, or FetchError(bad_url)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise FetchError("bad_url", f"Not a valid web address: {url!r} ({exc}).") from exc
    scheme = SCHEMES.get(parts.scheme.lower())
    if scheme is None:
        shown = parts.scheme or "no scheme"
        raise FetchError(
            "bad_url",
            f"Only http://, https:// and webcal:// addresses can be fetched, not {shown} "
            f"({url!r}).",
        )
    host = parts.hostname
    if not host:
        raise FetchError("bad_url", f"The address has no host name: {url!r}.")
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise FetchError("bad_url", f"The address contains spaces or control characters: {url!r}.")
    path = quote(parts.path or "/", safe=_URL_SAFE)
    query = quote(parts.query, safe=_URL_SAFE)
    netloc = parts.netloc.rpartition("@")[2]
    normalised = urlunsplit((scheme, netloc, path, query, ""))
    userinfo = None
    if parts.username is not None:
        userinfo = (unquote(parts.username), unquote(parts.password or ""))
    return _Target(
        url=normalised,
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        path=path + (f"?{query}" if query else ""),
        userinfo=userinfo,
    )


def _resolve(host: str, port: int, timeout: float) -> list[tuple[Any, ...]]:
    """getaddrinfo bounded by `timeout` (it ignores socket timeouts), in a helper thread."""
    result: list[Any] = []

    def lookup() -> None:
        try:
            result.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except Exception as exc:  # handed to the caller below
            result.append(exc)

    worker = threading.Thread(target=lookup, name="motesplats-dns", daemon=True)
    worker.start()
    worker.join(timeout)
    if not result:
        raise TimeoutError(f"looking up {host} took more than {_seconds(timeout)}")
    if isinstance(result[0], Exception):
        raise result[0]
    return result[0]


def _connect(target: _Target, deadline: float, connect_timeout: float) -> _PlainSocket | _TlsSocket:
    """A connected (and for https, handshaken) socket bound to `deadline`."""

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _DeadlinePassed("deadline passed")
        return remaining

    limited_by_deadline = left() <= connect_timeout
    try:
        infos = _resolve(target.host, target.port, min(connect_timeout, left()))
    except socket.gaierror as exc:
        raise FetchError(
            "network", f"Could not find the server {target.host!r} (name lookup failed: {exc})."
        ) from exc
    except TimeoutError as exc:
        kind = "too_slow" if limited_by_deadline else "network"
        raise FetchError(kind, f"Could not look up the server {target.host!r}: {exc}.") from exc
    except OSError as exc:
        raise FetchError(
            "network", f"Could not look up the server {target.host!r}: {exc}."
        ) from exc
    last: OSError | None = None
    raw: _PlainSocket | None = None
    for family, type_, proto, _name, address in infos:
        wait = min(connect_timeout, left())
        limited_by_deadline = wait < connect_timeout
        sock = _PlainSocket(family, type_, proto)
        try:
            sock.settimeout(wait)
            sock.connect(address)
        except OSError as exc:
            sock.close()
            last = exc
            continue
        raw = sock
        break
    if raw is None:
        where = f"{target.host}:{target.port}"
        if isinstance(last, TimeoutError):
            if limited_by_deadline:
                raise FetchError(
                    "too_slow", f"Could not connect to {where} before the time limit."
                ) from last
            raise FetchError(
                "network",
                f"Could not connect to {where}: no answer within {_seconds(connect_timeout)}.",
            ) from last
        if isinstance(last, ConnectionRefusedError):
            raise FetchError(
                "network", f"Could not connect to {where}: connection refused."
            ) from last
        raise FetchError("network", f"Could not connect to {where}: {last}.") from last
    raw.deadline = deadline
    if target.scheme == "http":
        return raw
    try:
        tls = _tls().wrap_socket(raw, server_hostname=target.host, do_handshake_on_connect=False)
    except (OSError, ValueError) as exc:
        raw.close()
        raise FetchError("network", f"Could not start TLS with {target.host}: {exc}.") from exc
    assert isinstance(tls, _TlsSocket)
    tls.deadline = deadline
    try:
        tls._arm()
        tls.do_handshake()
    except ssl.SSLCertVerificationError as exc:
        tls.close()
        raise FetchError(
            "network",
            f"The certificate of {target.host} is not valid ({exc.verify_message}).",
        ) from exc
    except TimeoutError as exc:
        tls.close()
        raise FetchError(
            "too_slow", f"The TLS handshake with {target.host} took too long."
        ) from exc
    except (OSError, ssl.SSLError) as exc:
        tls.close()
        raise FetchError("network", f"The TLS handshake with {target.host} failed: {exc}.") from exc
    return tls


class _Decoder:
    """Content-Encoding undone chunk by chunk, never producing more than the room left."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._gzip = encoding in ("gzip", "x-gzip")
        self._obj = self._new()
        self._tried_raw = False
        self._fed = False

    def _new(self) -> Any:
        return zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes, room: int) -> bytes:
        """Decompressed bytes of `data`; more than `room` of them means too big."""
        out = bytearray()
        while data:
            try:
                piece = self._obj.decompress(data, room - len(out) + 1)
            except zlib.error:
                if self._gzip or self._fed or self._tried_raw:
                    raise
                # "deflate" is sometimes sent without the zlib header: retry as raw deflate.
                self._tried_raw = True
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._fed = True
            out += piece
            if len(out) > room:
                return bytes(out)  # the caller sees more than room and stops
            data = self._obj.unconsumed_tail
            if not data and self._obj.eof and self._obj.unused_data:
                data = self._obj.unused_data  # gzip allows several members one after another
                if not self._gzip:
                    break
                self._obj = self._new()
        return bytes(out)

    def finished(self) -> bool:
        return self._obj.eof or not self._fed


def _headers(
    target: _Target,
    etag: str | None,
    last_modified: str | None,
    extra: dict[str, str] | None,
    auth: tuple[str, str] | None,
) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    for name, value in (extra or {}).items():
        if name.lower() in _OWN_HEADERS:
            continue
        for known in list(headers):
            if known.lower() == name.lower():
                del headers[known]
        headers[name] = value
    headers["Accept-Encoding"] = "gzip"
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    return headers


def _read_body(
    response: http.client.HTTPResponse, url: str, max_bytes: int, deadline: float
) -> bytes:
    """The whole body, decompressed, within `max_bytes` and `deadline`."""
    announced = response.length  # None when chunked or not given
    if announced is not None and announced > max_bytes:
        raise FetchError(
            "too_big",
            f"The feed at {url} is {_size(announced)}, more than the limit of "
            f"{_size(max_bytes)} (not downloaded).",
        )
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    decoder: _Decoder | None = None
    if encoding in ("gzip", "x-gzip", "deflate"):
        decoder = _Decoder(encoding)
    elif encoding not in ("identity", ""):
        raise FetchError(
            "http", f"The server sent the feed compressed as {encoding!r}, which is not supported."
        )
    too_big = FetchError(
        "too_big", f"The feed at {url} is larger than the limit of {_size(max_bytes)} (stopped)."
    )
    received = 0
    body = bytearray()
    while True:
        if time.monotonic() >= deadline:
            raise _DeadlinePassed("deadline passed")
        chunk = response.read(CHUNK)
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise too_big
        if decoder is None:
            body += chunk
        else:
            try:
                body += decoder.feed(chunk, max_bytes - len(body))
            except zlib.error as exc:
                raise FetchError(
                    "http", f"The server sent a damaged {encoding} body ({exc})."
                ) from exc
        if len(body) > max_bytes:
            raise too_big
    if announced is not None and received < announced:
        raise FetchError(
            "network",
            f"The connection to {url} closed after {_size(received)} of the announced "
            f"{_size(announced)}: the feed is incomplete.",
        )
    if decoder is not None and not decoder.finished():
        raise FetchError("network", f"The {encoding} body from {url} ended before it was complete.")
    return bytes(body)


def _http_error(status: int, reason: str, url: str) -> FetchError:
    hint = {
        401: " The feed needs a user name and password (or they are wrong).",
        403: " The server refuses access: check the address and the password.",
        404: " There is no feed at this address: check it.",
        410: " The feed was removed from the server.",
        429: " The server asks us to fetch less often.",
    }.get(status, " The server has a problem; it will be tried again." if status >= 500 else "")
    return FetchError(
        "http", f"The server answered HTTP {status} {reason} for {url}.{hint}", status
    )


# --- fetch ------------------------------------------------------------------------------


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = 20 * 1024 * 1024,
    connect_timeout: float = 5,
    total_timeout: float = 30,
    max_redirects: int = 5,
    headers: dict[str, str] | None = None,
    username: str | None = None,
    password: str | None = None,
) -> Fetched:
    """GET `url` within `max_bytes` and `total_timeout` seconds; raises FetchError.

    `etag` / `last_modified` make the request conditional (304 gives changed=False).
    `username` (and `password`) send HTTP basic auth to the origin of `url` only; a
    user:password@ in the URL is used when `username` is not given. `headers` are added
    to the request (User-Agent may be replaced; Accept-Encoding, Host, conditional and
    Authorization headers are this function's own).
    """
    deadline = time.monotonic() + total_timeout
    target = _target(url)
    origin = target.origin
    auth: tuple[str, str] | None = None
    if username:
        auth = (username, password or "")
    elif target.userinfo is not None:
        auth = target.userinfo
    seen = {target.url}
    redirects = 0
    while True:
        response = _request(
            target,
            deadline,
            connect_timeout,
            total_timeout,
            max_bytes,
            _headers(
                target, etag, last_modified, headers, auth if target.origin == origin else None
            ),
        )
        if isinstance(response, Fetched):
            if not response.changed:  # keep the validators we had if the 304 repeats none
                response.etag = response.etag or etag
                response.last_modified = response.last_modified or last_modified
            return response
        location = response
        try:
            nxt = _target(urljoin(target.url, location))
        except FetchError as exc:
            raise FetchError(
                "bad_url", f"{target.url} redirects to an address that cannot be fetched: {exc}"
            ) from exc
        if nxt.url in seen:
            raise FetchError(
                "redirects", f"{url} redirects in a loop (back to {nxt.url}): the feed is broken."
            )
        redirects += 1
        if redirects > max_redirects:
            raise FetchError(
                "redirects", f"{url} redirects more than {max_redirects} times: gave up."
            )
        seen.add(nxt.url)
        target = nxt


def _request(
    target: _Target,
    deadline: float,
    connect_timeout: float,
    total_timeout: float,
    max_bytes: int,
    headers: dict[str, str],
) -> Fetched | str:
    """One GET: a Fetched, or the Location of a redirect."""
    too_slow = FetchError(
        "too_slow",
        f"The feed at {target.url} did not arrive within {_seconds(total_timeout)}: "
        "the server or the network is too slow.",
    )
    try:
        sock = _connect(target, deadline, connect_timeout)
    except _DeadlinePassed as exc:
        raise too_slow from exc
    connection_class = _HttpsConnection if target.scheme == "https" else _HttpConnection
    connection = connection_class(target.host, target.port)
    connection.sock = sock  # already connected, with the deadline
    response: http.client.HTTPResponse | None = None
    try:
        connection.request("GET", target.path, headers=headers)
        response = connection.getresponse()
        status = response.status
        if status in REDIRECT_STATUSES:
            location = response.getheader("Location")
            if not location:
                raise FetchError(
                    "http", f"{target.url} answered {status} (redirect) without a Location."
                )
            return location.strip()
        if status == 304:
            return Fetched(
                False,
                b"",
                response.getheader("ETag"),
                response.getheader("Last-Modified"),
                target.url,
            )
        if not 200 <= status < 300 or status == 206:
            raise _http_error(status, response.reason, target.url)
        body = _read_body(response, target.url, max_bytes, deadline)
        media_type = (response.getheader("Content-Type") or "").split(";", 1)[0]
        return Fetched(
            True,
            body,
            response.getheader("ETag"),
            response.getheader("Last-Modified"),
            target.url,
            media_type.strip().lower(),
        )
    except FetchError:
        raise
    except TimeoutError as exc:  # every socket timeout after connecting is the deadline
        raise too_slow from exc
    except http.client.IncompleteRead as exc:
        raise FetchError(
            "network", f"The connection to {target.url} closed before the feed was complete."
        ) from exc
    except (http.client.RemoteDisconnected, ConnectionError) as exc:
        raise FetchError(
            "network", f"The server at {target.url} closed the connection ({exc})."
        ) from exc
    except http.client.InvalidURL as exc:
        raise FetchError("bad_url", f"Not a valid web address: {target.url} ({exc}).") from exc
    except (http.client.HTTPException, ValueError) as exc:  # ValueError: bad chunk sizes
        raise FetchError(
            "http", f"The server at {target.url} answered something that is not HTTP ({exc!r})."
        ) from exc
    except ssl.SSLError as exc:
        raise FetchError("network", f"The TLS connection to {target.url} failed: {exc}.") from exc
    except OSError as exc:
        raise FetchError("network", f"The connection to {target.url} failed: {exc}.") from exc
    finally:
        if response is not None:
            response.close()
        connection.close()
