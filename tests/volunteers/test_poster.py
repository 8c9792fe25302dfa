"""The A4 poster (`/a/<id>/poster?also=`) and the share links on the detail page.

The fixed clock is Tuesday 24 November 2026, 09:00 in Stockholm (tests/conftest.py), so the
demo's women's swimming (Thursdays 18:30–19:30, signups) is next on Thursday 26 November.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from kiosk import create_app, services
from kiosk.activities.model import Activity, Override, SignupSettings, recurrence_id
from kiosk.web import qr
from tests.conftest import FIXED_NOW, REPO

BASE = "https://motesplats.example"
SWIM = "demo-simning-kvinnor@motesplats"
CAFE = "demo-sprakcafe@motesplats"
SWIM_NEXT_SIGNUP = f"{BASE}/a/{SWIM}/20261126T173000Z/signup"  # Thursday 18:30 CET = 17:30 UTC


@pytest.fixture
def public_app(tmp_path: Path) -> Iterator[Flask]:
    """The app with PUBLIC_URL set, so absolute links do not depend on this PC's address."""
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "data"),
            "CLOCK": lambda: FIXED_NOW,
            "PUBLIC_URL": BASE,
        }
    )
    yield app
    services.get_for(app).store.close()


@pytest.fixture
def web(public_app: Flask) -> FlaskClient:
    return public_app.test_client()


def arabic(msgid: str) -> str:
    with open(REPO / "kiosk/translations/ar/LC_MESSAGES/messages.po", "rb") as f:
        return read_po(f, locale="ar")[msgid].string


def sheet(page: str) -> str:
    """The poster itself, without the on-screen toolbar (whose language links name all six)."""
    return page.split('<article class="poster', 1)[1]


def put_activity(app: Flask, **fields: object) -> Activity:
    start = FIXED_NOW.replace(hour=18) + timedelta(days=1)
    activity = Activity(
        id="test-poster@motesplats",
        title={"sv": "Testaktivitet"},
        start=start,
        end=start + timedelta(hours=2),
        place_id="demo-bibliotek",
        organiser_id="demo-kommun",
    )
    for name, value in fields.items():
        setattr(activity, name, value)
    assert activity.problems() == []
    services.get_for(app).store.put("activities", activity.to_doc())
    return activity


def qr_body(url: str) -> str:
    """The drawing of the QR code of `url`, as the poster inlines it."""
    svg = qr.svg(url).decode()
    return svg[svg.index("<svg ") + len("<svg ") :]


def test_poster_in_swedish_only(web: FlaskClient) -> None:
    response = web.get(f"/a/{SWIM}/poster?also=sv")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith("<!doctype html>")
    assert '<html lang="sv" dir="ltr">' in page
    assert "/static/css/poster.css" in page and "board.css" not in page
    poster = sheet(page)
    assert '<h1 lang="sv">Simning för kvinnor (burkini går bra)</h1>' in poster
    assert "Varje torsdag" in poster and "18:30–19:30" in poster
    assert "Nästa gång: torsdag 26 november" in poster
    assert "Götene simhall" in poster and "Götene kommun – Mötesplatsen" in poster
    assert "Amira (kulturtolk)" in poster and "0511-38 60 00" in poster
    assert "Kvinnlig simlärare" in poster  # the description
    for pictogram in ("icon-women", "icon-childcare", "icon-cost", "icon-language"):
        assert pictogram in poster
    assert "20 kr" in poster and "Barnpassning" in poster and "Soomaali" in poster
    assert 'dir="rtl"' not in poster and 'class="column"' in poster
    assert poster.count('class="column"') == 1
    # Without ?lang= the poster is in Swedish only as well.
    assert sheet(web.get(f"/a/{SWIM}/poster").get_data(as_text=True)) == poster


def test_a_short_description_is_shown_whole(web: FlaskClient) -> None:
    poster = sheet(
        web.get("/a/demo-kvinnofrukost@motesplats/poster?also=ti").get_data(as_text=True)
    )
    assert '<p class="description">Kvinnogruppen bjuder på frukost. Barnpassning finns.</p>' in (
        poster
    )


def test_poster_page_size_is_a4_with_12mm_margins() -> None:
    css = (REPO / "static/css/poster.css").read_text("utf-8")
    assert "@page { size: A4; margin: 12mm; }" in css


