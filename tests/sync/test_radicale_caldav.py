"""What the sync engine can rely on from `caldav` 3.6 against a real Radicale 3.9.

These tests pin down the library calls (and the server's answers) the CalDAV sync uses, one
behaviour per test, so they double as a reference:

(a) connecting: `caldav.get_davclient(...)` / `caldav.DAVClient(...)`, `client.calendar(url=)`
(b) saving a VCALENDAR (series + EXDATE + override) under a given UID: `calendar.add_event`
(c) reading it back: `calendar.get_event_by_uid`, `.data`, `.get_icalendar_instance()`
(d) ETags and conditional writes (`If-Match`, `If-None-Match: *`)
(e) sync tokens: `calendar.get_objects_by_sync_token`, deltas, deletions, invalid tokens
(f) deleting, plain and with `If-Match`
(g) the server being down or hanging: what is raised, and `DAVClient(timeout=...)`

One Radicale serves the whole module (see tests/radicale_server.py). Every test uses its own
UIDs; the sync tests each make their own empty calendar so their listings are exact.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import caldav
import icalendar
import niquests
import pytest
import recurring_ical_events
import requests
from caldav.lib import error
from caldav.response import DAVResponse

from tests.radicale_server import Radicale, radicale_fixture

radicale = pytest.fixture(scope="module")(radicale_fixture)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ICAL = {"Content-Type": "text/calendar; charset=utf-8"}
GETETAG = "{DAV:}getetag"  # key of the ETag in obj.props (== caldav.elements.dav.GetEtag.tag)


def new_uid() -> str:
    return f"{uuid.uuid4().hex}@motesplats.example"


def series(uid: str) -> str:
    """Tuesdays 16:30 Stockholm time across the end of summer time (25 Oct 2026), eight times;
    17 Nov cancelled (EXDATE), 24 Nov starts at 17:00 instead (override with RECURRENCE-ID)."""
    return (
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//Motesplats//Sync test//EN\r\n"
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\n"
        "DTSTAMP:20261001T120000Z\r\n"
        "DTSTART;TZID=Europe/Stockholm:20261020T163000\r\n"
        "DTEND;TZID=Europe/Stockholm:20261020T180000\r\n"
        "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=8\r\n"
        "EXDATE;TZID=Europe/Stockholm:20261117T163000\r\n"
        "SUMMARY:After School Club\r\n"
        "SEQUENCE:3\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\n"
        "DTSTAMP:20261001T120000Z\r\n"
        "RECURRENCE-ID;TZID=Europe/Stockholm:20261124T163000\r\n"
        "DTSTART;TZID=Europe/Stockholm:20261124T170000\r\n"
        "DTEND;TZID=Europe/Stockholm:20261124T183000\r\n"
        "SUMMARY:After School Club (late start)\r\n"
        "SEQUENCE:3\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


def single(uid: str, summary: str = "Coffee morning") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Motesplats//Sync test//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261001T120000Z\r\n"
        "DTSTART;TZID=Europe/Stockholm:20261201T100000\r\n"
        "DTEND;TZID=Europe/Stockholm:20261201T113000\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def occurrences(ical: str | icalendar.Calendar) -> list[tuple[datetime, datetime, str]]:
    cal = icalendar.Calendar.from_ical(ical) if isinstance(ical, str) else ical
    return [
        (o["DTSTART"].dt, o["DTEND"].dt, str(o["SUMMARY"]))
        for o in recurring_ical_events.of(cal).between(date(2026, 10, 1), date(2027, 1, 1))
    ]


def summary_of(obj: caldav.CalendarObjectResource) -> str:
    return str(obj.get_icalendar_component()["SUMMARY"])


@pytest.fixture
def dav(radicale: Radicale) -> Iterator[caldav.DAVClient]:
    """This device's client."""
    with radicale.client() as client:
        yield client


@pytest.fixture
def calendar(dav: caldav.DAVClient, radicale: Radicale) -> caldav.Calendar:
    return dav.calendar(url=radicale.calendar_url)


