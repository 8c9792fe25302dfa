"""Web Push from the private page on a 390x844 phone, in Arabic (real Chromium): the choice
shows only where the browser can take notifications; the real subscribe fails here and the
page says so; a subscription reaches the server; a place from the waitlist goes through the
server's sender to a push service on 127.0.0.1 and on into the page's real service worker
(the Chrome DevTools Protocol delivers it), which shows one right-to-left notification —
once, however often it comes.

Chromium's own `pushManager.subscribe` needs Google's push service. In Playwright's contexts
(incognito profiles) it rejects at once ("AbortError: Registration failed - permission
denied": Chrome has no Push API in incognito); in a normal profile without internet it
never settles (more than 40 s here). So the subscription is made by the local push service
(tests/messaging/push_service.py) and handed to the page in place of Google's; everything
else is the real page, script, server, push protocol and service worker.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from waitress import create_server

from kiosk import create_app, services
from tests import clock as test_clock
from tests.conftest import REPO, free_port, wait_until
from tests.messaging.push_service import PushService
from tests.messaging.test_waitlist_by_sms import cancel, one_place_activity, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.today]
PHONE = {"width": 390, "height": 844}
ARABIC = range(0x0600, 0x0700)
DENIED = "Webbläsaren säger nej till besked. Du kan tillåta dem i webbläsarens inställningar."
FAILED = "Det gick inte att slå på besked just nu. Försök igen senare."
# Stands in for Google's push service only: subscribe() answers with the local service's
# subscription, and notes what push.js asked for (kept over the reload that follows).
FAKE_SUBSCRIBE = """
PushManager.prototype.subscribe = function (options) {
  const key = new Uint8Array(options.applicationServerKey);
  sessionStorage.setItem("asked", JSON.stringify({
    userVisibleOnly: options.userVisibleOnly, key: Array.from(key) }));
  const json = %s;
  return Promise.resolve({ endpoint: json.endpoint, toJSON: () => json });
};
"""
NOTIFICATIONS = """() => navigator.serviceWorker.ready
  .then(r => r.getNotifications())
  .then(list => list.map(n => ({ title: n.title, body: n.body, dir: n.dir, lang: n.lang,
    tag: n.tag, url: n.data && n.data.url, timestamp: n.timestamp })))"""


@dataclass
class Live:
    url: str
    app: Flask
    push: PushService


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """One server for the file, in this process (waitress in a thread) so the test reads its
    store: Web Push on, through the local push service only; the real sender job; quiet
    hours off (any hour); on the run's clock."""
    push = PushService()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app(
        {
            "TESTING": True,
            "START_JOBS": True,
            "DEMO_ON_EMPTY": False,
            "DATA_DIR": str(tmp_path_factory.mktemp("push") / "data"),
            "CLOCK": test_clock.utc_now,
            "PUSH": "on",
            "PUSH_SERVICES": push.origin,
            "SMS_QUIET_HOURS": "0-0",
            "PUBLIC_URL": url,
        }
    )
    server = create_server(app, host="127.0.0.1", port=port, threads=8, ident="motesplats")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield Live(url, app, push)
    server.close()
    server.task_dispatcher.shutdown()
    svc = services.get_for(app)
    svc.jobs.stop(5.0)
    svc.store.close()
    push.close()


def full_activity(app: Flask, activity_id: str) -> str:
    """A weekly swim with one place, two days from the run's now: its signup form's path."""
    return one_place_activity(app, activity_id, {"sv": "Simning", "ar": "سباحة"})


def arabic(msgid: str) -> str:
    with open(REPO / "kiosk/translations/ar/LC_MESSAGES/messages.po", "rb") as f:
        return read_po(f, locale="ar")[msgid].string


def is_arabic(text: str) -> bool:
    return any(ord(ch) in ARABIC for ch in text)


def phone_context(browser):  # type: ignore[no-untyped-def]
    return browser.new_context(viewport=PHONE, permissions=["notifications"])


def sign_up_on_the_phone(page, live: Live, form: str, name: str) -> str:  # type: ignore[no-untyped-def]
    """Fill in the signup form in Arabic; the private page's path."""
    page.goto(f"{live.url}{form}?lang=ar")
    page.fill("#name", name)
    page.check("input[name=consent]")
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    assert "/s/" in page.url
    return page.url.removeprefix(live.url).split("?")[0]


def worker_registration(page):  # type: ignore[no-untyped-def]
    """A DevTools Protocol session on the page and the registrationId of its service worker."""
    session = page.context.new_cdp_session(page)
    seen: list[dict] = []
    session.on("ServiceWorker.workerRegistrationUpdated", lambda e: seen.extend(e["registrations"]))
    session.send("ServiceWorker.enable")
    scope = page.url.split("/s/")[0] + "/"

    def found() -> bool:
        page.evaluate("0")  # a round trip: Playwright hands events over while it waits
        return any(r["scopeURL"] == scope and not r["isDeleted"] for r in seen)

    assert wait_until(found), seen
    return session, next(r["registrationId"] for r in seen if r["scopeURL"] == scope)


def test_the_real_subscribe_fails_here_and_the_page_says_so_in_arabic(browser, live: Live) -> None:  # type: ignore[no-untyped-def]
    form = full_activity(live.app, "swim-real@test")
    client = live.app.test_client()
    sign_up(client, form, "sv", "Amina", "")
    mine = sign_up(client, form, "ar", "Amal", "")
    served = client.get(mine + "?lang=ar").get_data(as_text=True)
    assert 'class="push-choice not-kiosk" hidden' in served  # only the script shows it
    context = phone_context(browser)
    page = context.new_page()
    page.goto(f"{live.url}{mine}?lang=ar")
    section = page.locator(".push-choice")
    section.wait_for(state="visible")
    assert page.evaluate("Notification.permission") == "granted"
    button = section.locator(".push-on")
    assert is_arabic(button.inner_text())
    button.click()
    problem = section.locator(".push-problem")
    problem.wait_for(state="visible", timeout=10_000)
    assert problem.inner_text() == arabic(FAILED) != ""
    assert button.is_enabled()  # she may try again
    svc = services.get_for(live.app)
    assert all(s.push is None for s in svc.signups.all_signups())
    context.close()


