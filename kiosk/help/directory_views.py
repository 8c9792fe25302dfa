"""The organisation directory `/organisations`: who runs what, for whom, and how to reach
them, with each one's coming activities. Public, like the board (a tab on the kiosk).

Owns the public pages. Texts come in the viewer's language, else Swedish with the "(in
Swedish)" marker. Organisers edit their own entry in `kiosk.volunteers.admin.organisations`.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, render_template

from kiosk import services
from kiosk.activities.recurrence import Occurrence
from kiosk.board import agenda

bp = Blueprint("directory", __name__)
AHEAD_DAYS = 28


def _coming() -> dict[str, list[Occurrence]]:
    """The next AHEAD_DAYS of occurrences, per organiser id, in one pass over the board."""
    svc = services.get()
    now = svc.now()
    by_organiser: dict[str, list[Occurrence]] = {}
    occurrences = agenda.occurrences_between(
        svc.catalogue.snapshot(), now, now + timedelta(days=AHEAD_DAYS)
    )
    for occ in sorted(occurrences, key=lambda o: o.start):
        if occ.activity.status != "cancelled" and occ.end > now:
            by_organiser.setdefault(occ.activity.organiser_id or "", []).append(occ)
    return by_organiser


@bp.get("/organisations")
def index():  # type: ignore[no-untyped-def]
    snap = services.get().catalogue.snapshot()
    entries = sorted(snap.organisers.values(), key=lambda o: o.name.casefold())
    coming = _coming()
    return render_template(
        "help/directory/index.html",
        entries=entries,
        coming={o.id: coming.get(o.id, []) for o in entries},
    )


@bp.get("/organisations/<organiser_id>")
def detail(organiser_id: str):  # type: ignore[no-untyped-def]
    organiser = services.get().catalogue.snapshot().organisers.get(organiser_id)
    if organiser is None:
        abort(404)
    return render_template(
        "help/directory/detail.html", organiser=organiser, coming=_coming().get(organiser_id, [])
    )
