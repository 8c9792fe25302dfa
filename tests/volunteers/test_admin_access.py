"""Who may do what in /admin: logins, lockout, sessions, roles, invitations, CSRF."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.volunteers.accounts import LOCK_AFTER
from tests.admin_helpers import CAFE, HOMEWORK, PASSWORD, csrf, edit_form, login
from tests.conftest import Clock

pytestmark = pytest.mark.usefixtures("people")

ADMIN_PAGES = [
    "/admin/",
    "/admin/new",
    f"/admin/edit/{CAFE}",
    f"/admin/edit/{CAFE}/delete",
    "/admin/week",
    "/admin/people",
    "/admin/settings",
    "/admin/audit",
    "/admin/backups",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_is_sent_to_login_from_every_admin_page(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


@pytest.mark.parametrize(
    "path",
    ["/admin/backups/now", "/admin/restore", "/admin/restore/confirm", f"/admin/edit/{CAFE}"],
)
def test_anonymous_posts_change_nothing(app: Flask, client: FlaskClient, path: str) -> None:
    version = services.get_for(app).store.version
    response = client.post(path, data={"csrf_token": csrf(client)})
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert services.get_for(app).store.version == version


def test_passwords_are_stored_as_argon2_hashes(app: Flask) -> None:
    doc = services.get_for(app).store.get("accounts", "anna")
    assert doc["password_hash"].startswith("$argon2id$") and PASSWORD not in str(doc)


def test_login_and_logout(client: FlaskClient) -> None:
    response = login(client, "anna")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    assert "Anna Admin" in client.get("/admin/").get_data(as_text=True)
    client.post("/admin/logout", data={"csrf_token": csrf(client, "/admin/")})
    assert client.get("/admin/").status_code == 302


def test_wrong_password_and_unknown_name_say_the_same(client: FlaskClient) -> None:
    for name, password in (("anna", "wrong password!"), ("nobody", PASSWORD)):
        response = login(client, name, password)
        assert response.status_code == 400
        assert "Fel namn eller lösenord." in response.get_data(as_text=True)


PHONE = {"REMOTE_ADDR": "127.0.0.7"}  # a phone on the hall's Wi-Fi; the kiosk is 127.0.0.1


def login_from(client: FlaskClient, where: dict[str, str], name: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/login",
        data={"csrf_token": csrf(client), "username": name, "password": password},
        environ_base=where,
    )


def test_ten_wrong_passwords_lock_that_device_out_for_a_while(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    for _ in range(LOCK_AFTER - 1):
        wrong = login_from(client, PHONE, "omar", "not the password").get_data(as_text=True)
        assert "Fel namn" in wrong
    locked = login_from(client, PHONE, "omar", "not the password").get_data(as_text=True)
    assert "För många fel lösenord från den här enheten." in locked
    # even the right password is refused from that device while locked
    assert "den här enheten" in login_from(client, PHONE, "omar").get_data(as_text=True)
    clock.now += timedelta(minutes=16)
    assert login_from(client, PHONE, "omar").status_code == 303


def test_a_guessing_phone_cannot_lock_the_admin_out_at_the_kiosk(
    app: Flask, client: FlaskClient
) -> None:
    """Issue "hostile world", point 6: ten wrong passwords from a phone once locked the
    account for everyone, renewable forever."""
    for _ in range(LOCK_AFTER):
        login_from(app.test_client(), PHONE, "anna", "not the password")
    assert login_from(client, {"REMOTE_ADDR": "127.0.0.1"}, "anna").status_code == 303


def test_locked_says_nothing_about_which_names_exist(app: Flask) -> None:
    answers = {}
    for name in ("anna", "nobody-here"):
        phone = app.test_client()
        for _ in range(LOCK_AFTER):
            last = login_from(phone, PHONE, name, "not the password")
        answers[name] = (last.status_code, "den här enheten" in last.get_data(as_text=True))
    assert answers["anna"] == answers["nobody-here"] == (400, True)


def test_a_session_ends_after_session_hours(client: FlaskClient, clock: Clock) -> None:
    login(client, "anna")
    clock.now += timedelta(hours=11)
    assert client.get("/admin/").status_code == 200
    clock.now += timedelta(hours=2)
    assert client.get("/admin/").status_code == 302


def test_login_replaces_the_session(client: FlaskClient) -> None:
    before = csrf(client)
    login(client, "anna")
    assert csrf(client, "/admin/") != before  # a planted session is worth nothing


def test_login_never_redirects_to_another_site(client: FlaskClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post(
            f"/admin/login?next={target}",
            data={"csrf_token": csrf(client), "username": "anna", "password": PASSWORD},
        )
        assert response.headers["Location"] == "/admin/"


def test_organiser_cannot_edit_another_organisations_activity(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "omar")
    assert client.get(f"/admin/edit/{CAFE}").status_code == 403
    version = services.get_for(app).store.version
    token = csrf(client, "/admin/")
    for path in (f"/admin/edit/{CAFE}", f"/admin/edit/{CAFE}/delete"):
        response = client.post(
            path, data={"csrf_token": token, "title_sv": "Kapat", "version": "1"}
        )
        assert response.status_code == 403
    response = client.post(
        f"/admin/edit/{CAFE}/o/20261129T160000Z",
        data={"csrf_token": token, "action": "cancel", "version": "1"},
    )
    assert response.status_code == 403
    assert services.get_for(app).store.version == version
    assert client.get(f"/admin/edit/{HOMEWORK}").status_code == 200  # their own one


def test_organiser_sees_only_their_activities_and_no_admin_pages(client: FlaskClient) -> None:
    login(client, "omar")
    html = client.get("/admin/").get_data(as_text=True)
    assert "After School Club" in html and "Språkcafé" not in html
    for path in ("/admin/people", "/admin/settings", "/admin/audit", "/admin/backups"):
        assert client.get(path).status_code == 403


def test_organiser_cannot_move_an_activity_to_another_organisation(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "omar")
    form = edit_form(client, HOMEWORK)
    form["organiser_id"] = "demo-excorde"
    response = client.post(f"/admin/edit/{HOMEWORK}", data=form)
    assert response.status_code == 400 and "Välj en av dina föreningar." in response.get_data(
        as_text=True
    )
    stored = services.get_for(app).store.get("activities", HOMEWORK)
    assert stored["organiser_id"] == "demo-rodakorset"


@pytest.mark.parametrize(
    "path",
    [
        f"/admin/edit/{HOMEWORK}",
        "/admin/new",
        "/admin/people",
        "/admin/settings",
        "/admin/restore",
        "/admin/logout",
    ],
)
@pytest.mark.parametrize("token", ["", "forged-token"])
def test_missing_or_forged_csrf_token_is_rejected(
    app: Flask, client: FlaskClient, path: str, token: str
) -> None:
    login(client, "anna")
    version = services.get_for(app).store.version
    data = {"title_sv": "Ändrad", "version": "1", "action": "invite", "role": "admin"}
    if token:
        data["csrf_token"] = token
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "Formuläret hade gått ut" in response.get_data(as_text=True)
    assert services.get_for(app).store.version == version
    assert client.get("/admin/").status_code == 200  # still logged in: nothing happened


def test_invitation_creates_an_organiser_once(app: Flask, client: FlaskClient) -> None:
    login(client, "anna")
    response = client.post(
        "/admin/people",
        data={
            "csrf_token": csrf(client, "/admin/"),
            "action": "invite",
            "role": "organiser",
            "organiser_ids": ["demo-excorde"],
        },
    )
    html = response.get_data(as_text=True)
    link = re.search(r"(http://[^<\"]+/admin/join/[A-Za-z0-9_-]+)", html).group(1)
    assert 'src="data:image/svg+xml;base64,' in html  # the QR is inline, not a fetchable URL
    path = (
        link.split("localhost", 1)[-1]
        if "localhost" in link
        else "/admin/join/" + link.rsplit("/", 1)[1]
    )

    newcomer = app.test_client()
    form = {"csrf_token": csrf(newcomer, path), "display_name": "Layla", "username": "layla"}
    short = newcomer.post(path, data={**form, "password": "short"})
    assert short.status_code == 400 and "minst 10 tecken" in short.get_data(as_text=True)
    ok = newcomer.post(path, data={**form, "password": "a long enough password"})
    assert ok.status_code == 303
    account = services.get_for(app).accounts.get("layla")
    assert account and account.role == "organiser" and account.organiser_ids == ["demo-excorde"]
    assert newcomer.get(f"/admin/edit/{CAFE}").status_code == 200

    again = app.test_client()
    reused = again.get(path)
    assert reused.status_code == 404 and "Inbjudan gäller inte längre" in reused.get_data(
        as_text=True
    )


def test_invitations_expire(app: Flask, clock: Clock) -> None:
    accounts = services.get_for(app).accounts
    _invitation, token = accounts.invite("organiser", ["demo-excorde"], "anna")
    clock.now += timedelta(days=8)
    assert app.test_client().get(f"/admin/join/{token}").status_code == 404


def test_switched_off_account_is_logged_out(app: Flask, client: FlaskClient) -> None:
    omar = app.test_client()
    login(omar, "omar")
    assert omar.get("/admin/").status_code == 200
    login(client, "anna")
    client.post(
        "/admin/people",
        data={"csrf_token": csrf(client, "/admin/"), "action": "switch", "username": "omar"},
    )
    assert omar.get("/admin/").status_code == 302
    assert login(omar, "omar").status_code == 400


def test_signup_lists_follow_the_account(app: Flask, client: FlaskClient) -> None:
    """Omar (Red Cross) sees the homework club's list but not the swimming's (municipality)."""
    login(client, "omar")
    index = client.get("/organiser/").get_data(as_text=True)
    swim = "/organiser/o/demo-simning-kvinnor@motesplats/20261126T173000Z"
    assert "Simning för kvinnor" not in index
    assert client.get(swim).status_code == 403
    assert client.get(swim + ".csv").status_code == 403
    admin = app.test_client()
    login(admin, "anna")
    assert "Simning för kvinnor" in admin.get("/organiser/").get_data(as_text=True)
    assert admin.get(swim).status_code == 200


def test_too_many_logins_from_one_device_are_slowed(client: FlaskClient) -> None:
    for _ in range(30):
        login(client, "nobody", "wrong password")
    response = login(client, "anna")
    assert response.status_code == 400
    assert "För många försök från den här enheten" in response.get_data(as_text=True)
