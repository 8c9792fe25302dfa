"""Log lines a person and journald can both read: `key=value` pairs, one request id each.

Owns the log format (set up by `motesplats serve`), the request id (taken from a sane
`X-Request-Id` sent by the municipality's proxy, else made here; echoed in the answer) and
one access line per request. No personal data: bodies are never logged, the query string is
left out (it may carry a name in a shared link), and the secret of a private signup link
is masked.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
import time

from flask import Flask, Response, g, has_request_context, request

log = logging.getLogger("motesplats.http")
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{6,64}$")
PRIVATE_LINK = re.compile(r"^(/(?:qr/)?s/[0-9a-f]{32}/)[^/]+")
FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s request_id=%(request_id)s %(message)s"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (`-` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def safe_path(path: str) -> str:
    """The path as it may be logged: a private link's secret masked."""
    return PRIVATE_LINK.sub(r"\1***", path)


def setup(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%dT%H:%M:%S%z"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper(), logging.INFO))


def init_app(app: Flask) -> None:
    @app.before_request
    def start() -> None:
        sent = request.headers.get("X-Request-Id", "")
        g.request_id = sent if INCOMING_ID.match(sent) else secrets.token_hex(6)
        g.started = time.perf_counter()

    @app.after_request
    def access_line(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        took = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info(
            "method=%s path=%s status=%d ms=%.1f",
            request.method,
            safe_path(request.path),
            response.status_code,
            took,
        )
        return response
