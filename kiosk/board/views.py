"""The public board: the week's activities on the kiosk (`/`) and one activity (`/a/<id>`).

Owns the HTML pages anyone can see. They are rendered here once per language, filter, day
and store version; `page_cache` in front of the app keeps and revalidates them. Never shows
signups' names. The poster of an activity is `kiosk.volunteers.poster_views`, its share
links `kiosk.board.sharing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)

from kiosk import services
from kiosk.activities.model import AUDIENCES
from kiosk.board import agenda, sharing
from kiosk.volunteers import uploads
from kiosk.web import qr

bp = Blueprint("board", __name__)


FILTER_ARGS = {
    "audience": "for",
    "speaks": "speaks",
    "free_only": "free",
    "childcare_only": "childcare",
    "place_id": "place",
}


def filter_from_args(args: Mapping[str, str], snap: agenda.Snapshot) -> agenda.BoardFilter:
    """The board filter in the query string; unknown values are ignored, never an error."""
    audience = args.get("for")
    speaks = args.get("speaks")
    place_id = args.get("place")
    return agenda.BoardFilter(
        audience=audience if audience in AUDIENCES else None,
        speaks=speaks if speaks in agenda.spoken_languages(snap) else None,
        free_only=args.get("free") == "1",
        childcare_only=args.get("childcare") == "1",
        place_id=place_id if place_id in snap.places else None,
    )


def filter_url(chosen: agenda.BoardFilter, **changes: object) -> str:
    """The board's URL with some filters changed (None/False removes one)."""
    values = {**chosen.__dict__, **changes}
    query = {
        FILTER_ARGS[name]: ("1" if value is True else value)
        for name, value in values.items()
        if value not in (None, False)
    }
    return url_for("board.index", **query)


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    svc = services.get()
    snap = svc.catalogue.snapshot()
    chosen = filter_from_args(request.args, snap)
    now = svc.now()
    return render_template(
        "board/index.html",
        site=snap.site,
        days=agenda.board_days(
            snap,
            now,
            svc.zone,
            7,
            chosen,
            lambda occ: svc.signups.counts(occ.activity.id, occ.recurrence_id),
        ),
        hours_today=agenda.opening_hours_today(snap.site, now.date()),
        chosen=chosen,
        filter_url=lambda **changes: filter_url(chosen, **changes),
        audiences=AUDIENCES,
        spoken=agenda.spoken_languages(snap),
        freshness=svc.sync.freshness(current_app.config["SYNC_STALE_HOURS"]),
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
    occurrences = agenda.upcoming_of(activity, now)
    place = snap.places.get(activity.place_id or "")
    return render_template(
        "board/detail.html",
        site=snap.site,
        activity=activity,
        occurrences=occurrences[:8],
        place=place,
        organiser=snap.organisers.get(activity.organiser_id or ""),
        share=sharing.share_links(activity, place, sharing.next_open(occurrences)),
        now=now,
    )


MAX_QR_TARGET = 500


@bp.get("/places/<place_id>/map/<name>")
def place_map(place_id: str, name: str) -> Response:
    """A place's uploaded map picture (public: it is shown beside the place)."""
    place = services.get().catalogue.snapshot().places.get(place_id)
    path = uploads.path_of(Path(current_app.config["DATA_DIR"]), "map", name)
    if place is None or place.map_image != name or path is None:
        abort(404)
    return send_file(path, max_age=365 * 24 * 3600)  # a new picture gets a new name


@bp.get("/qr.svg")
def elsewhere_qr() -> Response:
    """A QR code of an address outside the board (a map, a web site, a phone number), for
    the kiosk to show instead of leaving the board: `?to=https://…` or `?to=tel:…`.
    Only http(s) and tel addresses, at most `MAX_QR_TARGET` characters."""
    target = request.args.get("to", "")
    if len(target) > MAX_QR_TARGET or not target.startswith(("https://", "http://", "tel:")):
        abort(400)
    response = Response(qr.svg(target), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.app_errorhandler(404)
def not_found(_error):  # type: ignore[no-untyped-def]
    return render_template("board/not_found.html"), 404
