"""CSRF protection for every form: a random token in the signed session, checked on each POST.

Owns `csrf_token()` (a Jinja global for hidden fields) and the check that refuses a POST
whose token is missing or wrong, with a clear message in the visitor's language and
nothing stored.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, render_template, request, session
from flask_babel import gettext as _

FIELD = "csrf_token"
# POSTs that carry no session and change nothing a person owns: `motesplats sync` on the
# server itself asking for a sync (loopback only, see kiosk.api).
EXEMPT = frozenset({"api.sync_now"})


def csrf_token() -> str:
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(24)
    return session[FIELD]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def check_csrf():  # type: ignore[no-untyped-def]
        if request.method != "POST" or request.endpoint in EXEMPT:
            return None
        sent = request.form.get(FIELD, "")
        expected = session.get(FIELD, "")
        if expected and sent and hmac.compare_digest(sent, expected):
            return None
        message = _("Formuläret hade gått ut. Ladda om sidan och försök igen.")
        return render_template("error.html", message=message), 400
