"""iCalendar export and import: round trips, an independent expander, foreign files, feeds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import recurring_ical_events
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from kiosk import services
from kiosk.activities.model import Activity, Override, SignupSettings, recurrence_id
from kiosk.activities.recurrence import expand
from kiosk.ical.common import IcsError
from kiosk.ical.read import activities_from_ics, read_calendar
from kiosk.ical.write import activity_to_events, calendar_bytes
from tests.conftest import STOCKHOLM

# Tuesdays 16:30-19:00 from 2 March 2027; summer time starts on Sunday 28 March 2027.
FIRST = datetime(2027, 3, 2, 16, 30, tzinfo=STOCKHOLM)
WINDOW = (datetime(2027, 3, 1, tzinfo=STOCKHOLM), datetime(2027, 5, 1, tzinfo=STOCKHOLM))
EXCLUDED = FIRST + timedelta(weeks=1)  # 9 March: EXDATE
CANCELLED = FIRST + timedelta(weeks=3)  # 23 March: cancelled by override
MOVED = datetime(2027, 3, 30, 16, 30, tzinfo=STOCKHOLM)  # after the change: to Wed 17:30
MOVED_TO = datetime(2027, 3, 31, 17, 30, tzinfo=STOCKHOLM)


def club_series(**fields: object) -> Activity:
    values: dict[str, object] = {
        "id": "club@test",
        "title": {"sv": "After School Club", "en": "After School Club"},
        "description": {"sv": "Läxhjälp, spel; fika.\nVälkomna!", "en": "Homework help"},
        "start": FIRST,
        "end": FIRST + timedelta(hours=2, minutes=30),
        "rrule": "FREQ=WEEKLY;INTERVAL=1;UNTIL=20270427T220000Z;BYDAY=TU",
        "exdates": [recurrence_id(EXCLUDED)],
        "overrides": {
            recurrence_id(CANCELLED): Override(status="cancelled", note={"sv": "Ledaren är sjuk"}),
            recurrence_id(MOVED): Override(
                start=MOVED_TO,
                end=MOVED_TO + timedelta(hours=2, minutes=30),
                note={"sv": "Onsdag denna vecka", "en": "Wednesday this week"},
            ),
        },
        "place_id": "demo-bibliotek",
        "organiser_id": "demo-rodakorset",
        "audiences": ["youth", "children"],
        "languages": ["sv", "ar", "so"],
        "cost_sek": 20,
        "childcare": True,
        "signup": SignupSettings(True, 15, {"sv": "Ring Birgitta", "ar": "اتصل ببيرجيتا"}),
        "status_note": {"sv": "Ny lokal från april"},
        "updated_at": datetime(2027, 2, 20, 12, 0, 5, tzinfo=UTC),
        "version": 4,
        "source": "local",
    }
    values.update(fields)
    return Activity(**values)  # type: ignore[arg-type]


def only(activities: list[Activity]) -> Activity:
    assert len(activities) == 1
    return activities[0]


def round_trip(activity: Activity) -> Activity:
    return only(activities_from_ics(calendar_bytes([activity], {}, {}, "Test")))


def occurrence_facts(activity: Activity) -> list[tuple[str, datetime, datetime, str]]:
    return [(o.recurrence_id, o.start, o.end, o.status) for o in expand(activity, *WINDOW)]


def test_weekly_series_round_trips_across_the_march_dst_change() -> None:
    club = club_series()
    again = round_trip(club)
    assert again == club
    assert again.to_doc() == club.to_doc()
    assert again.rrule == club.rrule  # verbatim, not re-ordered
    assert occurrence_facts(again) == occurrence_facts(club)
    found = expand(again, *WINDOW)
    assert [(o.start.strftime("%m-%d %H:%M"), o.status) for o in found] == [
        ("03-02 16:30", "scheduled"),
        ("03-16 16:30", "scheduled"),
        ("03-23 16:30", "cancelled"),
        ("03-31 17:30", "changed"),
        ("04-06 16:30", "scheduled"),
        ("04-13 16:30", "scheduled"),
        ("04-20 16:30", "scheduled"),
        ("04-27 16:30", "scheduled"),
    ]
    assert [o.start.utcoffset() for o in found] == [timedelta(hours=1)] * 3 + [
        timedelta(hours=2)
    ] * 5


def test_export_writes_local_wall_time_with_tzid_and_a_vtimezone() -> None:
    text = calendar_bytes([club_series()], {}, {}, "Test").decode()
    assert "DTSTART;TZID=Europe/Stockholm:20270302T163000" in text
    assert "EXDATE;TZID=Europe/Stockholm:20270309T163000" in text
    assert "RECURRENCE-ID;TZID=Europe/Stockholm:20270330T163000" in text
    assert "RRULE:FREQ=WEEKLY;INTERVAL=1;UNTIL=20270427T220000Z;BYDAY=TU" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Stockholm" in text
    assert "X-WR-CALNAME:Test" in text and "VERSION:2.0" in text


def test_overrides_become_recurrence_id_events() -> None:
    master, cancelled, moved = activity_to_events(club_series())
    assert "RECURRENCE-ID" not in master and str(master["STATUS"]) == "CONFIRMED"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled.start == CANCELLED and cancelled.end == CANCELLED + timedelta(hours=2.5)
    assert str(moved["STATUS"]) == "CONFIRMED"
    assert moved["RECURRENCE-ID"].dt == MOVED and moved.start == MOVED_TO
    assert "Onsdag denna vecka" in str(moved["DESCRIPTION"])


def test_override_with_only_a_new_start_keeps_its_end_unset() -> None:
    key = recurrence_id(FIRST)
    club = club_series(overrides={key: Override(start=FIRST + timedelta(hours=1))})
    again = round_trip(club)
    assert again.overrides[key].end is None and again == club
    assert occurrence_facts(again) == occurrence_facts(club)


def test_cancelled_occurrences_are_reported_as_cancelled_by_recurring_ical_events() -> None:
    """recurring_ical_events keeps a STATUS:CANCELLED occurrence and copies that status."""
    club = club_series()
    calendar = Calendar.from_ical(calendar_bytes([club], {}, {}, "Test"))
    theirs = sorted(
        (
            recurrence_id(event["RECURRENCE-ID"].dt),
            event.start.astimezone(UTC),
            event.end.astimezone(UTC),
            "cancelled" if str(event.get("STATUS")) == "CANCELLED" else "on",
        )
        for event in recurring_ical_events.of(calendar).between(*WINDOW)
    )
    ours = sorted(
        (rid, start.astimezone(UTC), end.astimezone(UTC), "cancelled" if s == "cancelled" else "on")
        for rid, start, end, s in occurrence_facts(club)
    )
    assert theirs == ours
    assert sum(1 for fact in theirs if fact[3] == "cancelled") == 1


def test_whole_series_cancelled_is_cancelled_everywhere() -> None:
    club = club_series(status="cancelled")
    calendar = Calendar.from_ical(calendar_bytes([club], {}, {}, "Test"))
    statuses = {str(e.get("STATUS")) for e in recurring_ical_events.of(calendar).between(*WINDOW)}
    assert statuses == {"CANCELLED"}
    assert round_trip(club) == club


def test_demo_activities_round_trip(app: Flask) -> None:
    snap = services.get_for(app).catalogue.snapshot()
    data = calendar_bytes(snap.activities.values(), snap.places, snap.organisers, snap.site.name)
    result = read_calendar(data)
    assert result.skipped == [] and result.warnings == []
    again = {a.id: a for a in result.activities}
    assert again.keys() == snap.activities.keys()
    window = (datetime(2026, 11, 1, tzinfo=STOCKHOLM), datetime(2027, 2, 1, tzinfo=STOCKHOLM))
    calendar = Calendar.from_ical(data)
    theirs = sorted(
        (str(e["UID"]), e.start.astimezone(UTC), e.end.astimezone(UTC), str(e.get("STATUS")))
        for e in recurring_ical_events.of(calendar).between(*window)
    )
    ours = []
    for activity_id, original in snap.activities.items():
        # the translation marks are this board's bookkeeping, not carried by iCalendar
        local_only = {"translated_from", "unreviewed"}
        kept = {k: v for k, v in original.to_doc().items() if k not in local_only}
        assert again[activity_id].to_doc() == kept

        def dates(activity):  # type: ignore[no-untyped-def]
            return [
                (o.recurrence_id, o.start, o.end, o.status, o.note, o.moved)
                for o in expand(activity, *window)
            ]

        assert dates(again[activity_id]) == dates(original)
        ours += [
            (
                activity_id,
                o.start.astimezone(UTC),
                o.end.astimezone(UTC),
                "CANCELLED" if o.status == "cancelled" else "CONFIRMED",
            )
            for o in expand(original, *window)
        ]
    assert theirs == sorted(ours)


def test_titles_in_arabic_and_tigrinya_round_trip() -> None:
    texts = {"sv": "Kvinnofrukost", "ar": "فطور للنساء", "ti": "ቁርሲ ደቂ ኣንስትዮ", "fa_AF": "صبحانه"}
    breakfast = club_series(title=texts, description={"ti": "ብሓባር ቁርሲ"})
    data = calendar_bytes([breakfast], {}, {}, "Test")
    text = data.decode()
    assert "SUMMARY;LANGUAGE=sv:Kvinnofrukost" in text
    assert "X-MOTESPLATS-TITLE;LANGUAGE=fa-AF:" in text
    assert "DESCRIPTION;LANGUAGE=ti:" in text  # no Swedish: the description falls back
    again = only(activities_from_ics(data))
    assert again.title == texts and again.description == {"ti": "ብሓባር ቁርሲ"}


def test_title_without_swedish_goes_to_summary_with_its_language() -> None:
    texts = {"ar": "سباحة", "ti": "ምሕንባስ"}
    again = round_trip(club_series(title=texts))
    assert again.title == texts


def calendar_of(*events: str, extra: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Test//SV\r\n{extra}"
    return (head + body + "END:VCALENDAR\r\n").replace("\r\n\r\n", "\r\n").encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"hello", "does not start with BEGIN:VCALENDAR"),
        (b"BEGIN:VCALENDAR\r\nhello\r\nEND:VCALENDAR\r\n", "not readable as iCalendar"),
        (calendar_of(), "no events"),
        (calendar_of("UID:a@test\r\nSUMMARY:Utan tid"), "'a@test': no start time \\(DTSTART\\)"),
        (calendar_of("UID:a@test\r\nDTSTART:nonsense"), "unreadable DTSTART"),
    ],
)
def test_garbage_raises_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(IcsError, match=message):
        activities_from_ics(data)


@pytest.mark.parametrize("rule", ["FREQ=SOMETIMES", "FREQ=WEEKLY;EVERY=2"])
def test_an_unreadable_repeat_rule_keeps_the_first_date_and_says_so(rule: str) -> None:
    result = read_calendar(
        calendar_of(
            f"UID:a@test\r\nSUMMARY:Språkcafé\r\nDTSTART:20261124T100000\r\nRRULE:{rule}",
            "UID:b@test\r\nSUMMARY:Läxhjälp\r\nDTSTART:20261125T100000",
        )
    )
    assert [(a.id, a.rrule) for a in result.activities] == [("a@test", None), ("b@test", None)]
    assert any("a@test: unreadable repeat rule" in w for w in result.warnings), result.warnings


MUNICIPALITY = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Sitevision//Evenemangskalender//SV
X-WR-CALNAME:Götene kommun – evenemang
BEGIN:VTIMEZONE
TZID:Europe/Stockholm
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:20261212-julmarknad@gotene.se
DTSTAMP:20261101T080000Z
DTSTART;VALUE=DATE:20261212
DTEND;VALUE=DATE:20261213
SUMMARY:Julmarknad på torget
DESCRIPTION:Hantverk\\, glögg och tomte.
LOCATION:Stora torget\\, Götene
CATEGORIES:Kultur,Familj
END:VEVENT
BEGIN:VEVENT
UID:oppet-hus-bibliotek@gotene.se
DTSTAMP:20261101T080000Z
LAST-MODIFIED:20261102T091500Z
SEQUENCE:2
DTSTART;TZID=Europe/Stockholm:20261201T170000
DURATION:PT2H30M
SUMMARY;LANGUAGE=sv-SE:Öppet hus på biblioteket
END:VEVENT
BEGIN:VEVENT
UID:seniordans@gotene.se
DTSTAMP:20261101T080000Z
DTSTART:20261203T140000
DTEND:20261203T160000
RRULE:FREQ=WEEKLY;UNTIL=20261224
EXDATE;VALUE=DATE:20261210
SUMMARY:Seniordans
CATEGORIES:Seniorer
END:VEVENT
BEGIN:VEVENT
UID:seniordans@gotene.se
DTSTAMP:20261101T080000Z
RECURRENCE-ID:20261217T140000
DTSTART:20261217T150000
DTEND:20261217T170000
STATUS:CONFIRMED
COMMENT:En timme senare på grund av luciafirandet.
SUMMARY:Seniordans
END:VEVENT
BEGIN:VEVENT
UID:konsert@gotene.se
DTSTAMP:20261101T080000Z
DTSTART:20261205T180000Z
SUMMARY:Konsert i kyrkan
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
DTSTAMP:20261101T080000Z
DTSTART;TZID=Europe/Stockholm:20261206T110000
DTEND;TZID=Europe/Stockholm:20261206T120000
SUMMARY:Sagostund
END:VEVENT
BEGIN:VEVENT
UID:borttagen-serie@gotene.se
DTSTAMP:20261101T080000Z
RECURRENCE-ID;TZID=Europe/Stockholm:20261207T100000
DTSTART;TZID=Europe/Stockholm:20261207T110000
SUMMARY:Ändrat tillfälle i en serie som inte finns med
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n").encode()


def local(activity: Activity) -> tuple[str, str]:
    return (
        activity.start.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M"),
        activity.end.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M"),
    )


def test_a_municipality_calendar_imports_sensibly() -> None:
    result = read_calendar(MUNICIPALITY)
    found = {a.id: a for a in result.activities}
    assert result.skipped == []
    # A changed occurrence whose series is not in the calendar is still an event there
    # (RFC 5545 readers show it): it arrives on its own, and the import says so.
    orphan = found["borttagen-serie@gotene.se"]
    assert local(orphan)[0] == "2026-12-07 11:00" and orphan.rrule is None
    assert any("without the series they belong to" in w for w in result.warnings)

    market = found["20261212-julmarknad@gotene.se"]  # all day: 00:00-24:00 local
    assert local(market) == ("2026-12-12 00:00", "2026-12-13 00:00")
    assert market.title == {"sv": "Julmarknad på torget"}
    assert market.description == {"sv": "Hantverk, glögg och tomte.\n\nPlats: Stora torget, Götene"}
    assert market.audiences == ["families"] and market.source == "ics"

    library = found["oppet-hus-bibliotek@gotene.se"]  # DURATION instead of DTEND
    assert local(library) == ("2026-12-01 17:00", "2026-12-01 19:30")
    assert library.title == {"sv": "Öppet hus på biblioteket"}  # sv-SE read as sv
    assert library.version == 2
    assert library.updated_at == datetime(2026, 11, 2, 9, 15, tzinfo=UTC)

    dance = found["seniordans@gotene.se"]  # floating times: Europe/Stockholm
    assert dance.tz == "Europe/Stockholm" and dance.audiences == ["seniors"]
    window = (datetime(2026, 12, 1, tzinfo=STOCKHOLM), datetime(2027, 1, 1, tzinfo=STOCKHOLM))
    assert [
        (o.start.strftime("%m-%d %H:%M"), o.status, o.note) for o in expand(dance, *window)
    ] == [
        ("12-03 14:00", "scheduled", {}),
        ("12-17 15:00", "changed", {"sv": "En timme senare på grund av luciafirandet."}),
        ("12-24 14:00", "scheduled", {}),
    ]

    concert = found["konsert@gotene.se"]  # UTC, no DTEND: one hour, shown in Swedish time
    assert local(concert) == ("2026-12-05 19:00", "2026-12-05 20:00")
    assert concert.tz == "UTC" and concert.status == "cancelled"  # UTC stays UTC (RFC 5545)

    (story,) = [a for a in result.activities if a.title == {"sv": "Sagostund"}]
    assert story.id.endswith("@ics-import")  # no UID: a stable one from a hash
    assert story.id == only([a for a in activities_from_ics(MUNICIPALITY) if a.id == story.id]).id
    assert all(not a.problems() for a in result.activities)


def test_calendar_time_zone_is_used_for_floating_times() -> None:
    data = calendar_of(
        "UID:f@test\r\nDTSTART:20261201T100000\r\nDTEND:20261201T110000\r\nSUMMARY:Möte",
        extra="X-WR-TIMEZONE:Europe/Helsinki\r\n",
    )
    meeting = only(activities_from_ics(data))
    assert meeting.tz == "Europe/Helsinki"
    assert meeting.start == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_all_day_series_expands_to_whole_local_days() -> None:
    data = calendar_of(
        "UID:d@test\r\nDTSTART;VALUE=DATE:20270326\r\nRRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:Läger"
    )
    camp = only(activities_from_ics(data))
    found = expand(
        camp, datetime(2027, 3, 1, tzinfo=STOCKHOLM), datetime(2027, 4, 1, tzinfo=STOCKHOLM)
    )
    assert [(o.start.date(), o.start.hour, o.end.date(), o.end.hour) for o in found] == [
        (date(2027, 3, 26), 0, date(2027, 3, 27), 0),
        (date(2027, 3, 27), 0, date(2027, 3, 28), 0),
        (date(2027, 3, 28), 0, date(2027, 3, 29), 0),  # a 23-hour day, still midnight to midnight
    ]


def test_calendar_feed_has_every_activity(client: FlaskClient) -> None:
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    assert 'filename="motesplats.ics"' in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    assert [c.errors for c in calendar.walk() if c.errors] == []
    assert calendar.get_missing_tzids() == set()  # a VTIMEZONE for every TZID used
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert "demo-simning-kvinnor@motesplats" in uids and len(uids) == 13


def test_activity_feed_has_one_activity(client: FlaskClient) -> None:
    response = client.get("/a/demo-simning-kvinnor@motesplats.ics")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == {"demo-simning-kvinnor@motesplats"}
    swim = only(activities_from_ics(response.data))
    assert swim.title["sv"].startswith("Simning för kvinnor") and swim.childcare
    # The HTML page of the same activity is still the board's.
    page = client.get("/a/demo-simning-kvinnor@motesplats")
    assert page.status_code == 200 and page.content_type.startswith("text/html")


def test_unknown_activity_feed_is_404(client: FlaskClient) -> None:
    assert client.get("/a/nobody@motesplats.ics").status_code == 404


def test_a_broken_event_is_skipped_and_the_rest_kept() -> None:
    data = calendar_of(
        "UID:good@test\r\nDTSTART:20261124T100000\r\nSUMMARY:Bra",
        "UID:bad@test\r\nSUMMARY:Utan tid",
        "UID:twice@test\r\nDTSTART:20261125T100000\r\nDTSTART:20261126T100000\r\nSUMMARY:Två",
    )
    result = read_calendar(data)
    assert sorted(a.id for a in result.activities) == ["good@test", "twice@test"]
    assert any("bad@test" in line for line in result.skipped)
    twice = next(a for a in result.activities if a.id == "twice@test")
    assert twice.start.day == 25  # the first DTSTART


def test_a_calendar_cut_short_is_refused_whole() -> None:
    whole = calendar_of(
        *(f"UID:{n}@test\r\nDTSTART:2026112{n}T100000\r\nSUMMARY:E{n}" for n in range(5))
    )
    with pytest.raises(IcsError, match="cut short"):
        read_calendar(whole[: len(whole) * 2 // 3])


def test_an_occurrence_keeps_its_own_title_and_place_and_they_round_trip() -> None:
    data = calendar_of(
        "UID:kafe@kommun.example\r\nSUMMARY:Språkcafé\r\nLOCATION:Biblioteket\r\n"
        "DTSTART;TZID=Europe/Stockholm:20261201T170000\r\n"
        "DTEND;TZID=Europe/Stockholm:20261201T190000\r\nRRULE:FREQ=WEEKLY;COUNT=4",
        "UID:kafe@kommun.example\r\nSUMMARY:Julfest\r\nLOCATION:Folkets hus\r\n"
        "RECURRENCE-ID;TZID=Europe/Stockholm:20261215T170000\r\n"
        "DTSTART;TZID=Europe/Stockholm:20261215T170000\r\n"
        "DTEND;TZID=Europe/Stockholm:20261215T200000",
    )
    (cafe,) = activities_from_ics(data)
    occurrences = expand(
        cafe, datetime(2026, 12, 1, tzinfo=STOCKHOLM), datetime(2026, 12, 31, tzinfo=STOCKHOLM)
    )
    assert [(o.title["sv"], o.location) for o in occurrences] == [
        ("Språkcafé", ""),
        ("Språkcafé", ""),
        ("Julfest", "Folkets hus"),
        ("Språkcafé", ""),
    ]
    again = only(activities_from_ics(calendar_bytes([cafe], {}, {}, "Test")))
    assert again.overrides == cafe.overrides


GOOD = (
    "UID:bra@test\r\nSUMMARY:Språkcafé\r\nDTSTART;TZID=Europe/Stockholm:20261201T170000\r\n"
    "DTEND;TZID=Europe/Stockholm:20261201T190000"
)


def test_a_stray_byte_is_replaced_where_it_is_and_nothing_else_is_touched() -> None:
    data = calendar_of(GOOD, "UID:ar@test\r\nSUMMARY:مقهى اللغة ትግርኛ\r\nDTSTART:20261202T170000Z")
    broken = data.replace("Språkcafé".encode(), "Spr\xe5kcaf\xc3\xa9".encode("latin-1"))
    result = read_calendar(broken)
    titles = sorted(a.title["sv"] for a in result.activities)
    assert titles == ["Spr\ufffdkcafé", "مقهى اللغة ትግርኛ"]  # not cp1252 mojibake
    assert any("invalid byte" in w for w in result.warnings)


def test_a_line_folded_inside_a_utf8_character_is_joined() -> None:
    title = "Läxhjälp för barn – ትምህርቲ".encode()
    cut = title.index("ት".encode()) + 1  # in the middle of a three-byte character
    raw = calendar_of(GOOD).replace(
        "SUMMARY:Språkcafé".encode(), b"SUMMARY:" + title[:cut] + b"\r\n " + title[cut:]
    )
    (activity,) = activities_from_ics(raw)
    assert activity.title["sv"] == "Läxhjälp för barn – ትምህርቲ"


@pytest.mark.parametrize(
    "bad",
    [
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:PT-2H\r\nEND:VALARM",  # a broken alarm
        "DTSTAMP:2026-11-01",  # a malformed DTSTAMP
    ],
)
def test_one_bad_property_costs_only_itself(bad: str) -> None:
    other = "UID:annat@test\r\nSUMMARY:Fika\r\nDTSTART:20261203T150000Z\r\nDTEND:20261203T160000Z"
    result = read_calendar(calendar_of(GOOD + "\r\n" + bad, other))
    assert sorted(a.id for a in result.activities) == ["annat@test", "bra@test"]


def test_a_broken_time_zone_costs_only_the_zone() -> None:
    zone = (
        "BEGIN:VTIMEZONE\r\nTZID:Custom/Odd\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
        "TZOFFSETFROM:+5328\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    )
    result = read_calendar(calendar_of(GOOD, extra=zone))
    assert [a.id for a in result.activities] == ["bra@test"]
    assert any("time zone" in w for w in result.warnings)


def test_windows_zone_names_utc_and_floating_series() -> None:
    windows = (
        "UID:win@test\r\nSUMMARY:Möte\r\nDTSTART;TZID=W. Europe Standard Time:20260701T180000\r\n"
        "DTEND;TZID=W. Europe Standard Time:20260701T190000\r\nRRULE:FREQ=WEEKLY;COUNT=3"
    )
    utc = "UID:utc@test\r\nSUMMARY:UTC\r\nDTSTART:20260305T170000Z\r\nRRULE:FREQ=WEEKLY;COUNT=6"
    floating = (
        "UID:flyt@test\r\nSUMMARY:Flytande\r\nDTSTART:20260305T170000\r\nRRULE:FREQ=WEEKLY;COUNT=6"
    )
    found = {a.id: a for a in read_calendar(calendar_of(windows, utc, floating)).activities}
    # A Windows name maps to its IANA zone (icalendar's table of CLDR's mapping).
    assert found["win@test"].start == datetime(2026, 7, 1, 16, 0, tzinfo=UTC)
    window = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC))
    # UTC stays UTC across the change to summer time (29 March); floating follows the wall
    # clock of the calendar's zone (Stockholm here).
    assert {o.start.astimezone(UTC).hour for o in expand(found["utc@test"], *window)} == {17}
    assert {o.start.astimezone(STOCKHOLM).hour for o in expand(found["flyt@test"], *window)} == {17}


def test_an_all_day_activity_goes_out_as_dates_and_comes_back_the_same() -> None:
    start = datetime(2026, 12, 12, 0, 0, tzinfo=STOCKHOLM)
    market = Activity(
        id="marknad@test",
        title={"sv": "Julmarknad"},
        start=start,
        end=datetime(2026, 12, 14, 0, 0, tzinfo=STOCKHOLM),
        rrule="FREQ=YEARLY;COUNT=3",
        exdates=[recurrence_id(datetime(2027, 12, 12, 0, 0, tzinfo=STOCKHOLM))],
    )
    text = calendar_bytes([market], {}, {}, "Test").decode()
    assert "DTSTART;VALUE=DATE:20261212" in text and "DTEND;VALUE=DATE:20261214" in text
    assert "EXDATE;VALUE=DATE:20271212" in text
    again = only(activities_from_ics(text.encode()))
    assert (again.start, again.end, again.exdates) == (market.start, market.end, market.exdates)
    reference = recurring_ical_events.of(Calendar.from_ical(text)).between(
        date(2026, 1, 1), date(2030, 1, 1)
    )
    assert [e["DTSTART"].dt for e in reference] == [date(2026, 12, 12), date(2028, 12, 12)]
