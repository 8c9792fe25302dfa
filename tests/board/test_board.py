"""The public board and detail pages: content, languages, caching, and never personal data."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.activities.model import Activity
from tests.conftest import FIXED_NOW


def test_board_shows_today_and_the_week_of_the_demo(client: FlaskClient) -> None:
    html = client.get("/?lang=sv").get_data(as_text=True)
    today = html.split('id="week-heading"')[0]
    assert "After School Club" in today  # Tuesdays 16:30, and the fixed clock is a Tuesday
    assert "16:30–19:00" in today
    for title in (
        "Språkcafé",
        "Kvinnofrukost",
        "Simning för kvinnor",
        "Förskolelek",
        "Fotbollscup för unga",
        "Informationskväll: bank och försäkring",
        "Körkortsteori",
        "Cykelkurs för kvinnor",
        "Datorkurs på kvällen",
    ):
        assert title in html, title
    assert "Mötesplats Götene" in html
    assert "10:00–18:00" in html  # opening hours today
    assert html.count('class="day"') == 6


def test_cancelled_and_changed_occurrences_are_marked(client: FlaskClient) -> None:
    html = client.get("/?lang=sv").get_data(as_text=True)
    cancelled = re.search(r'<article class="card status-cancelled".*?</article>', html, re.S)
    assert cancelled and "Cykelkurs" in cancelled.group(0) and "Inställt" in cancelled.group(0)
    changed = re.search(r'<article class="card status-changed".*?</article>', html, re.S)
    assert changed and "Körkortsteori" in changed.group(0)
    assert "19:00–21:00" in changed.group(0) and "en timme senare" in changed.group(0)


def test_cards_show_audience_language_cost_childcare_and_signup(client: FlaskClient) -> None:
    html = client.get("/?lang=sv").get_data(as_text=True)
    swim = re.search(
        r'<article class="card[^"]*"[^>]*>(?:(?!</article>).)*Simning för kvinnor'
        r"(?:(?!</article>).)*</article>",
        html,
        re.S,
    ).group(0)
    assert "icon-women" in swim and "Kvinnor" in swim
    assert "العربية" in swim and "Soomaali" in swim
    assert "20 kr" in swim and "Barnpassning" in swim and "20 platser kvar" in swim
    assert "/qr/a/demo-simning-kvinnor@motesplats/" in swim  # the signup QR
    assert "demo-simhall" not in swim and "Götene simhall" in swim


def test_audience_filter_keeps_activities_for_everyone(client: FlaskClient) -> None:
    html = client.get("/?lang=sv&for=women").get_data(as_text=True)
    assert "Kvinnofrukost" in html and "Språkcafé" in html  # women-only and everyone
    assert "Fotbollscup för unga" not in html and "Förskolelek" not in html


def test_arabic_board_is_right_to_left_with_translated_titles(client: FlaskClient) -> None:
    response = client.get("/?lang=ar")
    html = response.get_data(as_text=True)
    assert re.search(r'<html lang="ar" dir="rtl">', html)
    assert "مقهى اللغة" in html  # the language café's Arabic title
    assert "lang=ar" in response.headers.get("Set-Cookie", "")
    # The choice is remembered: the next request without ?lang stays Arabic.
    assert 'dir="rtl"' in client.get("/").get_data(as_text=True)


def test_dari_uses_fa_af_and_is_rtl(client: FlaskClient) -> None:
    html = client.get("/?lang=prs").get_data(as_text=True)
    assert '<html lang="fa-AF" dir="rtl">' in html
    assert "دری" in html


def test_missing_translation_falls_back_to_swedish_with_a_marker(
    app: Flask, client: FlaskClient
) -> None:
    svc = services.get_for(app)
    doc = svc.store.get("activities", "demo-forskolelek@motesplats")
    activity = Activity.from_doc(doc)
    del activity.title["so"]  # the demo has every language: take the Somali away
    svc.editor.save(svc.accounts.get("anna") or _admin(svc), activity, activity.version)
    html = client.get("/?lang=so").get_data(as_text=True)
    # Förskolelek has no Somali title now: Swedish is shown, isolated and marked.
    assert re.search(r'<bdi lang="sv" dir="ltr">Förskolelek</bdi> <bdi class="fallback">', html)


def _admin(svc):  # type: ignore[no-untyped-def]
    return svc.accounts.create("anna", "correct horse battery", "admin", "Anna")


def test_accept_language_is_honoured(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept-Language": "ti-ER,ti;q=0.9,en;q=0.5"})
    assert '<html lang="ti" dir="ltr">' in html.get_data(as_text=True)


def test_board_is_cached_and_answers_304(app: Flask, client: FlaskClient) -> None:
    first = client.get("/?lang=sv")
    etag = first.headers["ETag"]
    again = client.get("/?lang=sv", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    pages = services.get_for(app).pages
    assert pages.hits >= 1
    assert client.get("/?lang=en").headers["ETag"] != etag  # per language


def test_a_change_shows_at_once(app: Flask, client: FlaskClient) -> None:
    etag = client.get("/?lang=sv").headers["ETag"]
    svc = services.get_for(app)
    doc = svc.store.get("activities", "demo-sprakcafe@motesplats")
    activity = Activity.from_doc(doc)
    activity.status = "cancelled"
    svc.store.put("activities", activity.to_doc())
    response = client.get("/?lang=sv", headers={"If-None-Match": etag})
    assert response.status_code == 200
    card = re.search(
        r'<article class="card status-cancelled"(?:(?!</article>).)*Språkcafé',
        response.get_data(as_text=True),
        re.S,
    )
    assert card is not None


def test_detail_page(client: FlaskClient) -> None:
    response = client.get("/a/demo-simning-kvinnor@motesplats?lang=sv")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Simning för kvinnor (burkini går bra)" in html
    assert "Kvinnlig simlärare" in html
    assert "Götene simhall" in html and "openstreetmap.org" in html
    assert "Götene kommun – Mötesplatsen" in html and "tel:0511-386000" in html
    assert html.count("18:30–19:30") >= 4  # the next Thursdays


def test_unknown_activity_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/a/nope?lang=sv")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)


def test_output_is_escaped(app: Flask, client: FlaskClient) -> None:
    svc = services.get_for(app)
    activity = Activity.from_doc(svc.store.get("activities", "demo-laxhjalp@motesplats"))
    activity.title = {"sv": '<script>alert("x")</script>'}
    svc.store.put("activities", activity.to_doc())
    html = client.get("/?lang=sv").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_security_headers(client: FlaskClient) -> None:
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_pages_load_nothing_from_other_hosts(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', html.replace("openstreetmap", ""))


def test_an_all_day_activity_says_so_instead_of_midnight_times(
    app: Flask, client: FlaskClient
) -> None:
    start = FIXED_NOW.replace(hour=0, minute=0) + timedelta(days=1)
    market = Activity(
        id="julmarknad@test", title={"sv": "Julmarknad"}, start=start, end=start + timedelta(days=1)
    )
    services.get_for(app).store.put("activities", market.to_doc())
    html = client.get("/").get_data(as_text=True)
    card = html[html.index("Julmarknad") - 600 : html.index("Julmarknad")]
    assert "Hela dagen" in card and "00:00–" not in card
    arabic = client.get("/?lang=ar").get_data(as_text=True)
    assert "طوال اليوم" in arabic


def test_an_activity_not_for_everyone_says_whom_it_is_for(client: FlaskClient) -> None:
    html = client.get("/?lang=sv&for=women").get_data(as_text=True)
    cards = {c.split('<h3 class="title">', 1)[-1][:200]: c for c in html.split("<article")[1:]}
    breakfast = next(c for t, c in cards.items() if "Kvinnofrukost" in t)
    cafe = next(c for t, c in cards.items() if "Språkcafé" in t)
    assert "Bara för kvinnor" in breakfast and "Bara för" not in cafe
    arabic = client.get("/?lang=ar&for=women").get_data(as_text=True)
    assert "مخصّص لـ" in arabic


def test_opening_hours_stay_in_order_in_right_to_left(client: FlaskClient) -> None:
    html = client.get("/?lang=ar").get_data(as_text=True)
    hours = html.split('<p class="hours">', 1)[1].split("</p>", 1)[0]
    # open on the fixed Tuesday: the range is one left-to-right isolate
    opens, closes = hours.split("\u2066", 1)[1].split("\u2069", 1)[0].split("–")
    assert (opens, closes) == ("10:00", "18:00")
    assert "<bdi>" in hours  # the meeting place's name keeps its own direction


def test_a_moved_occurrence_says_its_new_time_in_the_viewers_language(
    client: FlaskClient,
) -> None:
    for lang, words in [("en", "This time: "), ("ti", "ኣብዚ እዋን: "), ("ar", "هذه المرة: ")]:
        html = client.get(f"/?lang={lang}").get_data(as_text=True)
        changed = [c for c in html.split("<article")[1:] if "status-changed" in c[:80]]
        said = [c for c in changed if words in c]
        assert said, (lang, len(changed))
        when = said[0].split(words, 1)[1].split("</p>", 1)[0]
        assert "\u2066" in when and "–" in when  # the day in the language, times kept LTR


def test_the_qr_of_an_address_elsewhere_takes_only_web_and_phone_addresses(
    client: FlaskClient,
) -> None:
    ok = client.get("/qr.svg?to=https://www.openstreetmap.org/search?query=G%C3%B6tene")
    assert ok.status_code == 200 and ok.mimetype == "image/svg+xml"
    assert client.get("/qr.svg?to=tel:0511-38 60 00").status_code == 200
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "https://x/" + "a" * 600, ""):
        assert client.get("/qr.svg", query_string={"to": bad}).status_code == 400


def test_the_kiosk_pages_list_every_page_the_kiosk_can_show(client: FlaskClient) -> None:
    listed = client.get("/kiosk/pages.json").get_json()["pages"]
    for lang in ("sv", "en", "ar", "fa_AF", "so", "ti"):
        assert f"/?lang={lang}" in listed and f"/?for=women&lang={lang}" in listed
        assert f"/a/demo-simning-kvinnor@motesplats?lang={lang}" in listed
        assert f"/organisations?lang={lang}" in listed
        assert f"/organisations/demo-excorde?lang={lang}" in listed
    assert any("/signup?lang=ti" in p for p in listed)
    assert all(client.get(p).status_code == 200 for p in listed[::7])  # a sample: all served


def _many_today(svc, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` single activities this afternoon, after the demo's."""
    from kiosk.activities.model import utc_iso

    template = svc.store.get("activities", "demo-sprakcafe@motesplats")
    docs = []
    for i in range(count):
        start = FIXED_NOW.replace(hour=13) + timedelta(minutes=i)
        docs.append(
            {
                **template,
                "id": f"many-{i}@motesplats",
                "title": {"sv": f"Träff nummer {i}"},
                "rrule": None,
                "exdates": [],
                "overrides": {},
                "start": utc_iso(start),
                "end": utc_iso(start + timedelta(hours=1)),
            }
        )
    svc.store.put_many("activities", docs)


