"""Editing activities: the list, the form with clash warnings and conflicts, single
occurrences of a series (every date to the series' end, month by month or by picking a
day), deleting, and the week by place (each item opens its date)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kiosk import services
from kiosk.activities import clash
from kiosk.activities.model import (
    AUDIENCES,
    Activity,
    Override,
    parse_day,
    plain_digits,
    whole_days,
)
from kiosk.activities.recurrence import expand
from kiosk.board import agenda
from kiosk.languages import BY_CODE, LANGUAGES, SOURCE_LANGUAGE, SPOKEN_NAMES
from kiosk.translating import queue as translation_queue
from kiosk.volunteers import activity_form, auth
from kiosk.volunteers.accounts import Account
from kiosk.volunteers.admin.blueprint import bp
from kiosk.volunteers.admin.series_dates import on_day, series_months
from kiosk.volunteers.audit import changed_fields
from kiosk.volunteers.editing import Conflict, Gone, NotAllowed
from kiosk.web.formatting import long_date


def _editable(account: Account) -> list[Activity]:
    snap = services.get().catalogue.snapshot()
    mine = [a for a in snap.activities.values() if account.may_edit(a.organiser_id)]
    return sorted(mine, key=lambda a: a.title.get("sv") or next(iter(a.title.values()), ""))


def _choices(account: Account) -> dict[str, Any]:
    snap = services.get().catalogue.snapshot()
    organisers = [
        o for o in snap.organisers.values() if account.is_admin or o.id in account.organiser_ids
    ]
    return {
        "places": sorted(snap.places.values(), key=lambda p: p.name.lower()),
        "organisers": sorted(organisers, key=lambda o: o.name.lower()),
        "may_add_organiser": account.is_admin,
        "audiences": AUDIENCES,
        "ui_languages": LANGUAGES,
        "spoken": SPOKEN_NAMES,
    }


def _activity_or_404(activity_id: str, account: Account) -> Activity:
    activity = services.get().catalogue.snapshot().activities.get(activity_id)
    if activity is None:
        abort(404)
    if not account.may_edit(activity.organiser_id):
        abort(403)
    return activity


@bp.get("/")
@auth.login_required
def index():  # type: ignore[no-untyped-def]
    svc = services.get()
    account = auth.current_account()
    assert account is not None
    now = svc.now()
    rows = []
    for activity in _editable(account):
        upcoming = agenda.upcoming_of(activity, now, days=120)
        rows.append((activity, upcoming[0] if upcoming else None))
    rows.sort(key=lambda r: (r[1] is None, r[1].start if r[1] else now))
    snap = svc.catalogue.snapshot()
    coverage = []
    if account.is_admin:  # how much of the coming week each language has
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        others = [lang.code for lang in LANGUAGES if lang.code != SOURCE_LANGUAGE]
        coverage = translation_queue.coverage(
            list(snap.activities.values()), others, midnight, midnight + timedelta(days=7)
        )
    return render_template(
        "volunteers/admin/index.html",
        rows=rows,
        places=snap.places,
        organisers=snap.organisers,
        coverage=coverage,
        by_code=BY_CODE,
    )


def _form_page(
    account: Account,
    values: dict[str, Any],
    existing: Activity | None,
    status: int = 200,
    **extra: Any,
):  # type: ignore[no-untyped-def]
    series = None
    if existing is not None:
        series = series_months(existing, services.get().now(), request.args.get("month"))
    return (
        render_template(
            "volunteers/admin/activity_form.html",
            values=values,
            existing=existing,
            series=series,
            problems=extra.pop("problems", {}),
            **_choices(account),
            **extra,
        ),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
@auth.login_required
def new():  # type: ignore[no-untyped-def]
    account = auth.current_account()
    assert account is not None
    if request.method == "GET":
        svc = services.get()
        values = activity_form.blank_values(svc.now().date() + timedelta(days=7))
        if not account.is_admin and account.organiser_ids:
            values["organiser_id"] = account.organiser_ids[0]
        return _form_page(account, values, None)
    return _save(account, None)


@bp.route("/edit/<activity_id>", methods=["GET", "POST"])
@auth.login_required
def edit(activity_id: str):  # type: ignore[no-untyped-def]
    account = auth.current_account()
    assert account is not None
    existing = _activity_or_404(activity_id, account)
    engine = services.get().sync
    if engine.read_only(existing.source):
        source = engine.sources.for_origin(existing.source)
        message = _(
            "Den här aktiviteten kommer från kalendern %(name)s och ändras där.",
            name=source.name if source else existing.source,
        )
        return render_template("error.html", message=message), 403
    if request.method == "GET":
        values = activity_form.values_of(existing, services.get().zone)
        history = services.get().audit.entries(limit=5, target=activity_id)
        return _form_page(account, values, existing, history=history)
    return _save(account, existing)


def _save(account: Account, existing: Activity | None):  # type: ignore[no-untyped-def]
    svc = services.get()
    snap = svc.catalogue.snapshot()
    parsed = activity_form.parse(
        request.form, svc.zone, existing, set(snap.places), set(snap.organisers)
    )
    values = {
        **request.form.to_dict(),
        **{k: request.form.getlist(k) for k in ("audiences", "languages")},
    }
    values["childcare"] = request.form.get("childcare") == "yes"
    values["all_day"] = request.form.get("all_day") == "yes"
    values["signup_required"] = request.form.get("signup_required") == "yes"
    if parsed.new_organiser and not account.is_admin:
        parsed.problems["organiser_id"] = _("Bara en administratör kan lägga till en förening.")
    if (
        not account.is_admin
        and parsed.new_organiser is None
        and not account.may_edit(parsed.activity.organiser_id)
    ):
        parsed.problems["organiser_id"] = _("Välj en av dina föreningar.")
    if parsed.problems:
        return _form_page(account, values, existing, 400, problems=parsed.problems)

    activity = parsed.activity
    clashes = clash.find(snap, activity, svc.now())
    if clashes and request.form.get("confirm_clash") != "yes":
        return _form_page(account, values, existing, clashes=clashes)

    if parsed.new_place:
        activity.place_id = svc.editor.add_place(
            account, parsed.new_place.name, parsed.new_place.address, parsed.new_place.room
        ).id
    if parsed.new_organiser:
        activity.organiser_id = svc.editor.add_organiser(account, parsed.new_organiser.name).id
    try:
        saved = svc.editor.save(account, activity, parsed.expected_version)
    except Conflict as conflict:
        values["version"] = str(conflict.current.version)
        values["place_id"] = activity.place_id or ""
        values["organiser_id"] = activity.organiser_id or ""
        theirs, yours = conflict.current.to_doc(), activity.to_doc()
        return _form_page(
            account,
            values,
            conflict.current,
            409,
            conflict=conflict.current,
            differences=[(k, theirs.get(k), yours.get(k)) for k in changed_fields(theirs, yours)],
        )
    except Gone:
        flash(_("Aktiviteten har tagits bort av någon annan under tiden."))
        return redirect(url_for("admin.index"), code=303)
    except NotAllowed:
        abort(403)
    flash(_("Sparat: %(title)s", title=saved.title.get("sv", "")))
    return redirect(url_for("admin.index"), code=303)


@bp.route("/edit/<activity_id>/o/<rid>", methods=["GET", "POST"])
@auth.login_required
def occurrence(activity_id: str, rid: str):  # type: ignore[no-untyped-def]
    account = auth.current_account()
    assert account is not None
    svc = services.get()
    activity = _activity_or_404(activity_id, account)
    occ = agenda.find_occurrence(svc.catalogue.snapshot(), activity_id, rid)
    if occ is None:
        abort(404)
    problem = None
    status = 200
    if request.method == "POST":
        status = 400
        action = request.form.get("action", "")
        version = request.form.get("version", "")
        note = activity_form.notes_from(request.form, "note")
        start = end = None
        if action == "move":
            try:
                day = date.fromisoformat(request.form.get("date", ""))
                starts = time.fromisoformat(request.form.get("start_time", ""))
                ends = time.fromisoformat(request.form.get("end_time", ""))
                start = datetime.combine(day, starts, svc.zone)
                end = datetime.combine(day, ends, svc.zone)
                days = whole_days(occ.start, occ.end, svc.zone)
                if days and starts == ends == time(0):  # an all-day occurrence keeps its days
                    end = datetime.combine(day + timedelta(days=days), time(0), svc.zone)
                if end <= start:
                    problem = _("Slutet måste vara efter starten.")
            except ValueError:
                problem = _("Skriv datum och tider som 2026-12-01 och 18:00.")
        elif action not in ("cancel", "restore"):
            problem = _("Välj vad som ska hända.")
        if problem is None:
            try:
                svc.editor.change_occurrence(
                    account,
                    activity_id,
                    rid,
                    int(version) if plain_digits(version) else -1,
                    action=action,
                    start=start,
                    end=end,
                    note=note,
                )
            except Conflict as conflict:
                problem = _(
                    "%(who)s ändrade aktiviteten under tiden. Titta på den nya versionen och "
                    "försök igen.",
                    who=conflict.current.updated_by or "?",
                )
                activity = conflict.current
                status = 409
            except (Gone, NotAllowed):
                abort(404)
            else:
                flash(_("Sparat: %(title)s", title=activity.title.get("sv", "")))
                return redirect(url_for("admin.edit", activity_id=activity_id), code=303)
    override: Override | None = activity.overrides.get(rid)
    return render_template(
        "volunteers/admin/occurrence.html",
        activity=activity,
        occ=occ,
        override=override,
        problem=problem,
    ), status


@bp.get("/edit/<activity_id>/day")
@auth.login_required
def occurrence_on_day(activity_id: str):  # type: ignore[no-untyped-def]
    """The date picker of the admin page: the series' date on the chosen day, or back to
    that day's month with a word that there is none."""
    account = auth.current_account()
    assert account is not None
    activity = _activity_or_404(activity_id, account)
    try:
        day = parse_day(request.args.get("day", "")[:10])
    except ValueError:
        flash(_("Välj ett datum i kalendern."))
        return redirect(url_for("admin.edit", activity_id=activity_id, _anchor="dates"), code=303)
    occ = on_day(activity, day, services.get().now())
    if occ is None:
        flash(_("Det finns inget tillfälle %(day)s.", day=long_date(day)))
        month = day.isoformat()[:7]
        return redirect(
            url_for("admin.edit", activity_id=activity_id, month=month, _anchor="dates"), code=303
        )
    return redirect(
        url_for("admin.occurrence", activity_id=activity_id, rid=occ.recurrence_id), code=303
    )


