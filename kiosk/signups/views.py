"""Signing up from a phone or at the kiosk: the form, the private confirmation page, QR codes.

Owns `/a/<id>/<rid>/signup`, `/s/<signup id>/<secret>` (view; cancel in two steps, undone
within a minute) and the QR images.
Every refusal says why in the visitor's language and stores nothing. Never shows anyone's
name except on that person's own private page.

The form works as a plain HTML form. The page's script (static/js/signup-queue.js) sends
the same fields with a fetch carrying the header `X-Motesplats-Request: signup` and an
`idempotency_key`; it then gets JSON back — `{"ok": true, "url": …}` or
`{"ok": false, "problems": [...], "retry": bool}` — so a signup kept on a phone while it
was offline can be sent again, any number of times, and is stored once.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from kiosk import services
from kiosk.activities.model import plain_digits
from kiosk.activities.recurrence import Occurrence
from kiosk.board import agenda
from kiosk.ical.write import occurrence_calendar
from kiosk.languages import normalise
from kiosk.messaging.web_push import check_subscription
from kiosk.signups import course as courses
from kiosk.signups.book import IDEMPOTENCY_KEY, SignupError
from kiosk.signups.phone import PhoneProblem
from kiosk.signups.phone import normalise as normalise_phone
from kiosk.web import proxies, qr
from kiosk.web.csrf import SCRIPT_ENDPOINTS, SCRIPT_HEADER
from kiosk.web.formatting import hhmm, long_date
from kiosk.web.i18n import current_language
from kiosk.web.public_url import absolute, reachable_by_phones

bp = Blueprint("signup", __name__)
NAME_MAX = 60
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-]{6,20}$")


def _occurrence_or_404(activity_id: str, rid: str) -> Occurrence:
    occurrence = agenda.find_occurrence(services.get().catalogue.snapshot(), activity_id, rid)
    if occurrence is None:
        abort(404)
    return occurrence


def signup_path(occurrence: Occurrence, lang: str) -> str:
    return url_for(
        "signup.form", activity_id=occurrence.activity.id, rid=occurrence.recurrence_id, lang=lang
    )


@dataclass
class Entry:
    """What the person typed, checked."""

    name: str = ""
    adults: int = 1
    children: int = 0
    phone: str = ""


def name_problem(name: str) -> str | None:
    """What is wrong with a first name or nickname a person typed (NFC, stripped), if
    anything, in their language. Shared by every public form that asks for a name."""
    if not name:
        return _("Skriv ditt förnamn eller ett smeknamn.")
    if len(name) > NAME_MAX:
        return _("Namnet är för långt (högst %(max)s tecken).", max=NAME_MAX)
    if any(c in name for c in "<>{}") or any(unicodedata.category(c)[0] == "C" for c in name):
        return _("Namnet får bara innehålla bokstäver, siffror och vanliga tecken.")
    return None


def _count(field: str, default: int) -> int | None:
    text = request.form.get(field, str(default)).strip() or str(default)
    return int(text) if plain_digits(text) and len(text) <= 3 else None


def read_entry() -> tuple[Entry, list[str]]:
    """The form's fields and every problem with them, as messages for the person."""
    name = unicodedata.normalize("NFC", request.form.get("name", "")).strip()
    problem = name_problem(name)
    problems = [problem] if problem else []
    adults, children = _count("adults", 1), _count("children", 0)
    most = current_app.config["SIGNUP_MAX_PEOPLE"]
    if adults is None or children is None:
        problems.append(_("Skriv antalet vuxna och barn med siffror."))
    elif not 1 <= adults + children <= most:
        problems.append(_("En anmälan gäller 1 till %(most)s personer.", most=most))
    try:
        phone = normalise_phone(request.form.get("phone", "")[:100])
    except PhoneProblem as exc:
        phone = ""
        if exc.code == "not_mobile":
            problems.append(
                _(
                    "Det numret är inget mobilnummer, så inga sms kan nå det. Skriv ett"
                    " mobilnummer, till exempel 070 123 45 67, eller lämna rutan tom."
                )
            )
        else:
            problems.append(
                _("Telefonnumret ser inte rätt ut. Skriv bara siffror, till exempel 070 123 45 67.")
            )
    if request.form.get("consent") != "yes":
        problems.append(
            _("Kryssa i rutan om att vi får spara ditt namn tills aktiviteten är över.")
        )
    key = request.form.get("idempotency_key", "")
    if request.form.get("website") or (key and not IDEMPOTENCY_KEY.match(key)):
        # a field people never see (only robots fill it in), or a key our script never makes
        problems.append(_("Anmälan kunde inte tas emot. Försök igen."))
    entry = Entry(
        name[:NAME_MAX],
        adults if adults is not None else 1,
        children if children is not None else 0,
        phone[:30],
    )
    return entry, problems


