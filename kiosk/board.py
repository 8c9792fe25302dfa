"""The public board: the week's activities on the kiosk (`/`) and one activity (`/a/<id>`).

Owns the HTML pages anyone can see. Pages are rendered once per language, filter, day and
store version, then served from the page cache with ETags. Never shows signups' names.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from kiosk import agenda, services
from kiosk.i18n import current_language
from kiosk.model import AUDIENCES
from kiosk.page_cache import respond

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
    key = ("board", current_language().code, audience, place_id, now.date(), snap.version)

    def render() -> str:
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

    return respond(svc.pages.get_or_render(key, render))


@bp.get("/a/<activity_id>")
def detail(activity_id: str):  # type: ignore[no-untyped-def]
    svc = services.get()
    snap = svc.catalogue.snapshot()
    activity = snap.activities.get(activity_id)
    if activity is None:
        abort(404)
    now = svc.now()
    key = ("detail", activity_id, current_language().code, now.date(), snap.version)

    def render() -> str:
        return render_template(
            "board/detail.html",
            site=snap.site,
            activity=activity,
            occurrences=agenda.upcoming_of(activity, now)[:8],
            place=snap.places.get(activity.place_id or ""),
            organiser=snap.organisers.get(activity.organiser_id or ""),
            now=now,
        )

    return respond(svc.pages.get_or_render(key, render))


@bp.app_errorhandler(404)
def not_found(_error):  # type: ignore[no-untyped-def]
    return render_template("board/not_found.html"), 404