def test_poster_in_swedish_and_arabic(web: FlaskClient) -> None:
    response = web.get(f"/a/{SWIM}/poster?also=ar")
    assert response.status_code == 200
    poster = sheet(response.get_data(as_text=True))
    assert '<p class="title-2" lang="ar" dir="rtl">سباحة للنساء (البوركيني مسموح)</p>' in poster
    assert '<section class="column" lang="sv" dir="ltr">' in poster
    assert '<section class="column" lang="ar" dir="rtl">' in poster
    arabic_block = poster.split('<section class="column" lang="ar" dir="rtl">', 1)[1]
    arabic_block = arabic_block.split("</section>", 1)[0]
    assert arabic("När") in arabic_block and "الخميس" in arabic_block  # Thursday, by Babel
    assert "Kvinnlig simlärare" not in arabic_block  # no Arabic description: not repeated
    # The pictograms' words in both languages, the Arabic ones marked right to left.
    assert f'<span class="l2" lang="ar" dir="rtl">{arabic("Kvinnor")}</span>' in poster
    assert f'<span class="l2" lang="ar" dir="rtl">{arabic("Barnpassning")}</span>' in poster


def test_poster_language_does_not_change_the_viewers_language(web: FlaskClient) -> None:
    response = web.get(f"/a/{SWIM}/poster?also=ar")
    assert "Set-Cookie" not in response.headers
    assert '<html lang="sv"' in web.get("/").get_data(as_text=True)


def test_dari_poster_is_right_to_left(web: FlaskClient) -> None:
    poster = sheet(web.get(f"/a/{SWIM}/poster?also=prs").get_data(as_text=True))
    assert '<section class="column" lang="fa-AF" dir="rtl">' in poster
    assert "آب‌بازی برای خانم‌ها (بورکینی مجاز است)" in poster


def test_qr_of_an_activity_with_signups_is_its_stable_signup_address(web: FlaskClient) -> None:
    poster = sheet(web.get(f"/a/{SWIM}/poster?also=ar").get_data(as_text=True))
    expected = f"{BASE}/a/{SWIM}/signup?lang=ar"
    assert '<svg class="qr-code" role="img"' in poster
    assert qr_body(expected) in poster  # the inline QR code encodes exactly this address
    assert f'<p class="url"><bdi dir="ltr">{expected}</bdi></p>' in poster
    assert arabic("QR-kod: anmäl dig med mobilen") in poster


def test_qr_of_an_activity_without_signups_is_its_detail_page(web: FlaskClient) -> None:
    poster = sheet(web.get(f"/a/{CAFE}/poster?also=ar").get_data(as_text=True))
    expected = f"{BASE}/a/{CAFE}?lang=ar"
    assert qr_body(expected) in poster
    assert f'<p class="url"><bdi dir="ltr">{expected}</bdi></p>' in poster
    assert "Ingen anmälan – kom när du vill" in poster
    assert "مقهى اللغة" in poster
    sv_only = sheet(web.get(f"/a/{CAFE}/poster?also=sv").get_data(as_text=True))
    assert qr_body(f"{BASE}/a/{CAFE}?lang=sv") in sv_only


def test_cancelled_next_time_is_skipped_and_said(web: FlaskClient) -> None:
    # The cycling course (Saturdays, signups) is cancelled this Saturday, 28 November.
    poster = sheet(web.get("/a/demo-cykelkurs@motesplats/poster?also=sv").get_data(as_text=True))
    assert "Varje lördag" in poster and "10:00–12:00" in poster
    assert "Inställt: lördag 28 november" in poster
    assert "Nästa gång: lördag 5 december" in poster
    assert "En kurs: en anmälan gäller alla tillfällen som är kvar." in poster  # one signup
    both = sheet(web.get("/a/demo-cykelkurs@motesplats/poster?also=ar").get_data(as_text=True))
    assert "دورة: التسجيل الواحد يشمل كل المواعيد المتبقية." in both
    assert qr_body(f"{BASE}/a/demo-cykelkurs@motesplats/signup?lang=sv") in poster
    # the stable address leads past the cancelled Saturday to the next open one
    response = web.get("/a/demo-cykelkurs@motesplats/signup?lang=sv")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/20261205T090000Z/signup?lang=sv")


