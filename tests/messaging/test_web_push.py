"""Web Push end to end against a push service on 127.0.0.1 that checks the VAPID signature
and decrypts what it gets: a place from the waitlist reaches a Tigrinya reader's browser;
the push service's faults; what a browser may send us as a subscription; the key pair
made at install."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import create_app, services
from kiosk.messaging import Outgoing, Refused, Unavailable
from kiosk.messaging.web_push import WebPush, ensure_key, key_path, public_key
from tests.admin_helpers import PASSWORD, login
from tests.conftest import wait_until
from tests.messaging.push_service import PushService, push_service  # noqa: F401
from tests.messaging.test_waitlist_by_sms import (
    GEEZ,
    cancel,
    messaging_app,
    one_place_activity,
    sign_up,
    token,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def push_app(tmp_path: Path, push_service: PushService) -> Iterator[Flask]:  # noqa: F811
    """Web Push on, no SMS transport."""
    with messaging_app(
        tmp_path, PUSH="on", PUSH_SERVICES=push_service.origin, PUBLIC_URL="https://motesplats.test"
    ) as app:
        yield app


def subscribe(client: FlaskClient, mine: str, subscription: object) -> tuple[int, dict]:
    """What static/js/push.js sends: the subscription's JSON and the page's CSRF token."""
    raw = subscription if isinstance(subscription, str) else json.dumps(subscription)
    answer = client.post(
        mine + "/push", data={"csrf_token": token(client, mine), "subscription": raw}
    )
    return answer.status_code, answer.get_json()


def amina_has_the_place_selam_waits(app: Flask) -> tuple[FlaskClient, str, str]:
    """The one place is Amina's; Selam (Tigrinya, no phone) waits. Returns the client and
    both private pages."""
    path = one_place_activity(app)
    client = app.test_client()
    first = sign_up(client, path, "sv", "Amina", "")
    return client, first, sign_up(client, path, "ti", "Selam", "")


def test_a_place_from_the_waitlist_reaches_the_browser_in_tigrinya(
    push_app: Flask,
    push_service: PushService,  # noqa: F811
) -> None:
    svc = services.get_for(push_app)
    client, first, selam = amina_has_the_place_selam_waits(push_app)  # Selam: only a browser
    page = client.get(selam).get_data(as_text=True)
    assert 'class="push-choice not-kiosk" hidden' in page and svc.push_key in page
    assert subscribe(client, selam, push_service.browser("selam").subscription()) == (
        200,
        {"ok": True},
    )
    assert "Inga fler besked i webbläsaren" in client.get(selam + "?lang=sv").get_data(as_text=True)
    started = time.monotonic()
    cancel(client, first)
    assert wait_until(lambda: len(push_service.deliveries) == 1, timeout=10)
    took = time.monotonic() - started
    (delivery,) = push_service.deliveries
    payload = delivery.payload
    assert payload["lang"] == "ti" and GEEZ.search(payload["body"]) and "ምሕንባስ" in payload["body"]
    assert (
        payload["url"].startswith("https://motesplats.test/m/")
        and payload["url"] in payload["body"]
    )
    # Signed by this server's key for this push service, for at most a day (RFC 8292).
    assert delivery.server_key == svc.push_key
    assert delivery.claims["aud"] == push_service.origin
    assert 0 < delivery.claims["exp"] - time.time() <= 24 * 3600
    # Shown once whatever happens (topic and tag are the message key); gone when it starts.
    (record,) = svc.sms_outbox.all()
    assert delivery.headers["topic"] == record.id and payload["tag"] == record.id
    starts_in = (datetime.fromisoformat(record.not_after) - datetime.now(UTC)).total_seconds()
    assert 60 <= int(delivery.headers["ttl"]) <= starts_in + 1
    assert wait_until(lambda: svc.sms_outbox.day()["push_sent"] == 1)
    record = svc.sms_outbox.all()[0]
    assert record.status == "sent" and record.text == "" and record.subscription is None
    assert svc.sms_outbox.day()["sent"] == 0  # not counted against the SMS cap
    print(f"promotion push delivered {took:.2f} s after the cancellation")
    svc.accounts.create("anna", PASSWORD, "admin", "Anna Admin")
    staff = push_app.test_client()
    login(staff, "anna")
    page = staff.get("/admin/sms?lang=sv").get_data(as_text=True)
    assert "1 skickade idag, 0 misslyckade försök, 0 inte skickade" in page
    # Turned off on the private page: the subscription is forgotten.
    answer = client.post(selam + "/push-stop", data={"csrf_token": token(client, selam)})
    assert answer.status_code == 303
    assert svc.signups.find(*selam.split("/")[-2:]).push is None
    # And a subscription kept is erased with the name when the signup's retention ends.
    subscribe(client, selam, push_service.browser("again").subscription())
    assert svc.signups.purge(timedelta(days=-400)) == 2
    assert all(s.push is None and s.name is None for s in svc.signups.all_signups())


def test_the_push_service_busy_gone_slow_or_away(push_service: PushService, tmp_path: Path) -> None:  # noqa: F811
    push = WebPush(ensure_key(tmp_path / "key.pem"), "mailto:test@example.org", timeout=0.5)
    browser = push_service.browser()
    message = Outgoing(
        "k" * 32,
        "",
        "ሰላም",
        subscription={"endpoint": browser.endpoint, **browser.subscription()["keys"]},
        link="https://motesplats.test/m/x",
        lang="ti",
        ttl=3600,
    )
    for status in (503, 429):
        push_service.answer(status)
        with pytest.raises(Unavailable, match=str(status)):
            push.hand_over(message)
    push_service.answer(410)  # the person turned notifications off
    with pytest.raises(Refused):
        push.hand_over(message)
    push_service.answer(201, delay=2.0)
    started = time.monotonic()
    with pytest.raises(Unavailable):
        push.hand_over(message)
    assert time.monotonic() - started < 1.5
    push_service.answer(201)
    assert push.hand_over(message) == "sent"
    assert push_service.deliveries[-1].payload["body"] == "ሰላም"
    away = Outgoing(
        "k" * 32, "", "x", subscription={**message.subscription, "endpoint": "http://127.0.0.1:9/p"}
    )
    with pytest.raises(Unavailable):
        push.hand_over(away)


def test_a_busy_push_service_is_retried_and_sms_goes_on(
    push_app: Flask,
    push_service: PushService,  # noqa: F811
) -> None:
    svc = services.get_for(push_app)
    client, first, selam = amina_has_the_place_selam_waits(push_app)
    subscribe(client, selam, push_service.browser().subscription())
    push_service.answer(503)
    cancel(client, first)
    assert wait_until(lambda: svc.sms_outbox.day()["push_failed"] >= 1, timeout=10)
    (record,) = svc.sms_outbox.all()
    assert record.status == "queued" and record.next_try
    push_service.answer(201)
    svc.sms_outbox.retry_now()
    svc.sms.wake()
    assert wait_until(lambda: len(push_service.deliveries) == 1, timeout=10)
    time.sleep(1)
    assert len(push_service.deliveries) == 1


@pytest.mark.parametrize(
    "sent",
    [
        "not json",
        "[" * 3000,
        json.dumps(
            {
                "endpoint": "https://192.168.1.1/admin",
                "keys": {"p256dh": "A" * 87, "auth": "A" * 22},
            }
        ),
        json.dumps(
            {
                "endpoint": "http://fcm.googleapis.com/x",
                "keys": {"p256dh": "A" * 87, "auth": "A" * 22},
            }
        ),
        json.dumps({"endpoint": "https://fcm.googleapis.com/fcm/send/x" + "a" * 2000}),
        json.dumps(
            {
                "endpoint": "https://fcm.googleapis.com/fcm/send/x",
                "keys": {"p256dh": "short", "auth": "A" * 22},
            }
        ),
        "x" * 5000,
    ],
    ids=["not-json", "deep", "lan-address", "plain-http", "too-long", "bad-key", "huge"],
)
def test_what_a_browser_sends_is_bounded(push_app: Flask, sent: str) -> None:
    path = one_place_activity(push_app)
    client = push_app.test_client()
    mine = sign_up(client, path, "ar", "Amal", "")
    status, answer = subscribe(client, mine, sent)
    assert status == 400 and answer["error"]
    svc = services.get_for(push_app)
    assert all(s.push is None for s in svc.signups.all_signups())


def test_the_refusal_is_in_the_visitors_language(push_app: Flask) -> None:
    path = one_place_activity(push_app)
    client = push_app.test_client()
    mine = sign_up(client, path, "ar", "Amal", "")
    client.get(mine + "?lang=ar")
    answer = client.post(
        mine + "/push?lang=ar", data={"csrf_token": token(client, mine), "subscription": "{}"}
    )
    assert answer.status_code == 400
    assert any("\u0600" <= ch <= "\u06ff" for ch in answer.get_json()["error"])


def test_google_mozilla_apple_and_microsoft_are_accepted_by_default() -> None:
    from kiosk.messaging.web_push import check_subscription, services_from_setting

    keys = {"p256dh": "B" + "A" * 86, "auth": "A" * 22}
    for endpoint in (
        "https://fcm.googleapis.com/fcm/send/abc:def",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
        "https://web.push.apple.com/QGx",
        "https://wns2-par02p.notify.windows.com/w/?token=BQY",
    ):
        kept = check_subscription({"endpoint": endpoint, "keys": keys}, services_from_setting(""))
        assert kept["endpoint"] == endpoint
    with pytest.raises(ValueError):
        check_subscription(
            {"endpoint": "https://evil.example/fcm.googleapis.com", "keys": keys},
            services_from_setting(""),
        )


def test_the_key_pair_is_made_at_install_once_and_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = [
        subprocess.run(
            [sys.executable, "-m", "kiosk.messaging.web_push", str(data)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for _ in range(2)
    ]
    assert made[0] == made[1] and len(made[0]) == 87  # 65 bytes, base64url
    mode = stat.S_IMODE(os.stat(key_path(data)).st_mode)
    assert mode == 0o600
    assert public_key(ensure_key(key_path(data))) == made[0]
    assert "-m kiosk.messaging.web_push data" in (REPO / "install.sh").read_text()


def test_push_is_off_on_the_village_lan_and_purged_with_the_signup(tmp_path: Path) -> None:
    lan = create_app(
        {
            "TESTING": True,
            "DEMO_ON_EMPTY": False,
            "DATA_DIR": str(tmp_path / "lan"),
            "PUBLIC_URL": "http://motesplats.local",
        }
    )
    svc = services.get_for(lan)
    assert svc.push_key == "" and svc.sms.push is None
    path = one_place_activity(lan)
    client = lan.test_client()
    mine = sign_up(client, path, "sv", "Amina", "")
    assert "push-choice" not in client.get(mine).get_data(as_text=True)
    svc.store.close()
