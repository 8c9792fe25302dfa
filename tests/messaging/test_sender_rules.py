"""The outbox and its sender's rules, with a fixed clock and a transport that fails on
demand (faults a real modem cannot produce when a test wants them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.activities.model import utc_iso
from kiosk.messaging import Outgoing, Refused, Reply, Transport, TransportState, Unavailable
from kiosk.messaging.outbox import Message, MessageOutbox, is_quiet, message_key, quiet_hours
from kiosk.messaging.sender import Sender
from kiosk.store import open_store
from tests.conftest import STOCKHOLM, Clock

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=STOCKHOLM)


class FakeTransport(Transport):
    def __init__(self) -> None:
        self.delivered: list[Outgoing] = []
        self.fail: Exception | None = None
        self.inbox: list[Reply] = []

    def hand_over(self, message: Outgoing) -> str:
        if self.fail:
            raise self.fail
        if message.key not in {m.key for m in self.delivered}:  # the idempotency key
            self.delivered.append(message)
        return "sent"

    def check(self, message: Outgoing) -> str:
        return "sent"

    def withdraw(self, message: Outgoing) -> bool:
        return False

    def state(self) -> TransportState:
        return TransportState(self.fail is None, "fake")

    def replies(self) -> list[Reply]:
        return list(self.inbox)

    def forget(self, reply: Reply) -> None:
        self.inbox.remove(reply)


class NoReminders:
    def remind_due(self) -> int:
        return 0


@pytest.fixture
def parts(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "store")
    clock = Clock(NOON)
    outbox = MessageOutbox(store, clock, STOCKHOLM, b"k" * 32)
    transport = FakeTransport()
    sender = Sender(outbox, NoReminders(), transport, clock, quiet=(21, 8), daily_cap=3)  # type: ignore[arg-type]
    yield outbox, transport, sender, clock, store
    store.close()


def message(
    n: int, clock: Clock, starts_in: timedelta = timedelta(days=1), number: str = ""
) -> Message:
    return Message(
        id=message_key("promoted", f"s{n}", "x"),
        kind="promoted",
        signup_id=f"s{n}",
        occurrence="swim/20260311T170000Z",
        language="ti",
        number=number or f"+4673555{n:04d}",
        text=f"ቦታ ረኺብኩም {n}",
        not_after=utc_iso(clock() + starts_in),
        created_at=utc_iso(clock()),
    )


def test_sent_once_and_then_forgotten(parts) -> None:  # type: ignore[no-untyped-def]
    outbox, transport, sender, clock, _ = parts
    assert outbox.add(message(1, clock))
    assert not outbox.add(message(1, clock))  # the same cause again: one message
    assert sender.cycle()["sent"] == 1
    sender.cycle()
    assert len(transport.delivered) == 1
    (record,) = outbox.all()
    assert (record.status, record.text, record.number) == ("sent", "", "")
    assert outbox.day()["sent"] == 1
    assert not outbox.add(message(1, clock))  # a late replay after sending: still once


def test_a_failing_modem_backs_off_and_then_sends_once(parts) -> None:  # type: ignore[no-untyped-def]
    outbox, transport, sender, clock, _ = parts
    outbox.add(message(1, clock))
    transport.fail = Unavailable("no modem")
    assert sender.cycle()["failed"] == 1
    waits = []
    for _ in range(4):
        (m,) = outbox.all()
        waits.append(
            (datetime.fromisoformat(m.next_try.replace("Z", "+00:00")) - clock()).total_seconds()
        )
        clock.now = datetime.fromisoformat(m.next_try.replace("Z", "+00:00")).astimezone(STOCKHOLM)
        sender.cycle()
    assert all(b > a for a, b in zip(waits, waits[1:], strict=False))  # 5 s, 10 s, 20 s …
    assert 3 <= waits[0] <= 7  # 5 s ±25 %, in whole seconds and outbox.all()[0].attempts == 5
    transport.fail = None
    clock.now += timedelta(minutes=20)
    sender.cycle()
    assert len(transport.delivered) == 1 and outbox.all()[0].status == "sent"


def test_quiet_hours_wait_for_morning_and_late_messages_are_dropped(parts) -> None:  # type: ignore[no-untyped-def]
    outbox, transport, sender, clock, _ = parts
    clock.now = NOON.replace(hour=22)
    outbox.add(message(1, clock, starts_in=timedelta(hours=20)))  # tomorrow 18:00
    outbox.add(message(2, clock, starts_in=timedelta(hours=9)))  # tomorrow 07:00
    sender.cycle()
    assert transport.delivered == []  # night
    clock.now = NOON.replace(hour=7, minute=59) + timedelta(days=1)
    sender.cycle()
    assert transport.delivered == []  # still night; message 2's occurrence has started
    clock.now = NOON.replace(hour=8, minute=0) + timedelta(days=1)
    sender.cycle()
    assert [m.text for m in transport.delivered] == ["ቦታ ረኺብኩም 1"]
    statuses = {m.signup_id: (m.status, m.last_error) for m in outbox.all()}
    assert statuses["s2"] == ("dropped", "too late") and outbox.day()["dropped"] == 1


def test_the_daily_cap_holds_the_rest_until_tomorrow(parts) -> None:  # type: ignore[no-untyped-def]
    outbox, transport, sender, clock, _ = parts
    for n in range(5):
        outbox.add(message(n, clock, starts_in=timedelta(days=3)))
    sender.cycle()
    assert len(transport.delivered) == 3  # the cap
    sender.cycle()
    assert len(transport.delivered) == 3
    clock.now += timedelta(days=1)
    sender.cycle()
    assert len(transport.delivered) == 5


def test_stop_by_reply_and_refused_numbers(parts) -> None:  # type: ignore[no-untyped-def]
    outbox, transport, sender, clock, store = parts
    transport.inbox.append(Reply("+46735550001", " Stopp! ", "r1"))
    outbox.add(message(1, clock))
    sender.cycle()
    assert transport.delivered == [] and transport.inbox == []
    assert outbox.all()[0].status == "dropped"
    assert not outbox.add(message(9, clock, number="+46735550001"))  # stays stopped
    assert "+46735550001" not in str(store.all("sms_stopped"))  # only a keyed hash is kept
    transport.fail = Refused("bad number")
    outbox.add(message(2, clock))
    sender.cycle()
    assert outbox.day()["dropped"] == 2


def test_a_crash_while_handing_over_retries_with_the_same_key(parts) -> None:  # type: ignore[no-untyped-def]
    outbox, transport, sender, clock, _ = parts
    outbox.add(message(1, clock))
    (m,) = outbox.all()
    transport.hand_over(m.outgoing())  # the transport took it …
    outbox.handing(m)  # … and the process died before it heard back
    sender.cycle()
    assert len(transport.delivered) == 1 and outbox.all()[0].status == "sent"


def test_quiet_hours_parse() -> None:
    assert quiet_hours("21-08") == (21, 8)
    assert is_quiet(NOON.replace(hour=23), (21, 8)) and not is_quiet(NOON, (21, 8))
    assert not is_quiet(NOON.replace(hour=3), (0, 0))
    with pytest.raises(ValueError):
        quiet_hours("25-08")
    assert UTC  # the outbox keeps UTC; quiet hours are local (Europe/Stockholm here)
