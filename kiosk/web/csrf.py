"""CSRF protection for every form: a random token in the signed session, checked on each POST.

Owns `csrf_token()` (a Jinja global for hidden fields) and the check that refuses a POST
whose token is missing or wrong, with a clear message in the visitor's language and
nothing stored.

Our own scripts may instead send a header that a page on another site cannot add without
asking first (a CORS preflight, which this server never grants); that is how a signup kept
on a phone while it was offline is sent later, when the session cookie may be gone.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request, session
from flask_babel import gettext as _

FIELD = "csrf_token"
# POSTs that carry no session and change nothing a person owns: `motesplats sync` on the
# server itself asking for a sync (loopback only, see kiosk.api.views).
EXEMPT = frozenset({"api.sync_now"})
# POSTs that our scripts send with `SCRIPT_HEADER: <value>` (see kiosk.signups.views).
SCRIPT_HEADER = "X-Motesplats-Request"
SCRIPT_ENDPOINTS = {"signup.form": "signup"}


def _sent_by_our_script() -> bool:
    expected = SCRIPT_ENDPOINTS.get(request.endpoint or "")
    if not expected or request.headers.get(SCRIPT_HEADER) != expected:
        return False
    origin = request.headers.get("Origin")
    # By host only: behind the municipality's HTTPS proxy the scheme seen here is http.
    hosts = {request.host, urlsplit(current_app.config.get("PUBLIC_URL") or "").netloc}
    same_origin = origin is None or urlsplit(origin).netloc in hosts
    return same_origin and request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"


def csrf_token() -> str:
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(24)
    return session[FIELD]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def check_csrf():  # type: ignore[no-untyped-def]
        if request.method != "POST" or request.endpoint in EXEMPT or _sent_by_our_script():
            return None
        sent = request.form.get(FIELD, "")
        expected = session.get(FIELD, "")
        if expected and sent and hmac.compare_digest(sent.encode(), expected.encode()):
            return None
        message = _("Formuläret hade gått ut. Ladda om sidan och försök igen.")
        return render_template("error.html", message=message), 400