def test_a_full_week_shows_the_first_cards_and_loads_more_without_javascript(
    app: Flask, client: FlaskClient
) -> None:
    """Issue 23: a board of 2,000 cards was 6 MB. The first visit shows today first, up to
    CARDS_FIRST cards; each day that has more says how many, and its link shows more.
    A crowded today does not take the later days' cards: each day keeps its first ones."""
    from kiosk.board.views import CARDS_FIRST

    def cards_per_day(page: str) -> list[int]:
        return [part.count('<article class="card') for part in page.split('id="day-')[1:]]

    svc = services.get_for(app)
    quiet = cards_per_day(client.get("/?lang=sv").get_data(as_text=True))
    _many_today(svc, 2 * CARDS_FIRST)
    html = client.get("/?lang=sv").get_data(as_text=True)
    assert html.count('<article class="card') == CARDS_FIRST
    busy = cards_per_day(html)
    assert len(busy) == len(quiet) == 7 and sum(quiet[1:]) > 0
    assert busy[1:] == quiet[1:], "the later days still show every demo card they had"
    today = html.split('id="week-heading"')[0]
    assert "Träff nummer 0<" in today and f"Träff nummer {CARDS_FIRST + 10}<" not in html
    more = re.findall(r'class="more-cards" href="([^"]+)">.*?Visa fler \((\d+) till\)', html)
    assert more, "today has more cards than shown and says so"
    link, left = more[0]
    assert "#day-2026-11-24" in link and int(left) > CARDS_FIRST  # the demo's other days too
    assert "Inget mer idag" not in today

    bigger = client.get(link.replace("&amp;", "&").split("#")[0]).get_data(as_text=True)
    assert bigger.count('<article class="card') == 2 * CARDS_FIRST
    assert f"Träff nummer {CARDS_FIRST + 10}<" in bigger

    # A filter and a language keep the limit; made-up values of `show` are the default.
    arabic = client.get("/?lang=ar&for=women&show=99999999").get_data(as_text=True)
    assert 'dir="rtl"' in arabic and "more-cards" not in arabic  # all of them (at most 2,000)
    assert arabic.count('<article class="card') > 2 * CARDS_FIRST
    assert (
        client.get("/?lang=sv&show=abc").get_data(as_text=True).count('<article class="card')
        == CARDS_FIRST
    )


def test_fair_shares_give_every_day_its_first_cards_and_today_the_rest() -> None:
    from kiosk.board.agenda import fair_shares

    assert fair_shares([100, 3, 0, 50, 2, 9, 1], 48) == [17, 3, 0, 16, 2, 9, 1]
    assert fair_shares([100] * 7, 48) == [7, 7, 7, 7, 7, 7, 6]
    assert fair_shares([5, 5], 48) == [5, 5]
    assert fair_shares([0, 0, 0], 48) == [0, 0, 0]
    assert sum(fair_shares([1000, 1, 999, 2, 40, 0, 7], 96)) == 96
