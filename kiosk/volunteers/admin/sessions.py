"""Logging in and out of the volunteers' area."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _

from kiosk import services
from kiosk.volunteers import auth
from kiosk.volunteers.accounts import AccountError
from kiosk.volunteers.admin.blueprint import bp


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    svc = services.get()
    problem = None
    if request.method == "POST":
        if not svc.login_limit.allow(request.remote_addr or "?"):
            problem = _("För många försök från den här enheten. Vänta tio minuter.")
        else:
            try:
                account = svc.accounts.authenticate(
                    request.form.get("username", "")[:100],
                    request.form.get("password", "")[:200],
                    device=request.remote_addr or "?",
                )
            except AccountError as exc:
                if exc.code == "locked" and exc.until:
                    problem = _(
                        "För många fel lösenord från den här enheten. Försök igen klockan"
                        " %(time)s.",
                        time=format_time(exc.until.astimezone(svc.zone), "HH:mm"),
                    )
                else:
                    problem = _("Fel namn eller lösenord.")
            else:
                auth.log_in(account)
                target = auth.safe_next(request.args.get("next"), url_for("admin.index"))
                return redirect(target, code=303)
    status = 400 if problem else 200
    return render_template(
        "volunteers/admin/login.html", problem=problem, no_admin=not svc.accounts.has_admin()
    ), status


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    auth.log_out()
    return redirect(url_for("board.index"), code=303)
