"""A process for the SIGKILL torture: queues messages and sends them through real Gammu.

`python -m tests.messaging.sms_torture_child <data_dir> <smsdrc> <count>` queues messages
0 … count-1 (printing `ACK n` once message n is durable, as a request would answer), then
runs the sender until nothing is open, then prints DONE. The parent kills it at random
moments and starts it again.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.activities.model import utc_iso
from kiosk.messaging.gammu import GammuTransport
from kiosk.messaging.outbox import Message, MessageOutbox, message_key
from kiosk.messaging.sender import Sender
from kiosk.store import open_store


def clock() -> datetime:
    return datetime.now(UTC)


class NoReminders:
    def remind_due(self) -> int:
        return 0


def main(data_dir: str, config: str, count: int) -> None:
    store = open_store(Path(data_dir))
    outbox = MessageOutbox(store, clock, ZoneInfo("Europe/Stockholm"), b"t" * 32)
    sender = Sender(
        outbox, NoReminders(), GammuTransport(Path(config)), clock, quiet=(0, 0), daily_cap=10_000
    )  # type: ignore[arg-type]
    for n in range(count):
        outbox.add(
            Message(
                id=message_key("torture", str(n)),
                kind="promoted",
                signup_id=f"s{n}",
                occurrence="a/r",
                language="ti",
                number="+46735551234",
                text=f"ቦታ {n}",
                not_after=utc_iso(clock() + timedelta(days=1)),
                created_at=utc_iso(clock()),
            )
        )
        print(f"ACK {n}", flush=True)
    while outbox.open_messages():
        outbox.retry_now()
        sender.cycle()
    print("DONE", flush=True)
    store.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
