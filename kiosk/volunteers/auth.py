"""The logged-in volunteer: keeping an account in the session, and guarding views.

Owns the session keys of a login, their expiry (`SESSION_HOURS` after login; the cookie is a
browser-session cookie, so closing the browser on a shared tablet ends it too), the
decorators `login_required` (any editor: admin or organiser), `admin_required` and
`translator_required` (a translator or an admin; a translator passes no other guard). The
session is cleared on login, so a session id planted before login is worthless.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for

from kiosk import services
from kiosk.activities.model import parse_utc, utc_iso
from kiosk.volunteers.accounts import Account

ACCOUNT_KEY = "account"
SINCE_KEY = "login_at"
GENERATION_KEY = "generation"


def log_in(account: Account) -> None:
    session.clear()
    session[ACCOUNT_KEY] = account.id
    session[SINCE_KEY] = utc_iso(services.get().clock())
    session[GENERATION_KEY] = account.session_generation


def log_out() -> None:
    """Log out here, and end the account's sessions everywhere (a copied cookie too)."""
    name = session.get(ACCOUNT_KEY)
    if name and current_account() is not None:
        services.get().accounts.end_sessions(name)
    session.clear()


def current_account() -> Account | None:
    """The logged-in, active, unexpired account of this request, or None."""
    if "account" in g:
        return g.account
    account = None
    name = session.get(ACCOUNT_KEY)
    if name:
        svc = services.get()
        since = session.get(SINCE_KEY)
        lifetime = timedelta(hours=current_app.config["SESSION_HOURS"])
        try:
            fresh = since is not None and svc.clock() - parse_utc(since) < lifetime
        except ValueError:
            fresh = False
        found = svc.accounts.get(name) if fresh else None
        if (
            found is not None
            and found.active
            and session.get(GENERATION_KEY) == found.session_generation
        ):
            account = found
        else:
            for key in (ACCOUNT_KEY, SINCE_KEY, GENERATION_KEY):
                session.pop(key, None)
    g.account = account
    return account


TRANSLATOR_HOME = "translate.index"


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """An editor's view: a translator is sent to the translation queue instead."""

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        account = current_account()
        if account is None:
            return redirect(url_for("admin.login", next=request.full_path))
        if account.is_translator:
            return redirect(url_for(TRANSLATOR_HOME))
        return view(*args, **kwargs)

    return guarded


def translator_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """A translator's view (admins too); which languages is the view's check
    (`Account.may_translate`)."""

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        account = current_account()
        if account is None:
            return redirect(url_for("admin.login", next=request.full_path))
        if not (account.is_translator or account.is_admin):
            abort(403)
        return view(*args, **kwargs)

    return guarded


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        account = current_account()
        if account is None:
            return redirect(url_for("admin.login", next=request.full_path))
        if not account.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return guarded


def safe_next(target: str | None, default: str, under: str = "/") -> str:
    """`target` if it is a path on this server below `under`, else `default`: never
    `//other.host`, `https://…`, a backslash, or any space or control character (browsers
    drop a tab, so `/\t/evil.example` would be `//evil.example`; a newline would break the
    Location header)."""
    if not target or len(target) > 2000 or not target.startswith(under):
        return default
    if target.startswith("//") or "\\" in target:
        return default
    if any(ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