@pytest.fixture
def elsewhere(radicale: Radicale) -> Iterator[caldav.Calendar]:
    """The same calendar through a second, independent client: another device or a person
    editing in their calendar app."""
    with radicale.client() as client:
        yield client.calendar(url=radicale.calendar_url)


@pytest.fixture
def empty_calendar(dav: caldav.DAVClient) -> caldav.Calendar:
    """A new, empty calendar collection (so sync listings are exact)."""
    return dav.principal().make_calendar(name="Sync test", cal_id=uuid.uuid4().hex)


# -- (a) connecting ----------------------------------------------------------------------------


def test_get_davclient_with_explicit_url_is_a_plain_davclient(radicale: Radicale) -> None:
    # The 3.x recommended factory. With url= given it reads no environment variable and no
    # config file; without auth_type the first request goes out without credentials, gets
    # Radicale's 401 and is repeated with Basic auth.
    with caldav.get_davclient(
        url=radicale.url, username=radicale.user, password=radicale.password, timeout=5
    ) as client:
        assert type(client) is caldav.DAVClient
        calendar = client.calendar(url=radicale.calendar_url)
        assert calendar.get_display_name() == "Mötesplats"


def test_calendar_by_url_sends_nothing_until_used(radicale: Radicale) -> None:
    client = caldav.DAVClient(
        url=radicale.calendar_url,  # any URL on the server will do as the base
        username=radicale.user,
        password=radicale.password,
        auth_type="basic",  # send Basic auth from the first request on (no 401 round trip)
        timeout=5,
    )
    with client:
        calendar = client.calendar(url=radicale.calendar_url)
        assert isinstance(calendar, caldav.Calendar)
        assert str(calendar.url) == radicale.calendar_url
        assert calendar.get_display_name() == "Mötesplats"  # first request (PROPFIND)


def test_wrong_password_raises_authorization_error_401(radicale: Radicale) -> None:
    with (
        radicale.client(password="wrong") as client,
        pytest.raises(error.AuthorizationError) as caught,
    ):
        client.calendar(url=radicale.calendar_url).get_display_name()
    assert caught.value.status == 401
    assert isinstance(caught.value, error.DAVError)


# -- (b) saving a VCALENDAR under a given UID --------------------------------------------------


def test_add_event_puts_the_whole_vcalendar_at_uid_dot_ics(calendar: caldav.Calendar) -> None:
    uid = new_uid()
    event = calendar.add_event(series(uid), increase_seqno=False)

    assert isinstance(event, caldav.Event)
    # The URL is predictable: <calendar URL> + quote(UID, "/" doubly quoted) + ".ics"; "@"
    # becomes %40. That is caldav's choice; the server keeps whatever name the PUT used.
    assert str(event.url) == f"{calendar.url}{quote(uid, safe='')}.ics"
    assert event.id == uid
    # Radicale answers the PUT with an ETag, which caldav keeps.
    assert event.etag is not None and event.etag.startswith('"')
    assert event.props[GETETAG] == event.etag
    # Both VEVENTs (master and override) are stored in the one object.
    vevents = calendar.get_event_by_uid(uid).get_icalendar_instance().walk("VEVENT")
    assert [("RECURRENCE-ID" in v) for v in vevents] == [False, True]


def test_add_event_bumps_sequence_unless_told_not_to(calendar: caldav.Calendar) -> None:
    # Pitfall: add_event()/save() default to increase_seqno=True, i.e. SEQUENCE + 1 on every
    # save. A sync must pass increase_seqno=False to store the data as it is.
    bumped, kept = new_uid(), new_uid()
    calendar.add_event(series(bumped))
    calendar.add_event(series(kept), increase_seqno=False)

    def sequence(uid: str) -> int:
        return calendar.get_event_by_uid(uid).get_icalendar_component()["SEQUENCE"]

    assert sequence(bumped) == 4
    assert sequence(kept) == 3


def test_save_event_and_save_object_are_old_names_for_add(calendar: caldav.Calendar) -> None:
    # Deprecated aliases, no warning: save_event(...) == add_event(...),
    # save_object(Event, ...) == add_object(Event, ...).
    a, b = new_uid(), new_uid()
    assert calendar.save_event(single(a), increase_seqno=False).id == a
    assert calendar.save_object(caldav.Event, single(b), increase_seqno=False).id == b


