"""Who may see signup lists: for now a configured organiser PIN, kept in the session.

Owns `organiser_required` and the PIN check, behind one small interface so that the admin
accounts of a later issue can replace it without touching the views. Wrong PINs are
throttled per client.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any

from flask import current_app, redirect, request, session, url_for

from kiosk.ratelimit import RateLimiter

SESSION_KEY = "organiser"
pin_attempts = RateLimiter(max_events=10, per_seconds=600)


def pin_configured() -> bool:
    return bool(current_app.config["ORGANISER_PIN"])


def check_pin(pin: str) -> bool:
    expected = current_app.config["ORGANISER_PIN"]
    return bool(expected) and hmac.compare_digest(pin.strip(), expected)


def log_in() -> None:
    session[SESSION_KEY] = True


def log_out() -> None:
    session.pop(SESSION_KEY, None)


def is_organiser() -> bool:
    return bool(session.get(SESSION_KEY)) and pin_configured()


def organiser_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not is_organiser():
            return redirect(url_for("organiser.login", next=request.full_path))
        return view(*args, **kwargs)

    return guarded
