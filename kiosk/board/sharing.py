"""Sharing an activity: plain WhatsApp and Facebook links (nothing is loaded from them).

Owns the short text and the absolute addresses put into those links. The shared address
carries no `?lang=`, so each reader gets the page in their own language.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import url_for

from kiosk.activities.model import Activity, Place
from kiosk.activities.recurrence import Occurrence
from kiosk.languages import pick_text
from kiosk.web.formatting import long_date, time_range
from kiosk.web.i18n import current_language
from kiosk.web.public_url import absolute


def next_open(occurrences: list[Occurrence]) -> Occurrence | None:
    """The first occurrence in the list that is not cancelled."""
    return next((o for o in occurrences if o.status != "cancelled"), None)


def share_text(activity: Activity, place: Place | None, upcoming: Occurrence | None) -> str:
    """A short message for WhatsApp in the viewer's language: title, next time, place, link."""
    title, _fell_back = pick_text(activity.title, current_language().code)
    lines = [title]
    if upcoming is not None:
        when = f"{long_date(upcoming.start.date())} {time_range(upcoming.start, upcoming.end)}"
        lines.append(when[:1].upper() + when[1:])
    if place is not None:
        lines.append(", ".join(part for part in (place.name, place.address) if part))
    lines.append(detail_url(activity))
    return "\n".join(lines)


def detail_url(activity: Activity, lang: str | None = None) -> str:
    """The detail page's absolute address (no `lang` for shares: each reader's own language)."""
    return absolute(url_for("board.detail", activity_id=activity.id, lang=lang))


def share_links(
    activity: Activity, place: Place | None, upcoming: Occurrence | None
) -> dict[str, str]:
    """Plain links that open WhatsApp and Facebook with this activity; nothing is loaded."""
    text = share_text(activity, place, upcoming)
    return {
        "whatsapp": "https://wa.me/?text=" + quote(text, safe=""),
        "facebook": "https://www.facebook.com/sharer/sharer.php?u="
        + quote(detail_url(activity), safe=""),
    }
