"""Which messages events cause, in the person's language, once each (fixed clock)."""

from __future__ import annotations

import copy
from datetime import timedelta

from flask import Flask

from kiosk import services
from kiosk.activities.model import Activity, Override, SignupSettings
from kiosk.activities.recurrence import expand
from tests.conftest import FIXED_NOW, STOCKHOLM, Clock


def swim(app: Flask, *, confirm: bool = False, reminder_hours: int = 24):  # type: ignore[no-untyped-def]
    svc = services.get_for(app)
    start = (FIXED_NOW + timedelta(days=2)).replace(hour=18, minute=0)
    activity = Activity(
        id="swim@test",
        title={"sv": "Simning", "ar": "سباحة", "ti": "ምሕንባስ"},
        start=start.astimezone(STOCKHOLM),
        end=start + timedelta(hours=1),
        rrule="FREQ=WEEKLY",
        signup=SignupSettings(True, 5, sms_confirm=confirm, reminder_hours=reminder_hours),
    )  # type: ignore[call-arg]
    svc.store.put("activities", activity.to_doc())
    return activity, expand(activity, FIXED_NOW, FIXED_NOW + timedelta(days=7))[0]


def join(app: Flask, occ, lang: str, phone: str = "+46735551234"):  # type: ignore[no-untyped-def]
    return services.get_for(app).signups.add(
        occ, name="Selam", adults=1, children=0, phone=phone, language=lang
    )[0]


def texts(app: Flask) -> list[tuple[str, str, str]]:
    return [(m.kind, m.language, m.text) for m in services.get_for(app).sms_outbox.all()]


def test_a_confirmation_only_where_the_activity_asks(app: Flask) -> None:
    svc = services.get_for(app)
    _, occ = swim(app, confirm=True)
    with app.app_context():
        assert svc.notifier.signed_up(join(app, occ, "ar"))
        assert not svc.notifier.signed_up(join(app, occ, "sv", phone=""))  # no phone
    ((kind, lang, text),) = texts(app)
    assert (kind, lang) == ("confirmed", "ar") and "سباحة" in text and "18:00" in text


def test_the_reminder_comes_the_day_before_once(app: Flask, clock: Clock) -> None:
    svc = services.get_for(app)
    _, occ = swim(app)
    join(app, occ, "ti")
    with app.app_context():
        assert svc.notifier.remind_due() == 0  # two days before: not yet
        clock.now = occ.start - timedelta(hours=23)
        assert svc.notifier.remind_due() == 1
        assert svc.notifier.remind_due() == 0  # once
    ((kind, lang, text),) = texts(app)
    assert (kind, lang) == ("reminder", "ti") and "ምሕንባስ" in text and "መዘኻኸሪ" in text


def test_no_reminder_for_those_who_signed_up_after_its_moment(app: Flask, clock: Clock) -> None:
    svc = services.get_for(app)
    _, occ = swim(app, reminder_hours=24)
    clock.now = occ.start - timedelta(hours=3)
    join(app, occ, "ti")
    with app.app_context():
        assert svc.notifier.remind_due() == 0


def test_a_cancelled_or_moved_occurrence_reaches_everyone_on_it_once(app: Flask) -> None:
    svc = services.get_for(app)
    activity, occ = swim(app)
    join(app, occ, "ti")
    join(app, occ, "sv", phone="+46701234567")
    before = activity.to_doc()
    cancelled = copy.deepcopy(activity)
    cancelled.overrides[occ.recurrence_id] = Override(status="cancelled")
    with app.app_context():
        assert svc.notifier.occurrences_changed(before, cancelled.to_doc()) == 2
        assert svc.notifier.occurrences_changed(before, cancelled.to_doc()) == 0
    kinds = sorted((k, lang) for k, lang, _ in texts(app))
    assert kinds == [("cancelled", "sv"), ("cancelled", "ti")]
    sv = next(t for k, lang, t in texts(app) if lang == "sv")
    assert sv.startswith("Inställt: Simning,") and len(sv) <= 160
    moved = copy.deepcopy(activity)
    moved.overrides[occ.recurrence_id] = Override(
        start=occ.start + timedelta(hours=1), end=occ.end + timedelta(hours=1)
    )
    with app.app_context():
        assert svc.notifier.occurrences_changed(before, moved.to_doc()) == 2
    ti = [t for k, lang, t in texts(app) if k == "moved" and lang == "ti"]
    assert len(ti) == 1 and "19:00" in ti[0] and "ተቐይሩ" in ti[0]


