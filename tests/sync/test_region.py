"""A region: five kiosks (each its own app and data folder), two-way with one shared Radicale
collection. Central rollback (Radicale started again from an older copy of its storage) loses
no acknowledged edit on any kiosk or centrally; the demo week never leaves a kiosk.

Marked `region` (skip with `-m "not region"`); each kiosk is an app in this process, the
server a real Radicale on 127.0.0.1.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from kiosk import create_app, services
from kiosk.activities.model import Activity, Override
from kiosk.ical.read import read_calendar
from kiosk.volunteers.accounts import Account
from tests.conftest import FIXED_NOW, STOCKHOLM, Clock
from tests.radicale_server import Radicale

pytestmark = pytest.mark.region

KIOSKS = 5
ADMIN = Account("anna", "Anna", "admin", "-")


class Kiosk:
    """One village's kiosk: its app, its sync engine, two-way with the region's calendar."""

    def __init__(self, folder: Path, radicale: Radicale) -> None:
        self.app: Flask = create_app(
            {"TESTING": True, "DATA_DIR": str(folder), "CLOCK": Clock(FIXED_NOW)}
        )
        self.svc = services.get_for(self.app)
        self.engine = self.svc.sync
        self.engine.sources.add(
            "Regionen", "caldav", radicale.calendar_url, True, radicale.user, radicale.password
        )

    def sync(self) -> None:
        (report,) = self.engine.run_once()
        assert report.ok, report.error

    def own_week(self) -> dict[str, str]:
        """Every activity that is not the demo week's: uid -> Swedish title."""
        return {
            d["id"]: d["title"]["sv"]
            for d in self.svc.store.all("activities")
            if not d["id"].startswith("demo-")
        }

    def activity(self, uid: str) -> Activity:
        return Activity.from_doc(self.svc.store.get("activities", uid))

    def create(self, uid: str, title: str) -> None:
        self.svc.editor.save(ADMIN, series(uid, title), None)

    def rename(self, uid: str, title: str) -> None:
        activity = self.activity(uid)
        version = activity.version
        activity.title = {**activity.title, "sv": title}
        self.svc.editor.save(ADMIN, activity, version)

    def delete(self, uid: str) -> None:
        self.svc.editor.delete(ADMIN, uid, self.activity(uid).version)

    def close(self) -> None:
        self.svc.store.close()


def series(uid: str, title: str) -> Activity:
    """A weekly series with one cancelled date and one moved date."""
    start = datetime(2026, 11, 24, 16, 30, tzinfo=STOCKHOLM)
    return Activity(
        id=uid,
        title={"sv": title},
        start=start,
        end=start + timedelta(hours=2),
        rrule="FREQ=WEEKLY;UNTIL=20270330T000000Z",
        overrides={
            "20261208T153000Z": Override(status="cancelled", note={"sv": "Lucia"}),
            "20261215T153000Z": Override(
                datetime(2026, 12, 16, 17, 0, tzinfo=STOCKHOLM),
                datetime(2026, 12, 16, 19, 0, tzinfo=STOCKHOLM),
            ),
        },
    )


def central(radicale: Radicale) -> dict[str, str]:
    """Every event on the region's calendar, as a plain CalDAV client sees it: uid -> title.
    A UID held by two objects fails the test (a duplicate)."""
    calendar = radicale.client().calendar(url=radicale.calendar_url)
    found: dict[str, str] = {}
    for obj in calendar.get_objects_by_sync_token(load_objects=True):
        if not obj.data:
            continue
        for activity in read_calendar(obj.data).activities:
            assert activity.id not in found, f"{activity.id} is on the calendar twice"
            found[activity.id] = activity.title["sv"]
    return found


def quiet(kiosks: list[Kiosk]) -> None:
    """One more cycle of every kiosk changes nothing anywhere (no echo of its own writes)."""
    for kiosk in kiosks:
        (report,) = kiosk.engine.run_once()
        assert report.ok and (report.received, report.pushed, report.deleted) == (0, 0, 0), report


