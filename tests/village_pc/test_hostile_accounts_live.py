"""Attacks on logins and limits, from phones, on a real server (issue "hostile world",
points 4, 5, 6, 9 and 11); the kiosk is 127.0.0.1, phones 127.0.0.x."""

from __future__ import annotations

import http.client
import http.cookies
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.admin_helpers import PASSWORD
from tests.conftest import (
    data_folder_with_admin,
    free_port,
    start_server,
    stop_server,
    wait_for_http,
)

pytestmark = pytest.mark.torture
SWIM = "demo-simning-kvinnor@motesplats"


class Browser:
    """A client from one address, with its cookies (enough for our forms)."""

    def __init__(self, port: int, source: str) -> None:
        self.port, self.source, self.cookies = port, source, http.cookies.SimpleCookie()

    def send(self, method: str, path: str, form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=20, source_address=(self.source, 0)
        )
        headers = {"Cookie": "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())}
        body = urllib.parse.urlencode(form or {})
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body if form is not None else None, headers=headers)
        answer = conn.getresponse()
        text = answer.read().decode("utf-8", "replace")
        for value in answer.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        conn.close()
        return answer.status, answer.headers, text

    def token(self, path: str) -> str:
        _status, _headers, page = self.send("GET", path)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def log_in(self, password: str = PASSWORD, next_page: str = ""):  # type: ignore[no-untyped-def]
        token = self.token("/admin/login")
        query = "?" + urllib.parse.urlencode({"next": next_page}) if next_page else ""
        form = {"csrf_token": token, "username": "anna", "password": password}
        return self.send("POST", "/admin/login" + query, form)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    data: Path = tmp_path_factory.mktemp("accounts") / "data"
    data_folder_with_admin(data)
    port = free_port()
    proc = start_server(data, port, "--log-level", "WARNING")
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", proc)
        yield port
    finally:
        stop_server(proc)


def test_a_guessing_phone_locks_only_itself_and_no_redirect_leaves(server: int) -> None:
    phone = Browser(server, "127.0.0.7")
    for _ in range(10):
        status, _h, page = phone.log_in("wrong password!")
        assert status == 400
    assert "den här enheten" in page
    status, _h, _p = phone.log_in()  # the right password from the guessing phone: still no
    assert status == 400
    kiosk = Browser(server, "127.0.0.1")
    status, headers, _p = kiosk.log_in(next_page="/\t/evil.example")
    assert status == 303 and headers["Location"] == "/admin/"
    # a copy of the kiosk's session cookie stops working at its logout
    thief = Browser(server, "127.0.0.9")
    thief.cookies = http.cookies.SimpleCookie(kiosk.cookies.output(header="", sep=";"))
    assert thief.send("GET", "/admin/")[0] == 200
    kiosk.send("POST", "/admin/logout", {"csrf_token": kiosk.token("/admin/")})
    assert thief.send("GET", "/admin/")[0] == 302


def test_one_phone_cannot_take_every_place_and_odd_inputs_get_no_500(server: int) -> None:
    phone = Browser(server, "127.0.0.8")
    status, headers, _p = phone.send("GET", f"/a/{SWIM}/signup?lang=sv")
    assert status == 302  # the stable address leads to the next date's form
    conn_path = headers["Location"]
    token = phone.token(conn_path)
    base = {"csrf_token": token, "consent": "yes", "children": "0", "phone": ""}
    first = phone.send("POST", conn_path, {**base, "name": "A", "adults": "10"})
    assert first[0] == 303
    second = phone.send("POST", conn_path, {**base, "name": "B", "adults": "1"})
    assert second[0] == 400 and "högst 10 personer" in second[2]
    for odd in (
        "/api/activities?from=9999-12-31",
        f"/a/{SWIM}/99991231T235959Z/signup",
        "/m/%D8%AA%D8%AA",
        "/s/" + "0" * 32 + "/%E1%89%B6",
    ):
        assert phone.send("GET", odd)[0] < 500, odd


def test_behind_a_trusted_proxy_each_visitor_is_itself(tmp_path: Path) -> None:
    """Point 8 on a real server: behind a proxy on the same PC every peer is 127.0.0.1.
    With TRUSTED_PROXIES the forwarded address is the client: limited like a phone."""
    port = free_port()
    proc = start_server(
        tmp_path / "data", port, "--log-level", "WARNING",
        env={"MOTESPLATS_TRUSTED_PROXIES": "127.0.0.1"},
    )  # fmt: skip
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", proc)
        proxy = Browser(port, "127.0.0.1")
        status, headers, _p = proxy.send("GET", f"/a/{SWIM}/signup?lang=sv")
        path = headers["Location"]
        token = proxy.token(path)
        form = {"csrf_token": token, "consent": "yes", "children": "0", "phone": "", "name": "A"}

        def via(client: str, adults: str) -> tuple[int, list[str]]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            cookie = "; ".join(f"{k}={v.value}" for k, v in proxy.cookies.items())
            conn.request(
                "POST",
                path,
                body=urllib.parse.urlencode({**form, "adults": adults}),
                headers={
                    "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Forwarded-For": client,
                },
            )
            answer = conn.getresponse()
            body = answer.read().decode()
            conn.close()
            problems = re.findall(r"<li>([^<]+)</li>", body)
            return (answer.status, problems)

        assert via("203.0.113.5", "10")[0] == 303
        refused = via("198.51.100.1, 203.0.113.5", "1")  # the same phone, not the kiosk
        assert refused[0] == 400 and "högst 10 personer" in str(refused), refused
        assert via("203.0.113.6", "1")[0] == 303  # another phone (waitress once dropped the header)
    finally:
        stop_server(proc)


def test_the_data_folder_and_log_keep_secrets(tmp_path: Path) -> None:
    """Point 10 on a real server: its data folder is the owner's only, and invitation
    tokens and control characters do not reach its log as they were sent."""
    import os
    import stat

    data = tmp_path / "data"
    port = free_port()
    proc = start_server(data, port, "--log-level", "INFO")
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", proc)
        phone = Browser(port, "127.0.0.7")
        phone.send("GET", "/admin/join/Secret-Invitation-Token-42")
        phone.send("GET", "/a/x%0Alevel=INFO%20forged=yes")
        assert phone.send("GET", "/admin/login")[1]["Cache-Control"] == "no-store"
    finally:
        log = stop_server(proc)
    assert "Secret-Invitation-Token-42" not in log and "/admin/join/***" in log
    assert not any(line.startswith("level=INFO forged") for line in log.splitlines())
    for path in [data, *data.rglob("*")]:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))
