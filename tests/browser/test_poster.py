"""The A4 poster printed by Chromium to PDF: one page, and its QR code scans (poppler, zbar);
the detail page's share links on a 390x844 phone. PNGs land in tests/browser/screenshots/.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk import create_app, services
from kiosk.activities.model import Activity, SignupSettings
from tests import clock as test_clock
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_signup_phone import decode_qr
from tests.conftest import free_port, start_server, stop_server, wait_for_http

pytestmark = [pytest.mark.browser, pytest.mark.today]
SWIM = "demo-simning-kvinnor@motesplats"
CAFE = "demo-sprakcafe@motesplats"
LONG = "test-long-poster@motesplats"
CROWDED = "test-crowded-poster@motesplats"
PHONE = {"width": 390, "height": 844}
A4_INSIDE_MARGINS = {"width": 703, "height": 1032}  # 186 x 273 mm in CSS px: measure as printed


def long_activity(now: datetime, crowded: bool = False) -> Activity:
    """Far too much text (and, `crowded`, every pictogram): the poster must still be one page."""
    start = (now + timedelta(days=1)).replace(hour=17, minute=0, second=0, microsecond=0)
    return Activity(
        id=CROWDED if crowded else LONG,
        title={
            "sv": "Öppen kväll för hela familjen med läxhjälp, fika, spel och samtal om skolan",
            "fa_AF": "شب باز برای تمام خانواده با کمک در کارخانگی، چای، بازی و گفتگو دربارهٔ مکتب",
        },
        description={
            "sv": "Vi hjälper varandra med läxor, pratar om skolan och dricker kaffe. " * 30,
            "fa_AF": "ما با همدیگر در کارخانگی کمک می‌کنیم، دربارهٔ مکتب گپ می‌زنیم و چای می‌نوشیم. "
            * 30,
        },
        start=start,
        end=start + timedelta(hours=2, minutes=30),
        rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR",
        place_id="demo-forsamlingshem",
        organiser_id="demo-raddabarnen",
        audiences=(
            ["everyone", "women", "children", "families", "seniors", "asylum_seekers"]
            if crowded
            else ["families"]
        ),
        languages=["sv", "ar", "fa_AF", "so", "ti", "ku", "uk"] if crowded else ["sv", "fa_AF"],
        cost_sek=50 if crowded else 0,
        childcare=crowded,
        signup=SignupSettings(True, 30),
        tz=str(now.tzinfo),
    )


@pytest.fixture(scope="module")
def poster_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server with PUBLIC_URL set, holding the demo week and one over-long activity."""
    data_dir = tmp_path_factory.mktemp("poster") / "data"
    app = create_app(
        {"DATA_DIR": str(data_dir), "CLOCK": test_clock.utc_now}
    )  # loads the demo week into the new store
    svc = services.get_for(app)
    svc.store.put("activities", long_activity(svc.now()).to_doc())
    svc.store.put("activities", long_activity(svc.now(), crowded=True).to_doc())
    svc.store.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(data_dir, port, "--public-url", base)
    wait_for_http(base + "/", proc)
    yield base
    stop_server(proc)


def next_open_signup_path(base: str, activity_id: str, lang: str) -> str:
    """The next occurrence not yet begun, read from the API (two weeks: late on the day of a
    weekly activity today's has begun and the next is 7 days on), independent of the
    server's own redirect that the poster's QR goes through."""
    today = test_clock.now().date()
    window = f"from={today.isoformat()}&to={(today + timedelta(days=13)).isoformat()}"
    with urllib.request.urlopen(f"{base}/api/activities?{window}", timeout=30) as response:
        data = json.load(response)
    now = test_clock.utc_now()
    for occ in data["occurrences"]:
        if (
            occ["activity_id"] == activity_id
            and occ["status"] != "cancelled"
            and datetime.fromisoformat(occ["start"]) > now
        ):
            quoted = urllib.parse.quote(activity_id, safe="@")
            return f"/a/{quoted}/{occ['recurrence_id']}/signup?lang={lang}"
    raise AssertionError(f"no upcoming occurrence of {activity_id}")


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: ./install.sh --dev installs poppler-utils and zbar-tools")
    return found


def print_poster(browser, url: str, tmp_path: Path) -> tuple[Path, dict]:  # type: ignore[no-untyped-def]
    """Print the poster at `url` to an A4 PDF; return it and what the printed layout measured."""
    page = browser.new_page(viewport=A4_INSIDE_MARGINS)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.emulate_media(media="print")
    layout = page.evaluate(
        """() => {
        const box = (s) => document.querySelector(s).getBoundingClientRect();
        const columns = document.querySelector('.columns');
        return {
          poster: box('.poster').bottom, foot: box('.foot').bottom,
          qr: box('.qr-code').width, clipped: columns.scrollHeight > columns.clientHeight + 1,
          wide: document.querySelector('.poster').scrollWidth > box('.poster').width + 1,
        };
    }"""
    )
    pdf = tmp_path / "poster.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.close()
    return pdf, layout


