"""Organisers' view of signups: who comes, print an attendance sheet, CSV, mark attendance.

Owns `/organiser/...`, behind `organiser_access.organiser_required` (a PIN for now; the admin
accounts of a later issue replace that guard). Personal data appears only here.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kiosk import services
from kiosk.board import agenda
from kiosk.languages import LANGUAGES
from kiosk.municipality import door_counts
from kiosk.municipality.spreadsheet import excel_csv
from kiosk.signups.book import SignupError
from kiosk.signups.phone import readable as readable_phone
from kiosk.volunteers import organiser_access
from kiosk.volunteers.auth import current_account, safe_next

bp = Blueprint("organiser", __name__, url_prefix="/organiser")


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("organiser.index"), under="/organiser/")


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    problem = None
    if not organiser_access.pin_configured():
        problem = _("Ingen gemensam PIN är inställd. Logga in med ditt konto.")
    elif request.method == "POST":
        if not organiser_access.pin_attempts.allow(request.remote_addr or "?"):
            problem = _("För många försök. Vänta tio minuter.")
        elif organiser_access.check_pin(request.form.get("pin", "")):
            organiser_access.log_in()
            return redirect(_safe_next(request.args.get("next")), code=303)
        else:
            problem = _("Fel PIN.")
    status = 400 if problem and request.method == "POST" else 200
    return render_template(
        "volunteers/organiser/login.html", problem=problem, pin=organiser_access.pin_configured()
    ), status


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    organiser_access.log_out()
    return redirect(url_for("board.index"), code=303)


@bp.get("/")
@organiser_access.organiser_required
def index():  # type: ignore[no-untyped-def]
    svc = services.get()
    snap = svc.catalogue.snapshot()
    now = svc.now()
    rows = []
    for occ in agenda.occurrences_between(snap, now - timedelta(days=7), now + timedelta(days=21)):
        if organiser_access.may_see(occ.activity.organiser_id):
            counts = svc.signups.counts(occ.activity.id, occ.recurrence_id)
            rows.append((occ, counts))
    return render_template("volunteers/organiser/index.html", rows=rows)


def _occurrence(activity_id: str, rid: str):  # type: ignore[no-untyped-def]
    occ = agenda.find_occurrence(services.get().catalogue.snapshot(), activity_id, rid)
    if occ is None:
        abort(404)
    if not organiser_access.may_see(occ.activity.organiser_id):
        abort(403)
    return occ


@bp.route("/o/<activity_id>/<rid>", methods=["GET", "POST"])
@organiser_access.organiser_required
def occurrence(activity_id: str, rid: str):  # type: ignore[no-untyped-def]
    svc = services.get()
    occ = _occurrence(activity_id, rid)
    problem = None
    if request.method == "POST":
        try:
            door = door_counts.parse(request.form.to_dict())
        except door_counts.DoorCountError:
            problem = _("Skriv antal med siffror (0 till 9999), eller lämna rutan tom.")
        if problem is None and door != svc.door_counts.get(activity_id, rid):
            before = svc.door_counts.get(activity_id, rid)
            svc.door_counts.set(activity_id, rid, door)
            account = current_account()
            svc.audit.record(
                account.id if account else "organiser-pin",
                "changed",
                door_counts.TABLE,
                f"{activity_id}/{rid}",
                asdict(before),
                asdict(door),
            )
        present = set(request.form.getlist("attended"))
        for signup in svc.signups.signups_for(activity_id, rid):
            try:
                svc.signups.mark_attended(signup.id, signup.id in present)
            except SignupError:
                abort(404)
        if problem is None:
            return redirect(
                url_for("organiser.occurrence", activity_id=activity_id, rid=rid, saved=1),
                code=303,
            )
    signups = svc.signups.signups_for(activity_id, rid)
    counts = svc.signups.counts(activity_id, rid)
    response = Response(
        render_template(
            "volunteers/organiser/occurrence.html",
            occ=occ,
            signups=signups,
            counts=counts,
            door=svc.door_counts.get(activity_id, rid),
            sms_on=svc.sms.transport is not None,
            may_send_sms=bool(
                current_account() and current_account().may_edit(occ.activity.organiser_id)  # type: ignore[union-attr]
            ),
            sms_rows=_sms_rows(svc.sms_outbox.for_occurrence(f"{activity_id}/{rid}")),
            sms_queued=request.args.get("sms"),
            languages=LANGUAGES,
            problem=problem,
            saved=request.args.get("saved") == "1",
            decided=DECIDED.get(request.args.get("decided", ""), lambda: None)(),
        ),
        400 if problem else 200,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


DECIDED = {  # ?decided=<answer> after approving or declining a signup
    "confirmed": lambda: _("Godkänd. Personen har fått en plats."),
    "waitlisted": lambda: _("Godkänd. Det är fullt, så personen står nu sist på väntelistan."),
    "declined": lambda: _("Du har sagt nej till anmälan."),
}


@bp.post("/o/<activity_id>/<rid>/decide")
@organiser_access.organiser_required
def decide(activity_id: str, rid: str):  # type: ignore[no-untyped-def]
    """Approve or decline one pending signup of this occurrence (a course: every date
    left); the person hears the answer in their own language, by SMS or Web Push."""
    svc = services.get()
    _occurrence(activity_id, rid)
    answer, _sep, signup_id = request.form.get("decide", "").partition(":")
    if answer not in ("approve", "decline"):
        abort(400)
    if signup_id not in {s.id for s in svc.signups.signups_for(activity_id, rid)}:
        abort(404)
    try:
        decided, _records = svc.signups.decide(signup_id, approve=answer == "approve")
    except SignupError:  # decided already (a second tap, or another organiser)
        return redirect(url_for("organiser.occurrence", activity_id=activity_id, rid=rid), 303)
    account = current_account()
    svc.audit.record(
        account.id if account else "organiser-pin",
        "approved" if answer == "approve" else "declined",
        "signups",
        f"{activity_id}/{rid}",
        {"status": "pending"},
        {"status": decided.status, "code": decided.code},
    )
    svc.tell_decided(decided)
    return redirect(
        url_for("organiser.occurrence", activity_id=activity_id, rid=rid, decided=decided.status),
        code=303,
    )


SMS_KINDS = {
    "confirmed": lambda: _("Bekräftelser"),
    "promoted": lambda: _("Plats från väntelistan"),
    "approved": lambda: _("Godkända anmälningar"),
    "approved_waiting": lambda: _("Godkända till väntelistan"),
    "declined": lambda: _("Nej till anmälan"),
    "reminder": lambda: _("Påminnelser"),
    "cancelled": lambda: _("Inställt"),
    "moved": lambda: _("Ändrad tid eller plats"),
    "organiser": lambda: _("Meddelanden från arrangören"),
}


def _sms_rows(counts: dict[tuple[str, str], int]) -> list[tuple[str, int, int, int]]:
    """Per kind of message: its label, how many were sent, wait, were not sent."""
    rows = []
    for kind, label in SMS_KINDS.items():
        sent = counts.get((kind, "sent"), 0)
        waiting = sum(counts.get((kind, s), 0) for s in ("queued", "handing", "handed"))
        dropped = counts.get((kind, "dropped"), 0)
        if sent or waiting or dropped:
            rows.append((label(), sent, waiting, dropped))
    return rows


@bp.post("/o/<activity_id>/<rid>/sms")
@organiser_access.organiser_required
def occurrence_sms(activity_id: str, rid: str):  # type: ignore[no-untyped-def]
    """The organiser's own message to everyone on this occurrence who gave a phone: a text
    per language (at most 300 characters each); the others get a translated template."""
    svc = services.get()
    occ = _occurrence(activity_id, rid)
    account = current_account()
    if account is None or not account.may_edit(occ.activity.organiser_id):
        abort(403)
    texts = {
        lang.code: request.form.get(f"text_{lang.code}", "").strip()[:300] for lang in LANGUAGES
    }
    queued = 0
    if any(texts.values()) and svc.sms.transport is not None:
        queued = svc.notifier.organiser_message(activity_id, rid, texts)
        svc.audit.record(account.id, "sent", "sms", f"{activity_id}/{rid}", None, {"to": queued})
        svc.sms.wake()
    return redirect(
        url_for("organiser.occurrence", activity_id=activity_id, rid=rid, sms=queued), code=303
    )


@bp.get("/o/<activity_id>/<rid>.csv")
@organiser_access.organiser_required
def occurrence_csv(activity_id: str, rid: str) -> Response:
    occ = _occurrence(activity_id, rid)
    header = [
        _("Kod"),
        _("Namn"),
        _("Vuxna"),
        _("Barn"),
        _("Telefon"),
        _("Status"),
        _("Närvarande"),
    ]
    rows = [
        [
            s.code,
            s.name or "",
            s.adults,
            s.children,
            readable_phone(s.phone or ""),
            s.status,
            "1" if s.attended else "0",
        ]
        for s in services.get().signups.signups_for(activity_id, rid)
    ]
    return excel_csv(header, rows, f"anmalningar-{occ.start:%Y-%m-%d}.csv")