def rounds(kiosks: list[Kiosk], times: int = 2) -> None:
    for _ in range(times):
        for kiosk in kiosks:
            kiosk.sync()


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    with Radicale(tmp_path / "radicale") as server:
        yield server


@pytest.fixture
def region(tmp_path: Path, radicale: Radicale) -> Iterator[list[Kiosk]]:
    kiosks = [Kiosk(tmp_path / f"kiosk-{n}", radicale) for n in range(KIOSKS)]
    yield kiosks
    for kiosk in kiosks:
        kiosk.close()


def test_a_central_rollback_loses_no_acknowledged_edit_anywhere(
    tmp_path: Path, radicale: Radicale, region: list[Kiosk]
) -> None:
    for n, kiosk in enumerate(region):
        kiosk.create(f"serie-{n}@region", f"Serie {n}")
    rounds(region)
    assert central(radicale) == {f"serie-{n}@region": f"Serie {n}" for n in range(KIOSKS)}
    assert all(k.own_week() == central(radicale) for k in region)

    older = tmp_path / "radicale-older-copy"
    shutil.copytree(radicale.collections, older)

    # After the copy, every edit acknowledged by the calendar (outboxes empty):
    region[0].create("ny-a@region", "Ny A")  # new activities
    region[0].create("ny-b@region", "Ny B")
    region[4].create("ny-c@region", "Ny C")
    region[1].rename("serie-1@region", "Serie 1, nytt namn")  # the owner renames
    region[3].rename("serie-0@region", "Serie 0, ändrad i by 3")  # another kiosk edits
    region[2].delete("serie-2@region")  # the owner deletes
    rounds(region)
    expected = {
        "serie-0@region": "Serie 0, ändrad i by 3",
        "serie-1@region": "Serie 1, nytt namn",
        "serie-3@region": "Serie 3",
        "serie-4@region": "Serie 4",
        "ny-a@region": "Ny A",
        "ny-b@region": "Ny B",
        "ny-c@region": "Ny C",
    }
    assert central(radicale) == expected
    assert all(k.engine.outbox.count() == 0 for k in region)
    assert all(k.own_week() == expected for k in region)

    # The server fails and is started again from the older copy of its storage.
    radicale.stop()
    shutil.rmtree(radicale.collections)
    shutil.copytree(older, radicale.collections)
    radicale.start()
    assert "ny-a@region" not in central(radicale) and "serie-2@region" in central(radicale)

    rounds(region, 3)
    assert central(radicale) == expected, "the calendar has every acknowledged edit again"
    for n, kiosk in enumerate(region):
        assert kiosk.own_week() == expected, f"kiosk {n}"
        assert kiosk.engine.outbox.count() == 0 and kiosk.engine.ledger.conflicts() == []
    quiet(region)
    # the moved and cancelled dates came through too
    overrides = region[2].activity("ny-c@region").overrides
    assert overrides["20261208T153000Z"].status == "cancelled"
    assert overrides["20261215T153000Z"].start == datetime(2026, 12, 16, 17, 0, tzinfo=STOCKHOLM)

    # The creator's sync page says what it sent again, in Swedish, without an error.
    (source,) = region[0].engine.sources.all()
    restored = source.state["last_restored"]
    assert {"ny-a@region", "ny-b@region"} <= {item.split(":")[0] for item in restored["items"]}
    with region[0].app.test_request_context():
        from flask import render_template

        from kiosk.volunteers.admin.sync_page import _statuses

        html = render_template(
            "volunteers/admin/sync.html",
            sources=_statuses(region[0].engine, []),
            outbox=[],
            outbox_count=0,
            conflicts=[],
            device=region[0].engine.device,
            kinds=[],
            demo_count=0,
        )
    assert "Tavlan skickade dem igen, inget försvann." in html and "ny-a@region" in html


