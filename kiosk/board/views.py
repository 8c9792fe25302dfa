"""The public board: the week's activities on the kiosk (`/`) and one activity (`/a/<id>`).

Owns the HTML pages anyone can see. They are rendered here once per language, filter, day
and store version; `page_cache` in front of the app keeps and revalidates them. Never shows
signups' names. The poster of an activity is `kiosk.volunteers.poster_views`, its share
links `kiosk.board.sharing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    url_for,
)

from kiosk import services
from kiosk.activities.model import AUDIENCES
from kiosk.board import agenda, sharing
from kiosk.languages import LANGUAGES
from kiosk.volunteers import uploads
from kiosk.web import qr
from kiosk.web.i18n import current_language

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


def filter_url(
    chosen: agenda.BoardFilter, lang: str | None = None, show: int | None = None, **changes: object
) -> str:
    """The board's URL with some filters changed (None/False removes one), in the language
    `lang` (default: this page's), showing `show` cards (default: the first `CARDS_FIRST`).
    The language is written into the address, so a kept copy of a filtered board (the
    kiosk's worker) is the one in that language."""
    values = {**chosen.__dict__, **changes}
    query: dict[str, object] = {
        FILTER_ARGS[name]: ("1" if value is True else value)
        for name, value in values.items()
        if value not in (None, False)
    }
    if show is not None:
        query["show"] = show
    return url_for("board.index", **query, lang=lang or current_language().code)


def cards_to_show(args: Mapping[str, str]) -> int:
    """How many cards the page shows: `?show=N` (after "show more"), bounded; else the
    first `CARDS_FIRST`. Anything else in `show` is the default, never an error."""
    try:
        wanted = int(args.get("show", ""))
    except ValueError:
        return CARDS_FIRST
    return max(CARDS_FIRST, min(wanted, MAX_CARDS))


def kiosk_pages(snap: agenda.Snapshot, now: datetime) -> list[str]:
    """Every page the kiosk can show, for its worker to keep for when the server does not
    answer: the board in every language, unfiltered and with each filter; every activity
    page and the signup forms of its next open dates; the directory and each association's
    page; the help form."""
    none = agenda.BoardFilter()
    pages: list[str] = []
    upcoming = {
        activity.id: agenda.upcoming_of(activity, now, days=KIOSK_DAYS)
        for activity in snap.activities.values()
    }
    for lang in LANGUAGES:
        code = lang.code
        pages.append(url_for("board.index", lang=code))
        pages += [filter_url(none, code, audience=a) for a in AUDIENCES if a != "everyone"]
        pages += [filter_url(none, code, speaks=s) for s in agenda.spoken_languages(snap)]
        pages += [
            filter_url(none, code, free_only=True),
            filter_url(none, code, childcare_only=True),
        ]
        for activity_id, dates in upcoming.items():
            if not dates:
                continue
            pages.append(url_for("board.detail", activity_id=activity_id, lang=code))
            activity = snap.activities[activity_id]
            if activity.signup.required:
                pages += [
                    url_for("signup.form", activity_id=activity_id, rid=o.recurrence_id, lang=code)
                    for o in dates[:SIGNUP_FORMS_KEPT]
                    if o.status != "cancelled"
                ]
        pages += [url_for("directory.index", lang=code), url_for("help.ask", lang=code)]
        pages += [
            url_for("directory.detail", organiser_id=organiser_id, lang=code)
            for organiser_id in sorted(snap.organisers)
        ]
    return pages[:MAX_KIOSK_PAGES]


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    svc = services.get()
    snap = svc.catalogue.snapshot()
    chosen = filter_from_args(request.args, snap)
    now = svc.now()
    limit = cards_to_show(request.args)
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
            limit,
        ),
        more_url=lambda day: filter_url(chosen, show=limit + CARDS_FIRST) + f"#day-{day}",
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


CARDS_FIRST = 48  # cards on a first visit (today first); "show more" adds as many again
MAX_CARDS = 2000
MAX_QR_TARGET = 500
MAX_KIOSK_PAGES = 1000
SIGNUP_FORMS_KEPT = 2
KIOSK_DAYS = 14  # the board shows a week; its activities' pages, a little beyond


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


@bp.get("/kiosk/pages.json")
def kiosk_page_list() -> Response:
    """The pages the kiosk's worker keeps (`kiosk_pages`), with the board's version, so
    the worker fetches them again only after a change."""
    svc = services.get()
    snap = svc.catalogue.snapshot()
    now = svc.now()
    response = jsonify(
        {"version": f"{svc.store.version}-{now.date()}", "pages": kiosk_pages(snap, now)}
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_errorhandler(404)
def not_found(_error):  # type: ignore[no-untyped-def]
    return render_template("board/not_found.html"), 404