def test_stable_signup_address_follows_the_calendar(web: FlaskClient) -> None:
    """A printed QR keeps working: it always leads to the next occurrence still open."""
    response = web.get(f"/a/{SWIM}/signup?lang=ar")
    assert response.status_code == 302
    assert response.headers["Location"] == SWIM_NEXT_SIGNUP.removeprefix(BASE) + "?lang=ar"
    no_signups = web.get(f"/a/{CAFE}/signup?lang=ar")
    assert no_signups.headers["Location"] == f"/a/{CAFE}?lang=ar"
    assert web.get("/a/nope/signup").status_code == 404


def test_moved_next_time_shows_its_hours(web: FlaskClient) -> None:
    # Driving theory (Wednesdays 18:00) is one hour later this week.
    poster = sheet(web.get("/a/demo-korkort@motesplats/poster").get_data(as_text=True))
    assert "Varje onsdag" in poster and "18:00–20:00" in poster
    assert re.search(r"Nästa gång: onsdag 25 november <bdi dir=\"ltr\">19:00–21:00</bdi>", poster)


def test_every_other_week_and_the_last_date(web: FlaskClient) -> None:
    poster = sheet(web.get("/a/demo-matlagning@motesplats/poster").get_data(as_text=True))
    assert "Varannan torsdag" in poster and "17:00–19:30" in poster
    assert "Sista gången:" in poster


def test_several_weekdays_in_words(public_app: Flask, web: FlaskClient) -> None:
    activity = put_activity(public_app, rrule="FREQ=WEEKLY;BYDAY=TU,TH")
    poster = sheet(web.get(f"/a/{activity.id}/poster").get_data(as_text=True))
    assert "Varje tisdag och torsdag" in poster and "18:00–20:00" in poster
    assert "Sista gången" not in poster  # a series without an end


def test_other_series_and_one_offs_list_the_next_dates(public_app: Flask, web: FlaskClient) -> None:
    activity = put_activity(public_app, rrule="FREQ=MONTHLY;BYDAY=1WE")  # first Wednesday
    poster = sheet(web.get(f"/a/{activity.id}/poster").get_data(as_text=True))
    assert "Varje" not in poster
    for day in ("onsdag 2 december", "onsdag 6 januari", "onsdag 3 februari"):
        assert day in poster
    assert "onsdag 3 mars" not in poster  # three dates, no more
    one_off = sheet(web.get("/a/demo-fotbollscup@motesplats/poster").get_data(as_text=True))
    assert "lördag 28 november" in one_off and "10:00–16:00" in one_off
    assert "Varje" not in one_off


def test_unknown_activity_is_404(web: FlaskClient) -> None:
    response = web.get("/a/nope/poster?also=ar")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)


def test_poster_escapes_what_volunteers_typed(public_app: Flask, web: FlaskClient) -> None:
    put_activity(
        public_app,
        title={"sv": '<script>alert("x")</script>', "ar": "<script>alert(1)</script>"},
        description={"sv": '<img src=x onerror="alert(2)">', "ar": "<b>عربي</b>"},
    )
    page = web.get("/a/test-poster@motesplats/poster?also=ar").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page and "<b>" not in page
    detail = web.get("/a/test-poster@motesplats?lang=sv").get_data(as_text=True)
    assert "<script>alert" not in detail and "%3Cscript%3E" in detail  # in the WhatsApp text


def test_long_texts_are_cut_so_the_poster_stays_one_page(
    public_app: Flask, web: FlaskClient
) -> None:
    words = "Vi pratar svenska och dricker kaffe tillsammans varje vecka. " * 60
    put_activity(public_app, description={"sv": words, "ar": "نتحدث السويدية معاً. " * 80})
    poster = sheet(web.get("/a/test-poster@motesplats/poster?also=ar").get_data(as_text=True))
    assert poster.startswith(" two long")  # two columns, smaller type
    shown = re.search(
        r'<section class="column" lang="sv".*?<p class="description">(.*?)</p>', poster, re.S
    )
    assert shown and shown.group(1).endswith("…") and len(shown.group(1)) < len(words) / 3


