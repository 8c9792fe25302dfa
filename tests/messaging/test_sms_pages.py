"""The pages around text messages: the staff's SMS page, the organiser's counts and own
message, and STOP on the private page — with real Gammu behind them."""

from __future__ import annotations

from flask import Flask

from kiosk import services
from tests.admin_helpers import PASSWORD, login
from tests.conftest import wait_until
from tests.messaging.gammu_daemon import GammuDaemon, gammu, needs_gammu  # noqa: F401
from tests.messaging.test_waitlist_by_sms import (  # noqa: F401
    cancel,
    full_with_one_waiting,
    one_place_activity,
    sign_up,
    sms_app,
    token,
)

pytestmark = needs_gammu


def test_staff_and_organiser_see_what_was_sent_and_organisers_write_to_all(
    sms_app: Flask,  # noqa: F811
    gammu: GammuDaemon,  # noqa: F811
) -> None:
    svc = services.get_for(sms_app)
    svc.accounts.create("anna", PASSWORD, "admin", "Anna Admin")
    phone, first, path = full_with_one_waiting(sms_app)
    cancel(phone, first)
    assert wait_until(lambda: svc.sms_outbox.day()["sent"] == 1, timeout=10)
    staff = sms_app.test_client()
    login(staff, "anna")
    page = staff.get("/admin/sms?lang=sv").get_data(as_text=True)
    assert "Fungerar" in page and "1 skickade av högst 300" in page and "Inga sms väntar." in page
    occurrence = "/organiser" + path.removesuffix("/signup").replace("/a/", "/o/")
    page = staff.get(occurrence + "?lang=sv").get_data(as_text=True)
    assert "Plats från väntelistan" in page and "<td>1</td>" in page
    answer = staff.post(
        occurrence + "/sms",
        data={"csrf_token": token(staff, occurrence), "text_sv": "Ta med handduk!"},
    )
    assert answer.status_code == 303 and answer.headers["Location"].endswith("sms=1")
    assert wait_until(lambda: len(gammu.sent()) == 2, timeout=10)
    (number, text) = gammu.sent()[1] if "ሓድሽ" in gammu.sent()[1][1] else gammu.sent()[0]
    assert number == "+46735551234" and "ምሕንባስ" in text  # Selam: the Tigrinya template


def test_stop_on_the_private_page_and_by_reply(sms_app: Flask, gammu: GammuDaemon) -> None:  # noqa: F811
    svc = services.get_for(sms_app)
    path = one_place_activity(sms_app)
    phone = sms_app.test_client()
    mine = sign_up(phone, path, "ar", "Amal", "070 123 45 67")
    page = phone.get(mine).get_data(as_text=True)
    assert "sms-stop" in page and "070-123 45 67" in page
    answer = phone.post(mine + "/sms-stop", data={"csrf_token": token(phone, mine)})
    assert answer.status_code == 303
    assert svc.sms_outbox.is_stopped("+46701234567")
    assert "sms-stop" not in phone.get(mine).get_data(as_text=True)
    # A reply STOP from another number, read from Gammu's inbox by the running job.
    gammu.receive("+46735551234", "stopp")
    assert wait_until(lambda: svc.sms_outbox.is_stopped("+46735551234"), timeout=15)


def test_a_volunteer_cancelling_the_evening_reaches_everyone_by_sms(
    sms_app: Flask,  # noqa: F811
    gammu: GammuDaemon,  # noqa: F811
) -> None:
    svc = services.get_for(sms_app)
    anna = svc.accounts.create("anna", PASSWORD, "admin", "Anna Admin")
    path = one_place_activity(sms_app)
    phone = sms_app.test_client()
    sign_up(phone, path, "so", "Hodan", "070 123 45 67")
    sign_up(phone, path, "ar", "Amal", "073 555 12 34")  # on the waitlist: told as well
    rid = path.split("/")[3]
    current = svc.store.get("activities", "swim@test")
    with sms_app.test_request_context():
        svc.editor.change_occurrence(anna, "swim@test", rid, current["version"], action="cancel")
    assert wait_until(lambda: len(gammu.sent()) == 2, timeout=10), gammu.log()[-1500:]
    texts = dict(gammu.sent())
    assert texts["+46701234567"].startswith("Waa la joojiyay: Simning")
    assert texts["+46735551234"].startswith("أُلغي")


def test_a_cancellation_from_the_central_calendar_reaches_everyone_by_sms(
    sms_app: Flask,  # noqa: F811
    gammu: GammuDaemon,  # noqa: F811
) -> None:
    """The sync writes through ActivityBook from its own thread, outside any request."""
    import threading

    svc = services.get_for(sms_app)
    path = one_place_activity(sms_app)
    sign_up(sms_app.test_client(), path, "ti", "Selam", "073 555 12 34")
    rid = path.split("/")[3]
    before = svc.store.get("activities", "swim@test")
    after = {**before, "overrides": {rid: {"status": "cancelled"}}}

    def import_from_calendar() -> None:
        svc.activities.save(
            after, before, actor="calendar:kommunen", actor_name="Kommunen", origin="kommunen"
        )

    worker = threading.Thread(target=import_from_calendar)
    worker.start()
    worker.join()
    assert wait_until(lambda: len(gammu.sent()) == 1, timeout=10), gammu.log()[-1500:]
    ((number, text),) = gammu.sent()
    assert number == "+46735551234" and text.startswith("ተሰሪዙ: ምሕንባስ")
