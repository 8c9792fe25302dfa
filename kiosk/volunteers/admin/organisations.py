"""`/admin/organisations`: each association's directory entry, edited by its own organisers
(and admins): what it does and who it is for in the six languages, contact person, phone,
web. Changes go through `Editor.save_organiser` (permission and audit)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kiosk import services
from kiosk.activities.model import Organiser
from kiosk.languages import LANGUAGES
from kiosk.signups.views import PHONE_PATTERN
from kiosk.volunteers.admin.blueprint import bp
from kiosk.volunteers.auth import current_account, login_required
from kiosk.volunteers.editing import NotAllowed

TEXT_MAX = 600


@bp.get("/organisations")
@login_required
def organisations():  # type: ignore[no-untyped-def]
    me = current_account()
    snap = services.get().catalogue.snapshot()
    mine = [o for o in snap.organisers.values() if me and me.may_edit(o.id)]
    return render_template(
        "volunteers/admin/organisations.html", entries=sorted(mine, key=lambda o: o.name)
    )


@bp.route("/organisations/<organiser_id>", methods=["GET", "POST"])
@login_required
def organisation(organiser_id: str):  # type: ignore[no-untyped-def]
    me = current_account()
    current = services.get().catalogue.snapshot().organisers.get(organiser_id)
    if current is None:
        abort(404)
    if me is None or not me.may_edit(organiser_id):
        abort(403)
    entry, problems = current, []
    if request.method == "POST":
        entry, problems = _read(current)
        if not problems:
            try:
                services.get().editor.save_organiser(me, entry)
            except NotAllowed:
                abort(403)
            flash(_("Sparat."))
            return redirect(url_for("admin.organisations"), code=303)
    return render_template(
        "volunteers/admin/organisation.html", entry=entry, problems=problems, languages=LANGUAGES
    ), (400 if problems else 200)


def _read(current: Organiser) -> tuple[Organiser, list[str]]:
    form = request.form
    problems = []
    texts = {}
    for field in ("about", "for_whom"):
        texts[field] = {
            lang.code: form.get(f"{field}_{lang.code}", "").strip()[:TEXT_MAX]
            for lang in LANGUAGES
            if form.get(f"{field}_{lang.code}", "").strip()
        }
    phone = form.get("phone", "").strip()
    if phone and not PHONE_PATTERN.match(phone):
        problems.append(
            _("Telefonnumret ser inte rätt ut. Skriv bara siffror, till exempel 070 123 45 67.")
        )
    web = form.get("web", "").strip()
    if web and not web.startswith(("https://", "http://")):
        problems.append(_("Webbadressen ska börja med https:// eller http://."))
    name = form.get("name", "").strip()[:80] or current.name
    entry = Organiser(
        current.id,
        name,
        about=texts["about"],
        for_whom=texts["for_whom"],
        contact_name=form.get("contact_name", "").strip()[:80],
        phone=phone[:30],
        web=web[:200],
    )
    return entry, problems
