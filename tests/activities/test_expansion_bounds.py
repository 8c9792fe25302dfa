"""No stored series can slow the board: every expansion is bounded (kiosk.activities.recurrence).

An imported `FREQ=MINUTELY` series starting in 2000 once made one expansion of the board's
week run for more than 90 s. Expansion now starts near the window, caps what one activity
shows in one window, and knows a rule that can never match; these tests hold it to that,
and to giving exactly what dateutil gives from DTSTART for every rule that is not cut.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.activities import recurrence
from kiosk.activities.model import Activity, Override, recurrence_id
from kiosk.activities.recurrence import (
    MAX_OCCURRENCES,
    SUB_DAILY_MAX,
    expand,
    planned_starts,
)
from kiosk.board import agenda
from tests.conftest import FIXED_NOW, STOCKHOLM

RUNAWAY = {
    "runaway-minutely@test": ("FREQ=MINUTELY", datetime(2000, 1, 1, 0, 0, tzinfo=STOCKHOLM)),
    "runaway-secondly@test": ("FREQ=SECONDLY", datetime(2000, 1, 1, 0, 0, tzinfo=STOCKHOLM)),
    "runaway-daily@test": ("FREQ=DAILY", datetime(1970, 1, 1, 10, 0, tzinfo=STOCKHOLM)),
}


def series(rule: str, start: datetime, minutes: int = 30, **fields: object) -> Activity:
    return Activity(
        id=str(fields.pop("id", "series@test")),
        title={"sv": "Serie"},
        start=start,
        end=start + timedelta(minutes=minutes),
        tz=str(getattr(start.tzinfo, "key", "Europe/Stockholm")),
        rrule=rule,
        **fields,
    )  # type: ignore[arg-type]


def timed(call):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


@pytest.fixture
def runaway(app: Flask) -> None:
    """The three runaway series, put straight into the store as an import would leave them."""
    store = services.get_for(app).store
    for activity_id, (rule, start) in RUNAWAY.items():
        store.put("activities", series(rule, start, id=activity_id).to_doc())


def test_board_and_api_answer_within_a_second_with_runaway_series(
    app: Flask, client: FlaskClient, runaway: None
) -> None:
    board, board_s = timed(lambda: client.get("/?lang=sv"))
    api, api_s = timed(lambda: client.get("/api/activities"))
    year, year_s = timed(lambda: client.get("/api/activities?from=2026-01-01&to=2026-12-31"))
    detail, detail_s = timed(lambda: client.get("/a/runaway-minutely@test?lang=sv"))
    feed, feed_s = timed(lambda: client.get("/calendar.ics"))
    assert [r.status_code for r in (board, api, year, detail, feed)] == [200] * 5
    assert board_s < 1.0 and api_s < 1.0, (board_s, api_s)
    assert year_s < 1.0 and detail_s < 1.0 and feed_s < 1.0, (year_s, detail_s, feed_s)

    week = Counter(o["activity_id"] for o in api.get_json()["occurrences"])
    assert 0 < week["runaway-minutely@test"] <= SUB_DAILY_MAX
    assert 0 < week["runaway-secondly@test"] <= SUB_DAILY_MAX
    assert week["runaway-daily@test"] == 7  # a daily series is not cut: every day of the week
    assert week["demo-laxhjalp@motesplats"] == 1  # and the rest of the board is all there
    whole_year = Counter(o["activity_id"] for o in year.get_json()["occurrences"])
    assert whole_year["runaway-daily@test"] == 365
    assert whole_year["runaway-minutely@test"] <= SUB_DAILY_MAX

    snap = services.get_for(app).catalogue.snapshot()
    cards = Counter(
        card.occurrence.activity.id
        for day in agenda.board_days(snap, FIXED_NOW, STOCKHOLM)
        for card in day.cards
    )
    assert cards["runaway-minutely@test"] <= SUB_DAILY_MAX
    assert cards["runaway-secondly@test"] <= SUB_DAILY_MAX
    assert cards["runaway-daily@test"] == 7


def test_signup_lookup_of_an_old_daily_series_is_instant(app: Flask, runaway: None) -> None:
    snap = services.get_for(app).catalogue.snapshot()
    rid = recurrence_id(datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM))
    found, seconds = timed(lambda: agenda.find_occurrence(snap, "runaway-daily@test", rid))
    assert found is not None and found.start.hour == 10 and seconds < 0.1


def test_a_rule_that_repeats_all_day_is_cut_at_the_cap() -> None:
    every_minute = series(
        "FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=0,15,30,45",
        datetime(1990, 1, 1, tzinfo=STOCKHOLM),
    )
    found, seconds = timed(lambda: expand(every_minute, FIXED_NOW, FIXED_NOW + timedelta(days=30)))
    # The cap counts from the window's start less the length (the 08:30 one ends at 09:00).
    assert MAX_OCCURRENCES - 1 <= len(found) <= MAX_OCCURRENCES and seconds < 1.0
    assert found[0].start == FIXED_NOW - timedelta(minutes=15)  # the first ones, in order
    assert found[-1].start < FIXED_NOW + timedelta(days=11)


def test_a_count_rule_is_followed_from_its_start_for_a_bounded_number() -> None:
    daily = series("FREQ=DAILY;COUNT=10", datetime(2000, 1, 1, 10, tzinfo=STOCKHOLM))
    found = expand(daily, datetime(2000, 1, 5, tzinfo=STOCKHOLM), datetime(2001, 1, 1, tzinfo=UTC))
    assert [o.start.day for o in found] == [5, 6, 7, 8, 9, 10]
    endless = series("FREQ=MINUTELY;COUNT=100000000", datetime(2000, 1, 1, tzinfo=STOCKHOLM))
    found, seconds = timed(lambda: expand(endless, FIXED_NOW, FIXED_NOW + timedelta(days=7)))
    assert found == [] and seconds < 1.0  # past MAX_SCAN occurrences: not followed further


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=MINUTELY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30,31",
        "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4,6,9,11",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-30",
        "FREQ=DAILY;BYSETPOS=2",
        "FREQ=HOURLY;BYSETPOS=3",
        "FREQ=DAILY;INTERVAL=7;BYDAY=MO",  # from a Tuesday, whole weeks never reach Monday
        "FREQ=HOURLY;INTERVAL=168;BYDAY=WE",
        "FREQ=MONTHLY;INTERVAL=12;BYMONTH=6",  # from December, every twelfth month
    ],
)
def test_a_rule_that_can_never_match_answers_at_once(rule: str) -> None:
    tuesday = datetime(2025, 12, 2, 10, 0, tzinfo=STOCKHOLM)
    assert tuesday.weekday() == 1
    activity = series(rule, tuesday)
    found, seconds = timed(lambda: expand(activity, FIXED_NOW, FIXED_NOW + timedelta(days=366)))
    assert found == [] and seconds < 0.2, seconds  # dateutil alone: seconds, up to the year 9999


@pytest.mark.parametrize(
    ("rule", "first"),
    [  # rare, but they happen: not taken for never
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=TU", "2028-02-29"),
        ("FREQ=DAILY;INTERVAL=7;BYDAY=TU", "2026-11-24"),
        ("FREQ=MONTHLY;INTERVAL=12;BYMONTH=12", "2026-12-02"),
        ("FREQ=MONTHLY;BYDAY=5TU;BYMONTH=3", "2027-03-30"),
        ("FREQ=WEEKLY;BYDAY=TU,WE;BYSETPOS=-1", "2026-11-25"),
    ],
)
def test_a_rare_rule_still_gives_its_dates(rule: str, first: str) -> None:
    activity = series(rule, datetime(2025, 12, 2, 10, 0, tzinfo=STOCKHOLM))
    found = expand(activity, FIXED_NOW, FIXED_NOW + timedelta(days=3 * 366))
    assert found and found[0].start.date().isoformat() == first


def test_an_override_moved_in_from_far_away_is_found_fast() -> None:
    start = datetime(1970, 1, 1, 10, 0, tzinfo=STOCKHOLM)
    planned = datetime(2026, 12, 20, 10, 0, tzinfo=STOCKHOLM)
    moved = FIXED_NOW.replace(hour=18)
    daily = series(
        "FREQ=DAILY",
        start,
        overrides={recurrence_id(planned): Override(start=moved, end=moved + timedelta(hours=1))},
    )
    window = (FIXED_NOW.replace(hour=0), FIXED_NOW.replace(hour=0) + timedelta(days=1))
    found, seconds = timed(lambda: expand(daily, *window))
    assert [o.start.hour for o in found] == [10, 18] and found[1].moved and seconds < 0.1


def random_rule(rnd: random.Random) -> str:
    """A rule mixing the parts that decide where an expansion may start."""
    days = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    freq = rnd.choice(["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY"])
    parts = [f"FREQ={freq}"]
    if rnd.random() < 0.5:
        parts.append(f"INTERVAL={rnd.choice([1, 2, 3, 5, 7, 13])}")
    if rnd.random() < 0.3:
        parts.append("BYMONTH=" + ",".join(map(str, rnd.sample(range(1, 13), rnd.randint(1, 3)))))
    if rnd.random() < 0.35:
        if freq in ("MONTHLY", "YEARLY") and rnd.random() < 0.5:
            nth = [f"{rnd.choice([1, 2, -1, 3, 5])}{rnd.choice(days)}" for _ in range(2)]
            parts.append("BYDAY=" + ",".join(dict.fromkeys(nth)))
        else:
            parts.append("BYDAY=" + ",".join(rnd.sample(days, rnd.randint(1, 3))))
    if rnd.random() < 0.25:
        monthdays = {rnd.choice([1, 5, 15, 28, 29, 30, 31, -1]) for _ in range(2)}
        parts.append("BYMONTHDAY=" + ",".join(map(str, sorted(monthdays))))
    if rnd.random() < 0.25:
        parts.append("BYHOUR=" + ",".join(map(str, sorted(rnd.sample(range(24), 2)))))
    if freq == "MINUTELY":
        parts.append("BYMINUTE=0,30")
    if rnd.random() < 0.15:
        parts.append(f"BYSETPOS={rnd.choice([1, -1, 2])}")
    if freq == "YEARLY" and rnd.random() < 0.15:
        parts.append(f"BYWEEKNO={rnd.choice([1, 20, 52, 53])}")
    if rnd.random() < 0.2:
        parts.append(f"WKST={rnd.choice(days)}")
    if rnd.random() < 0.3:
        parts.append(f"UNTIL={rnd.randint(2020, 2032)}0{rnd.randint(1, 9)}15T120000Z")
    elif rnd.random() < 0.15:
        parts.append(f"COUNT={rnd.randint(1, 300)}")
    return ";".join(parts)


def test_planned_starts_are_what_dateutil_gives_from_dtstart() -> None:
    """Moving DTSTART near the window changes nothing: 150 mixed rules, 4 windows each, in
    zones with DST steps of an hour and of half an hour, against dateutil from DTSTART."""
    rnd = random.Random(2026)
    zones = [ZoneInfo(z) for z in ("Europe/Stockholm", "America/New_York", "Australia/Lord_Howe")]
    compared = 0
    for _ in range(150):
        zone, rule = rnd.choice(zones), random_rule(rnd)
        sub_daily = "HOURLY" in rule or "MINUTELY" in rule
        first = datetime(
            2026 if sub_daily else rnd.randint(2016, 2026),
            rnd.randint(1, 12),
            rnd.randint(1, 28),
            rnd.randint(0, 23),
            rnd.choice([0, 30]),
            tzinfo=zone,
        )
        activity = series(rule, first)
        if activity.problems() or recurrence._series(rule, first).never:
            continue
        for _ in range(4):
            low = first + timedelta(
                days=rnd.randint(-30, 20 if sub_daily else 3000),
                hours=rnd.randint(0, 23),
                minutes=rnd.choice([0, 29, 30]),
            )
            low = low.astimezone(UTC) if rnd.random() < 0.5 else low
            high = low + (
                timedelta(hours=30) if sub_daily else timedelta(days=rnd.choice([7, 366]))
            )
            reference = rrulestr(rule, dtstart=first).between(low, high, inc=True)
            assert planned_starts(activity, low, high, limit=10**9) == reference, (rule, first, low)
            compared += 1
    assert compared > 400


def test_a_rule_dateutil_builds_but_cannot_follow_leaves_the_board_up(app, client) -> None:  # type: ignore[no-untyped-def]
    """FREQ=YEARLY;BYDAY=99MO (found by the fuzz test): dateutil raises IndexError while
    iterating; the import and the board go on."""
    from kiosk import services as svc_module
    from kiosk.ical.read import read_calendar

    data = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:konstig@test\r\nSUMMARY:Konstig regel\r\n"
        "DTSTART:20261125T100000Z\r\nRRULE:FREQ=YEARLY;BYDAY=99MO\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    (activity,) = read_calendar(data).activities
    svc_module.get_for(app).store.put("activities", activity.to_doc())
    assert client.get("/").status_code == 200
    assert client.get("/api/activities").status_code == 200
