"""`/admin/places`: the places activities happen in, edited by admins: the kind (with its
pictogram), the name on the sign and per language (translated or transliterated), room,
address, map link, a map picture (uploaded), where it is (for a phone's map app) and how to
get there per language. Changes go through
`Editor.save_place` (permission and audit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kiosk import services
from kiosk.activities.model import PLACE_KINDS, Place
from kiosk.languages import LANGUAGES, SOURCE_LANGUAGE
from kiosk.volunteers import uploads
from kiosk.volunteers.admin.blueprint import bp
from kiosk.volunteers.auth import admin_required, current_account
from kiosk.volunteers.editing import Gone, NotAllowed
from kiosk.web.security import body_limit

NAME_MAX = 80
MAP_MAX_BYTES = 2 * 1024 * 1024
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
@body_limit(MAP_MAX_BYTES + 64 * 1024)  # the picture and the fields
@admin_required
def place(place_id: str):  # type: ignore[no-untyped-def]
    me = current_account()
    current = services.get().catalogue.snapshot().places.get(place_id)
    if current is None or me is None:
        abort(404)
    entry, problems = current, []
    if request.method == "POST":
        entry, problems = read_place(current)
        picture = _map_picture(problems)
        if picture is not None and not problems:
            entry.map_image = uploads.keep(
                Path(current_app.config["DATA_DIR"]), "map", picture[0], picture[1]
            )
        elif request.form.get("remove_map") == "yes":
            entry.map_image = ""
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


def _map_picture(problems: list[str]) -> tuple[bytes, str] | None:
    """The uploaded map picture and its type, if one was sent; a problem if it is no picture."""
    upload = request.files.get("map_image")
    data = upload.read(MAP_MAX_BYTES + 1) if upload and upload.filename else b""
    if not data:
        return None
    kind = uploads.picture_type(data)
    if len(data) > MAP_MAX_BYTES:
        problems.append(_("Kartbilden är för stor (högst 2 MB)."))
    elif kind is None:
        problems.append(_("Kartbilden ska vara en PNG-, JPEG- eller WebP-bild."))
    else:
        return data, kind
    return None


def _coordinate(text: str, limit: float, problems: list[str]) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = limit + 1
    if not -limit <= value <= limit:
        problems.append(_("Skriv läget som grader, till exempel 58.5267 och 13.4855."))
        return None
    return round(value, 6)


def _per_language(form: Any, field: str, limit: int, *, with_swedish: bool) -> dict[str, str]:
    """The non-empty `<field>_<lang>` inputs of the form, trimmed to `limit` characters."""
    found = {}
    for lang in LANGUAGES:
        text = form.get(f"{field}_{lang.code}", "").replace("\r\n", "\n").strip()[:limit]
        if text and (with_swedish or lang.code != SOURCE_LANGUAGE):
            found[lang.code] = text
    return found


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
    names = _per_language(form, "names", NAME_MAX, with_swedish=False)
    room_names = _per_language(form, "room_names", NAME_MAX, with_swedish=False)
    how_to = _per_language(form, "how_to", HOW_TO_MAX, with_swedish=True)
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
        map_image=current.map_image,
        lat=_coordinate(form.get("lat", ""), 90, problems),
        lon=_coordinate(form.get("lon", ""), 180, problems),
    )
    if (entry.lat is None) != (entry.lon is None):
        problems.append(_("Skriv läget som grader, till exempel 58.5267 och 13.4855."))
    return entry, problems
