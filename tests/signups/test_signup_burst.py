"""200 phones sign up at once to 20 places, against the real `motesplats serve`."""

from __future__ import annotations

import re
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bench.phone import Phone, next_signup_path
from tests.conftest import free_port, start_server, stop_server, wait_for_http

PHONES = 200
SWIM = "demo-simning-kvinnor@motesplats"  # 20 places in the demo


def statuses_via_organiser_csv(base: str, occurrence_path: str) -> list[str]:
    phone = Phone(base)
    phone.open_form(occurrence_path)
    body = urllib.parse.urlencode({"csrf_token": phone.token.decode(), "pin": "4711"}).encode()
    phone.opener.open(base + "/organiser/login", data=body, timeout=30).read()
    aid, rid = re.match(r"/a/([^/]+)/([^/]+)/signup", occurrence_path).groups()
    with phone.opener.open(f"{base}/organiser/o/{aid}/{rid}.csv", timeout=30) as response:
        rows = response.read().decode("utf-8-sig").splitlines()[1:]
    return [row.split(";")[5] for row in rows]


@pytest.mark.today
def test_two_hundred_at_once_for_twenty_places(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MOTESPLATS_ORGANISER_PIN", "4711")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(tmp_path / "data", port)
    try:
        wait_for_http(base + "/", proc)
        path = next_signup_path(base, SWIM)
        phones = [Phone(base) for _ in range(PHONES)]
        for phone in phones:
            phone.open_form(path)
        start = threading.Barrier(PHONES)
        results = [None] * PHONES

        def go(i: int) -> None:
            start.wait()
            results[i] = phones[i].sign_up(path, f"Person {i}")

        threads = [threading.Thread(target=go, args=(i,)) for i in range(PHONES)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = [r.status for r in results]
        assert statuses.count("confirmed") == 20
        assert statuses.count("waitlisted") == 180
        assert len({r.signup_url for r in results}) == PHONES  # each acknowledged once
        assert sorted(statuses_via_organiser_csv(base, path)) == sorted(statuses)
    finally:
        stop_server(proc)

    proc = start_server(tmp_path / "data", port)  # after a restart: the same numbers
    try:
        wait_for_http(base + "/", proc)
        after = statuses_via_organiser_csv(base, path)
        assert after.count("confirmed") == 20 and after.count("waitlisted") == 180
        with urllib.request.urlopen(base + path, timeout=30) as response:
            assert "Fullt" in response.read().decode()
    finally:
        stop_server(proc)
