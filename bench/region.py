"""A region on one CalDAV server: 5, 10 and 25 kiosks two-way with one Radicale collection.

Each kiosk is a store, a sync engine and an editor of its own (its own data folder) in this
process; the server is a real Radicale on 127.0.0.1. Prints per region size:
1. convergence: every kiosk creates 4 weekly series (one date cancelled, one moved); the
   seconds from the last edit until every kiosk and the calendar show the same activities
   (kiosks synced one after another, with no wait between cycles: the sum of their cycles);
2. an idle cycle (nothing changed anywhere): HTTP requests per kiosk, and Radicale's CPU
   per kiosk's cycle (from /proc, user + system);
3. a new kiosk joining a region calendar of `--join` objects (default 3,500): seconds, and
   whether it got them all (multigets are paged: Radicale answers at most 10,000 VEVENTs);
   then Radicale's CPU for one idle cycle of that kiosk on that calendar.

Usage: `.venv/bin/python -m bench.region [--region-sizes 5,10,25] [--join 3500]`
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.live import record
from kiosk.activities.model import Activity, Override
from kiosk.store import open_store
from kiosk.volunteers.accounts import Account
from kiosk.volunteers.editing import Editor
from sync.engine import SyncEngine

ZONE = ZoneInfo("Europe/Stockholm")
SERIES_PER_KIOSK = 4
ADMIN = Account("anna", "Anna", "admin", "-")
TICKS = os.sysconf("SC_CLK_TCK")
IDLE_SAMPLES = 5  # idle cycles measured on the joined calendar


class Requests:
    """Counts the HTTP requests every caldav client in this process makes."""

    count = 0

    @classmethod
    def install(cls) -> None:
        import caldav

        original = caldav.DAVClient.request

        def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            cls.count += 1
            return original(self, *args, **kwargs)

        caldav.DAVClient.request = counted  # type: ignore[method-assign]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Kiosk:
    def __init__(self, folder: Path, url: str, user: str, password: str) -> None:
        clock = lambda: datetime.now(UTC)  # noqa: E731
        self.store = open_store(folder)
        self.engine = SyncEngine(self.store, folder, clock)
        self.engine.sources.add("Regionen", "caldav", url, True, user, password)
        self.editor = Editor(
            self.store,
            self.engine.book.audit,
            clock,
            book=self.engine.book,
            on_change=self.engine.local_change,
            read_only=self.engine.read_only,
        )

    def sync(self) -> None:
        for report in self.engine.run_once():
            if not report.ok:
                raise RuntimeError(report.error)

    def week(self) -> dict[str, str]:
        return {d["id"]: d["title"]["sv"] for d in self.store.all("activities")}


def series(uid: str, title: str, start: datetime) -> Activity:
    planned = start + timedelta(weeks=2)
    moved = start + timedelta(weeks=3)
    key = lambda moment: moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")  # noqa: E731
    return Activity(
        id=uid,
        title={"sv": title},
        start=start,
        end=start + timedelta(hours=2),
        rrule="FREQ=WEEKLY;COUNT=20",
        overrides={
            key(planned): Override(status="cancelled"),
            key(moved): Override(moved + timedelta(hours=1), moved + timedelta(hours=3)),
        },
    )


def central(radicale) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from kiosk.ical.read import read_calendar

    found: dict[str, str] = {}
    calendar = radicale.client().calendar(url=radicale.calendar_url)
    for obj in calendar.get_objects_by_sync_token(load_objects=True):
        for activity in read_calendar(obj.data).activities if obj.data else []:
            found[activity.id] = activity.title["sv"]
    return found


def one_region(size: int) -> dict[str, object]:
    from tests.radicale_server import Radicale

    tmp = Path(tempfile.mkdtemp(prefix=f"motesplats-bench-region-{size}-"))
    try:
        with Radicale(tmp / "radicale") as radicale:
            kiosks = [
                Kiosk(tmp / f"kiosk-{n}", radicale.calendar_url, radicale.user, radicale.password)
                for n in range(size)
            ]
            for kiosk in kiosks:
                kiosk.sync()
            start = datetime.now(ZONE).replace(hour=17, minute=0, second=0, microsecond=0)
            for n, kiosk in enumerate(kiosks):
                for s in range(SERIES_PER_KIOSK):
                    kiosk.editor.save(
                        ADMIN, series(f"k{n}-s{s}@region", f"By {n} serie {s}", start), None
                    )
            began = time.perf_counter()
            rounds = 0
            while True:
                rounds += 1
                for kiosk in kiosks:
                    kiosk.sync()
                wanted = central(radicale)
                if all(k.week() == wanted and k.engine.outbox.count() == 0 for k in kiosks):
                    break
                if rounds > 5:
                    raise RuntimeError(f"{size} kiosks did not converge in 5 rounds")
            converged = time.perf_counter() - began
            pid = radicale._proc.pid  # type: ignore[union-attr]
            before_cpu, before_requests = cpu_seconds(pid), Requests.count
            for kiosk in kiosks:
                kiosk.sync()
            idle_cpu = cpu_seconds(pid) - before_cpu
            idle_requests = Requests.count - before_requests
            objects = len(wanted)
            for kiosk in kiosks:
                kiosk.store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "kiosks": size,
        "objects": objects,
        "converged_s": round(converged, 2),
        "rounds": rounds,
        "idle_requests_per_kiosk": round(idle_requests / size, 2),
        "radicale_cpu_ms_per_idle_cycle": round(1000 * idle_cpu / size, 1),
    }


def join(objects: int) -> dict[str, object]:
    """A new kiosk's first pull of a region calendar holding `objects` weekly series."""
    from tests.radicale_server import Radicale

    tmp = Path(tempfile.mkdtemp(prefix="motesplats-bench-join-"))
    try:
        with Radicale(tmp / "radicale") as radicale:
            seeder = Kiosk(tmp / "seeder", radicale.calendar_url, radicale.user, radicale.password)
            seeder.sync()
            start = datetime.now(ZONE).replace(hour=17, minute=0, second=0, microsecond=0)
            for n in range(objects):
                seeder.editor.save(ADMIN, series(f"join-{n}@region", f"Serie {n}", start), None)
            seeder.sync()
            seeder.store.close()
            newcomer = Kiosk(tmp / "new", radicale.calendar_url, radicale.user, radicale.password)
            began = time.perf_counter()
            newcomer.sync()
            seconds = time.perf_counter() - began
            got = newcomer.store.count("activities")
            pid = radicale._proc.pid  # type: ignore[union-attr]
            before = cpu_seconds(pid)
            for _ in range(IDLE_SAMPLES):
                newcomer.sync()
            idle_ms = 1000 * (cpu_seconds(pid) - before) / IDLE_SAMPLES
            newcomer.store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "objects": objects,
        "vevents": objects * 3,
        "join_s": round(seconds, 1),
        "got": got,
        "radicale_cpu_ms_per_idle_cycle": round(idle_ms, 1),
    }


