"""`/admin/places`: the places activities happen in, edited by admins: the kind (with its
pictogram), the name on the sign and per language (translated or transliterated), room,
address, map link and how to get there per language. Changes go through
`Editor.save_place` (permission and audit)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kiosk import services
from kiosk.activities.model import PLACE_KINDS, Place
from kiosk.languages import LANGUAGES, SOURCE_LANGUAGE
from kiosk.volunteers.admin.blueprint import bp
from kiosk.volunteers.auth import admin_required, current_account
from kiosk.volunteers.editing import Gone, NotAllowed

NAME_MAX = 80
HOW_TO_MAX = 400


@bp.get("/places")
@admin_required
def places():  # type: ignore[no-untyped-def]
    snap = services.get().catalogue.snapshot()
    return render_template(
        "volunteers/admin/places.html",
        entries=sorted(snap.places.values(), key=lambda p: p.name.lower()),
        languages=LANGUAGES,
    )


@bp.route("/places/<place_id>", methods=["GET", "POST"])
@admin_required
def place(place_id: str):  # type: ignore[no-untyped-def]
    me = current_account()
    current = services.get().catalogue.snapshot().places.get(place_id)
    if current is None or me is None:
        abort(404)
    entry, problems = current, []
    if request.method == "POST":
        entry, problems = read_place(current)
        if not problems:
            try:
                services.get().editor.save_place(me, entry)
            except (Gone, NotAllowed):
                abort(404)
            flash(_("Sparat."))
            return redirect(url_for("admin.places"), code=303)
    return render_template(
        "volunteers/admin/place.html",
        entry=entry,
        problems=problems,
        languages=LANGUAGES,
        kinds=PLACE_KINDS,
    ), (400 if problems else 200)


def read_place(current: Place) -> tuple[Place, list[str]]:
    """The place as the form says, and what is wrong with it (nothing stored yet)."""
    form = request.form
    problems = []
    name = form.get("name", "").strip()[:NAME_MAX]
    if not name:
        problems.append(_("Skriv platsens namn, som det står på skylten."))
    kind = form.get("kind", "other")
    if kind not in PLACE_KINDS:
        kind = "other"
    names = {
        lang.code: form.get(f"names_{lang.code}", "").strip()[:NAME_MAX]
        for lang in LANGUAGES
        if lang.code != SOURCE_LANGUAGE and form.get(f"names_{lang.code}", "").strip()
    }
    room_names = {
        lang.code: form.get(f"room_names_{lang.code}", "").strip()[:NAME_MAX]
        for lang in LANGUAGES
        if lang.code != SOURCE_LANGUAGE and form.get(f"room_names_{lang.code}", "").strip()
    }
    how_to = {
        lang.code: form.get(f"how_to_{lang.code}", "").replace("\r\n", "\n").strip()[:HOW_TO_MAX]
        for lang in LANGUAGES
        if form.get(f"how_to_{lang.code}", "").strip()
    }
    map_url = form.get("map_url", "").strip()[:300]
    if map_url and not map_url.startswith(("https://", "http://")):
        problems.append(_("Webbadressen ska börja med https:// eller http://."))
    entry = Place(
        current.id,
        name or current.name,
        address=form.get("address", "").strip()[:200],
        room=form.get("room", "").strip()[:NAME_MAX],
        map_url=map_url,
        kind=kind,
        names=names,
        how_to=how_to,
        room_names=room_names,
    )
    return entry, problems
