"""Power cuts: SIGKILL the real server at random moments while phones sign up and a
volunteer adds activities; after every restart each acknowledged write is there.

Rounds: MOTESPLATS_TORTURE_ROUNDS (default 100; CI runs the default). Each round starts
`motesplats serve`, lets 8 phones and 1 volunteer write for a random 0.05–0.6 s, kills the
server with SIGKILL, restarts it, and checks the previous round's acknowledged writes over
HTTP; at the end the store itself is opened and every acknowledged write looked up.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import random
import re
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from bench.live import record
from kiosk.store import open_store
from tests import clock as test_clock
from tests.admin_helpers import PASSWORD
from tests.conftest import data_folder_with_admin, free_port, start_server, wait_for_http

pytestmark = [pytest.mark.torture, pytest.mark.today]
ROUNDS = int(os.environ.get("MOTESPLATS_TORTURE_ROUNDS", "100"))
SWIM = "demo-simning-kvinnor@motesplats"


class Acknowledged:
    """Writes the server answered as done, by kind; appended from many threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.signups: list[tuple[str, str]] = []  # (signup id, private path)
        self.titles: list[str] = []

    def add_signup(self, path: str) -> None:
        signup_id = path.split("/")[2]
        with self.lock:
            self.signups.append((signup_id, path))

    def add_title(self, title: str) -> None:
        with self.lock:
            self.titles.append(title)


def phone(base: str, form_path: str, stop: threading.Event, done: Acknowledged, tag: str) -> None:
    number = 0
    while not stop.is_set():
        number += 1
        body = urllib.parse.urlencode(
            {
                "name": f"P{tag}-{number}",
                "adults": "1",
                "consent": "yes",
                "idempotency_key": f"torture-{tag.replace('.', '_')}-{number:06d}-abcdefgh",
            }
        ).encode()
        request = urllib.request.Request(
            base + form_path,
            data=body,
            headers={"X-Motesplats-Request": "signup", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                answer = json.load(response)
        except Exception:  # refused, reset, cut short mid-answer: the power went
            return
        if answer.get("ok"):
            done.add_signup(answer["url"].split("?")[0])


def volunteer(
    base: str,
    opener: urllib.request.OpenerDirector,
    stop: threading.Event,
    done: Acknowledged,
    tag: str,
) -> None:
    try:
        with opener.open(base + "/admin/new", timeout=5) as page:
            html = page.read().decode()
    except (OSError, http.client.HTTPException):  # the power went while the page was sent
        return
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    day = (test_clock.now().date() + timedelta(days=3)).isoformat()
    number = 0
    while not stop.is_set():
        number += 1
        title = f"Torture {tag}-{number}"
        form = {
            "csrf_token": token,
            "title_sv": title,
            "date": day,
            "start_time": "10:00",
            "end_time": "11:00",
            "repeat": "none",
            "place_id": "demo-bibliotek",
            "organiser_id": "demo-rodakorset",
            "audiences": "everyone",
            "cost_sek": "0",
            "status": "scheduled",
            "confirm_clash": "yes",
        }
        try:
            with opener.open(
                base + "/admin/new", data=urllib.parse.urlencode(form).encode(), timeout=5
            ) as r:
                if r.status == 200 and "/admin/new" not in r.url:
                    done.add_title(title)  # followed the 303 to the list: acknowledged
        except Exception:  # the power went (connection refused, reset or cut short)
            return


def admin_opener(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/admin/login") as page:
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode()).group(1)
    form = {"csrf_token": token, "username": "anna", "password": PASSWORD}
    with opener.open(base + "/admin/login", data=urllib.parse.urlencode(form).encode()) as r:
        assert "/admin/login" not in r.url
    return opener


def test_sigkill_during_signups_and_edits_loses_no_acknowledged_write(tmp_path: Path) -> None:
    data, port = tmp_path / "data", free_port()
    base = f"http://127.0.0.1:{port}"
    data_folder_with_admin(data)
    done = Acknowledged()
    rng = random.Random(20261130)
    checked_signups = checked_titles = 0
    started = time.monotonic()
    opener = None
    form_path = None
    for round_number in range(ROUNDS):
        proc = start_server(data, port)
        wait_for_http(base + "/healthz", proc)  # the store opened after the kill
        if opener is None:
            opener = admin_opener(base)
            with urllib.request.urlopen(f"{base}/a/{SWIM}/signup") as r:
                form_path = urllib.parse.urlsplit(r.url).path
        # Everything acknowledged before the last kill is there.
        for _, path in done.signups[checked_signups:]:
            with urllib.request.urlopen(base + path, timeout=10) as r:
                assert r.status == 200
        checked_signups = len(done.signups)
        with opener.open(base + "/admin/", timeout=10) as r:
            listing = r.read().decode()
        for title in done.titles[checked_titles:]:
            assert title in listing, f"round {round_number}: {title} acknowledged, then lost"
        checked_titles = len(done.titles)

        stop = threading.Event()
        workers = [
            threading.Thread(
                target=phone, args=(base, form_path, stop, done, f"{round_number}.{i}")
            )
            for i in range(8)
        ]
        workers.append(
            threading.Thread(target=volunteer, args=(base, opener, stop, done, str(round_number)))
        )
        for w in workers:
            w.start()
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(proc.pid, signal.SIGKILL)  # the power cut
        proc.wait()
        proc.log_file.close()  # type: ignore[attr-defined]
        stop.set()
        for w in workers:
            w.join(timeout=30)
    took = time.monotonic() - started
    store = open_store(data)
    try:
        stored_signups = {d["id"] for d in store.all("signups")}
        stored_titles = {a["title"].get("sv") for a in store.all("activities")}
    finally:
        store.close()
    lost_signups = [s for s, _ in done.signups if s not in stored_signups]
    lost_titles = [t for t in done.titles if t not in stored_titles]
    print(
        f"\npower cut: {ROUNDS} SIGKILLs in {took:.0f} s; acknowledged {len(done.signups)} "
        f"signups and {len(done.titles)} new activities; lost {len(lost_signups)} + "
        f"{len(lost_titles)}"
    )
    record(
        "power_cut",
        {
            "rounds": ROUNDS,
            "seconds": round(took),
            "signups_acknowledged": len(done.signups),
            "activities_acknowledged": len(done.titles),
            "lost": len(lost_signups) + len(lost_titles),
        },
    )
    assert lost_signups == [] and lost_titles == []
    assert len(done.signups) > ROUNDS and len(done.titles) > ROUNDS // 4  # real load, not idle
