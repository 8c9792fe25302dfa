"""Participation reports against known signups, attendance and door counts, also after the
purge of names; the CSV as Excel reads it; the SVG chart; admins only."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.board import agenda
from kiosk.municipality.door_counts import DoorCount
from kiosk.municipality.reports import participation
from kiosk.web.labels import AUDIENCE_LABELS
from tests.admin_helpers import login
from tests.conftest import Clock

SWIM = "demo-simning-kvinnor@motesplats"  # Thursdays 18:30, organiser demo-kommun, women
NOV, DEC = "20261126T173000Z", "20261203T173000Z"


@pytest.fixture
def known(app: Flask) -> None:
    """Swimming on 26 Nov: A 2+1 came, B 1+0 did not, C 1+0 cancelled; at the door 3 adults
    and 2 children without signup, 6 women, 1 man, 0 other. On 3 Dec: D 1+2 came."""
    svc = services.get_for(app)
    for doc in svc.store.all("door_counts"):  # the demo's counts of past dates: known only
        svc.store.delete("door_counts", doc["id"])
    snap = svc.catalogue.snapshot()
    nov, dec = (agenda.find_occurrence(snap, SWIM, rid) for rid in (NOV, DEC))
    a, _ = svc.signups.add(nov, name="Amina", adults=2, children=1, phone=None, language="ar")
    svc.signups.add(nov, name="Berhane", adults=1, children=0, phone=None, language="ti")
    c, secret = svc.signups.add(nov, name="Cawo", adults=1, children=0, phone=None, language="so")
    svc.signups.cancel(c.id, secret)
    d, _ = svc.signups.add(dec, name="Dunya", adults=1, children=2, phone=None, language="fa_AF")
    svc.signups.mark_attended(a.id, True)
    svc.signups.mark_attended(d.id, True)
    svc.door_counts.set(SWIM, NOV, DoorCount(3, 2, 6, 1, 0))
    # An organisation with an Arabic name runs the swimming, for the CSV test.
    organiser = dict(svc.store.get("organisers", "demo-kommun"))
    svc.store.put("organisers", {**organiser, "name": "جمعية الصداقة – Götene kommun"})


def figures(app: Flask) -> dict[str, tuple[int, ...]]:
    svc = services.get_for(app)
    report = participation(
        svc.catalogue.snapshot(),
        svc.store.all("signups"),
        svc.door_counts.all(),
        date(2026, 11, 1),
        date(2026, 12, 1),
        svc.zone,
        {k: str(v) for k, v in AUDIENCE_LABELS.items()},
        svc.now(),
    )

    def values(row):  # type: ignore[no-untyped-def]
        return (
            row.recorded,
            row.signed_up,
            row.visits,
            row.adults,
            row.children,
            row.walk_ins,
            row.women,
            row.men,
            row.other,
        )

    return {
        "nov": values(report.months[0]),
        "dec": values(report.months[1]),
        "swim": values(next(r for r in report.activities if r.key == SWIM)),
        "women": values(next(r for r in report.audiences if r.key == "women")),
        "kommun": values(next(r for r in report.organisers if r.key == "demo-kommun")),
        "total": values(report.total),
    }


EXPECTED = {  # recorded, signed up, visits, adults, children, walk-ins, women, men, other
    "nov": (1, 4, 8, 5, 3, 5, 6, 1, 0),
    "dec": (1, 3, 3, 1, 2, 0, 0, 0, 0),
    "swim": (2, 7, 11, 6, 5, 5, 6, 1, 0),
    "women": (2, 7, 11, 6, 5, 5, 6, 1, 0),
    "kommun": (2, 7, 11, 6, 5, 5, 6, 1, 0),
    "total": (2, 7, 11, 6, 5, 5, 6, 1, 0),
}


def test_report_numbers_match_the_known_fixture_and_survive_the_purge(
    app: Flask, clock: Clock, known: None
) -> None:
    assert figures(app) == EXPECTED
    svc = services.get_for(app)
    clock.now += timedelta(days=70)
    assert svc.signups.purge(svc.retention) == 4
    assert all(s["name"] is None for s in svc.store.all("signups"))
    assert figures(app) == EXPECTED


def admin(client: FlaskClient) -> FlaskClient:
    assert login(client, "anna").status_code == 303
    return client


def test_csv_reads_back_with_the_bom_in_both_dialects(
    client: FlaskClient, people: None, known: None
) -> None:
    admin(client)
    for sep, delimiter in (("", ";"), ("comma", ",")):
        answer = client.get(f"/admin/reports.csv?from=2026-11&to=2026-12&sep={sep}")
        assert answer.status_code == 200 and answer.mimetype == "text/csv"
        raw = answer.data
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))
        assert rows[0][:6] == [
            "Del",
            "Namn",
            "Tillfällen som hölls",
            "Tillfällen med närvaro förd",
            "Anmälda med plats (personer)",
            "Besök (inte personer)",
        ]
        organisers = [r for r in rows if r[0] == "Arrangör"]
        (kommun,) = [r for r in organisers if r[1] == "جمعية الصداقة – Götene kommun"]
        # the men's 1 at the door is "<5" (a gender cell); the rest as they are
        assert kommun[3:] == ["2", "7", "11", "6", "5", "5", "6", "<5", "0"]
        swim = next(r for r in rows if r[0] == "Aktivitet" and r[1].startswith("Simning"))
        assert swim[2] == "3"  # held: 5, 12 and 19 November (26 November is still to come)
        women = next(r for r in rows if r[0] == "Målgrupp" and r[1] == "Kvinnor")
        assert women[3:] == ["<5", "7", "11", "6", "5", "5", "6", "<5", "0"]  # every cell
        assert ["Anmärkning", "Tal under 5 i målgrupper och kön visas som <5."] in rows
        months = [r for r in rows if r[0] == "Månad"]
        assert [r[1] for r in months] == ["2026-11", "2026-12"]
        assert any(r[1] == "Simning för kvinnor (burkini går bra)" for r in rows)


def test_chart_is_valid_svg_with_one_bar_per_month(
    client: FlaskClient, people: None, known: None
) -> None:
    admin(client)
    page = client.get("/admin/reports?from=2026-06&to=2026-12").get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    bars = root.findall("s:g[@class='bar']", ns)
    assert len(bars) == 7  # June to December
    assert [b.get("data-total") for b in bars] == ["0", "0", "0", "0", "0", "8", "3"]
    assert "Besök per månad" in root.find("s:title", ns).text
    # November is the month still going on (the clock says 24 November): said so.
    assert "nov. 26 (pågår, t.o.m. 24 nov.)" in page or "(pågår, t.o.m. 24 nov" in page
    assert "är inte slut" in page


def test_a_wrong_period_falls_back_and_a_long_one_is_cut(client: FlaskClient, people: None) -> None:
    admin(client)
    assert client.get("/admin/reports?from=nonsense&to=2026-13").status_code == 200
    page = client.get("/admin/reports?from=2020-01&to=2026-12").get_data(as_text=True)
    assert page.count('class="bar"') == 36


def test_only_admins_see_reports(client: FlaskClient, people: None) -> None:
    assert client.get("/admin/reports").status_code == 302  # to the login
    assert login(client, "omar").status_code == 303  # an organiser, not an admin
    assert client.get("/admin/reports").status_code == 403
    assert client.get("/admin/reports.csv").status_code == 403


def test_door_counts_are_saved_from_the_organisers_page(
    app: Flask, client: FlaskClient, people: None
) -> None:
    admin(client)
    page = f"/organiser/o/{SWIM}/{NOV}"
    html = client.get(page).get_data(as_text=True)
    assert "Räknat vid dörren" in html
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    bad = client.post(page, data={"csrf_token": token, "walk_in_adults": "-3"})
    assert bad.status_code == 400 and "med siffror" in bad.get_data(as_text=True)
    assert services.get_for(app).door_counts.get(SWIM, NOV) == DoorCount()
    good = client.post(
        page, data={"csrf_token": token, "walk_in_adults": "4", "women": "3", "men": ""}
    )
    assert good.status_code == 303
    assert services.get_for(app).door_counts.get(SWIM, NOV) == DoorCount(4, 0, 3, None, None)


def test_door_counts_are_in_the_audit_log(app: Flask, client: FlaskClient, people: None) -> None:
    admin(client)
    page = f"/organiser/o/{SWIM}/{NOV}"
    html = client.get(page).get_data(as_text=True)
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(page, data={"csrf_token": token, "walk_in_children": "2"})
    log = services.get_for(app).audit.path.read_text()
    assert "door_counts" in log and f"{SWIM}/{NOV}" in log


def test_a_fresh_install_shows_the_demo_weeks_figures_and_the_partial_month(
    app: Flask, client: FlaskClient, people: None
) -> None:
    """The strategist's first look: not a year of empty months. The demo's past dates (its
    series began three weeks ago) were held and have counts at the door."""
    admin(client)
    page = client.get("/admin/reports?lang=sv").get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    totals = [
        int(b.get("data-total"))
        for b in ET.fromstring(svg).findall(
            "s:g[@class='bar']", {"s": "http://www.w3.org/2000/svg"}
        )
    ]
    assert len(totals) == 12 and totals[-1] > 0  # this month, from the demo's door counts
    svc = services.get_for(app)
    report = participation(
        svc.catalogue.snapshot(),
        [],
        svc.door_counts.all(),
        date(2026, 11, 1),
        date(2026, 11, 1),
        svc.zone,
        {},
        svc.now(),
    )
    assert report.total.held >= report.total.recorded > 10 and report.partial == date(2026, 11, 1)
    assert "tillfällen hölls under perioden" in page and "är inte slut" in page
