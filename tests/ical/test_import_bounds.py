"""Imported data is bounded like typed data (issue "hostile world", point 1): a feed's
texts are cut to the form's lengths, its events to MAX_EVENTS, its dated changes to
DATES_MAX; a sub-daily rule expands to a bounded number of occurrences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk.activities.model import DATES_MAX, DESCRIPTION_MAX, TITLE_MAX
from kiosk.activities.recurrence import SUB_DAILY_MAX, expand
from kiosk.ical.read import MAX_EVENTS, read_calendar


def calendar(*events: str) -> bytes:
    return "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//hostile//", *events, "END:VCALENDAR", ""]
    ).encode()


def event(uid: str, *lines: str) -> str:
    return "\r\n".join(
        ["BEGIN:VEVENT", f"UID:{uid}", "DTSTART:20261201T100000Z", "DTEND:20261201T110000Z",
         *lines, "END:VEVENT"]
    )  # fmt: skip


def test_a_hundred_thousand_character_title_is_cut_to_the_forms_length() -> None:
    imported = read_calendar(
        calendar(event("long@x", "SUMMARY:" + "A" * 100_010, "DESCRIPTION:" + "b" * 50_000))
    )
    (activity,) = imported.activities
    assert len(activity.title["sv"]) == TITLE_MAX and activity.title["sv"].endswith("…")
    assert len(activity.description["sv"]) == DESCRIPTION_MAX
    assert any("title shortened" in w for w in imported.warnings)


def test_a_feed_of_twenty_thousand_events_reads_only_the_first_five_thousand() -> None:
    imported = read_calendar(calendar(*(event(f"e{n}@x", f"SUMMARY:E{n}") for n in range(20_000))))
    assert len(imported.activities) == MAX_EVENTS
    assert any("20000 events" in w for w in imported.warnings)


def test_a_flood_of_exdates_is_cut() -> None:
    first = datetime(2026, 12, 2, 10, tzinfo=UTC)
    exdates = [f"EXDATE:{first + timedelta(days=n):%Y%m%dT%H%M%SZ}" for n in range(DATES_MAX + 500)]
    imported = read_calendar(calendar(event("ex@x", "SUMMARY:X", "RRULE:FREQ=DAILY", *exdates)))
    (activity,) = imported.activities
    assert len(activity.exdates) == DATES_MAX


def test_a_secondly_rule_expands_to_a_bounded_board_week() -> None:
    imported = read_calendar(calendar(event("sec@x", "SUMMARY:S", "RRULE:FREQ=SECONDLY")))
    (activity,) = imported.activities
    start = datetime(2026, 12, 1, tzinfo=UTC)
    week = expand(activity, start, start + timedelta(days=7))
    assert 0 < len(week) <= SUB_DAILY_MAX