def test_the_same_uid_under_another_name_is_refused_409(
    dav: caldav.DAVClient, calendar: caldav.Calendar
) -> None:
    # The URL is not free to choose once a UID exists: Radicale refuses a second resource
    # with the same UID (CalDAV no-uid-conflict). Write to the URL the server lists.
    uid = new_uid()
    calendar.add_event(single(uid), increase_seqno=False)
    response = dav.put(f"{calendar.url}another-name.ics", single(uid, "Copy"), headers=ICAL)
    assert response.status == 409
    assert b"no-uid-conflict" in response._raw


def test_a_slash_in_the_uid_is_doubly_quoted_in_the_url(calendar: caldav.Calendar) -> None:
    uid = "club/tuesday@motesplats.example"
    event = calendar.add_event(single(uid), increase_seqno=False)
    assert str(event.url) == f"{calendar.url}club%252Ftuesday%40motesplats.example.ics"
    assert calendar.get_event_by_uid(uid).url == event.url


# -- (c) reading it back -----------------------------------------------------------------------


def test_read_back_by_uid_gives_the_same_occurrences(
    calendar: caldav.Calendar, elsewhere: caldav.Calendar
) -> None:
    uid = new_uid()
    text = series(uid)
    calendar.add_event(text, increase_seqno=False)

    # A plain second client, knowing nothing but the UID (one calendar-query REPORT).
    found = elsewhere.get_event_by_uid(uid)
    assert isinstance(found, caldav.Event)
    assert isinstance(found.data, str)
    assert isinstance(found.get_icalendar_instance(), icalendar.Calendar)  # a copy
    assert found.icalendar_instance is not None  # the live one (edits are saved)

    got = occurrences(found.get_icalendar_instance())
    assert got == occurrences(text)
    # Local wall times: 16:30 on both sides of the end of summer time; no 17 Nov; 24 Nov late.
    club, late = "After School Club", "After School Club (late start)"
    assert [(s.strftime("%m-%d %H:%M %Z"), e.strftime("%H:%M"), what) for s, e, what in got] == [
        ("10-20 16:30 CEST", "18:00", club),
        ("10-27 16:30 CET", "18:00", club),
        ("11-03 16:30 CET", "18:00", club),
        ("11-10 16:30 CET", "18:00", club),
        ("11-24 17:00 CET", "18:30", late),
        ("12-01 16:30 CET", "18:00", club),
        ("12-08 16:30 CET", "18:00", club),
    ]
    assert got[0][0] == datetime(2026, 10, 20, 16, 30, tzinfo=STOCKHOLM)


def test_the_server_rewrites_the_text_so_compare_etags_not_bytes(
    dav: caldav.DAVClient, calendar: caldav.Calendar
) -> None:
    # Radicale re-serialises what it stores: it adds a VTIMEZONE for the TZID, reorders
    # properties and uses LF line ends. A hash of the text we sent will never match what we
    # read back; the ETag is the version to remember.
    uid = new_uid()
    text = single(uid)
    put = dav.put(f"{calendar.url}{quote(uid, safe='')}.ics", text, headers=ICAL)
    assert put.status == 201
    got = dav.request(f"{calendar.url}{quote(uid, safe='')}.ics")  # plain GET
    assert got.status == 200
    assert got.raw != text
    assert "BEGIN:VTIMEZONE" in got.raw and "BEGIN:VTIMEZONE" not in text
    assert occurrences(got.raw) == occurrences(text)
    assert got.headers["ETag"] == put.headers["ETag"]


def test_event_by_url_loads_with_a_get(calendar: caldav.Calendar) -> None:
    uid = new_uid()
    url = calendar.add_event(single(uid), increase_seqno=False).url
    loaded = calendar.event_by_url(url)
    assert loaded.id == uid and loaded.etag is not None


def test_a_missing_uid_or_url_raises_not_found(calendar: caldav.Calendar) -> None:
    with pytest.raises(error.NotFoundError):
        calendar.get_event_by_uid(new_uid())
    with pytest.raises(error.NotFoundError):
        calendar.event_by_url(f"{calendar.url}nothing-here.ics")


