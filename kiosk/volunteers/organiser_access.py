"""Who may see signup lists: a volunteer's account, or the hall's shared organiser PIN.

Owns `organiser_required`, `may_see(activity)` and the PIN check, one small interface the
views use. A logged-in account (`kiosk.volunteers.auth`) sees the lists of the activities
it may edit (an admin: all). The PIN, if configured, is for a hall without accounts: it opens every
list. Wrong PINs are throttled per client. A PIN session ends after SESSION_HOURS, when
the PIN changes, on any PIN logout and on a restart.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app, redirect, request, session, url_for

from kiosk import services
from kiosk.activities.model import parse_utc, utc_iso
from kiosk.volunteers.auth import current_account
from kiosk.web.ratelimit import RateLimiter

SESSION_KEY = "organiser"
SINCE_KEY = "organiser_at"
pin_attempts = RateLimiter(max_events=10, per_seconds=600)


def pin_configured() -> bool:
    return bool(current_app.config["ORGANISER_PIN"])


def check_pin(pin: str) -> bool:
    expected = current_app.config["ORGANISER_PIN"]
    # as bytes: compare_digest refuses str with non-ASCII characters (a PIN typed in Arabic digits)
    return bool(expected) and hmac.compare_digest(pin.strip().encode(), expected.encode())


def _pin_stamp() -> str:
    """What a PIN session holds instead of `True`: a fingerprint of the PIN in force (a new
    PIN ends the old sessions) and of this process's PIN generation (a logout, or a
    restart, ends every PIN session: a shared PIN has no one account to hold it)."""
    generation = current_app.extensions.setdefault(
        "organiser_pin_generation", [secrets.token_hex(8)]
    )
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    message = f"{current_app.config['ORGANISER_PIN']}|{generation[0]}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def log_in() -> None:
    session[SESSION_KEY] = _pin_stamp()
    session[SINCE_KEY] = utc_iso(services.get().clock())


def log_out() -> None:
    """End this PIN session and every other one (the PIN is shared)."""
    if _pin_session():
        current_app.extensions["organiser_pin_generation"] = [secrets.token_hex(8)]
    session.pop(SESSION_KEY, None)
    session.pop(SINCE_KEY, None)


def _pin_session() -> bool:
    """A PIN session for the PIN in force, issued less than SESSION_HOURS ago."""
    stamp = session.get(SESSION_KEY)
    if not pin_configured() or not isinstance(stamp, str):
        return False
    try:
        age = services.get().clock() - parse_utc(session.get(SINCE_KEY, ""))
    except (ValueError, TypeError):
        return False
    fresh = age < timedelta(hours=current_app.config["SESSION_HOURS"])
    return fresh and hmac.compare_digest(stamp.encode(), _pin_stamp().encode())


def is_organiser() -> bool:
    """The shared PIN, or a logged-in editor (a translator account is not one)."""
    if _pin_session():
        return True
    account = current_account()
    return account is not None and not account.is_translator


def may_see(organiser_id: str | None) -> bool:
    """Whether this visitor may see the signups of an activity run by `organiser_id`."""
    if _pin_session():
        return True
    account = current_account()
    return account is not None and account.may_edit(organiser_id)


def organiser_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not is_organiser():
            return redirect(url_for("organiser.login", next=request.full_path))
        return view(*args, **kwargs)

    return guarded
