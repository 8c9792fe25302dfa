"""What central staff write survives a board edit, on two real CalDAV servers (Radicale and
Xandikos): a volunteer changes one thing, and every other line of the server's object stays
as central staff wrote it, byte for byte. (Compared with the object as the server gives it
back: Radicale re-serialises what it stores, so the baseline is its own text.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from kiosk import services
from kiosk.activities.model import Activity
from kiosk.volunteers.accounts import Account
from tests.radicale_server import Radicale
from tests.xandikos_server import Xandikos

ANNA = Account("anna", "Anna", "admin", "-")
UID = "kulturkvall-2026@region.example"
CENTRAL = f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Region//Kalender 4.2//SV
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
UID:{UID}
DTSTAMP:20261101T080000Z
DTSTART;TZID=Europe/Stockholm:20261203T180000
DTEND;TZID=Europe/Stockholm:20261203T200000
RRULE:FREQ=WEEKLY;COUNT=6
SUMMARY:Kulturkväll
DESCRIPTION:Musik och samtal. Fika finns.
LOCATION:Folkets hus\\, stora salen
CATEGORIES:Kultur,Ungdom,Barn
URL:https://region.example/kultur/kvall
ORGANIZER;CN=Kulturenheten:mailto:kultur@region.example
ATTENDEE;CN=Lokalvärd;ROLE=REQ-PARTICIPANT:mailto:vard@region.example
ATTACH;FMTTYPE=application/pdf:https://region.example/kultur/program.pdf
X-REGION-BUDGET-ID:K-2026-114
X-REGION-NOTE:Intern: nyckel hos vaktmästaren
  i receptionen
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Kulturkväll om en timme
TRIGGER:-PT1H
END:VALARM
END:VEVENT
BEGIN:VEVENT
UID:{UID}
DTSTAMP:20261101T080000Z
RECURRENCE-ID;TZID=Europe/Stockholm:20261217T180000
DTSTART;TZID=Europe/Stockholm:20261217T170000
DTEND;TZID=Europe/Stockholm:20261217T210000
SUMMARY:Kulturkväll: julkonsert
LOCATION:Kyrkan
URL:https://region.example/kultur/julkonsert
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")
# What a title edit may change: the title (and the board's own copy of it), the stamps.
MAY_CHANGE = re.compile(r"^(SUMMARY|X-MOTESPLATS-[A-Z-]+|DTSTAMP|SEQUENCE|LAST-MODIFIED)[;:]")


def physical_lines(text: str) -> list[str]:
    return [line for line in text.replace("\r\n", "\n").split("\n") if line]


def logical(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line[:1] in (" ", "\t") and out:
            out[-1] += line[1:]
        else:
            out.append(line)
    return out


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    kind = Radicale if request.param == "radicale" else Xandikos
    with kind(tmp_path / request.param) as running:
        yield running


def object_text(server) -> str:  # type: ignore[no-untyped-def]
    calendar = server.client().calendar(url=server.calendar_url)
    return calendar.event_by_uid(UID).data


def test_a_title_edit_rewrites_the_title_and_nothing_else(app: Flask, server) -> None:  # type: ignore[no-untyped-def]
    calendar = server.client().calendar(url=server.calendar_url)
    calendar.save_event(CENTRAL)
    original = object_text(server)
    svc = services.get_for(app)
    svc.sync.sources.add(
        "Regionen", "caldav", server.calendar_url, True, server.user, server.password
    )
    (pulled,) = svc.sync.run_once()
    assert pulled.ok and pulled.received == 1, pulled.error

    activity = Activity.from_doc(svc.store.get("activities", UID))
    activity.title = {"sv": "Kulturkväll med musik"}
    svc.editor.save(ANNA, activity, activity.version)
    (pushed,) = svc.sync.run_once()
    assert pushed.ok and pushed.pushed == 1, pushed.error

    after = object_text(server)
    before_lines, after_lines = physical_lines(original), physical_lines(after)
    gone = [line for line in logical(before_lines) if line not in logical(after_lines)]
    assert all(MAY_CHANGE.match(line) for line in gone), gone
    assert any(
        re.match(r"SUMMARY(;LANGUAGE=sv)?:Kulturkväll med musik$", line)
        for line in logical(after_lines)
    ), after
    # Everything central staff wrote that the board does not model is there verbatim,
    # folded lines and the alarm included; the changed date keeps its own title and place.
    kept = [line for line in before_lines if not MAY_CHANGE.match(line) and line[:1] != " "]
    for line in kept:
        assert line in after_lines, line
    assert "X-REGION-NOTE:Intern: nyckel hos vaktmästaren i receptionen" in logical(after_lines)
    assert "SUMMARY:Kulturkväll: julkonsert" in after_lines
    assert after_lines.count("LOCATION:Kyrkan") == 1
