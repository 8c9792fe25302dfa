"""The server's first seconds: the socket listens at once, and says "starting" until the app is up.

Owns `StartingApp`, the WSGI callable waitress serves from the moment it listens. Opening a
large data folder takes seconds (50,000 activities: reading the data file and parsing it);
meanwhile the kiosk's browser and phones get a small page in the six languages that
reloads itself (503 with Retry-After, never cached) instead of "connection refused", and
`/healthz` says 503 so that watchdogs and tests wait. Once `create_app` is done, every
request goes to the app. If it fails, the failure is kept for the command to report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

RETRY_SECONDS = 2
PAGE = f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{RETRY_SECONDS}">
<title>Mötesplats startar</title>
<style>body{{font:1.6rem system-ui,sans-serif;margin:15vh auto;max-width:40rem;
text-align:center;color:#222;background:#faf7f0}}p{{margin:.4em}}</style></head>
<body>
<p lang="sv">Mötesplats startar …</p>
<p lang="en">Mötesplats is starting …</p>
<p lang="ar" dir="rtl">Mötesplats قيد التشغيل …</p>
<p lang="fa-AF" dir="rtl">Mötesplats در حال روشن شدن است …</p>
<p lang="so">Mötesplats waa la bilaabayaa …</p>
<p lang="ti">Mötesplats ይጅምር ኣሎ …</p>
</body></html>
""".encode()

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class StartingApp:
    """WSGI: "starting" (503) until `ready(app)`, then `app` for every request."""

    def __init__(self) -> None:
        self.app: WsgiApp | None = None
        self.error: BaseException | None = None

    def ready(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        app = self.app
        if app is not None:
            return app(environ, start_response)
        start_response(
            "503 Service Unavailable",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(PAGE))),
                ("Retry-After", str(RETRY_SECONDS)),
                ("Cache-Control", "no-store"),
            ],
        )
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [PAGE]
