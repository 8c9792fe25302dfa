"""The week's digest for the notice board: `/digest?also=<lang>`, one printable A4 page
with every activity of the next seven days, in Swedish plus one chosen language.

Owns the digest page. It reuses the poster's way of rendering a block in a second language
(`kiosk.volunteers.poster_views.speaking`); each day's heading and each activity's
title come in both, times stay in Latin digits. Cancelled occurrences are listed, struck
through, so nobody comes in vain.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request

from kiosk import services
from kiosk.board import agenda
from kiosk.languages import BY_CODE, SOURCE_LANGUAGE, normalise
from kiosk.volunteers.poster_views import in_language, speaking

bp = Blueprint("digest", __name__)
DAYS = 7


@bp.get("/digest")
def digest():  # type: ignore[no-untyped-def]
    chosen = normalise(request.args.get("also"))
    second = BY_CODE[chosen] if chosen and chosen != SOURCE_LANGUAGE else None
    svc = services.get()
    snap = svc.catalogue.snapshot()
    now = svc.now()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    occurrences = [
        o
        for o in agenda.occurrences_between(snap, today, today + timedelta(days=DAYS))
        if o.end > now
    ]
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
            first_day=today.date(),
            last_day=(today + timedelta(days=DAYS - 1)).date(),
        )
