"""End to end: a cancellation gives the first on the waitlist a place, and they hear it by
SMS in Tigrinya, through real Gammu (dummy modem) — at once, and after the modem was away."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import create_app, services
from kiosk.activities.model import Activity, Place, SignupSettings
from kiosk.activities.recurrence import expand
from tests import clock as test_clock
from tests.conftest import STOCKHOLM, wait_until
from tests.messaging.gammu_daemon import GammuDaemon, gammu, needs_gammu  # noqa: F401

pytestmark = needs_gammu
GEEZ = re.compile(r"[\u1200-\u137f]")


@contextmanager
def messaging_app(tmp_path: Path, **settings: str) -> Iterator[Flask]:
    """The app with real jobs and the real clock (the sender's backoff runs on it), no demo,
    quiet hours off (so the test passes at any hour of any day), and `settings`; its jobs
    stopped and store closed afterwards."""
    app = create_app(
        {
            "TESTING": True,
            "START_JOBS": True,
            "DEMO_ON_EMPTY": False,
            "DATA_DIR": str(tmp_path / "data"),
            "SMS_QUIET_HOURS": "0-0",
            **settings,
        }
    )
    try:
        yield app
    finally:
        svc = services.get_for(app)
        svc.jobs.stop(5.0)
        svc.store.close()


@pytest.fixture
def sms_app(tmp_path: Path, gammu: GammuDaemon) -> Iterator[Flask]:  # noqa: F811
    """Texts through real Gammu."""
    with messaging_app(
        tmp_path,
        SMS_TRANSPORT="gammu",
        SMS_GAMMU_CONFIG=str(gammu.config),
        PUBLIC_URL="http://motesplats.test",
    ) as app:
        yield app


def one_place_activity(
    app: Flask, activity_id: str = "swim@test", title: dict[str, str] | None = None
) -> str:
    """A weekly swim with one place, two days from the run's now (whatever day today is):
    its signup form's path."""
    svc = services.get_for(app)
    now = test_clock.utc_now()
    start = (
        (now + timedelta(days=2))
        .astimezone(STOCKHOLM)
        .replace(hour=18, minute=0, second=0, microsecond=0)
    )
    svc.store.put(
        "places",
        Place("hall", "Götene simhall", names={"ti": "መሕምብሲ ጎተነ"}).to_doc(),
    )
    activity = Activity(
        id=activity_id,
        title=title or {"sv": "Simning", "ti": "ምሕንባስ"},
        start=start,
        end=start + timedelta(hours=1),
        rrule="FREQ=WEEKLY",
        place_id="hall",
        signup=SignupSettings(True, 1),
    )  # type: ignore[call-arg]
    svc.store.put("activities", activity.to_doc())
    occ = expand(activity, now, now + timedelta(days=8))[0]
    return f"/a/{activity.id}/{occ.recurrence_id}/signup"


def token(client: FlaskClient, path: str = "/") -> str:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:300]
    return found.group(1)


def sign_up(client: FlaskClient, path: str, lang: str, name: str, phone: str) -> str:
    form = {
        "csrf_token": token(client, path),
        "name": name,
        "adults": "1",
        "children": "0",
        "phone": phone,
        "consent": "yes",
    }
    answer = client.post(f"{path}?lang={lang}", data=form)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    return answer.headers["Location"].split("?")[0]


def cancel(client: FlaskClient, private: str) -> None:
    answer = client.post(
        private + "/cancel", data={"csrf_token": token(client, private), "confirm": "yes"}
    )
    assert answer.status_code == 303


def full_with_one_waiting(app: Flask) -> tuple[FlaskClient, str, str]:
    """Amina (Swedish) has the one place; Selam (Tigrinya) waits. Returns a phone's client,
    Amina's private page and the signup form's path."""
    path = one_place_activity(app)
    client = app.test_client()
    first = sign_up(client, path, "sv", "Amina", "070 123 45 67")
    sign_up(client, path, "ti", "Selam", "+46 73 555 12 34")
    return client, first, path


def test_the_first_on_the_waitlist_hears_in_tigrinya_within_10_s(
    sms_app: Flask,
    gammu: GammuDaemon,  # noqa: F811
) -> None:
    client, first, _ = full_with_one_waiting(sms_app)
    assert gammu.sent() == []  # waiting for a place: no message yet
    started = time.monotonic()
    cancel(client, first)
    assert wait_until(lambda: len(gammu.sent()) == 1, timeout=10), gammu.log()[-2000:]
    took = time.monotonic() - started
    number, text = gammu.sent()[0]
    assert number == "+46735551234"
    assert GEEZ.search(text) and "ምሕንባስ" in text and "መሕምብሲ ጎተነ" in text
    assert "18:00" in text and "http://motesplats.test/m/" in text
    print(f"promotion SMS sent {took:.2f} s after the cancellation")
    # The link in the message opens Selam's private page, in Tigrinya.
    link = text.split("http://motesplats.test")[1].split()[0]
    page = client.get(link, follow_redirects=True)
    assert page.status_code == 200 and 'lang="ti"' in page.get_data(as_text=True)
    # Sent means forgotten: no text, no number, only the record and the day's count.
    svc = services.get_for(sms_app)
    assert wait_until(lambda: svc.sms_outbox.day()["sent"] == 1)
    (record,) = svc.sms_outbox.all()
    assert record.status == "sent" and record.text == "" and record.number == ""
    assert wait_until(lambda: list(gammu.folders["sent"].iterdir()) == [])  # nor in Gammu's
    time.sleep(2)
    assert len(gammu.sent()) == 1  # and never twice


def test_a_modem_away_for_a_while_sends_once_when_back(
    sms_app: Flask,
    gammu: GammuDaemon,  # noqa: F811
) -> None:
    client, first, _ = full_with_one_waiting(sms_app)
    gammu.stop()
    cancel(client, first)
    svc = services.get_for(sms_app)

    def tried_twice() -> bool:
        (message,) = svc.sms_outbox.all()
        return message.attempts >= 2 and message.status == "queued"

    assert wait_until(tried_twice, timeout=30)
    (waiting,) = svc.sms_outbox.all()
    assert waiting.status == "queued" and "not running" in waiting.last_error
    assert gammu.sent() == []
    gammu.start()
    svc.sms_outbox.retry_now()  # a staff member's "try now"; the backoff alone also gets there
    svc.sms.wake()
    assert wait_until(lambda: len(gammu.sent()) == 1, timeout=15), gammu.log()[-2000:]
    assert GEEZ.search(gammu.sent()[0][1])
    time.sleep(3)
    assert len(gammu.sent()) == 1
