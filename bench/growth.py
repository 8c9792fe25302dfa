"""Storage growth: what a write and a board read cost as the data grows, and signups at
100k, measured in one run on this machine.

1. Board read: the rendered `/` right after a write (so not from the page cache), with 1k,
   10k and 50k stored activities, each a single event somewhere in four years (so the week
   shows what a real municipality's week would, not 50k cards).
2. Signups: a store holding 100k signups over 1,000 occurrences: the time to open it and
   build the in-memory index (a restart), one signup, and the places-left count.
The write cost per activity count is `bench.board`'s. Results go to bench/results/latest.json.

Usage: `.venv/bin/python -m bench.growth [--quick]`
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.board import realistic_activities
from bench.live import record
from bench.scale import spread
from kiosk.activities.model import utc_iso
from kiosk.store.migrations import migrate

ZONE = ZoneInfo("Europe/Stockholm")


def board_read_ms(size: int) -> dict[str, float]:
    from kiosk import create_app, services
    from kiosk.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="motesplats-bench-growth-"))
    try:
        now = datetime.now(ZONE)
        store = open_store(tmp / "data", backup_interval=timedelta(days=1), migrate=migrate)
        store.put_many("activities", spread(realistic_activities(size), now))
        store.close()
        app = create_app({"DATA_DIR": str(tmp / "data"), "TESTING": True, "DEMO_ON_EMPTY": False})
        svc = services.get_for(app)
        client = app.test_client()
        client.get("/?lang=sv")
        timings = []
        for i in range(7):
            svc.store.put("places", {"id": f"bench-place-{i}", "name": f"Lokal {i}"})  # a write
            t0 = time.perf_counter()
            body = client.get("/?lang=sv").data
            timings.append(time.perf_counter() - t0)
        cards = body.count(b'<article class="card')
        svc.store.close()
        return {"render_ms": round(statistics.median(timings) * 1000, 1), "cards": cards}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def signups_at(count: int, occurrences: int = 1000) -> dict[str, float]:
    from kiosk.activities.demo import build_activities
    from kiosk.board import agenda
    from kiosk.board.agenda import Catalogue
    from kiosk.signups.book import SignupBook
    from kiosk.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="motesplats-bench-signups-"))
    try:
        now = datetime.now(ZONE)
        store = open_store(tmp, backup_interval=timedelta(days=1))
        store.put_many("activities", [a.to_doc() for a in build_activities(now)])
        end = utc_iso(now + timedelta(days=3))
        docs = [
            {
                "id": f"{i:032x}",
                "activity_id": f"bench-{i % occurrences}@motesplats",
                "recurrence_id": "20261126T173000Z",
                "occurrence_end": end,
                "adults": 1,
                "children": i % 3,
                "status": "confirmed",
                "code": "ACDEF",
                "token_hash": "0" * 64,
                "created_at": utc_iso(now),
                "name": f"Namn {i}",
                "phone": None,
                "language": "sv",
                "attended": False,
                "purged": False,
                "idempotency_key": None,
                "history": [],
                "order": i + 1,
            }
            for i in range(count)
        ]
        store.put_many("signups", docs)
        store.compact()
        t0 = time.perf_counter()
        book = SignupBook(store, lambda: datetime.now(UTC))
        reload_s = time.perf_counter() - t0
        snap = Catalogue(store).snapshot()
        swim = snap.activities["demo-simning-kvinnor@motesplats"]
        occurrence = agenda.upcoming_of(swim, now, 30)[0]
        adds, counts = [], []
        for i in range(100):
            t0 = time.perf_counter()
            book.add(occurrence, name=f"Ny {i}", adults=1, children=0, phone=None, language="sv")
            adds.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            book.counts(f"bench-{i}@motesplats", "20261126T173000Z")
            counts.append(time.perf_counter() - t0)
        store.close()
        return {
            "signups": count,
            "open_and_index_s": round(reload_s, 2),
            "add_median_ms": round(statistics.median(adds) * 1000, 3),
            "counts_median_ms": round(statistics.median(counts) * 1000, 4),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str]) -> dict:
    sizes = [1000, 10000] if "--quick" in argv else [1000, 10000, 50000]
    reads = {str(n): board_read_ms(n) for n in sizes}
    print("Storage growth: the board rendered right after a write (not from the page cache)")
    for size, row in reads.items():
        print(
            f"  {int(size):>6} activities: {row['render_ms']} ms for / "
            f"({row['cards']} cards this week)"
        )
    ratio = reads[str(sizes[-1])]["render_ms"] / reads[str(sizes[0])]["render_ms"]
    print(f"  render {sizes[-1]} : {sizes[0]} = {ratio:.2f}x")
    signups = signups_at(20_000 if "--quick" in argv else 100_000)
    print(
        f"  {signups['signups']} signups: open and index {signups['open_and_index_s']} s; "
        f"one signup {signups['add_median_ms']} ms; "
        f"places-left count {signups['counts_median_ms']} ms"
    )
    figures = {"board_read": reads, "board_read_ratio": round(ratio, 2), "signups": signups}
    record("growth", figures)
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
