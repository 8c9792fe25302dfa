"""The meeting place's settings (name, opening hours, default language, logo, what the board
shows of a region's calendar), the audit log, and backups: download one, or restore one
after a check and a confirmation.

The logo is served publicly at `/admin/logo/<name>` (it is on every page's top bar)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from kiosk import services
from kiosk.activities.model import SiteSettings
from kiosk.languages import BY_CODE, LANGUAGES
from kiosk.store import StoreError
from kiosk.store.durable import atomic_write
from kiosk.volunteers import auth, uploads
from kiosk.volunteers.admin.blueprint import bp
from kiosk.web.security import body_limit

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
LOGO_MAX_BYTES = 512 * 1024
PENDING = re.compile(r"^[A-Za-z0-9_-]{20,60}$")


def _data_dir() -> Path:
    return Path(current_app.config["DATA_DIR"])


@bp.route("/settings", methods=["GET", "POST"])
@auth.admin_required
def settings():  # type: ignore[no-untyped-def]
    svc = services.get()
    me = auth.current_account()
    assert me is not None
    snap = svc.catalogue.snapshot()
    site = SiteSettings.from_doc(snap.site.to_doc())  # a copy: the snapshot is shared
    problems: list[str] = []
    if request.method == "POST":
        name = request.form.get("name", "").strip()[:80]
        if not name:
            problems.append(_("Skriv mötesplatsens namn."))
        hours = []
        for weekday in range(7):
            opens = request.form.get(f"opens_{weekday}", "").strip()
            closes = request.form.get(f"closes_{weekday}", "").strip()
            if not opens and not closes:
                continue
            if not (TIME.match(opens) and TIME.match(closes)) or closes <= opens:
                problems.append(
                    _("Öppettider skrivs som 09:00 och 17:00, stängning efter öppning.")
                )
                break
            hours.append([weekday, opens, closes])
        locale = request.form.get("default_locale", "")
        if locale and locale not in BY_CODE:
            problems.append(_("Välj ett språk i listan."))
        upload = request.files.get("logo")
        logo_data = upload.read(LOGO_MAX_BYTES + 1) if upload and upload.filename else b""
        logo_ext = None
        if logo_data:
            logo_ext = uploads.picture_type(logo_data)
            if len(logo_data) > LOGO_MAX_BYTES:
                problems.append(_("Logotypen får vara högst 512 kB."))
            elif logo_ext is None:
                problems.append(_("Logotypen ska vara en PNG-, JPEG- eller WebP-bild."))
        if not problems:
            site.name = name
            site.municipality = request.form.get("municipality", "").strip()[:80]
            site.opening_hours = hours
            site.default_locale = locale
            _read_scope(site, snap.places, snap.organisers)
            if request.form.get("remove_logo") == "yes":
                site.logo = ""
            if logo_data and logo_ext:
                site.logo = uploads.keep(_data_dir(), "logo", logo_data, logo_ext)
            svc.editor.save_site(me, site)
            flash(_("Inställningarna är sparade."))
            return redirect(url_for("admin.settings"), code=303)
    hours_by_day = {w: (o, c) for w, o, c in site.opening_hours}
    return render_template(
        "volunteers/admin/settings.html",
        site=site,
        hours_by_day=hours_by_day,
        languages=LANGUAGES,
        problems=problems,
        places=sorted(snap.places.values(), key=lambda p: p.name.casefold()),
        organisers=sorted(snap.organisers.values(), key=lambda o: o.name.casefold()),
    ), (400 if problems else 200)


SCOPE_LIST_MAX = 200  # municipalities, places or organisers named in the board's scope


def _read_scope(
    site: SiteSettings, places: Mapping[str, Any], organisers: Mapping[str, Any]
) -> None:
    """What the board shows of a region's calendar, from the settings form (unknown places
    and organisers are left out; the lists are bounded)."""
    site.shows_region = request.form.get("shows") == "region"
    named = [m.strip()[:80] for m in request.form.get("also_municipalities", "").split(",")]
    site.also_municipalities = list(dict.fromkeys(m for m in named if m))[:SCOPE_LIST_MAX]
    site.also_places = [
        p for p in dict.fromkeys(request.form.getlist("also_places")) if p in places
    ][:SCOPE_LIST_MAX]
    site.also_organisers = [
        o for o in dict.fromkeys(request.form.getlist("also_organisers")) if o in organisers
    ][:SCOPE_LIST_MAX]


@bp.get("/logo/<name>")
def logo(name: str):  # type: ignore[no-untyped-def]
    path = uploads.path_of(_data_dir(), "logo", name)
    if path is None:
        abort(404)
    return send_file(path, max_age=86400)


@bp.get("/audit")
@auth.admin_required
def audit():  # type: ignore[no-untyped-def]
    return render_template(
        "volunteers/admin/audit.html", entries=services.get().audit.entries(limit=300)
    )


@bp.get("/backups")
@auth.admin_required
def backups():  # type: ignore[no-untyped-def]
    files = services.get().store.list_backups()
    return render_template("volunteers/admin/backups.html", files=files, pending=None, counts=None)


@bp.get("/backups/<name>")
@auth.admin_required
def download_backup(name: str):  # type: ignore[no-untyped-def]
    for path in services.get().store.list_backups():
        if path.name == name:
            return send_file(path, as_attachment=True, mimetype="application/json")
    abort(404)


@bp.post("/backups/now")
@auth.admin_required
def backup_now():  # type: ignore[no-untyped-def]
    path = services.get().store.backup()
    return send_file(path, as_attachment=True, mimetype="application/json")


@bp.post("/restore")
@body_limit("RESTORE_MAX_BYTES")
@auth.admin_required
def restore_upload():  # type: ignore[no-untyped-def]
    """Step 1: check the uploaded file and keep it aside; nothing changes yet."""
    svc = services.get()
    upload = request.files.get("backup")
    raw = upload.read() if upload and upload.filename else b""
    problem = None
    counts = None
    if not raw:
        problem = _("Välj en fil med en säkerhetskopia.")
    else:
        try:
            counts = svc.store.inspect_backup(raw)
        except StoreError:
            problem = _(
                "Filen är ingen säkerhetskopia från Mötesplats, eller så är den skadad. "
                "Ingenting har ändrats."
            )
    files = svc.store.list_backups()
    if problem:
        return render_template(
            "volunteers/admin/backups.html", files=files, problem=problem, pending=None, counts=None
        ), 400
    token = secrets.token_urlsafe(24)
    pending = _data_dir() / "restore-pending"
    pending.mkdir(parents=True, exist_ok=True)
    atomic_write(pending / f"{token}.json", raw)
    return render_template(
        "volunteers/admin/backups.html", files=files, pending=token, counts=counts
    )


@bp.post("/restore/confirm")
@auth.admin_required
def restore_confirm():  # type: ignore[no-untyped-def]
    """Step 2: the admin confirmed; the current data is backed up, then replaced."""
    svc = services.get()
    me = auth.current_account()
    assert me is not None
    token = request.form.get("pending", "")
    path = _data_dir() / "restore-pending" / f"{token}.json"
    if not PENDING.match(token) or not path.exists():
        flash(_("Den uppladdade filen finns inte längre. Ladda upp den igen."))
        return redirect(url_for("admin.backups"), code=303)
    try:
        kept = svc.restore(path.read_bytes(), me.id)
    except StoreError:
        flash(
            _(
                "Filen är ingen säkerhetskopia från Mötesplats, eller så är den skadad. "
                "Ingenting har ändrats."
            )
        )
        return redirect(url_for("admin.backups"), code=303)
    finally:
        path.unlink(missing_ok=True)
    flash(
        _(
            "Säkerhetskopian är återställd. Det som fanns innan sparades som %(name)s.",
            name=kept.name,
        )
    )
    return redirect(url_for("admin.backups"), code=303)