def test_the_demo_week_never_leaves_the_kiosk_that_loaded_it(
    radicale: Radicale, region: list[Kiosk]
) -> None:
    demo = [d for d in region[0].svc.store.all("activities") if d["id"].startswith("demo-")]
    assert len(demo) >= 10  # every kiosk loaded the demo week on its first start
    rounds(region)
    assert central(radicale) == {}
    assert all(k.engine.outbox.count() == 0 for k in region)
    assert all(k.engine.ledger.conflicts() == [] for k in region)
    # an edit of a demo activity stays home too
    region[1].rename(demo[0]["id"], "Ändrad demo")
    rounds(region, 1)
    assert central(radicale) == {} and region[1].engine.outbox.count() == 0


@pytest.fixture(params=["radicale", "xandikos"])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Kiosk, Kiosk]]:
    """Two kiosks two-way with one calendar on a real Radicale or Xandikos."""
    from tests.xandikos_server import Xandikos

    kind = Radicale if request.param == "radicale" else Xandikos
    with kind(tmp_path / request.param) as server:
        kiosks = (Kiosk(tmp_path / "by-a", server), Kiosk(tmp_path / "by-b", server))
        yield kiosks
        for kiosk in kiosks:
            kiosk.close()


def test_every_field_travels_to_another_kiosk_and_survives_its_edit(
    pair: tuple[Kiosk, Kiosk],
) -> None:
    """Place, association, audiences, spoken languages, price, childcare, signup settings and
    a date's series flags reach the other kiosk's structured fields; its title edit sends
    back every field it did not change."""
    from kiosk.activities.model import SignupSettings

    a, b = pair
    place = a.svc.editor.add_place(ADMIN, "Folkets hus", "Storgatan 4, Tidaholm", "Lilla salen")
    association = a.svc.editor.add_organiser(ADMIN, "Somaliska föreningen")
    made = series("kurs@region", "Syjunta")
    made.place_id, made.organiser_id = place.id, association.id
    made.audiences, made.languages = ["women", "children"], ["sv", "ar", "so"]
    made.cost_sek, made.childcare = 20, True
    made.signup = SignupSettings(required=True, capacity=12, how={"sv": "Ring Amina"})
    made.overrides["20261222T153000Z"] = Override(status="cancelled")  # times from the series
    made.overrides["20261229T153000Z"] = Override(  # a new start, the end from the series
        datetime(2026, 12, 29, 18, 0, tzinfo=STOCKHOLM)
    )
    a.svc.editor.save(ADMIN, made, None)
    rounds([a, b])

    def fields(kiosk: Kiosk) -> dict[str, object]:
        doc = kiosk.activity("kurs@region").to_doc()
        keep = ("audiences", "languages", "cost_sek", "childcare", "signup", "overrides", "title")
        return {k: doc[k] for k in keep}

    assert fields(b) == fields(a)
    theirs = b.activity("kurs@region")
    shown = b.svc.store.get("places", theirs.place_id)
    assert shown is not None and (shown["name"], shown["address"], shown["room"]) == (
        "Folkets hus",
        "Storgatan 4, Tidaholm",
        "Lilla salen",
    )
    assert b.svc.store.get("organisers", theirs.organiser_id)["name"] == "Somaliska föreningen"
    page = b.app.test_client().get("/a/kurs@region?lang=sv").get_data(as_text=True)
    assert "Folkets hus" in page and "Somaliska föreningen" in page

    b.rename("kurs@region", "Syjunta för kvinnor")
    rounds([b, a])
    assert fields(a)["title"] == {"sv": "Syjunta för kvinnor"}
    assert fields(a) == fields(b)
    after = a.activity("kurs@region")
    assert (after.place_id, after.organiser_id) == (place.id, association.id)
    assert after.languages == ["sv", "ar", "so"] and after.signup.capacity == 12
    assert a.engine.ledger.conflicts() == [] == b.engine.ledger.conflicts()
    quiet([a, b])