def client_is_kiosk() -> bool:
    """The kiosk's own browser (on the server itself): not rate-limited."""
    return proxies.is_kiosk(request.environ)


def _sent_by_script() -> bool:
    return request.headers.get(SCRIPT_HEADER) == SCRIPT_ENDPOINTS["signup.form"]


def _answer(url: str | None, problems: list[str], status: int, retry: bool = False):  # type: ignore[no-untyped-def]
    """JSON for the page's script: where to go, or what is wrong and whether to try later."""
    if url:
        return jsonify(ok=True, url=url)
    response = jsonify(ok=False, problems=problems, retry=retry)
    response.status_code = status
    return response


@bp.get("/a/<activity_id>/signup")
def next_form(activity_id: str):  # type: ignore[no-untyped-def]
    """A stable address for printed posters: the form of the next occurrence still open
    (not cancelled, not begun); the activity's page when there is none."""
    svc = services.get()
    activity = svc.catalogue.snapshot().activities.get(activity_id)
    if activity is None:
        abort(404)
    lang = normalise(request.args.get("lang")) or current_language().code
    now = svc.now()
    if activity.signup.required and activity.status != "cancelled":
        for occ in agenda.upcoming_of(activity, now, days=366):
            if occ.status != "cancelled" and occ.start > now:
                return redirect(signup_path(occ, lang), code=302)
    return redirect(url_for("board.detail", activity_id=activity_id, lang=lang), code=302)


def window_closed(occurrence: Occurrence, now: datetime) -> str | None:
    """Why the activity's signup window does not take signups now, or None."""
    opens, closes = occurrence.activity.signup.window(occurrence.start)
    zone = occurrence.activity.zone
    if opens is not None and now < opens:
        local = opens.astimezone(zone)
        return _(
            "Anmälan öppnar %(day)s klockan %(time)s.",
            day=long_date(local.date()),
            time=hhmm(local),
        )
    if closes is not None and now >= closes:
        return _("Anmälan har stängt. Fråga arrangören om det finns plats.")
    return None