# -- (d) ETags and conditional writes ----------------------------------------------------------


def test_the_etag_is_the_same_after_save_on_load_and_in_listings(
    calendar: caldav.Calendar, elsewhere: caldav.Calendar
) -> None:
    uid = new_uid()
    saved = calendar.add_event(series(uid), increase_seqno=False)
    by_uid = elsewhere.get_event_by_uid(uid)  # REPORT: ETag comes with the data
    by_url = elsewhere.event_by_url(saved.url)  # GET: ETag response header
    listed = {o.url: o.etag for o in elsewhere.get_objects_by_sync_token()}
    assert saved.etag == by_uid.etag == by_url.etag == listed[saved.url]


def test_save_sends_if_match_itself_and_a_stale_etag_raises_412(
    calendar: caldav.Calendar, elsewhere: caldav.Calendar
) -> None:
    uid = new_uid()
    calendar.add_event(single(uid), increase_seqno=False)
    mine = calendar.get_event_by_uid(uid)  # caches the ETag in mine.props
    theirs = elsewhere.get_event_by_uid(uid)
    theirs.icalendar_component["SUMMARY"] = "Changed in the calendar app"
    theirs.save(increase_seqno=False)  # If-Match: their (still current) ETag -> 204

    mine.icalendar_component["SUMMARY"] = "Changed here"
    with pytest.raises(error.ETagMismatchError) as caught:
        mine.save(increase_seqno=False)  # If-Match: my stale ETag
    assert caught.value.status == 412
    assert summary_of(elsewhere.get_event_by_uid(uid)) == "Changed in the calendar app"


def test_raw_put_with_if_match(dav: caldav.DAVClient, calendar: caldav.Calendar) -> None:
    # client.put() raises nothing for 4xx/5xx except 401/403: it returns a DAVResponse.
    uid = new_uid()
    event = calendar.add_event(single(uid), increase_seqno=False)
    url, etag = str(event.url), event.etag

    ok = dav.put(url, single(uid, "Updated"), headers={"If-Match": etag, **ICAL})
    assert ok.status == 204  # 201 when it creates
    new_etag = ok.headers["ETag"]
    assert new_etag != etag

    stale = dav.put(url, single(uid, "Lost update"), headers={"If-Match": etag, **ICAL})
    assert isinstance(stale, DAVResponse)
    assert stale.status == 412 and stale.reason == "Precondition Failed"
    assert "ETag" not in stale.headers
    current = calendar.get_event_by_uid(uid)
    assert summary_of(current) == "Updated" and current.etag == new_etag


def test_conditional_put_without_loading_via_an_event_object(
    dav: caldav.DAVClient, calendar: caldav.Calendar
) -> None:
    # The engine's "put(href, body, etag)" in caldav terms: an Event that knows only its URL
    # and the remembered ETag; save(raw_data=...) PUTs the bytes unchanged with If-Match and
    # stores the new ETag, or raises ETagMismatchError on 412.
    uid = new_uid()
    first = calendar.add_event(single(uid), increase_seqno=False)

    obj = caldav.Event(client=dav, url=first.url, parent=calendar, props={GETETAG: first.etag})
    obj.save(raw_data=single(uid, "Second").encode(), increase_seqno=False)
    assert obj.etag not in (None, first.etag)

    stale = caldav.Event(client=dav, url=first.url, parent=calendar, props={GETETAG: first.etag})
    with pytest.raises(error.ETagMismatchError):
        stale.save(raw_data=single(uid, "Third").encode())
    assert summary_of(calendar.get_event_by_uid(uid)) == "Second"


def test_if_match_on_an_object_deleted_meanwhile_is_412_not_404(
    dav: caldav.DAVClient, calendar: caldav.Calendar
) -> None:
    uid = new_uid()
    event = calendar.add_event(single(uid), increase_seqno=False)
    dav.delete(str(event.url))
    response = dav.put(str(event.url), single(uid), headers={"If-Match": event.etag, **ICAL})
    assert response.status == 412
    with pytest.raises(error.NotFoundError):
        calendar.get_event_by_uid(uid)


