"""The week's digest for the notice board: `/digest?also=<lang>&from=<date>`, one printable
A4 page with every activity of seven days (from today, or from a chosen day within a year,
to print next week's), in Swedish plus one chosen language.

Owns the digest page. It lists the same expansion as the board
(`agenda.occurrences_between`) and reuses the poster's way of rendering a block in a
second language (`kiosk.volunteers.poster_views.speaking`); each day's heading and each
activity's title (that date's own, when a calendar gave it one) come in both, times stay
in Latin digits. Cancelled occurrences are listed, struck through, so nobody comes in
vain; a date moved here from another day says from which, and a date's note is shown.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, render_template, request

from kiosk import services
from kiosk.board import agenda
from kiosk.languages import BY_CODE, SOURCE_LANGUAGE, normalise
from kiosk.volunteers.poster_views import in_language, speaking

bp = Blueprint("digest", __name__)
DAYS = 7
AHEAD = 366  # the latest first day one may print


def first_day(asked: str | None, today: datetime) -> datetime:
    """Midnight of the asked day (`from=2027-01-04`), if it is from today to a year ahead;
    else today's."""
    try:
        day = date.fromisoformat((asked or "")[:10])
    except ValueError:
        return today
    if not today.date() <= day <= today.date() + timedelta(days=AHEAD):
        return today
    return today.replace(year=day.year, month=day.month, day=day.day, fold=0)


@bp.get("/digest")
def digest():  # type: ignore[no-untyped-def]
    chosen = normalise(request.args.get("also"))
    second = BY_CODE[chosen] if chosen and chosen != SOURCE_LANGUAGE else None
    svc = services.get()
    snap = svc.catalogue.snapshot()
    now = svc.now()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = first_day(request.args.get("from"), today)
    # local midnight seven days on (the zone's own, across a daylight-saving change)
    end = (start.replace(tzinfo=None) + timedelta(days=DAYS)).replace(tzinfo=start.tzinfo)
    occurrences = [o for o in agenda.occurrences_between(snap, start, end) if o.end > now]
    days: dict = {}  # type: ignore[type-arg]
    for occ in sorted(occurrences, key=lambda o: o.start):
        days.setdefault(occ.start.astimezone(svc.zone).date(), []).append(occ)
    with speaking(SOURCE_LANGUAGE):
        return render_template(
            "board/digest.html",
            days=days,
            second=second,
            places=snap.places,
            in_language=in_language,
            first_day=start.date(),
            last_day=start.date() + timedelta(days=DAYS - 1),
            chosen_from=start.date().isoformat() if start != today else None,
            next_from=(start.date() + timedelta(days=DAYS)).isoformat(),
        )
