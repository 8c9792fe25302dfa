"""HTTP hardening shared by every page: secret key, cookie flags, body limits, headers.

Owns the app-wide security settings. The secret key is created once per data folder
(random, mode 0600; `kiosk.store.opening.secret_key`) so sessions survive restarts. Pages
load nothing from other hosts, so the Content-Security-Policy allows only this server.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask_babel import gettext as _

from kiosk.store.opening import secret_key

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


# Public forms (signup, help, a browser's push subscription) take small bodies; the
# volunteers' forms MAX_BODY_BYTES; a view marked with `body_limit` its own (a backup, a map).
PUBLIC_BODY_BYTES = 64 * 1024


def body_limit(limit: int | str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view (put it right under the route decorator) as taking bodies up to `limit`
    bytes, or the setting named `limit`; checked before the form is read, CSRF included."""

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.body_limit = limit  # type: ignore[attr-defined]
        return view

    return mark


def _limit_for_this_request() -> int:
    view = current_app.view_functions.get(request.endpoint or "")
    marked = getattr(view, "body_limit", None)
    if isinstance(marked, str):
        return int(current_app.config[marked])
    if isinstance(marked, int):
        return marked
    if request.path.startswith(PRIVATE_AREAS):
        return int(current_app.config["MAX_BODY_BYTES"])
    return PUBLIC_BODY_BYTES


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} kB"


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

    @app.before_request
    def limit_the_body() -> None:  # registered first: before the CSRF check reads the form
        request.max_content_length = _limit_for_this_request()

    def too_large(_error: Exception):  # type: ignore[no-untyped-def]
        message = _(
            "Det du skickade är för stort (högst %(size)s). Ingenting sparades.",
            size=_size(_limit_for_this_request()),
        )
        return render_template("error.html", message=message), 413

    app.register_error_handler(413, too_large)

    @app.after_request
    def headers(response: Response) -> Response:
        if request.path.startswith(PRIVATE_AREAS) and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"  # names, phones, tokens: never kept
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
