"""Log lines a person and journald can both read: `key=value` pairs, one request id each.

Owns the log format (set up by `motesplats serve`), the request id (taken from a sane
`X-Request-Id` sent by the municipality's proxy, else made here; echoed in the answer) and
one access line per request. No personal data: bodies are never logged, the query string is
left out (it may carry a name in a shared link), and the secrets in paths (private signup
links, text-message links, invitations) are masked; control characters are escaped.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, g, has_request_context, request

log = logging.getLogger("motesplats.http")
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{6,64}$")
# Paths that carry a secret: a signup's private link (and its QR), the short link in text
# messages, an invitation to volunteer.
PRIVATE_LINK = re.compile(r"^(/(?:qr/)?s/[0-9a-f]{32}/|/m/|/admin/join/)[^/]+")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
ENVIRON_KEY = "motesplats.request_id"
FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s request_id=%(request_id)s %(message)s"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (`-` outside a request) unless it carries one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def safe_path(path: str) -> str:
    """The path as it may be logged: a secret masked, control characters escaped (a `%0A`
    in a path must not forge a second log line), at most 300 characters."""
    masked = PRIVATE_LINK.sub(r"\1***", path[:300])
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", masked)


def setup(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%dT%H:%M:%S%z"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper(), logging.INFO))


class AccessLog:
    """The outermost WSGI layer: a request id for every request (also those the page cache
    answers without Flask), echoed as X-Request-Id, and one access line each."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        sent = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = sent if INCOMING_ID.match(sent) else secrets.token_hex(6)
        environ[ENVIRON_KEY] = request_id
        started = time.perf_counter()
        status = ["-"]

        def start(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = code.split(" ", 1)[0]
            return start_response(code, [*headers, ("X-Request-Id", request_id)], exc_info)

        try:
            return self.wsgi_app(environ, start)
        finally:
            log.info(
                "method=%s path=%s status=%s ms=%.1f",
                environ.get("REQUEST_METHOD", "-"),
                safe_path(environ.get("PATH_INFO", "")),
                status[0],
                (time.perf_counter() - started) * 1000,
                extra={"request_id": request_id},
            )


def init_app(app: Flask) -> None:
    """Flask's part: the request id in `g`, for every log line written during a request.
    `kiosk.create_app` wraps the whole app in `AccessLog` last."""

    @app.before_request
    def remember_id() -> None:
        g.request_id = request.environ.get(ENVIRON_KEY) or secrets.token_hex(6)
