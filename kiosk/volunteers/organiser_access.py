"""Who may see signup lists: a volunteer's account, or the hall's shared organiser PIN.

Owns `organiser_required`, `may_see(activity)` and the PIN check, one small interface the
views use. A logged-in account (`kiosk.volunteers.auth`) sees the lists of the activities
it may edit (an admin: all). The PIN, if configured, is for a hall without accounts: it opens every
list. Wrong PINs are throttled per client.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any

from flask import current_app, redirect, request, session, url_for

from kiosk.volunteers.auth import current_account
from kiosk.web.ratelimit import RateLimiter

SESSION_KEY = "organiser"
pin_attempts = RateLimiter(max_events=10, per_seconds=600)


def pin_configured() -> bool:
    return bool(current_app.config["ORGANISER_PIN"])


def check_pin(pin: str) -> bool:
    expected = current_app.config["ORGANISER_PIN"]
    # as bytes: compare_digest refuses str with non-ASCII characters (a PIN typed in Arabic digits)
    return bool(expected) and hmac.compare_digest(pin.strip().encode(), expected.encode())


def log_in() -> None:
    session[SESSION_KEY] = True


def log_out() -> None:
    session.pop(SESSION_KEY, None)


def is_organiser() -> bool:
    """The shared PIN, or a logged-in editor (a translator account is not one)."""
    if session.get(SESSION_KEY) and pin_configured():
        return True
    account = current_account()
    return account is not None and not account.is_translator


def may_see(organiser_id: str | None) -> bool:
    """Whether this visitor may see the signups of an activity run by `organiser_id`."""
    if session.get(SESSION_KEY) and pin_configured():
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
