"""Asking for help, at the kiosk or from a phone: `/help`. Nothing of it is on the board.

Owns the public form and its thank-you page. Every refusal says why in the visitor's
language and stores nothing; the form is rate-limited per client like signups (not the
kiosk itself). Staff see the queue in `kiosk.volunteers.admin.help_queue`.
"""

from __future__ import annotations

import unicodedata

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kiosk import services
from kiosk.help.desk import ERRANDS
from kiosk.languages import LANGUAGES
from kiosk.signups.views import PHONE_PATTERN, client_is_kiosk, name_problem
from kiosk.web.i18n import current_language

bp = Blueprint("help", __name__)
MESSAGE_MAX = 300
ERRAND_LABELS = {
    "letter": _l("Jag behöver hjälp med ett brev (till exempel från Migrationsverket)"),
    "call": _l("Ring mig på mitt språk"),
    "form": _l("Hjälp med en blankett eller ett formulär på nätet"),
    "bank": _l("Bank, BankID eller försäkring"),
    "other": _l("Något annat"),
}


def _read() -> tuple[dict[str, str], list[str]]:
    form = {
        "first_name": unicodedata.normalize("NFC", request.form.get("first_name", "")).strip(),
        "language": request.form.get("language", ""),
        "phone": request.form.get("phone", "").strip(),
        "errand": request.form.get("errand", ""),
        "message": unicodedata.normalize("NFC", request.form.get("message", "")).strip(),
    }
    problem = name_problem(form["first_name"])
    problems = [problem] if problem else []
    if form["language"] not in {lang.code for lang in LANGUAGES} | {"other"}:
        problems.append(_("Välj ett språk."))
    if not PHONE_PATTERN.match(form["phone"]):
        problems.append(
            _("Telefonnumret ser inte rätt ut. Skriv bara siffror, till exempel 070 123 45 67.")
        )
    if form["errand"] not in ERRANDS:
        problems.append(_("Välj vad du behöver hjälp med."))
    if len(form["message"]) > MESSAGE_MAX:
        problems.append(_("Skriv högst %(max)s tecken.", max=MESSAGE_MAX))
    if request.form.get("consent") != "yes":
        problems.append(
            _("Kryssa i rutan om att vi får spara det du skrivit tills vi har hjälpt dig.")
        )
    if request.form.get("website"):  # a field people never see: only robots fill it in
        problems.append(_("Anmälan kunde inte tas emot. Försök igen."))
    return form, problems


@bp.route("/help", methods=["GET", "POST"])
def ask():  # type: ignore[no-untyped-def]
    svc = services.get()
    form: dict[str, str] = {"language": current_language().code}
    problems: list[str] = []
    if request.method == "POST":
        form, problems = _read()
        if (
            not problems
            and not client_is_kiosk()
            and not svc.help_limit.allow(request.remote_addr or "?")
        ):
            problems = [_("Du har skickat många på kort tid. Vänta en stund och försök igen.")]
        if not problems:
            svc.help_desk.add(
                form["first_name"], form["language"], form["phone"], form["errand"], form["message"]
            )
            return render_template(
                "help/thanks.html", days=current_app.config["HELP_RETENTION_DAYS"]
            )
    return (
        render_template(
            "help/form.html",
            form=form,
            problems=problems,
            errands=ERRAND_LABELS,
            days=current_app.config["HELP_RETENTION_DAYS"],
        ),
        400 if problems else 200,
    )
