"""Series expansion: weekly rules across daylight saving, EXDATE, moved and cancelled days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk.activities.model import Activity, Override, recurrence_id
from kiosk.activities.recurrence import expand, next_days
from tests.conftest import STOCKHOLM


def tuesday_club(first: datetime, **fields: object) -> Activity:
    return Activity(
        id="club@test",
        title={"sv": "After School Club"},
        start=first,
        end=first + timedelta(hours=2, minutes=30),
        rrule="FREQ=WEEKLY;BYDAY=TU",
        **fields,
    )  # type: ignore[arg-type]


def local_times(occurrences):  # type: ignore[no-untyped-def]
    return [(o.start.strftime("%Y-%m-%d %H:%M"), o.end.strftime("%H:%M")) for o in occurrences]


def test_weekly_series_keeps_wall_time_across_october_dst_change() -> None:
    # Summer time ends on the last Sunday of October 2026 (the 25th).
    club = tuesday_club(datetime(2026, 10, 13, 16, 30, tzinfo=STOCKHOLM))
    found = expand(
        club, datetime(2026, 10, 12, tzinfo=STOCKHOLM), datetime(2026, 11, 4, tzinfo=STOCKHOLM)
    )
    assert local_times(found) == [
        ("2026-10-13 16:30", "19:00"),
        ("2026-10-20 16:30", "19:00"),
        ("2026-10-27 16:30", "19:00"),
        ("2026-11-03 16:30", "19:00"),
    ]
    offsets = [o.start.utcoffset() for o in found]
    assert offsets == [timedelta(hours=2)] * 2 + [timedelta(hours=1)] * 2
    assert [o.start.astimezone(UTC).hour for o in found] == [14, 14, 15, 15]


def test_weekly_series_keeps_wall_time_across_march_dst_change() -> None:
    # Summer time starts on the last Sunday of March 2027 (the 28th).
    club = tuesday_club(datetime(2027, 3, 16, 16, 30, tzinfo=STOCKHOLM))
    found = expand(
        club, datetime(2027, 3, 15, tzinfo=STOCKHOLM), datetime(2027, 4, 7, tzinfo=STOCKHOLM)
    )
    assert [t for t, _ in local_times(found)] == [
        "2027-03-16 16:30",
        "2027-03-23 16:30",
        "2027-03-30 16:30",
        "2027-04-06 16:30",
    ]
    assert [o.start.utcoffset() for o in found] == [timedelta(hours=1)] * 2 + [
        timedelta(hours=2)
    ] * 2


def test_event_on_the_night_of_the_change_has_its_wall_clock_length() -> None:
    # A Saturday-night event 22:00-04:00 across the October change lasts 7 real hours.
    night = Activity(
        id="n@test",
        title={"sv": "Natt"},
        start=datetime(2026, 10, 24, 22, 0, tzinfo=STOCKHOLM),
        end=datetime(2026, 10, 25, 4, 0, tzinfo=STOCKHOLM),
        rrule="FREQ=WEEKLY;COUNT=2",
    )
    first, second = expand(
        night, datetime(2026, 10, 24, tzinfo=STOCKHOLM), datetime(2026, 11, 2, tzinfo=STOCKHOLM)
    )
    assert first.end.strftime("%H:%M") == "04:00"
    # (Same-zone subtraction in Python is wall-clock; real elapsed time needs UTC.)
    assert first.end.astimezone(UTC) - first.start.astimezone(UTC) == timedelta(hours=7)
    assert second.end.astimezone(UTC) - second.start.astimezone(UTC) == timedelta(hours=6)


def test_nonexistent_wall_time_resolves_forward() -> None:
    # 02:30 does not exist on 2027-03-28 in Stockholm: RFC 5545 says use the offset before
    # the gap, i.e. the instant 03:30 summer time.
    early = Activity(
        id="e@test",
        title={"sv": "Tidigt"},
        start=datetime(2027, 3, 21, 2, 30, tzinfo=STOCKHOLM),
        end=datetime(2027, 3, 21, 3, 0, tzinfo=STOCKHOLM),
        rrule="FREQ=WEEKLY",
    )
    found = expand(
        early, datetime(2027, 3, 27, tzinfo=STOCKHOLM), datetime(2027, 3, 29, tzinfo=STOCKHOLM)
    )
    assert local_times(found) == [("2027-03-28 03:30", "04:00")]


def test_exdate_removes_one_tuesday() -> None:
    first = datetime(2026, 11, 3, 16, 30, tzinfo=STOCKHOLM)
    club = tuesday_club(first, exdates=[recurrence_id(first + timedelta(weeks=2))])
    found = expand(club, first, first + timedelta(weeks=4))
    assert [t for t, _ in local_times(found)] == [
        "2026-11-03 16:30",
        "2026-11-10 16:30",
        "2026-11-24 16:30",
    ]


def test_moved_occurrence_shows_at_its_new_time_only() -> None:
    first = datetime(2026, 11, 3, 16, 30, tzinfo=STOCKHOLM)
    original = first + timedelta(weeks=1)
    moved_to = datetime(2026, 11, 12, 18, 0, tzinfo=STOCKHOLM)  # the Thursday after
    club = tuesday_club(
        first,
        overrides={
            recurrence_id(original): Override(
                start=moved_to, end=moved_to + timedelta(hours=2), note={"sv": "Flyttad"}
            )
        },
    )
    found = expand(club, first, first + timedelta(weeks=3))
    assert [t for t, _ in local_times(found)] == [
        "2026-11-03 16:30",
        "2026-11-12 18:00",
        "2026-11-17 16:30",
    ]
    moved = found[1]
    assert moved.moved and moved.status == "changed" and moved.note == {"sv": "Flyttad"}
    assert moved.recurrence_id == recurrence_id(original)


def test_occurrence_moved_into_the_window_from_outside_is_found() -> None:
    first = datetime(2026, 11, 3, 16, 30, tzinfo=STOCKHOLM)
    original = first + timedelta(weeks=1)  # Tue 10 Nov, moved to Mon 16 Nov
    moved_to = datetime(2026, 11, 16, 10, 0, tzinfo=STOCKHOLM)
    club = tuesday_club(
        first,
        overrides={
            recurrence_id(original): Override(start=moved_to, end=moved_to + timedelta(hours=1))
        },
    )
    found = expand(
        club, datetime(2026, 11, 16, tzinfo=STOCKHOLM), datetime(2026, 11, 17, tzinfo=STOCKHOLM)
    )
    assert local_times(found) == [("2026-11-16 10:00", "11:00")]


def test_cancelled_override_stays_visible_as_cancelled() -> None:
    first = datetime(2026, 11, 3, 16, 30, tzinfo=STOCKHOLM)
    club = tuesday_club(
        first,
        overrides={
            recurrence_id(first): Override(status="cancelled", note={"sv": "Ledaren är sjuk"})
        },
    )
    found = expand(club, first, first + timedelta(days=1))
    assert [(o.status, o.moved) for o in found] == [("cancelled", False)]


def test_every_other_week_with_until() -> None:
    first = datetime(2026, 11, 5, 17, 0, tzinfo=STOCKHOLM)
    cooking = Activity(
        id="c@test",
        title={"sv": "Matlagning"},
        start=first,
        end=first + timedelta(hours=2),
        rrule="FREQ=WEEKLY;INTERVAL=2;UNTIL=20261220T000000Z",
    )
    found = expand(cooking, first - timedelta(days=30), first + timedelta(days=90))
    assert [o.start.day for o in found] == [5, 19, 3, 17]


def test_one_off_outside_window_is_not_returned() -> None:
    start = datetime(2026, 11, 28, 10, 0, tzinfo=STOCKHOLM)
    cup = Activity(id="cup@test", title={"sv": "Cup"}, start=start, end=start + timedelta(hours=6))
    assert expand(cup, *next_days(datetime(2026, 11, 20, tzinfo=STOCKHOLM), 7)) == []
    assert len(expand(cup, *next_days(datetime(2026, 11, 24, 9, tzinfo=STOCKHOLM), 7))) == 1


def test_whole_activity_cancelled_marks_every_occurrence() -> None:
    club = tuesday_club(datetime(2026, 11, 3, 16, 30, tzinfo=STOCKHOLM), status="cancelled")
    found = expand(
        club, datetime(2026, 11, 1, tzinfo=STOCKHOLM), datetime(2026, 11, 30, tzinfo=STOCKHOLM)
    )
    assert found and all(o.status == "cancelled" for o in found)


def test_documents_round_trip() -> None:
    first = datetime(2026, 11, 3, 16, 30, tzinfo=STOCKHOLM)
    club = tuesday_club(
        first,
        exdates=[recurrence_id(first)],
        overrides={recurrence_id(first + timedelta(weeks=1)): Override(status="cancelled")},
    )
    again = Activity.from_doc(club.to_doc())
    assert again.to_doc() == club.to_doc()
    assert not again.problems()


def test_problems_are_reported() -> None:
    start = datetime(2026, 11, 3, 16, 30, tzinfo=STOCKHOLM)
    bad = Activity(
        id="b",
        title={"sv": " "},
        start=start,
        end=start,
        rrule="FREQ=SOMETIMES",
        audiences=["martians"],
        status="maybe",
    )
    fields = {p.split(":")[0] for p in bad.problems()}
    assert fields == {"title", "end", "rrule", "audiences", "status"}