def test_detail_page_links_to_the_poster_in_each_language(web: FlaskClient) -> None:
    page = web.get(f"/a/{SWIM}?lang=ar").get_data(as_text=True)
    links = page.split('class="poster-links', 1)[1].split("</section>", 1)[0]
    assert f'href="/a/{SWIM}/poster?also=ar">' in links  # the main link: the viewer's language
    for code in ("sv", "en", "ar", "fa_AF", "so", "ti"):
        assert f'href="/a/{SWIM}/poster?also={code}"' in links
    assert "Skriv ut affisch" in web.get(f"/a/{SWIM}?lang=sv").get_data(as_text=True)


def share_hrefs(page: str) -> dict[str, str]:
    share = page.split('<section class="share', 1)[1].split("</section>", 1)[0]
    anchors = re.findall(r"<a ([^>]*)>", share)
    assert len(anchors) == 2
    for attrs in anchors:
        assert 'rel="noopener"' in attrs and 'target="_blank"' in attrs
    hrefs = [htmllib.unescape(re.search(r'href="([^"]*)"', a).group(1)) for a in anchors]
    return {"whatsapp": hrefs[0], "facebook": hrefs[1]}


def test_share_links_are_correct_and_url_encoded(web: FlaskClient) -> None:
    page = web.get(f"/a/{SWIM}?lang=sv").get_data(as_text=True)
    links = share_hrefs(page)
    detail = f"{BASE}/a/{SWIM}"
    text = "\n".join(
        [
            "Simning för kvinnor (burkini går bra)",
            "Torsdag 26 november 18:30–19:30",
            "Götene simhall, Götene",
            detail,
        ]
    )
    assert links["whatsapp"] == "https://wa.me/?text=" + quote(text, safe="")
    assert links["facebook"] == "https://www.facebook.com/sharer/sharer.php?u=" + quote(
        detail, safe=""
    )
    assert (
        "https%3A%2F%2Fmotesplats.example%2Fa%2Fdemo-simning-kvinnor%40motesplats"
        in (links["facebook"])
    )
    assert " " not in links["whatsapp"] and "\n" not in links["whatsapp"]
    # Links only: nothing is loaded from WhatsApp or Facebook.
    assert not re.search(r'src="https?://', page)
    assert "facebook.net" not in page and '<script src="http' not in page


def test_share_text_is_in_the_viewers_language(web: FlaskClient) -> None:
    links = share_hrefs(web.get(f"/a/{SWIM}?lang=ar").get_data(as_text=True))
    assert quote("سباحة للنساء (البوركيني مسموح)", safe="") in links["whatsapp"]
    assert quote("الخميس", safe="") in links["whatsapp"]
    # The shared address has no ?lang=: each reader gets the page in their own language.
    assert links["whatsapp"].endswith(quote(f"\n{BASE}/a/{SWIM}", safe=""))


def test_share_and_poster_links_are_hidden_on_the_kiosk() -> None:
    css = (REPO / "static/css/board.css").read_text("utf-8")
    assert ".kiosk .share" in css and ".kiosk .poster-links" in css


def test_share_links_of_a_series_without_upcoming_dates(
    public_app: Flask, web: FlaskClient
) -> None:
    put_activity(
        public_app, start=FIXED_NOW - timedelta(days=30), end=FIXED_NOW - timedelta(days=29)
    )
    page = web.get("/a/test-poster@motesplats?lang=sv").get_data(as_text=True)
    text = "\n".join(
        [
            "Testaktivitet",
            "Götene bibliotek, Kommunhuset, Götene",
            f"{BASE}/a/test-poster@motesplats",
        ]
    )
    assert share_hrefs(page)["whatsapp"] == "https://wa.me/?text=" + quote(text, safe="")
    poster = sheet(web.get("/a/test-poster@motesplats/poster").get_data(as_text=True))
    assert "Inga kommande tillfällen." in poster
    assert qr_body(f"{BASE}/a/test-poster@motesplats?lang=sv") in poster


