"""`/calendar.ics` read by two other calendar readers gives the board's own occurrences.

ical.js (the reader of Thunderbird, Nextcloud and many web calendars; run under node by
tests/js/expand.mjs) and vobject (Python; Radicale and many sync tools) each expand the feed
for 24 months from a fixed Tuesday, with the time zones as the feed's own VTIMEZONEs say.
Both must equal `/api/activities` occurrence by occurrence: the recurrence id, start and end
as instants in UTC, cancelled or not (moved occurrences at their new times). The catalogue
is the demo week (weekly series with one cancelled and one moved occurrence) plus two open
series stored as documents: Sunday mornings in Stockholm (on both DST Sundays of two years,
with a cancelled, a moved and an excluded date in summer) and Thursdays in New York (whose
DST dates differ from Europe's), so both readers see daylight saving change four times.

ical.js comes from npm (tests/js/package.json and its lock file; `./install.sh --dev` runs
`npm ci --prefix tests/js`). Without node or ical.js the test fails and says so; it skips
nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.activities.model import Activity, Override, recurrence_id
from kiosk.activities.recurrence import expand
from kiosk.ical.write import calendar_bytes
from tests.conftest import FIXED_NOW, REPO, STOCKHOLM

JS = REPO / "tests" / "js"
NEW_YORK = ZoneInfo("America/New_York")
FIRST_DAY = FIXED_NOW.date()
MONTHS = 24
LAST_DAY = date(FIRST_DAY.year + MONTHS // 12, FIRST_DAY.month, FIRST_DAY.day) - timedelta(days=1)
WINDOW = (
    datetime.combine(FIRST_DAY, datetime.min.time(), STOCKHOLM).astimezone(UTC),
    datetime.combine(LAST_DAY + timedelta(days=1), datetime.min.time(), STOCKHOLM).astimezone(UTC),
)

Fact = tuple[str, str, str, str, bool]  # uid, recurrence id, start, end (UTC), cancelled


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def open_series(app: Flask) -> None:
    """Two series without an end, stored as documents like the ones an import leaves."""
    store = services.get_for(app).store
    sunday = datetime(2026, 11, 29, 10, 0, tzinfo=STOCKHOLM)
    cancelled = datetime(2027, 6, 6, 10, 0, tzinfo=STOCKHOLM)
    moved = datetime(2028, 3, 26, 10, 0, tzinfo=STOCKHOLM)  # summer time starts that night
    excluded = datetime(2028, 7, 2, 10, 0, tzinfo=STOCKHOLM)
    store.put(
        "activities",
        Activity(
            id="readers-sunday@test",
            title={"sv": "Söndagsfika"},
            start=sunday,
            end=sunday + timedelta(hours=2),
            rrule="FREQ=WEEKLY;BYDAY=SU",
            exdates=[recurrence_id(excluded)],
            overrides={
                recurrence_id(cancelled): Override(status="cancelled"),
                recurrence_id(moved): Override(
                    start=moved + timedelta(hours=3), end=moved + timedelta(hours=5)
                ),
            },
        ).to_doc(),
    )
    thursday = datetime(2026, 11, 26, 12, 0, tzinfo=NEW_YORK)
    store.put(
        "activities",
        Activity(
            id="readers-new-york@test",
            title={"en": "Call with the diaspora association"},
            start=thursday,
            end=thursday + timedelta(hours=1),
            tz="America/New_York",
            rrule="FREQ=WEEKLY",
        ).to_doc(),
    )


def api_facts(client: FlaskClient) -> list[Fact]:
    """The board's occurrences, asked for in windows of at most the API's 366 days."""
    found: dict[tuple[str, str], Fact] = {}
    first = FIRST_DAY
    while first <= LAST_DAY:
        last = min(first + timedelta(days=364), LAST_DAY)
        response = client.get(f"/api/activities?from={first}&to={last}")
        assert response.status_code == 200, response.get_json()
        for o in response.get_json()["occurrences"]:
            start, end = datetime.fromisoformat(o["start"]), datetime.fromisoformat(o["end"])
            found[(o["activity_id"], o["recurrence_id"])] = (
                o["activity_id"],
                o["recurrence_id"],
                utc_text(start),
                utc_text(end),
                o["status"] == "cancelled",
            )
        first = last + timedelta(days=1)
    return sorted(found.values(), key=lambda f: (f[2], f[0]))


def ical_js_facts(feed: Path, window: tuple[datetime, datetime] = WINDOW) -> list[Fact]:
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "ical.js" / "package.json").is_file():
        pytest.fail(
            "These tests read the feed with ical.js under node: run ./install.sh --dev "
            "(it installs node and npm as root, then runs npm ci --prefix tests/js)."
        )
    run = subprocess.run(
        [node, str(JS / "expand.mjs"), str(feed), utc_text(window[0]), utc_text(window[1])],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    facts = [
        (
            o["uid"],
            o["recurrence_id"],
            utc_text(datetime.fromisoformat(o["start"])),
            utc_text(datetime.fromisoformat(o["end"])),
            o["status"] == "CANCELLED",
        )
        for o in json.loads(run.stdout)
    ]
    return sorted(facts, key=lambda f: (f[2], f[0]))


def vobject_facts(data: bytes, window: tuple[datetime, datetime] = WINDOW) -> list[Fact]:
    """vobject's expansion (its rruleset, on the tzinfo it builds from each VTIMEZONE), with
    each RECURRENCE-ID event in place of the occurrence it names, as a calendar app does."""
    # vobject keeps the zones of every file it read in one map; start from ours alone.
    zones = vars(vobject.icalendar)["__tzidMap"]
    zones.clear()
    try:
        calendar = vobject.readOne(data.decode("utf-8"))
        events = list(calendar.vevent_list)
        made = {type(zone).__name__ for tzid, zone in zones.items() if tzid != "UTC"}
        assert made == {"_tzicalvtz"}  # read from the feed's VTIMEZONEs, not vobject's own
    finally:
        zones.clear()

    def status(event) -> bool:  # type: ignore[no-untyped-def]
        return hasattr(event, "status") and event.status.value == "CANCELLED"

    changed = {
        (e.uid.value, e.recurrence_id.value.astimezone(UTC)): e
        for e in events
        if hasattr(e, "recurrence_id")
    }
    facts = []
    for event in events:
        if hasattr(event, "recurrence_id"):
            continue
        first, length = event.dtstart.value, event.dtend.value - event.dtstart.value
        rules = event.getrruleset(addRDate=True)
        planned = (
            [first]
            if rules is None
            else rules.between(window[0] - timedelta(days=60), window[1], inc=True)
        )
        for original in planned:
            item = changed.get((event.uid.value, original.astimezone(UTC)), event)
            if item is event:
                start, end = original, original + length  # on the wall clock, as the board
            else:
                start, end = item.dtstart.value, item.dtend.value
            if start < window[1] and end > window[0]:
                facts.append(
                    (
                        event.uid.value,
                        recurrence_id(original),
                        utc_text(start),
                        utc_text(end),
                        status(item),
                    )
                )
    return sorted(facts, key=lambda f: (f[2], f[0]))


def test_ical_js_and_vobject_expand_the_feed_as_the_board_does_for_24_months(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    open_series(app)
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    feed = tmp_path / "calendar.ics"
    feed.write_bytes(response.data)
    text = response.get_data(as_text=True)
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" in text and "DTSTART:19700329T020000" in text

    ours = api_facts(client)
    # What the comparison covers: both years, daylight saving, the exceptions.
    summer = [f for f in ours if f[0] == "readers-sunday@test" and "2028-07" in f[2]]
    assert summer and all(f[2].endswith("T08:00:00Z") for f in summer)  # 10:00 summer time
    assert sum(f[4] for f in ours) >= 2  # cancelled: the demo's cycling, a Sunday in June
    assert ("readers-sunday@test", "20280326T080000Z", "2028-03-26T11:00:00Z") in {
        f[:3] for f in ours
    }  # moved, on the morning after the clocks went forward
    assert not [f for f in ours if f[1] == "20280702T080000Z"]  # EXDATE
    assert {f[2][:7] for f in ours} >= {"2027-03", "2027-11", "2028-06", "2028-11"}

    assert ical_js_facts(feed) == ours
    assert vobject_facts(response.data) == ours


@pytest.mark.parametrize(
    ("tzid", "since"),
    [
        ("America/New_York", 2005),  # the US rules changed in 2007: a rule with UNTIL
        ("Australia/Sydney", 2005),  # southern summer; 2006 moved for the Games: RDATE lines
        ("Australia/Lord_Howe", 2024),  # half an hour of daylight saving
        ("America/Sao_Paulo", 2017),  # daylight saving abolished in 2019
        ("Asia/Tehran", 2019),  # fixed dates, abolished in 2022
        ("Africa/Casablanca", 2024),  # an hour less each Ramadan: no yearly rule, RDATE lines
        ("Asia/Tokyo", 2024),  # no daylight saving: one STANDARD
    ],
)
def test_both_readers_agree_with_the_board_in_zones_of_every_kind(
    tzid: str, since: int, tmp_path: Path
) -> None:
    """The VTIMEZONE writer on zones with rule changes, no yearly rule, no DST at all."""
    zone = ZoneInfo(tzid)
    first = datetime(since, 1, 6, 12, 0, tzinfo=zone)
    series = Activity(
        id=f"weekly-{tzid.replace('/', '-').lower()}@test",
        title={"en": "Weekly"},
        start=first,
        end=first + timedelta(hours=1, minutes=30),
        tz=tzid,
        rrule="FREQ=WEEKLY",
    )
    window = (first.astimezone(UTC), datetime(since + 12, 1, 1, tzinfo=UTC))  # < 1000 weeks
    data = calendar_bytes([series], {}, {}, "Zones", today=FIXED_NOW.date())
    feed = tmp_path / "zones.ics"
    feed.write_bytes(data)
    ours = [
        (series.id, o.recurrence_id, utc_text(o.start), utc_text(o.end), False)
        for o in expand(series, *window)
    ]
    assert len(ours) > 300
    assert ical_js_facts(feed, window) == ours
    assert vobject_facts(data, window) == ours
    text = data.decode()
    assert "RDATE:" not in text or all(
        len(line) == len("RDATE:20060402T030000")
        for line in [line for line in text.splitlines() if line.startswith("RDATE:")]
    )  # one value a line
