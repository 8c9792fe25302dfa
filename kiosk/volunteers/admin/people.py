"""People: admins invite organisers, admins and translators (with their languages) with a
one-time link (shown as QR and text), list and switch off accounts; the invited person picks
a name and password."""

from __future__ import annotations

import base64

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kiosk import services
from kiosk.languages import BY_CODE
from kiosk.volunteers import auth
from kiosk.volunteers.accounts import ROLES, AccountError
from kiosk.volunteers.admin.blueprint import bp
from kiosk.web import qr
from kiosk.web.public_url import absolute


def _data_uri(svg: bytes) -> str:
    """An inline image: the invitation's QR must not be fetchable by URL (it holds the token)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def account_problem(code: str) -> str:
    """The volunteer's words for an AccountError code."""
    messages = {
        "password_short": _("Lösenordet behöver minst 10 tecken. En mening går bra."),
        "password_long": _("Lösenordet är för långt."),
        "username_invalid": _(
            "Användarnamnet får ha 2–40 tecken: små bokstäver a–z, siffror, punkt, - och _."
        ),
        "username_taken": _("Det användarnamnet finns redan."),
        "invitation_invalid": _(
            "Inbjudan gäller inte längre (den är använd eller för gammal). Be om en ny."
        ),
        "role_invalid": _("Okänd roll."),
        "languages_missing": _("Välj minst ett språk för en översättare."),
    }
    return messages.get(code, _("Det gick inte. Försök igen."))


@bp.route("/people", methods=["GET", "POST"])
@auth.admin_required
def people():  # type: ignore[no-untyped-def]
    svc = services.get()
    me = auth.current_account()
    assert me is not None
    snap = svc.catalogue.snapshot()
    invitation = None
    if request.method == "POST":
        if request.form.get("action") == "invite":
            role = request.form.get("role", "organiser")
            chosen = [o for o in request.form.getlist("organiser_ids") if o in snap.organisers]
            if role not in ROLES:
                abort(400)
            langs = request.form.getlist("languages")
            if role == "organiser" and not chosen:
                flash(_("Välj minst en förening för en arrangör."))
            elif role == "translator" and not [c for c in langs if c in BY_CODE and c != "sv"]:
                flash(_("Välj minst ett språk för en översättare."))
            else:
                _record, token = svc.accounts.invite(
                    role, chosen if role == "organiser" else [], me.id, languages=langs
                )
                svc.audit.record(
                    me.id,
                    "invited",
                    "invitations",
                    _record.id[:12],
                    None,
                    {"role": role, "organiser_ids": _record.organiser_ids, "languages": langs},
                )
                link = absolute(url_for("admin.join", token=token))
                invitation = {"link": link, "qr": _data_uri(qr.svg(link))}
        elif request.form.get("action") == "switch":
            account = svc.accounts.get(request.form.get("username", ""))
            if account is None or account.id == me.id:
                abort(400)
            before = account.to_doc()
            account.active = not account.active
            svc.accounts.update(account)
            svc.audit.record(me.id, "changed", "accounts", account.id, before, account.to_doc())
            return redirect(url_for("admin.people"), code=303)
    return render_template(
        "volunteers/admin/people.html",
        accounts=svc.accounts.all(),
        organisers=sorted(snap.organisers.values(), key=lambda o: o.name.lower()),
        invitation=invitation,
        me=me,
        by_code=BY_CODE,
    )


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):  # type: ignore[no-untyped-def]
    svc = services.get()
    problem = None
    try:
        invitation = svc.accounts.invitation(token)
    except AccountError as exc:
        return render_template("error.html", message=account_problem(exc.code)), 404
    if request.method == "POST":
        try:
            account = svc.accounts.accept(
                token,
                request.form.get("username", "")[:100],
                request.form.get("password", "")[:300],
                request.form.get("display_name", "")[:100],
            )
        except AccountError as exc:
            problem = account_problem(exc.code)
        else:
            svc.audit.record(account.id, "created", "accounts", account.id, None, account.to_doc())
            auth.log_in(account)
            return redirect(url_for("admin.index"), code=303)
    snap = svc.catalogue.snapshot()
    names = [snap.organisers[o].name for o in invitation.organiser_ids if o in snap.organisers]
    return render_template(
        "volunteers/admin/join.html",
        invitation=invitation,
        organiser_names=names,
        language_names=[BY_CODE[c].native_name for c in invitation.languages if c in BY_CODE],
        problem=problem,
    ), (400 if problem else 200)