@bp.route("/edit/<activity_id>/delete", methods=["GET", "POST"])
@auth.login_required
def delete(activity_id: str):  # type: ignore[no-untyped-def]
    account = auth.current_account()
    assert account is not None
    svc = services.get()
    activity = _activity_or_404(activity_id, account)
    if request.method == "POST":
        version = request.form.get("version", "")
        try:
            svc.editor.delete(account, activity_id, int(version) if plain_digits(version) else -1)
        except Conflict as conflict:
            flash(
                _(
                    "%(who)s ändrade aktiviteten under tiden; den togs inte bort.",
                    who=conflict.current.updated_by or "?",
                )
            )
            return redirect(url_for("admin.edit", activity_id=activity_id), code=303)
        except (Gone, NotAllowed):
            abort(404)
        flash(_("Borttagen: %(title)s", title=activity.title.get("sv", "")))
        return redirect(url_for("admin.index"), code=303)
    return render_template("volunteers/admin/delete.html", activity=activity)


@bp.get("/week")
@auth.login_required
def week():  # type: ignore[no-untyped-def]
    """All activities of a week by place (rows) and day (columns), everyone's, to plan."""
    svc = services.get()
    try:
        first = parse_day(request.args.get("start", "")[:10])
    except ValueError:
        first = svc.now().date()
    first -= timedelta(days=first.weekday())
    start = datetime.combine(first, time(0), svc.zone)
    days = [first + timedelta(days=i) for i in range(7)]
    snap = svc.catalogue.snapshot()
    grid: dict[str, dict[date, list]] = {}
    for activity in snap.activities.values():
        for occ in expand(activity, start, start + timedelta(days=7)):
            grid.setdefault(activity.place_id or "", {}).setdefault(occ.start.date(), []).append(
                occ
            )
    rows = sorted(
        grid.items(), key=lambda item: snap.places[item[0]].name if item[0] in snap.places else "~"
    )
    account = auth.current_account()
    assert account is not None
    return render_template(
        "volunteers/admin/week.html",
        editable={a.id for a in _editable(account)},
        days=days,
        rows=rows,
        places=snap.places,
        previous=(first - timedelta(days=7)).isoformat(),
        following=(first + timedelta(days=7)).isoformat(),
    )
