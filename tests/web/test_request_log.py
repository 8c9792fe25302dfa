"""Log lines: a request id on each, echoed to the client; no names, phones or link secrets."""

from __future__ import annotations

import logging
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.web import request_log
from tests.signups.test_signup_views import SWIM, sign_up


@pytest.fixture
def lines(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.handler.addFilter(request_log.RequestIdFilter())
    caplog.handler.setFormatter(logging.Formatter(request_log.FORMAT))
    caplog.set_level(logging.INFO)
    return caplog


def test_each_request_has_an_id_in_its_log_line_and_answer(client: FlaskClient, lines) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/healthz", headers={"X-Request-Id": "proxy-1234abcd"})
    assert answer.headers["X-Request-Id"] == "proxy-1234abcd"
    assert "request_id=proxy-1234abcd method=GET path=/healthz status=200" in lines.text
    made = client.get("/api/board-version", headers={"X-Request-Id": "bad id with spaces!"})
    made_id = made.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{12}", made_id)
    assert f"request_id={made_id} " in lines.text


def test_no_personal_data_or_link_secret_in_the_log(app: Flask, client: FlaskClient, lines) -> None:  # type: ignore[no-untyped-def]
    response = sign_up(client, name="Hodan Warsame", phone="070 987 65 43")
    assert response.status_code == 303
    private = response.headers["Location"]
    secret = private.split("/")[3].split("?")[0]
    client.get(private)
    client.get(f"/qr{private.split('?')[0]}.svg")
    text = lines.text
    assert "Hodan" not in text and "987 65" not in text and secret not in text
    assert "path=/s/" in text and "/***" in text
    assert f"path={SWIM}" in text  # the public form's path is fine


def test_safe_path_masks_only_private_links() -> None:
    assert (
        request_log.safe_path("/s/" + "a" * 32 + "/SeCrEt/cancel")
        == "/s/" + "a" * 32 + "/***/cancel"
    )
    assert (
        request_log.safe_path("/qr/s/" + "b" * 32 + "/SeCrEt.svg") == "/qr/s/" + "b" * 32 + "/***"
    )
    assert (
        request_log.safe_path("/a/demo@x/20261126T173000Z/signup")
        == "/a/demo@x/20261126T173000Z/signup"
    )


def test_pages_from_the_page_cache_are_logged_too(client: FlaskClient, lines) -> None:  # type: ignore[no-untyped-def]
    client.get("/?lang=sv")
    again = client.get("/?lang=sv", headers={"X-Request-Id": "second-visit-01"})
    assert again.status_code == 200 and again.headers["X-Request-Id"] == "second-visit-01"
    assert "request_id=second-visit-01 method=GET path=/ status=200" in lines.text


def test_secrets_in_paths_are_masked_and_no_line_can_be_forged(client: FlaskClient, lines) -> None:  # type: ignore[no-untyped-def]
    """Issue "hostile world", point 10: invitation tokens were logged in clear, and a %0A in
    a path wrote a second, made-up log line."""
    client.get("/admin/join/Secret-Invitation-Token-123")
    client.get("/m/abcdefgh2345678901ab")
    client.get("/a/x%0A2026-12-01T00:00:00 level=INFO logger=forged path=/admin")
    text = lines.text
    assert "Secret-Invitation-Token-123" not in text and "path=/admin/join/***" in text
    assert "abcdefgh2345678901ab" not in text and "path=/m/***" in text
    assert "path=/a/x\\x0a2026-12-01" in text  # on its own line, escaped
    assert not any(line.startswith("2026-12-01T00:00:00") for line in text.splitlines())


@pytest.mark.parametrize("path", ["/admin/login", "/organiser/login", "/admin/join/nope"])
def test_volunteers_pages_are_never_kept_by_a_browser_or_proxy(
    client: FlaskClient, path: str
) -> None:
    assert client.get(path).headers.get("Cache-Control") == "no-store"
