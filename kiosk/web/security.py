"""HTTP hardening shared by every page: secret key, cookie flags, body limit, headers.

Owns the app-wide security settings. The secret key is created once per data folder
(random, mode 0600; `kiosk.store.opening.secret_key`) so sessions survive restarts. Pages
load nothing from other hosts, so the Content-Security-Policy allows only this server.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, request

from kiosk.store.opening import secret_key

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


# Pages with personal data or secrets: no browser or proxy keeps a copy (the logo under
# /admin/logo/ sets its own caching and is left as it is).
PRIVATE_AREAS = ("/admin", "/organiser", "/translate", "/s/", "/m/")


def init_app(app: Flask) -> None:
    cfg = app.config
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = secret_key(Path(cfg["DATA_DIR"]))
    cfg.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cfg["PUBLIC_URL"].startswith("https://"),
        MAX_CONTENT_LENGTH=cfg["MAX_BODY_BYTES"],
    )

    @app.after_request
    def headers(response: Response) -> Response:
        if request.path.startswith(PRIVATE_AREAS) and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"  # names, phones, tokens: never kept
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