@bp.route("/a/<activity_id>/<rid>/signup", methods=["GET", "POST"])
def form(activity_id: str, rid: str):  # type: ignore[no-untyped-def]
    """One date's form; for a course, the form of every date left (whichever date's link
    was followed, the signup covers the dates from the next one)."""
    svc = services.get()
    occurrence = _occurrence_or_404(activity_id, rid)
    activity = occurrence.activity
    now = svc.now()
    dates = None
    if activity.signup.course and activity.signup.required and occurrence.status != "cancelled":
        dates = courses.dates_left(activity, now)
        if dates and occurrence.end > now:
            occurrence = dates[0]  # the course's signup starts at its next date
    closed_reason = None
    if occurrence.status == "cancelled":
        closed_reason = _("Det här tillfället är inställt. Du kan inte anmäla dig.")
    elif not activity.signup.required:
        closed_reason = _("Ingen anmälan behövs – kom när du vill.")
    elif occurrence.end <= now or dates == []:
        closed_reason = _("Det här tillfället har redan varit.")
    else:
        closed_reason = window_closed(occurrence, now)
    entry, problems, status = Entry(), [], 200
    if request.method == "POST":
        entry, problems = read_entry()
        key = request.form.get("idempotency_key") or None
        limited = False
        if closed_reason and not key:
            problems = [closed_reason]
        elif (
            not problems
            and not client_is_kiosk()
            and not svc.signups.has_key(key)
            and not svc.signup_limit.allow(request.remote_addr or "?")
        ):
            limited = True
            problems = [
                _("Du har gjort många anmälningar på kort tid. Vänta en stund och försök igen.")
            ]
        elif (
            not problems
            and not client_is_kiosk()
            and not svc.signups.has_key(key)
            and not svc.party_limit.allow(
                f"{request.remote_addr}|{activity.id}/{'' if dates else occurrence.recurrence_id}",
                entry.adults + entry.children,
            )
        ):
            # one phone cannot take every place of a date (ten signups of ten people)
            problems = [
                _(
                    "Från en telefon kan du anmäla högst %(most)s personer till samma tillfälle."
                    " Fråga arrangören om ni behöver fler platser.",
                    most=current_app.config["SIGNUP_MAX_PEOPLE"],
                )
            ]
        if not problems:
            try:
                signup, secret = svc.signups.add(
                    occurrence,
                    name=entry.name,
                    adults=entry.adults,
                    children=entry.children,
                    phone=entry.phone,
                    language=current_language().code,
                    idempotency_key=key,
                    course=dates or None,
                )
            except SignupError as refused:
                problems = [
                    closed_reason
                    if closed_reason and refused.reason != "key_reused"
                    else _("Det går inte att anmäla sig till det här tillfället.")
                ]
            else:
                svc.tell_signed_up(signup)
                url = url_for(
                    "signup.mine",
                    signup_id=signup.id,
                    secret=secret,
                    lang=current_language().code,
                )
                return _answer(url, [], 200) if _sent_by_script() else redirect(url, code=303)
        status = 429 if limited else 400
        if _sent_by_script():
            return _answer(None, problems, status, retry=limited)
    if dates:
        counts = courses.tightest(svc.signups, dates)
    else:
        counts = svc.signups.counts(activity.id, occurrence.recurrence_id)
    snap = svc.catalogue.snapshot()
    return render_template(
        "signups/form.html",
        occurrence=occurrence,
        activity=activity,
        course_dates=dates or [],
        entry=entry,
        problems=problems,
        closed_reason=closed_reason,
        counts=counts,
        place=snap.places.get(activity.place_id or ""),
        max_people=current_app.config["SIGNUP_MAX_PEOPLE"],
    ), status


def _mine_or_error(signup_id: str, secret: str):  # type: ignore[no-untyped-def]
    """The signup behind a private link, as it is now (for a course: its next date), or
    the error page to answer."""
    book = services.get().signups
    try:
        return book.current(book.find(signup_id, secret)), None
    except SignupError:
        message = _(
            "Länken stämmer inte. Kontrollera att hela länken kom med, eller fråga arrangören."
        )
        return None, (render_template("error.html", message=message), 404)


