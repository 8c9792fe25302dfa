"""The public board: the week's activities on the kiosk (`/`) and one activity (`/a/<id>`).

Owns the HTML pages anyone can see. They are rendered here once per language, filter, day
and store version; `page_cache` in front of the app keeps and revalidates them. Never shows
signups' names.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from kiosk import agenda, services
from kiosk.model import AUDIENCES

bp = Blueprint("board", __name__)


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    svc = services.get()
    snap = svc.catalogue.snapshot()
    audience = request.args.get("for")
    audience = audience if audience in AUDIENCES else None
    place_id = request.args.get("place")
    place_id = place_id if place_id in snap.places else None
    now = svc.now()
    return render_template(
        "board/index.html",
        site=snap.site,
        days=agenda.board_days(snap, now, svc.zone, 7, audience, place_id),
        hours_today=agenda.opening_hours_today(snap.site, now.date()),
        audience=audience,
        audiences=AUDIENCES,
        place=snap.places.get(place_id or ""),
        now=now,
    )


@bp.get("/a/<activity_id>")
def detail(activity_id: str):  # type: ignore[no-untyped-def]
    svc = services.get()
    snap = svc.catalogue.snapshot()
    activity = snap.activities.get(activity_id)
    if activity is None:
        abort(404)
    now = svc.now()
    return render_template(
        "board/detail.html",
        site=snap.site,
        activity=activity,
        occurrences=agenda.upcoming_of(activity, now)[:8],
        place=snap.places.get(activity.place_id or ""),
        organiser=snap.organisers.get(activity.organiser_id or ""),
        now=now,
    )


@bp.app_errorhandler(404)
def not_found(_error):  # type: ignore[no-untyped-def]
    return render_template("board/not_found.html"), 404