def test_if_none_match_star_only_creates(dav: caldav.DAVClient, calendar: caldav.Calendar) -> None:
    uid = new_uid()
    url = f"{calendar.url}{quote(uid, safe='')}.ics"
    created = dav.put(url, single(uid), headers={"If-None-Match": "*", **ICAL})
    assert created.status == 201 and created.headers["ETag"]
    again = dav.put(url, single(uid, "Overwrite"), headers={"If-None-Match": "*", **ICAL})
    assert again.status == 412
    # The caldav way: add_event(..., no_overwrite=True) -> ConsistencyError (status None).
    with pytest.raises(error.ConsistencyError):
        calendar.add_event(single(uid, "Overwrite"), no_overwrite=True, increase_seqno=False)
    assert summary_of(calendar.get_event_by_uid(uid)) == "Coffee morning"


# -- (e) sync tokens ---------------------------------------------------------------------------


def test_first_sync_lists_everything_with_etags_and_a_token(
    empty_calendar: caldav.Calendar,
) -> None:
    a, b = new_uid(), new_uid()
    empty_calendar.add_event(series(a), increase_seqno=False)
    empty_calendar.add_event(single(b), increase_seqno=False)

    listing = empty_calendar.get_objects_by_sync_token(sync_token=None, load_objects=True)

    assert isinstance(listing, caldav.SynchronizableCalendarObjectCollection)
    assert listing.sync_token.startswith("http://radicale.org/ns/sync/")
    assert {o.id for o in listing} == {a, b}
    assert all(o.etag and o.data for o in listing)
    # Plain CalendarObjectResource, not Event: the REPORT does not say what kind they are.
    assert {type(o) for o in listing} == {caldav.CalendarObjectResource}
    assert listing.deleted_urls == set() and not listing.truncated


def test_sync_without_load_objects_gives_urls_and_etags_only(
    empty_calendar: caldav.Calendar,
) -> None:
    # One REPORT, no GETs (load_objects=True does one GET per object). Fetch the ones whose
    # ETag is new in one go with calendar.multiget(urls).
    uid = new_uid()
    saved = empty_calendar.add_event(single(uid), increase_seqno=False)
    listing = empty_calendar.get_objects_by_sync_token()
    [obj] = listing
    assert (obj.url, obj.etag, obj.data) == (saved.url, saved.etag, None)
    [fetched] = empty_calendar.multiget([obj.url])
    assert fetched.id == uid and fetched.etag == saved.etag


def test_sync_with_the_old_token_gives_only_what_changed(
    radicale: Radicale, empty_calendar: caldav.Calendar
) -> None:
    kept, changed, deleted, added = new_uid(), new_uid(), new_uid(), new_uid()
    urls = {
        uid: empty_calendar.add_event(single(uid), increase_seqno=False).url
        for uid in (kept, changed, deleted)
    }
    before = empty_calendar.get_objects_by_sync_token()

    # Someone else (another client) changes one, deletes one and adds one.
    with radicale.client() as other:
        theirs = other.calendar(url=str(empty_calendar.url))
        edit = theirs.get_event_by_uid(changed)
        edit.icalendar_component["SUMMARY"] = "Moved"
        edit.save(increase_seqno=False)
        theirs.get_event_by_uid(deleted).delete()
        theirs.add_event(single(added), increase_seqno=False)

    delta = empty_calendar.get_objects_by_sync_token(before.sync_token, load_objects=True)

    assert delta.sync_token != before.sync_token
    assert len(delta) == 3  # not `kept`
    present = {o.id: o for o in delta if o.etag is not None}
    assert set(present) == {changed, added}
    assert present[changed].url == urls[changed]
    assert summary_of(present[changed]) == "Moved"
    # A deletion is an object with the URL only (no ETag, no data, so no UID either), and
    # its URL (canonical form) is in deleted_urls.
    [gone] = [o for o in delta if o.etag is None]
    assert (gone.url, gone.data, gone.id) == (urls[deleted], None, None)
    assert delta.deleted_urls == {urls[deleted].canonical()}