def test_a_refused_permission_says_where_to_allow_it(browser, live: Live) -> None:  # type: ignore[no-untyped-def]
    form = full_activity(live.app, "swim-refused@test")
    client = live.app.test_client()
    sign_up(client, form, "sv", "Amina", "")
    mine = sign_up(client, form, "ar", "Amal", "")
    context = browser.new_context(viewport=PHONE)  # nothing granted: headless says no
    page = context.new_page()
    page.goto(f"{live.url}{mine}?lang=ar")
    section = page.locator(".push-choice")
    section.wait_for(state="visible")
    section.locator(".push-on").click()
    problem = section.locator(".push-problem")
    problem.wait_for(state="visible")
    assert problem.inner_text() == arabic(DENIED) != ""
    page.reload()  # once refused, the choice is not offered again
    assert page.evaluate("Notification.permission") == "denied"
    assert section.is_hidden()
    context.close()


def test_a_place_from_the_waitlist_shows_as_one_arabic_notification(browser, live: Live) -> None:  # type: ignore[no-untyped-def]
    svc = services.get_for(live.app)
    form = full_activity(live.app, "swim-push@test")
    client = live.app.test_client()
    first = sign_up(client, form, "sv", "Amina", "")
    amal = live.push.browser("amal")
    subscription = amal.subscription()
    context = phone_context(browser)
    context.add_init_script(FAKE_SUBSCRIBE % json.dumps(subscription))
    page = context.new_page()
    mine = sign_up_on_the_phone(page, live, form, "أمل")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator(".banner-changed").first.is_visible()  # on the waitlist
    button = page.locator(".push-choice .push-on")
    button.wait_for(state="visible")
    with page.expect_navigation():  # the script reloads the page once the server has it
        button.click()
    page.locator(".push-choice .stop-push").wait_for(state="visible")
    assert is_arabic(page.locator(".push-choice [role=status]").inner_text())
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    asked = json.loads(page.evaluate("sessionStorage.getItem('asked')"))
    key = base64.urlsafe_b64decode(svc.push_key + "=" * (-len(svc.push_key) % 4))
    assert asked == {"userVisibleOnly": True, "key": list(key)}
    signup_id = mine.split("/")[2]
    (stored,) = [s for s in svc.signups.all_signups() if s.id == signup_id]
    assert stored.push == {
        "endpoint": subscription["endpoint"],
        "p256dh": subscription["keys"]["p256dh"],
        "auth": subscription["keys"]["auth"],
    }

    cancel(client, first)  # Amina cannot come: Amal gets the place
    assert wait_until(lambda: len(live.push.deliveries) > 0, timeout=15)
    (delivery,) = [d for d in live.push.deliveries if d.path == "/push/amal"]
    payload = delivery.payload
    assert payload["lang"] == "ar" and is_arabic(payload["body"]) and payload["tag"]
    assert payload["url"].startswith(f"{live.url}/m/")

    cdp, registration = worker_registration(page)
    deliver = {"origin": live.url, "registrationId": registration, "data": json.dumps(payload)}
    cdp.send("ServiceWorker.deliverPushMessage", deliver)
    shown: list[dict] = []

    def notifications(count: int) -> bool:
        shown[:] = page.evaluate(NOTIFICATIONS)
        return len(shown) == count

    assert wait_until(lambda: notifications(1)), shown
    (notification,) = shown
    assert notification["title"] == "Mötesplats"
    assert notification["body"] == payload["body"]
    assert notification["dir"] == "rtl" and notification["lang"] == "ar"
    assert notification["tag"] == payload["tag"]
    assert notification["url"] == payload["url"]

    # The same message again (a push service may deliver twice): shown anew, still once.
    before = notification["timestamp"]
    cdp.send("ServiceWorker.deliverPushMessage", deliver)
    assert wait_until(lambda: notifications(1) and shown[0]["timestamp"] != before), shown
    assert notifications(1) and shown[0]["body"] == payload["body"], shown
    assert len(live.push.deliveries) == 1  # the server sent it once
    page.goto(f"{live.url}{mine}?lang=ar")
    assert is_arabic(page.locator(".banner-ok").inner_text())  # she has the place now
    context.close()


@pytest.mark.parametrize("lang", ["ar", "sv"])
def test_the_push_choice_on_a_phone(browser, live: Live, lang: str) -> None:  # type: ignore[no-untyped-def]
    form = full_activity(live.app, f"swim-{lang}@test")
    client = live.app.test_client()
    sign_up(client, form, "sv", "Amina", "")
    mine = sign_up(client, form, lang, "Amal", "")
    context = phone_context(browser)
    page = context.new_page()
    page.goto(f"{live.url}{mine}?lang={lang}")
    section = page.locator(".push-choice")
    section.wait_for(state="visible")
    section.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    button = section.locator(".push-on").bounding_box()
    assert button and button["x"] >= 0 and button["x"] + button["width"] <= PHONE["width"]
    assert button["height"] >= 44  # a finger's target
    if lang == "ar":
        assert is_arabic(section.inner_text())
    path = Path(f"/tmp/push-{lang}-phone.png")
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
    context.close()