def test_an_organisers_message_per_language_with_a_template_for_the_rest(app: Flask) -> None:
    svc = services.get_for(app)
    _, occ = swim(app)
    join(app, occ, "sv", phone="+46701234567")
    join(app, occ, "ti")
    with app.app_context():
        sent = svc.notifier.organiser_message(
            occ.activity.id, occ.recurrence_id, {"sv": "Ta med handduk!"}
        )
    assert sent == 2
    by_lang = {lang: t for _, lang, t in texts(app)}
    assert by_lang["sv"].startswith("Ta med handduk!") and "/m/" in by_lang["sv"]
    assert "ሓድሽ" in by_lang["ti"] and "ምሕንባስ" in by_lang["ti"]


def test_a_promotion_lost_in_a_crash_is_found_again(app: Flask) -> None:
    svc = services.get_for(app)
    _, occ = swim(app)
    svc.store.put(
        "activities",
        {
            **svc.store.get("activities", "swim@test"),
            "signup": {"required": True, "capacity": 1, "how": {}},
        },
    )
    first, secret = svc.signups.add(occ, name="A", adults=1, children=0, phone=None, language="sv")
    join(app, occ, "ti")  # waits
    svc.signups.cancel(first.id, secret)  # … and the process dies before the message
    with app.app_context():
        assert svc.notifier.catch_up() == 1
        assert svc.notifier.catch_up() == 0
    ((kind, lang, _),) = texts(app)
    assert (kind, lang) == ("promoted", "ti")


def test_the_activity_form_sets_confirmation_and_reminder(app: Flask, people: None) -> None:
    from tests.admin_helpers import csrf, edit_form, login

    client = app.test_client()
    login(client, "anna")
    activity_id = "demo-simning-kvinnor@motesplats"
    form = edit_form(client, activity_id)
    form.update(
        {"sms_confirm": "yes", "reminder_hours": "2", "csrf_token": csrf(client, "/admin/")}
    )
    form["confirm_clash"] = "yes"
    answer = client.post(f"/admin/edit/{activity_id}", data=form)
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)[:800]
    stored = services.get_for(app).store.get("activities", activity_id)
    assert stored["signup"]["sms_confirm"] is True and stored["signup"]["reminder_hours"] == 2
    form = edit_form(client, activity_id)
    assert form["reminder_hours"] == "2" and form.get("sms_confirm") == ["yes"]


def test_the_organisers_answer_is_told_once_in_the_persons_language(app: Flask) -> None:
    svc = services.get_for(app)
    activity, occ = swim(app)
    activity.signup.approval = True
    activity.signup.capacity = 1
    svc.store.put("activities", activity.to_doc())
    occ = expand(activity, FIXED_NOW, FIXED_NOW + timedelta(days=7))[0]
    first, second, third = join(app, occ, "ti"), join(app, occ, "ar"), join(app, occ, "so")
    with app.app_context():
        assert not svc.notifier.signed_up(first)  # pending: nothing to confirm yet
        approved, _ = svc.signups.decide(first.id, approve=True)
        assert svc.notifier.decided(approved)
        assert not svc.notifier.decided(approved)  # the same answer noticed twice: once
        waiting, _ = svc.signups.decide(second.id, approve=True)  # the one place is taken
        assert svc.notifier.decided(waiting)
        declined, _ = svc.signups.decide(third.id, approve=False)
        assert svc.notifier.decided(declined)
    sent = {kind: (lang, text) for kind, lang, text in texts(app)}
    assert {kind: lang for kind, (lang, _) in sent.items()} == {
        "approved": "ti",
        "approved_waiting": "ar",
        "declined": "so",
    }
    assert "ምሕንባስ" in sent["approved"][1] and "ኣዳላዊ" in sent["approved"][1]
    assert "قائمة الانتظار" in sent["approved_waiting"][1]
    assert "qabanqaabiyuhu" in sent["declined"][1].lower()


def test_a_promoted_course_hears_it_once_for_its_next_date(app: Flask) -> None:
    svc = services.get_for(app)
    activity, _ = swim(app)
    activity.rrule, activity.signup.capacity, activity.signup.course = (
        "FREQ=WEEKLY;COUNT=4",
        1,
        True,
    )
    svc.store.put("activities", activity.to_doc())
    dates = expand(activity, FIXED_NOW, FIXED_NOW + timedelta(days=60))
    book = svc.signups

    def enrol(lang: str):  # type: ignore[no-untyped-def]
        return book.add(
            dates[0], name="S", adults=1, children=0, phone="+46735551234", language=lang,
            course=dates,
        )  # fmt: skip

    holder, secret = enrol("sv")
    enrol("ti")
    _, promoted = book.cancel(holder.id, secret)
    assert len(promoted) == 4
    with app.app_context():
        assert svc.notifier.promoted(promoted) == 1
    ((kind, lang, text),) = texts(app)
    assert (kind, lang) == ("promoted", "ti") and "ምሕንባስ" in text