def test_a_place_of_the_same_name_is_matched_not_doubled(pair: tuple[Kiosk, Kiosk]) -> None:
    a, b = pair
    here = b.svc.editor.add_place(ADMIN, "folkets  hus", "", "")
    place = a.svc.editor.add_place(ADMIN, "Folkets hus", "Storgatan 4", "")
    made = series("matchad@region", "Läxhjälp")
    made.place_id = place.id
    a.svc.editor.save(ADMIN, made, None)
    rounds([a, b])
    assert b.activity("matchad@region").place_id == here.id
    assert [p["name"] for p in b.svc.store.all("places")].count("Folkets hus") == 0


def test_simultaneous_edits_and_a_staff_edit_converge_without_anyone_choosing(
    radicale: Radicale, region: list[Kiosk]
) -> None:
    """One rule on every kiosk: the central calendar's version wins. Edits made at once on
    three kiosks end with one title everywhere; the versions set aside are listed on every
    kiosk, and one click on any of them takes one everywhere. A central staff edit made
    while a kiosk edited offline is never undone; dismissing the kiosk's version on one
    kiosk clears it everywhere."""
    region[0].create("lek@region", "Lek")
    region[0].create("fika@region", "Fika")
    rounds(region)
    for n in (1, 2, 3):
        region[n].rename("lek@region", f"Lek enligt by {n}")
    rounds(region, 3)
    titles = {k.own_week()["lek@region"] for k in region}
    assert len(titles) == 1 and titles == {central(radicale)["lek@region"]}
    winner = titles.pop()
    losing = {f"Lek enligt by {n}" for n in (1, 2, 3)} - {winner}
    quiet(region)
    for n, kiosk in enumerate(region):  # every kiosk lists both versions set aside
        listed = {c["local"]["title"]["sv"] for c in kiosk.engine.ledger.conflicts()}
        assert listed == losing, f"kiosk {n}"
        assert {c["applied"] for c in kiosk.engine.ledger.conflicts()} == {"central"}
    from tests.admin_helpers import PASSWORD, login

    region[0].svc.accounts.create("anna", PASSWORD, "admin", "Anna")
    client = region[0].app.test_client()
    login(client, "anna")
    page = client.get("/admin/sync?lang=sv").get_data(as_text=True)
    assert page.count("Ta den andra tavlans version") == 2
    assert all(title in page for title in losing)
    # One click on a kiosk that made neither takes one of them: everywhere, lists cleared
    taken = sorted(losing)[0]
    (chosen,) = [
        c for c in region[4].engine.ledger.conflicts() if c["local"]["title"]["sv"] == taken
    ]
    region[4].engine.settle(chosen["id"], "local")
    rounds(region, 3)
    assert central(radicale)["lek@region"] == taken
    assert all(k.own_week()["lek@region"] == taken for k in region)
    left = {n: [c["id"] for c in k.engine.ledger.conflicts()] for n, k in enumerate(region)}
    assert all(not ids for ids in left.values()), left
    quiet(region)

    calendar = radicale.client().calendar(url=radicale.calendar_url)
    event = calendar.get_event_by_uid("fika@region")
    event.icalendar_component["SUMMARY"] = "Fika (ändrad av kommunen)"
    event.save(increase_seqno=True)
    region[0].rename("fika@region", "Fika, skapare offline")  # not synced before the staff edit
    rounds(region, 2)
    assert central(radicale)["fika@region"] == "Fika (ändrad av kommunen)"
    assert all(k.own_week()["fika@region"] == "Fika (ändrad av kommunen)" for k in region)
    for kiosk in region:  # listed on every kiosk, the staff edit standing
        kept = [c for c in kiosk.engine.ledger.conflicts() if c["uid"] == "fika@region"]
        assert [c["local"]["title"]["sv"] for c in kept] == ["Fika, skapare offline"]
    # Dismissed on one kiosk: gone from every list, the staff edit still standing
    (offline,) = region[2].engine.ledger.conflicts()
    region[2].engine.settle(offline["id"], "central")
    rounds(region, 2)
    assert all(k.engine.ledger.conflicts() == [] for k in region)
    assert central(radicale)["fika@region"] == "Fika (ändrad av kommunen)"
    quiet(region)