def main(argv: list[str]) -> dict:
    sizes = (
        [int(s) for s in argv[argv.index("--region-sizes") + 1].split(",")]
        if "--region-sizes" in argv
        else [
            5,
            10,
            25,
        ]
    )
    joining = int(argv[argv.index("--join") + 1]) if "--join" in argv else 3500
    Requests.install()
    print(f"Region: kiosks two-way with one Radicale collection ({os.cpu_count()} cores)")
    rows = []
    for size in sizes:
        row = one_region(size)
        rows.append(row)
        print(
            f"  {size} kiosks, {row['objects']} series: converged {row['converged_s']} s after "
            f"the last edit ({row['rounds']} rounds of every kiosk's cycle, one after another); "
            f"idle cycle: {row['idle_requests_per_kiosk']} requests per kiosk, Radicale CPU "
            f"{row['radicale_cpu_ms_per_idle_cycle']} ms per kiosk's cycle"
        )
    figures: dict[str, object] = {"regions": rows}
    if joining:
        joined = join(joining)
        figures["join"] = joined
        print(
            f"  a new kiosk joins a calendar of {joined['objects']} series "
            f"({joined['vevents']} VEVENTs): {joined['join_s']} s, got {joined['got']}; then "
            f"Radicale CPU {joined['radicale_cpu_ms_per_idle_cycle']} ms per idle cycle"
        )
    record("region", figures)
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
