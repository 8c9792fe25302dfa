"""`/admin/help`: the staff's queue of help requests. Admins (staff) only; organisers of
associations get 403. Marking one handled starts the clock for erasing its personal data."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kiosk import services
from kiosk.help.views import ERRAND_LABELS
from kiosk.languages import BY_CODE
from kiosk.volunteers.admin.blueprint import bp
from kiosk.volunteers.auth import admin_required, current_account


@bp.app_template_global()
def open_help_requests() -> int:
    """For the staff's menu: how many requests wait for a call back."""
    return services.get().help_desk.open_count()


@bp.route("/help", methods=["GET", "POST"])
@admin_required
def help_queue():  # type: ignore[no-untyped-def]
    svc = services.get()
    if request.method == "POST":
        me = current_account()
        if svc.help_desk.mark_handled(request.form.get("id", ""), me.id if me else "?"):
            flash(_("Markerad som klar."))
        return redirect(url_for("admin.help_queue"), code=303)
    response = Response(
        render_template(
            "volunteers/admin/help.html",
            queue=svc.help_desk.queue(),
            errands=ERRAND_LABELS,
            language_names={code: lang.native_name for code, lang in BY_CODE.items()},
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