def test_sync_with_the_current_token_is_empty_and_keeps_the_token(
    empty_calendar: caldav.Calendar,
) -> None:
    empty_calendar.add_event(single(new_uid()), increase_seqno=False)
    first = empty_calendar.get_objects_by_sync_token()
    again = empty_calendar.get_objects_by_sync_token(first.sync_token)
    assert len(again) == 0 and again.sync_token == first.sync_token


def test_our_own_writes_come_back_in_the_delta_with_the_etag_we_got(
    empty_calendar: caldav.Calendar,
) -> None:
    # The engine sees its own PUTs in the next delta; the ETag it got from the PUT tells them
    # apart from changes made elsewhere.
    token = empty_calendar.get_objects_by_sync_token().sync_token
    saved = empty_calendar.add_event(single(new_uid()), increase_seqno=False)
    [obj] = empty_calendar.get_objects_by_sync_token(token)
    assert (obj.url, obj.etag) == (saved.url, saved.etag)


@pytest.mark.parametrize(
    "token",
    [
        "not-a-radicale-token",
        "http://radicale.org/ns/sync/" + "0" * 64,  # well-formed but unknown, as if expired
    ],
)
def test_an_invalid_token_raises_403_valid_sync_token_with_disable_fallback(
    empty_calendar: caldav.Calendar, token: str
) -> None:
    with pytest.raises(error.AuthorizationError) as caught:
        empty_calendar.get_objects_by_sync_token(token, disable_fallback=True)
    assert caught.value.status == 403
    assert caught.value.preconditions == ["{DAV:}valid-sync-token"]
    # What the engine does then: a full sync from scratch.
    assert empty_calendar.get_objects_by_sync_token(None).sync_token.startswith("http://")


def test_an_invalid_token_without_disable_fallback_silently_lists_everything(
    empty_calendar: caldav.Calendar,
) -> None:
    # Pitfall: by default caldav swallows the 403, lists the whole calendar (with data) and
    # hands back a made-up "fake-<md5 of the ETags>" token; given that token later it never
    # asks the server for a real delta again. Always pass disable_fallback=True.
    uid = new_uid()
    empty_calendar.add_event(single(uid), increase_seqno=False)
    listing = empty_calendar.get_objects_by_sync_token("garbage")
    assert listing.sync_token.startswith("fake-")
    assert [o.id for o in listing] == [uid]


# -- (f) deleting ------------------------------------------------------------------------------


def test_delete_by_url_without_loading(dav: caldav.DAVClient, calendar: caldav.Calendar) -> None:
    uid = new_uid()
    url = calendar.add_event(single(uid), increase_seqno=False).url
    caldav.Event(client=dav, url=url, parent=calendar).delete()  # unconditional DELETE
    with pytest.raises(error.NotFoundError):
        calendar.get_event_by_uid(uid)
    # Deleting what is already gone: obj.delete() says nothing; a raw DELETE gets 404.
    caldav.Event(client=dav, url=url, parent=calendar).delete()
    assert dav.delete(str(url)).status == 404


def test_delete_by_uid(calendar: caldav.Calendar) -> None:
    uid = new_uid()
    calendar.add_event(single(uid), increase_seqno=False)
    calendar.get_event_by_uid(uid).delete(if_match=True)  # If-Match: the ETag from the REPORT
    with pytest.raises(error.NotFoundError):
        calendar.get_event_by_uid(uid)


def test_delete_with_if_match(
    dav: caldav.DAVClient, calendar: caldav.Calendar, elsewhere: caldav.Calendar
) -> None:
    uid = new_uid()
    saved = calendar.add_event(single(uid), increase_seqno=False)
    url, old_etag = saved.url, saved.etag
    edited = elsewhere.get_event_by_uid(uid)
    edited.icalendar_component["SUMMARY"] = "Edited meanwhile"
    edited.save(increase_seqno=False)

    target = caldav.Event(client=dav, url=url, parent=calendar)
    with pytest.raises(error.ETagMismatchError) as caught:
        target.delete(if_match=old_etag)  # a str is sent verbatim as If-Match
    assert caught.value.status == 412
    assert dav.delete(str(url), headers={"If-Match": old_etag}).status == 412
    assert summary_of(calendar.get_event_by_uid(uid)) == "Edited meanwhile"

    target.delete(if_match=edited.etag)  # 204
    with pytest.raises(error.NotFoundError) as caught_gone:
        target.delete(if_match=edited.etag)  # with If-Match, 404 is an error
    assert caught_gone.value.status == 404