def test_each_board_shows_its_own_municipality_unless_told_otherwise(
    radicale: Radicale, region: list[Kiosk]
) -> None:
    """A kiosk's board shows its own municipality's activities by default; the settings add
    municipalities, places or organisers, or the whole region; the calendar keeps all."""
    from kiosk.activities.model import SiteSettings
    from tests.admin_helpers import PASSWORD, csrf, login

    gotene, karlsborg = region[0], region[1]
    for kiosk, name in ((gotene, "Götene"), (karlsborg, "Karlsborg")):
        site = SiteSettings.from_doc(kiosk.svc.store.get("settings", "site"))
        site.municipality = name
        kiosk.svc.editor.save_site(ADMIN, site)
    pool = gotene.svc.editor.add_place(ADMIN, "Götene simhall", "Badhusgatan 1")
    swim = series("sim@region", "Vattengympa i Götene")
    swim.place_id = pool.id
    gotene.svc.editor.save(ADMIN, swim, None)
    karlsborg.create("fika@region", "Fika i Karlsborg")
    rounds([gotene, karlsborg])
    assert set(central(radicale)) == {"sim@region", "fika@region"}  # the calendar holds all
    assert set(karlsborg.own_week()) == {"sim@region", "fika@region"}  # so does the store

    client = karlsborg.app.test_client()

    def board() -> str:
        return client.get("/?lang=sv").get_data(as_text=True) + client.get(
            "/?lang=sv&show=2000"
        ).get_data(as_text=True)

    def week_ahead() -> str:  # the API shows what the board shows
        return client.get("/api/activities?from=2026-11-24&to=2027-01-20").get_data(as_text=True)

    assert "Fika i Karlsborg" in week_ahead() and "Vattengympa i Götene" not in week_ahead()
    assert client.get("/a/sim@region").status_code == 404
    assert "Vattengympa i Götene" not in board()
    assert "Språkcafé" in board()  # the demo week names no municipality: it stays

    karlsborg.svc.accounts.create("anna", PASSWORD, "admin", "Anna")
    login(client, "anna")
    adopted = karlsborg.activity("sim@region").place_id

    def settings(**fields: object) -> None:
        form = {"csrf_token": csrf(client, "/admin/settings"), "name": "Karlsborg"}
        form.update({"municipality": "Karlsborg", "shows": "own", **fields})
        assert client.post("/admin/settings", data=form).status_code == 303

    settings(also_places=[adopted])
    assert "Vattengympa i Götene" in week_ahead()
    settings()
    assert "Vattengympa i Götene" not in week_ahead()
    settings(also_municipalities="Mariestad, götene")
    assert "Vattengympa i Götene" in week_ahead()
    settings(shows="region")
    assert "Vattengympa i Götene" in week_ahead()
    assert set(central(radicale)) == {"sim@region", "fika@region"}


def test_kiosks_started_together_do_not_ask_in_the_same_second(region: list[Kiosk]) -> None:
    """The loop's wait is the interval give or take a tenth, so a region's kiosks drift
    apart (the sync page shows the plain interval)."""
    waits = [k.engine.next_wait(300.0, jitter=True) for k in region for _ in range(20)]
    assert all(270.0 <= w <= 330.0 for w in waits)
    assert max(waits) - min(waits) > 20.0  # 100 draws spread over the 60 s allowed
    assert region[0].engine.next_wait(300.0) == 300.0
