"""Signup rules without HTTP for a course (one signup for every date left of a series) and
for signups that wait for an organiser's approval; both with the waitlist as for one date."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.activities.model import Activity, SignupSettings
from kiosk.activities.recurrence import expand
from kiosk.signups.book import TABLE, SignupBook, SignupError
from kiosk.store import open_store
from tests.conftest import STOCKHOLM

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=STOCKHOLM)


def course(capacity: int | None = 3, *, approval: bool = False, weeks: int = 8) -> Activity:
    """Swedish for beginners: eight Tuesdays from 1 December."""
    start = datetime(2026, 12, 1, 18, 0, tzinfo=STOCKHOLM)
    return Activity(
        id="sfi@test",
        title={"sv": "Svenska för nybörjare"},
        start=start,
        end=start + timedelta(hours=2),
        rrule=f"FREQ=WEEKLY;COUNT={weeks}",
        signup=SignupSettings(True, capacity, course=True, approval=approval),
    )


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = [NOW]
    store = open_store(tmp_path)
    yield SignupBook(store, lambda: clock[0]), clock, store
    store.close()


def dates_of(store, activity: Activity):  # type: ignore[no-untyped-def]
    store.put("activities", activity.to_doc())
    return expand(activity, NOW, NOW + timedelta(days=366))


def enrol(book: SignupBook, dates, name: str, adults: int = 1):  # type: ignore[no-untyped-def]
    return book.add(
        dates[0], name=name, adults=adults, children=0, phone=None, language="ti", course=dates
    )


def statuses(book: SignupBook, signup) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.status for r in book.enrolment(signup)]


def test_one_course_signup_holds_a_place_on_every_date(env) -> None:  # type: ignore[no-untyped-def]
    book, _clock, store = env
    dates = dates_of(store, course(capacity=3))
    assert len(dates) == 8
    signup, secret = enrol(book, dates, "Selam", adults=2)
    records = book.enrolment(signup)
    assert [r.recurrence_id for r in records] == [d.recurrence_id for d in dates]
    assert {r.code for r in records} == {signup.code} and {r.course for r in records} == {signup.id}
    assert all(r.language == "ti" for r in records)
    for d in dates:
        assert book.counts(d.activity.id, d.recurrence_id).confirmed_people == 2
    # the same private link opens it from any of its dates
    assert book.find(records[5].id, secret).course == signup.id
    assert len(store.all(TABLE)) == 8


def test_a_course_is_all_or_nothing_and_promotion_takes_the_whole_course(env) -> None:  # type: ignore[no-untyped-def]
    book, _clock, store = env
    dates = dates_of(store, course(capacity=2))
    # someone holds one place on the fifth date only (signed up before it became a course)
    single, single_secret = book.add(
        dates[4], name="One date", adults=1, children=0, phone=None, language="sv"
    )
    a, secret_a = enrol(book, dates, "A")
    b, _ = enrol(book, dates, "B")  # fits everywhere but the fifth date: waits on all
    assert statuses(book, a) == ["confirmed"] * 8
    assert statuses(book, b) == ["waitlisted"] * 8
    # the one-date signup leaves: the fifth date has room, and B gets the whole course
    _, promoted = book.cancel(single.id, single_secret)
    assert {p.course for p in promoted} == {b.id} and len(promoted) == 8
    assert statuses(book, b) == ["confirmed"] * 8
    # A leaves the course: every date is freed
    _, promoted = book.cancel(a.id, secret_a)
    assert promoted == []
    assert statuses(book, a) == ["cancelled"] * 8
    assert all(book.counts(d.activity.id, d.recurrence_id).confirmed_people == 1 for d in dates)


def test_leaving_a_running_course_keeps_the_dates_that_were(env) -> None:  # type: ignore[no-untyped-def]
    book, clock, store = env
    dates = dates_of(store, course(capacity=1))
    a, secret = enrol(book, dates, "A")
    waiting, _ = enrol(book, dates, "W")
    book.mark_attended(book.enrolment(a)[0].id, True)
    clock[0] = dates[2].end + timedelta(hours=1)  # three Tuesdays are over
    cancelled, promoted = book.cancel(a.id, secret)
    assert cancelled.recurrence_id == dates[3].recurrence_id  # what speaks for it now
    assert statuses(book, a) == ["confirmed"] * 3 + ["cancelled"] * 5
    assert book.enrolment(a)[0].attended  # the report keeps who came
    # the waiting enrolment gets the five dates left; its past dates stay as they were
    assert len(promoted) == 5
    assert statuses(book, waiting) == ["waitlisted"] * 3 + ["confirmed"] * 5
    with pytest.raises(SignupError):
        book.cancel(a.id, secret)


def test_undoing_a_course_cancellation_restores_every_date(env) -> None:  # type: ignore[no-untyped-def]
    book, clock, store = env
    dates = dates_of(store, course(capacity=5))
    a, secret = enrol(book, dates, "A")
    book.cancel(a.id, secret)
    clock[0] += timedelta(seconds=20)
    undone = book.undo_cancel(a.id, secret)
    assert undone.has_place and not undone.lost_place
    assert statuses(book, a) == ["confirmed"] * 8


def test_a_course_replay_returns_the_first_enrolment(env) -> None:  # type: ignore[no-untyped-def]
    book, _clock, store = env
    dates = dates_of(store, course())
    key = "k" * 30
    first = book.add(
        dates[0], name="A", adults=1, children=0, phone=None, language="ar",
        idempotency_key=key, course=dates,
    )  # fmt: skip
    # the phone sent it again from another date's page, later: the same enrolment
    again = book.add(
        dates[1], name="A", adults=1, children=0, phone=None, language="ar",
        idempotency_key=key, course=dates[1:],
    )  # fmt: skip
    assert again == first
    assert len(store.all(TABLE)) == 8


def test_a_course_keeps_its_names_until_its_last_date_is_past_retention(env) -> None:  # type: ignore[no-untyped-def]
    book, clock, store = env
    dates = dates_of(store, course())
    a, secret = enrol(book, dates, "A")
    clock[0] = dates[0].end + timedelta(days=31)  # the first date is a month past
    assert book.purge(timedelta(days=30)) == 0
    assert book.find(a.id, secret).name == "A"
    clock[0] = dates[-1].end + timedelta(days=31)
    assert book.purge(timedelta(days=30)) == 8
    assert all(r.name is None and r.purged for r in book.enrolment(a))


def test_an_approval_signup_holds_no_place_until_approved(env) -> None:  # type: ignore[no-untyped-def]
    book, _clock, store = env
    activity = course(capacity=2, approval=True, weeks=1)
    activity.signup.course = False
    (date,) = dates_of(store, activity)
    first, _ = book.add(date, name="A", adults=2, children=0, phone=None, language="so")
    second, _ = book.add(date, name="B", adults=1, children=0, phone=None, language="ar")
    counts = book.counts(date.activity.id, date.recurrence_id)
    assert [first.status, second.status] == ["pending", "pending"]
    assert counts.confirmed_people == 0 and counts.pending_parties == 2
    # the organiser approves B first: it has the place it fits into
    approved, changed = book.decide(second.id, approve=True)
    assert approved.status == "confirmed" and [r.id for r in changed] == [second.id]
    # then A: two people do not fit in the one place left, so A waits
    approved, _ = book.decide(first.id, approve=True)
    assert approved.status == "waitlisted"
    with pytest.raises(SignupError):
        book.decide(first.id, approve=True)  # decided already
    assert book.counts(date.activity.id, date.recurrence_id).pending_parties == 0


def test_the_waitlist_after_approval_is_in_order_of_approval(env) -> None:  # type: ignore[no-untyped-def]
    book, _clock, store = env
    activity = course(capacity=1, approval=True, weeks=1)
    activity.signup.course = False
    (date,) = dates_of(store, activity)
    holder, holder_secret = book.add(
        date, name="H", adults=1, children=0, phone=None, language="sv"
    )
    early, _ = book.add(date, name="Early", adults=1, children=0, phone=None, language="sv")
    late, _ = book.add(date, name="Late", adults=1, children=0, phone=None, language="sv")
    book.decide(holder.id, approve=True)
    book.decide(late.id, approve=True)  # waits first
    book.decide(early.id, approve=True)  # waits after it
    _, promoted = book.cancel(holder.id, holder_secret)
    assert [p.name for p in promoted] == ["Late"]
    assert book.waiting_ahead(book.find_by_sms_token(book.sms_token(early.id))) == 0


def test_a_declined_signup_frees_nothing_and_stays_declined(env) -> None:  # type: ignore[no-untyped-def]
    book, _clock, store = env
    dates = dates_of(store, course(capacity=2, approval=True))
    a, secret = enrol(book, dates, "A")
    declined, changed = book.decide(a.id, approve=False)
    assert declined.status == "declined" and len(changed) == 8
    assert statuses(book, a) == ["declined"] * 8
    with pytest.raises(SignupError):
        book.cancel(a.id, secret)
    # an approved course takes a place on every date; cancelling it promotes nobody pending
    b, secret_b = enrol(book, dates, "B")
    book.decide(b.id, approve=True)
    assert statuses(book, b) == ["confirmed"] * 8
    c, _ = enrol(book, dates, "C")
    _, promoted = book.cancel(b.id, secret_b)
    assert promoted == [] and statuses(book, c) == ["pending"] * 8


def test_the_index_survives_a_restart(env) -> None:  # type: ignore[no-untyped-def]
    book, clock, store = env
    dates = dates_of(store, course(capacity=1))
    a, secret = enrol(book, dates, "A")
    b, _ = enrol(book, dates, "B")
    again = SignupBook(store, lambda: clock[0])
    _, promoted = again.cancel(a.id, secret)
    assert len(promoted) == 8 and {p.course for p in promoted} == {b.id}
