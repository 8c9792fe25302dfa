"""`kiosk.ical.preserve.merge`: only what an edit changed is rewritten in the server's text."""

from __future__ import annotations

import copy
from datetime import datetime

from kiosk.activities.model import Override
from kiosk.ical.preserve import merge
from kiosk.ical.read import read_calendar
from kiosk.ical.write import calendar_bytes
from tests.conftest import STOCKHOLM
from tests.sync.test_two_way_preservation import CENTRAL, physical_lines


def export(activity) -> str:  # type: ignore[no-untyped-def]
    return calendar_bytes([activity], {}, {}, "Test").decode()


def imported():  # type: ignore[no-untyped-def]
    (activity,) = read_calendar(CENTRAL).activities
    return activity


def test_cancelling_one_date_adds_that_occurrence_and_keeps_the_rest_verbatim() -> None:
    before = imported()
    after = copy.deepcopy(before)
    after.overrides["20261210T170000Z"] = Override(status="cancelled", note={"sv": "Stängt"})
    merged = merge(CENTRAL, export(before), export(after))
    lines = physical_lines(merged)
    for line in physical_lines(CENTRAL):
        if not line.startswith(("DTSTAMP", "END:VCALENDAR")):
            assert line in lines, line
    (again,) = read_calendar(merged).activities
    assert again.overrides["20261210T170000Z"].status == "cancelled"
    assert again.overrides["20261217T170000Z"].title == {"sv": "Kulturkväll: julkonsert"}


def test_moving_the_series_rewrites_its_times_only() -> None:
    before = imported()
    after = copy.deepcopy(before)
    after.start = datetime(2026, 12, 3, 18, 30, tzinfo=STOCKHOLM)
    after.end = datetime(2026, 12, 3, 20, 30, tzinfo=STOCKHOLM)
    merged = physical_lines(merge(CENTRAL, export(before), export(after)))
    assert "DTSTART;TZID=Europe/Stockholm:20261203T183000" in merged
    assert "DTSTART;TZID=Europe/Stockholm:20261203T180000" not in merged
    for kept in (
        "URL:https://region.example/kultur/kvall",
        "TRIGGER:-PT1H",
        "CATEGORIES:Kultur,Ungdom,Barn",
    ):
        assert kept in merged


def test_removing_a_changed_date_removes_it_and_unknown_dates_stay() -> None:
    before = imported()
    after = copy.deepcopy(before)
    after.overrides.pop("20261217T170000Z")
    merged = merge(CENTRAL, export(before), export(after))
    assert "SUMMARY:Kulturkväll: julkonsert" not in merged
    assert "URL:https://region.example/kultur/kvall" in merged
    # An occurrence in the server's object the board never read stays as it was.
    unknown = CENTRAL.replace(
        "RECURRENCE-ID;TZID=Europe/Stockholm:20261217T180000",
        "RECURRENCE-ID;TZID=Europe/Stockholm:20261224T180000",
    )
    merged = merge(unknown, export(before), export(before))
    assert "SUMMARY:Kulturkväll: julkonsert" in merged
