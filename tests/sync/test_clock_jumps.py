"""The PC's clock jumps a day backwards or forwards (a fixed clock, a dead CMOS battery, NTP
after a week offline) during sync and purge: nothing is lost, nothing waits a day."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from kiosk import services
from kiosk.board import agenda
from sync.outbox import still_waiting
from tests.conftest import Clock
from tests.sync.test_sync_feeds import Central, central, feed, titles  # noqa: F401 (fixture)

DAY = timedelta(days=1)
SWIM = "demo-simning-kvinnor@motesplats"


def test_a_failed_source_is_retried_after_the_clock_went_back_a_day(
    app: Flask, clock: Clock
) -> None:
    engine = services.get_for(app).sync
    source = engine.sources.add("Kommunen", "ics", "http://127.0.0.1:9/none.ics")
    (failed,) = engine.run_once(force=False)
    assert not failed.ok
    assert engine.run_once(force=False) == []  # backing off: left alone for ~5 s
    clock.now -= DAY
    (tried,) = engine.run_once(force=False)  # not a day of silence
    assert tried.source_id == source.id
    clock.now += 2 * DAY
    (tried_again,) = engine.run_once(force=False)
    assert tried_again.source_id == source.id


def test_backoff_rule_for_jumps() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert still_waiting("2026-11-24T12:00:05Z", now)
    assert not still_waiting("2026-11-24T11:59:55Z", now)  # passed
    assert not still_waiting("2026-11-25T12:00:05Z", now)  # a day ahead: the clock went back
    assert not still_waiting("", now)


def test_feed_sync_across_clock_jumps_keeps_one_copy_of_everything(
    app: Flask,
    clock: Clock,
    central: str,  # noqa: F811
) -> None:
    engine = services.get_for(app).sync
    engine.sources.add("Kommunen", "ics", central)
    Central.body = feed("Kulturkväll", "Julmarknad")
    assert engine.run_once()[0].ok
    count = services.get_for(app).store.count("activities")
    for jump in (-DAY, 2 * DAY, -DAY):
        clock.now += jump
        (report,) = engine.run_once(force=False)
        assert report.ok and report.conflicts == 0
    assert services.get_for(app).store.count("activities") == count
    assert {"Kulturkväll", "Julmarknad"} <= titles(app)
    assert engine.ledger.conflicts() == []


def test_purge_across_clock_jumps(app: Flask, clock: Clock) -> None:
    svc = services.get_for(app)
    occurrence = agenda.find_occurrence(svc.catalogue.snapshot(), SWIM, "20261126T173000Z")
    signup, secret = svc.signups.add(
        occurrence, name="Amina", adults=1, children=0, phone="070 123 45 67", language="ar"
    )
    end = occurrence.end
    clock.now = end + svc.retention - DAY  # a day before it is due
    assert svc.purge_now() == 0
    clock.now -= DAY  # backwards: still nothing
    assert svc.purge_now() == 0 and svc.signups.find(signup.id, secret).name == "Amina"
    clock.now += 3 * DAY  # forwards past the retention: erased
    assert svc.purge_now() == 1
    clock.now -= 2 * DAY  # backwards again: erased stays erased, counts stay
    assert svc.purge_now() == 0
    kept = svc.signups.find(signup.id, secret)
    assert kept.name is None and kept.phone is None and kept.adults == 1 and kept.purged
