"""The organisation directory `/organisations`: who runs what, for whom, and how to reach
them, with each one's coming activities. Public, like the board (a tab on the kiosk).

Owns the public pages. Texts come in the viewer's language, else Swedish with the "(in
Swedish)" marker. Organisers edit their own entry in `kiosk.admin.organisations`.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from kiosk import agenda, services

bp = Blueprint("directory", __name__)
AHEAD_DAYS = 28


def _coming(organiser_id: str) -> list:  # type: ignore[type-arg]
    svc = services.get()
    snap = svc.catalogue.snapshot()
    now = svc.now()
    found = []
    for activity in snap.activities.values():
        if activity.organiser_id == organiser_id and activity.status != "cancelled":
            found += [o for o in agenda.upcoming_of(activity, now, days=AHEAD_DAYS) if o.end > now]
    return sorted(found, key=lambda o: o.start)


@bp.get("/organisations")
def index():  # type: ignore[no-untyped-def]
    snap = services.get().catalogue.snapshot()
    entries = sorted(snap.organisers.values(), key=lambda o: o.name.casefold())
    coming = {o.id: _coming(o.id) for o in entries}
    return render_template("directory/index.html", entries=entries, coming=coming)


@bp.get("/organisations/<organiser_id>")
def detail(organiser_id: str):  # type: ignore[no-untyped-def]
    organiser = services.get().catalogue.snapshot().organisers.get(organiser_id)
    if organiser is None:
        abort(404)
    return render_template(
        "directory/detail.html", organiser=organiser, coming=_coming(organiser_id)
    )