def test_signups_without_upcoming_dates_point_to_the_detail_page(
    public_app: Flask, web: FlaskClient
) -> None:
    put_activity(
        public_app,
        start=FIXED_NOW - timedelta(days=30),
        end=FIXED_NOW - timedelta(days=29),
        signup=SignupSettings(True, 10),
    )
    poster = sheet(web.get("/a/test-poster@motesplats/poster").get_data(as_text=True))
    assert qr_body(f"{BASE}/a/test-poster@motesplats?lang=sv") in poster


def a_language_cafe_with_each_kind_of_change(app: Flask) -> Activity:
    """The issue's café: Sundays 17–19 until 27 June, Swedish and Arabic; 6 December
    cancelled, 10 January moved to Saturday 9 January, 17 January an hour later, and 24
    January with a note of its own."""
    zone = FIXED_NOW.tzinfo
    first = datetime(2026, 11, 29, 17, 0, tzinfo=zone)

    def sunday(day: date) -> str:
        return recurrence_id(datetime.combine(day, first.timetz()))

    def at(day: date, hour: int) -> datetime:
        return datetime.combine(day, first.timetz()).replace(hour=hour)

    overrides = {
        sunday(date(2026, 12, 6)): Override(status="cancelled"),
        sunday(date(2027, 1, 10)): Override(at(date(2027, 1, 9), 17), at(date(2027, 1, 9), 19)),
        sunday(date(2027, 1, 17)): Override(at(date(2027, 1, 17), 18), at(date(2027, 1, 17), 20)),
        sunday(date(2027, 1, 24)): Override(
            note={"sv": "Vi ses i biblioteket", "ar": "نلتقي في المكتبة"}
        ),
    }
    return put_activity(
        app,
        id="test-cafe@motesplats",
        title={"sv": "Söndagscafé", "ar": "مقهى الأحد"},
        start=first,
        end=first + timedelta(hours=2),
        rrule="FREQ=WEEKLY;BYDAY=SU;UNTIL=20270627T235959Z",
        overrides=overrides,
    )


def test_a_printed_series_shows_every_kind_of_change_in_both_languages(
    public_app: Flask, web: FlaskClient
) -> None:
    a_language_cafe_with_each_kind_of_change(public_app)
    poster = sheet(web.get("/a/test-cafe@motesplats/poster?also=ar").get_data(as_text=True))
    swedish, other = poster.split('<section class="column" lang="ar"', 1)
    swedish = swedish.split('<section class="column" lang="sv"', 1)[1]
    assert "Varje söndag" in swedish and "17:00–19:00" in swedish
    assert "Inställt: söndag 6 december" in swedish
    assert re.search(
        r"Flyttat: söndag 10 januari → lördag 9 januari <bdi dir=\"ltr\">17:00–19:00</bdi>", swedish
    )
    assert re.search(r"Annan tid: söndag 17 januari <bdi dir=\"ltr\">18:00–20:00</bdi>", swedish)
    assert "söndag 24 januari: Vi ses i biblioteket" in swedish
    assert "Sista gången: söndag 27 juni" in swedish
    # The Arabic column says the same, in Arabic, with the Arabic note.
    for msgid in ("Inställt: %(dates)s", "Flyttat: %(planned)s → %(date)s", "Annan tid: %(date)s"):
        assert arabic(msgid).split("%(")[0].strip() in other
    assert "نلتقي في المكتبة" in other and "Vi ses" not in other
    # The week's digest of that week: the Saturday says it was moved from Sunday, in both.
    digest = web.get("/digest?also=ar&from=2027-01-04").get_data(as_text=True)
    assert "4 januari – söndag 10 januari" in digest
    saturday = digest.split("lördag 9 januari", 1)[1].split('class="day"', 1)[0]
    assert "Söndagscafé" in saturday and "Flyttat hit från söndag 10 januari" in saturday
    assert arabic("Flyttat hit från %(date)s").split("%(")[0].strip() in saturday
    assert "Söndagscafé" not in digest.split("söndag 10 januari", 2)[2]  # not on the Sunday too
    week = web.get("/digest?from=2026-11-30").get_data(as_text=True)
    assert "Inställt" in week.split("söndag 6 december", 2)[2]
    assert "Vi ses i biblioteket" in web.get("/digest?from=2027-01-20").get_data(as_text=True)
    # A day outside the coming year prints this week instead.
    assert "tisdag 24 november" in web.get("/digest?from=2031-01-01").get_data(as_text=True)