# -- (g) the server down or hanging ------------------------------------------------------------


def test_a_server_that_is_down_raises_niquests_connection_error(
    radicale: Radicale, dav: caldav.DAVClient, calendar: caldav.Calendar
) -> None:
    uid = new_uid()
    event = calendar.add_event(single(uid), increase_seqno=False)
    token = calendar.get_objects_by_sync_token().sync_token
    calls = {
        "principal()": lambda: radicale.client().principal(),
        "get_event_by_uid": lambda: calendar.get_event_by_uid(uid),
        "event_by_url": lambda: calendar.event_by_url(event.url),
        "load": lambda: event.load(),
        "add_event": lambda: calendar.add_event(single(new_uid()), increase_seqno=False),
        "save": lambda: event.save(increase_seqno=False),
        "sync, no token": lambda: calendar.get_objects_by_sync_token(load_objects=True),
        "sync, token": lambda: calendar.get_objects_by_sync_token(token, disable_fallback=True),
        "delete": lambda: event.delete(),
        "client.put": lambda: dav.put(str(event.url), single(uid), headers=ICAL),
        "client.delete": lambda: dav.delete(str(event.url)),
    }
    radicale.stop()
    try:
        # Making a client or a Calendar sends nothing, so it cannot fail.
        caldav.DAVClient(url=radicale.url).calendar(url=radicale.calendar_url)
        raised = {}
        for name, call in calls.items():
            with pytest.raises(Exception) as caught:  # noqa: B017 - we record which
                call()
            raised[name] = caught.value
    finally:
        radicale.start()

    for name, exc in raised.items():
        # Not wrapped by caldav, and from niquests (which caldav uses when installed), so
        # requests.exceptions.RequestException does NOT catch it; OSError does.
        assert type(exc) is niquests.exceptions.ConnectionError, name
        assert isinstance(exc, niquests.exceptions.RequestException), name
        assert isinstance(exc, OSError), name
        assert not isinstance(exc, requests.exceptions.RequestException), name
        assert not isinstance(exc, error.DAVError), name


def test_after_a_restart_the_same_client_and_token_work_again(
    radicale: Radicale, calendar: caldav.Calendar
) -> None:
    uid = new_uid()
    saved = calendar.add_event(single(uid), increase_seqno=False)
    token = calendar.get_objects_by_sync_token().sync_token
    radicale.kill()  # SIGKILL; then back on the same port and folder
    radicale.start()
    assert calendar.get_event_by_uid(uid).etag == saved.etag
    assert len(calendar.get_objects_by_sync_token(token, disable_fallback=True)) == 0


def test_a_hanging_server_raises_read_timeout_after_the_client_timeout() -> None:
    with socket.socket() as listener:  # accepts connections (backlog), never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        base = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        with caldav.DAVClient(
            url=base, username="u", password="p", auth_type="basic", timeout=0.3
        ) as client:
            calendar = client.calendar(url=f"{base}u/cal/")
            started = time.monotonic()
            with pytest.raises(niquests.exceptions.ReadTimeout) as caught:
                calendar.get_objects_by_sync_token(disable_fallback=True)
            assert 0.25 < time.monotonic() - started < 5
            assert isinstance(caught.value, niquests.exceptions.Timeout)
            assert isinstance(caught.value, OSError)
            # load() retries a failed GET as a multiget REPORT: twice the timeout, unless
            # load(multiget_fallback=False).
            with pytest.raises(niquests.exceptions.ReadTimeout):
                caldav.Event(client=client, url=f"{base}u/cal/x.ics", parent=calendar).load(
                    multiget_fallback=False
                )