def _private_page(signup, secret: str, status: int = 200, **shown: object):  # type: ignore[no-untyped-def]
    """The private page of one signup (never cached, never sent as a referrer); `shown`:
    what this visit shows beside the signup (the cancel question, a message)."""
    svc = services.get()
    snap = svc.catalogue.snapshot()
    occurrence = agenda.find_occurrence(snap, signup.activity_id, signup.recurrence_id)
    if occurrence is None:
        return render_template("error.html", message=_("Aktiviteten finns inte längre.")), 404
    activity = occurrence.activity
    waiting_ahead = svc.signups.waiting_ahead(signup) if signup.status == "waitlisted" else 0
    undo_until = svc.signups.undo_until(signup)
    link_id = (request.view_args or {}).get("signup_id", signup.id)  # a course: its first date
    private_path = url_for("signup.mine", signup_id=link_id, secret=secret)
    course_dates = []
    if signup.course:
        for record in svc.signups.enrolment(signup):
            found = agenda.find_occurrence(snap, record.activity_id, record.recurrence_id)
            if found is not None:
                course_dates.append((found, record))
    response = Response(
        render_template(
            "signups/mine.html",
            signup=signup,
            link_id=link_id,
            course_dates=course_dates,
            secret=secret,
            occurrence=occurrence,
            activity=activity,
            waiting_ahead=waiting_ahead,
            place=snap.places.get(activity.place_id or ""),
            private_url=absolute(private_path),
            phones_reach=reachable_by_phones(),
            private_path=private_path,
            undo_seconds=(
                max(1, int((undo_until - svc.clock()).total_seconds())) if undo_until else 0
            ),
            sms_on=svc.sms.transport is not None and bool(signup.phone),
            sms_stopped=bool(signup.phone) and svc.sms_outbox.is_stopped(signup.phone or ""),
            push_key=svc.push_key,
            **{"cancelled_now": False, "confirm_cancel": False, "notice": None, "problem": None}
            | shown,
        ),
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


UNDONE_NOTICES = {  # ?undone=<key> after taking a cancellation back
    "place": lambda: _("Avbokningen är ångrad. Du har din plats igen."),
    "lost": lambda: _(
        "Avbokningen är ångrad, men din plats hann gå till någon på väntelistan. "
        "Du står nu på väntelistan och får platsen om någon annan avbokar."
    ),
    "waiting": lambda: _("Avbokningen är ångrad. Du står på väntelistan igen."),
}


@bp.get("/s/<signup_id>/<secret>")
def mine(signup_id: str, secret: str):  # type: ignore[no-untyped-def]
    signup, error = _mine_or_error(signup_id, secret)
    if error:
        return error
    notice = UNDONE_NOTICES.get(request.args.get("undone", ""))
    return _private_page(
        signup,
        secret,
        cancelled_now=request.args.get("cancelled") == "1",
        notice=notice() if notice else None,
    )


@bp.get("/s/<signup_id>/<secret>.ics")
def add_to_calendar(signup_id: str, secret: str) -> Response:
    """The signed-up date (every date left of a course) as a small calendar file for the
    person's own phone calendar, in the language they signed up in, with their private
    link; never cached by others."""
    signup, error = _mine_or_error(signup_id, secret)
    if error:
        abort(404)
    svc = services.get()
    snap = svc.catalogue.snapshot()
    dates = []
    for record in svc.signups.enrolment(signup):
        occurrence = agenda.find_occurrence(snap, record.activity_id, record.recurrence_id)
        wanted = record.id == signup.id or record.status != "cancelled"
        # from the date that speaks for it now on
        if occurrence is not None and wanted and record.occurrence_end >= signup.occurrence_end:
            dates.append((occurrence.start, occurrence.end, f"signup-{record.id}@motesplats"))
    if not dates:
        abort(404)
    activity = snap.activities[signup.activity_id]
    private = absolute(
        url_for("signup.mine", signup_id=signup_id, secret=secret, lang=signup.language)
    )
    body = occurrence_calendar(
        activity,
        dates,
        snap.places.get(activity.place_id or ""),
        signup.language,
        url=private,
        stamp=svc.clock(),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="motesplats.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _back_to_mine(signup_id: str, secret: str, **args: object):  # type: ignore[no-untyped-def]
    return redirect(
        url_for(
            "signup.mine",
            signup_id=signup_id,
            secret=secret,
            lang=current_language().code,
            **args,
        ),
        code=303,
    )


@bp.post("/s/<signup_id>/<secret>/cancel")
def cancel(signup_id: str, secret: str):  # type: ignore[no-untyped-def]
    """Two steps, without script: the first POST asks "are you sure?"; only the second,
    with confirm=yes, cancels."""
    signup, error = _mine_or_error(signup_id, secret)
    if error:
        return error
    if signup.status == "cancelled":
        return render_template("error.html", message=_("Den här anmälan är redan avbokad.")), 409
    if request.form.get("confirm") != "yes":
        return _private_page(signup, secret, confirm_cancel=True)
    try:
        _cancelled, promoted = services.get().signups.cancel(signup_id, secret)
    except SignupError:
        return render_template("error.html", message=_("Den här anmälan är redan avbokad.")), 409
    services.get().tell_promoted(promoted)  # queued (durable) before this answer
    return _back_to_mine(signup_id, secret, cancelled=1)


@bp.get("/m/<token>")
def from_text_message(token: str):  # type: ignore[no-untyped-def]
    """The short link in a text message: the private page, in the person's language."""
    try:
        signup = services.get().signups.find_by_sms_token(token[:40])
    except SignupError:
        return render_template("error.html", message=_("Länken gäller inte längre.")), 404
    return redirect(
        url_for("signup.mine", signup_id=signup.id, secret=token, lang=signup.language),
        code=303,
    )


@bp.post("/s/<signup_id>/<secret>/sms-stop")
def stop_messages(signup_id: str, secret: str):  # type: ignore[no-untyped-def]
    """No more text messages to this signup's number (as replying STOP does)."""
    signup, error = _mine_or_error(signup_id, secret)
    if error:
        return error
    if signup.phone:
        services.get().sms_outbox.stop_number(signup.phone)
    return _back_to_mine(signup_id, secret, sms="stopped")


MAX_SUBSCRIPTION = 4096  # characters of a browser's PushSubscription JSON


@bp.post("/s/<signup_id>/<secret>/push")
def push_subscribe(signup_id: str, secret: str):  # type: ignore[no-untyped-def]
    """The private page's script sends the browser's push subscription (form field
    `subscription`, its JSON); kept with the signup and erased with it."""
    signup, error = _mine_or_error(signup_id, secret)
    if error:
        return error
    svc = services.get()
    refused = _("Den här webbläsaren kan inte få besked från oss.")
    raw = request.form.get("subscription", "")
    if not svc.push_key or signup.status == "cancelled" or len(raw) > MAX_SUBSCRIPTION:
        return jsonify(error=refused), 400
    try:
        subscription = check_subscription(json.loads(raw), svc.push_services)
    except (ValueError, RecursionError):  # JSONDecodeError and BadSubscription are ValueErrors
        return jsonify(error=refused), 400
    try:
        svc.signups.set_push(signup_id, secret, subscription)
    except SignupError:
        return jsonify(error=_("Länken gäller inte längre.")), 404
    return jsonify(ok=True)


@bp.post("/s/<signup_id>/<secret>/push-stop")
def push_stop(signup_id: str, secret: str):  # type: ignore[no-untyped-def]
    """No more notifications to the browser this signup was subscribed from."""
    signup, error = _mine_or_error(signup_id, secret)
    if error:
        return error
    if signup.push:
        services.get().signups.set_push(signup_id, secret, None)
    return _back_to_mine(signup_id, secret, push="stopped")


@bp.post("/s/<signup_id>/<secret>/undo")
def undo_cancel(signup_id: str, secret: str):  # type: ignore[no-untyped-def]
    """Take a cancellation back within a minute (`SignupBook.undo_cancel`)."""
    signup, error = _mine_or_error(signup_id, secret)
    if error:
        return error
    try:
        undone = services.get().signups.undo_cancel(signup_id, secret)
    except SignupError as refused:
        if refused.reason == "not_cancelled":
            return _back_to_mine(signup_id, secret)  # undone already (a second tap)
        message = _(
            "Det har gått mer än en minut sedan avbokningen, så den kan inte ångras. "
            "Anmäl dig igen om det finns plats."
        )
        return _private_page(signup, secret, status=409, problem=message)
    key = "place" if undone.has_place else "lost" if undone.lost_place else "waiting"
    return _back_to_mine(signup_id, secret, undone=key)


def _svg(data: str) -> Response:
    response = Response(qr.svg(data), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/qr/a/<activity_id>/<rid>.svg")
def occurrence_qr(activity_id: str, rid: str) -> Response:
    occurrence = _occurrence_or_404(activity_id, rid)
    return _svg(absolute(signup_path(occurrence, current_language().code)))


@bp.get("/qr/s/<signup_id>/<secret>.svg")
def private_qr(signup_id: str, secret: str) -> Response:
    signup, error = _mine_or_error(signup_id, secret)
    if error:
        abort(404)
    response = _svg(absolute(url_for("signup.mine", signup_id=signup_id, secret=secret)))
    response.headers["Cache-Control"] = "no-store"
    return response