def pages_of(pdf: Path) -> int:
    info = subprocess.run(
        [tool("pdfinfo"), str(pdf)], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def to_png(pdf: Path, name: str) -> Path:
    """Page 1 at 150 dpi, copied to the screenshots folder."""
    stem = pdf.with_suffix("")
    subprocess.run(
        [tool("pdftoppm"), "-png", "-r", "150", "-singlefile", str(pdf), str(stem)],
        check=True,
        timeout=60,
    )
    png = stem.with_suffix(".png")
    SCREENSHOTS.mkdir(exist_ok=True)
    shutil.copyfile(png, SCREENSHOTS / f"{name}.png")
    return png


@pytest.mark.parametrize(
    ("activity_id", "lang", "name"),
    [
        (SWIM, "ar", "poster-a4-ar"),
        (SWIM, "sv", "poster-a4-sv"),
        (LONG, "fa_AF", "poster-a4-long-fa_AF"),
        (LONG, "sv", "poster-a4-long-sv"),
        (CROWDED, "fa_AF", "poster-a4-crowded-fa_AF"),
        ("demo-kvinnofrukost@motesplats", "ti", "poster-a4-ti"),
        ("demo-cykelkurs@motesplats", "ar", "poster-a4-course-ar"),  # one signup, all dates
    ],
)
def test_poster_prints_on_one_a4_page_and_its_qr_scans_to_the_signup(  # type: ignore[no-untyped-def]
    browser, poster_server: str, tmp_path: Path, activity_id: str, lang: str, name: str
) -> None:
    quoted = urllib.parse.quote(activity_id, safe="@")
    expected = f"{poster_server}/a/{quoted}/signup?lang={lang}"  # stable: never goes stale
    if activity_id == "demo-kvinnofrukost@motesplats":  # no signups: the detail page
        expected = f"{poster_server}/a/{activity_id}?lang={lang}"
    pdf, layout = print_poster(browser, f"{poster_server}/a/{quoted}/poster?also={lang}", tmp_path)
    assert pages_of(pdf) == 1
    assert layout["foot"] <= layout["poster"] + 1  # the QR and its text are on the sheet
    assert not layout["clipped"], "the text columns overflow: cut the text shorter"
    assert not layout["wide"]
    assert layout["qr"] >= 220  # CSS px: about 6 cm (96 px = 2.54 cm)
    png = to_png(pdf, name)
    assert decode_qr(png) == expected
    if expected.endswith(f"/signup?lang={lang}"):  # scanning it opens the next open form
        with urllib.request.urlopen(expected, timeout=30) as response:
            landed = response.url
        assert landed == poster_server + next_open_signup_path(poster_server, activity_id, lang)


def test_qr_of_an_activity_without_signups_scans_to_its_detail_page(  # type: ignore[no-untyped-def]
    browser, poster_server: str, tmp_path: Path
) -> None:
    pdf, layout = print_poster(browser, f"{poster_server}/a/{CAFE}/poster?also=ar", tmp_path)
    assert pages_of(pdf) == 1 and not layout["clipped"]
    png = to_png(pdf, "poster-a4-sprakcafe-ar")
    assert decode_qr(png) == f"{poster_server}/a/{CAFE}?lang=ar"


@pytest.mark.parametrize("lang", ["sv", "ar"])
def test_share_links_on_a_phone(browser, poster_server: str, shot, lang: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{poster_server}/a/{SWIM}?lang={lang}")
    share = page.locator(".share")
    share.scroll_into_view_if_needed()
    assert share.is_visible() and page.locator(".poster-links").is_visible()
    whatsapp = share.locator("a[href^='https://wa.me/?text=']")
    facebook = share.locator("a[href^='https://www.facebook.com/sharer/sharer.php?u=']")
    for link in (whatsapp, facebook):
        box = link.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"detail-share-390x844-{lang}")
    shot(page, f"detail-share-390x844-{lang}-full", full_page=True)
    page.close()


def test_share_and_poster_links_are_hidden_on_the_kiosk(browser, poster_server: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{poster_server}/a/{SWIM}?lang=sv&kiosk=1")
    page.wait_for_function("document.documentElement.classList.contains('kiosk')")
    assert page.locator(".share").is_hidden() and page.locator(".poster-links").is_hidden()
    page.close()


def test_poster_on_a_phone_screen(browser, poster_server: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{poster_server}/a/{SWIM}/poster?also=ar")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator(".tools [data-print]").is_visible()
    assert page.locator(".tools [aria-current='true']").inner_text().endswith("العربية")
    shot(page, "poster-screen-390x844-ar", full_page=True)
    page.close()
