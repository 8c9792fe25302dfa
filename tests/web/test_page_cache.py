"""The page cache in front of Flask: hits skip rendering, yet answers match Flask's own."""

from __future__ import annotations

import gzip
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from kiosk.web.page_cache import PageCache


def test_hit_serves_the_same_bytes_and_headers_as_the_render(
    app: Flask, client: FlaskClient
) -> None:
    pages = services.get_for(app).pages
    first = client.get("/?lang=sv")
    misses = pages.misses
    second = client.get("/?lang=sv")
    assert pages.misses == misses and pages.hits >= 1
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    for header in ("Content-Security-Policy", "Vary", "Content-Type"):
        assert first.headers[header] == second.headers[header]


def test_language_cookie_is_set_on_hits_too(client: FlaskClient) -> None:
    client.get("/?lang=ar")  # renders and caches
    fresh = client.application.test_client()
    response = fresh.get("/?lang=ar")  # a hit, for a browser without the cookie
    assert "lang=ar" in response.headers["Set-Cookie"]
    assert fresh.get("/?lang=ar").headers.get("Set-Cookie") is None  # already remembered


def test_cookie_and_accept_language_choose_the_cached_page(client: FlaskClient) -> None:
    fresh = client.application.test_client()
    fresh.set_cookie("lang", "fa_AF")
    assert 'lang="fa-AF"' in fresh.get("/").get_data(as_text=True)
    assert 'lang="so"' in client.application.test_client().get(
        "/", headers={"Accept-Language": "so"}
    ).get_data(as_text=True)


def test_head_and_errors_pass_through(client: FlaskClient) -> None:
    head = client.head("/")
    assert head.status_code == 200 and head.data == b""
    assert client.get("/a/does-not-exist").status_code == 404
    assert client.get("/a/does-not-exist").status_code == 404  # errors are never cached


def test_new_day_renders_a_new_page(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from kiosk import create_app
    from tests.conftest import FIXED_NOW

    now = [FIXED_NOW]
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "CLOCK": lambda: now[0]})
    client = app.test_client()
    tuesday = client.get("/?lang=sv").get_data(as_text=True)
    now[0] = FIXED_NOW + timedelta(days=1)
    wednesday = client.get("/?lang=sv").get_data(as_text=True)
    assert "After School Club" in tuesday.split('id="week-heading"')[0]
    assert "Språkträning i byahuset" in wednesday.split('id="week-heading"')[0]
    services.get_for(app).store.close()


def test_made_up_queries_and_hosts_do_not_push_the_board_out(
    app: Flask, client: FlaskClient
) -> None:
    """Issue "hostile world", point 3: `/?x=N` with a new N each time, or a new Host header,
    once missed the cache every time and evicted the real pages."""
    pages = services.get_for(app).pages
    board = client.get("/?lang=sv")
    misses = pages.misses
    for n in range(300):  # unknown parameters: one page, rendered once
        answer = client.get(f"/?lang=sv&x={n}", environ_base={"REMOTE_ADDR": "127.0.0.9"})
        assert answer.data == board.data
    assert pages.misses == misses
    for n in range(80):  # known parameters with made-up values, and made-up hosts
        client.get(f"/?place=p{n}&lang=sv", environ_base={"REMOTE_ADDR": "127.0.0.9"})
        client.get("/?lang=sv", headers={"Host": f"h{n}.evil.example"})
    misses = pages.misses
    again = client.get("/?lang=sv")
    assert pages.misses == misses and again.headers["ETag"] == board.headers["ETag"]
    detail = client.get("/a/demo-simning-kvinnor@motesplats?lang=ar&utm_source=x")
    assert detail.status_code == 200 and 'lang="ar"' in detail.get_data(as_text=True)


def _slow_app(renders: list[int], gate: threading.Event):  # type: ignore[no-untyped-def]
    """A WSGI app that counts its renders and holds each until `gate` opens."""

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        renders.append(1)
        gate.wait(5)
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [f"<p>render {len(renders)}</p>".encode() * 50]

    return app


def _get(cache: PageCache, headers: dict[str, str] | None = None) -> tuple[str, dict, bytes]:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "lang=sv"}
    environ.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()})
    answer: dict[str, Any] = {}

    def start_response(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
        answer.update(status=status, headers=dict(headers))

    body = b"".join(cache(environ, start_response))
    return answer["status"], answer["headers"], body


def test_concurrent_misses_of_one_page_render_it_once() -> None:
    """Issue 23: a write used to make every waiting request render the same page."""
    renders: list[int] = []
    gate = threading.Event()
    version = [1]
    cache = PageCache(_slow_app(renders, gate), lambda: version[0], lambda: "sv")
    with ThreadPoolExecutor(8) as pool:
        answers = [pool.submit(_get, cache) for _ in range(8)]
        time.sleep(0.3)
        gate.set()
        bodies = {f.result()[2] for f in answers}
    assert len(renders) == 1 and len(bodies) == 1

    # After a write: the first request renders, the others get the version before at once.
    gate.clear()
    version[0] = 2
    with ThreadPoolExecutor(8) as pool:
        renderer = pool.submit(_get, cache)
        time.sleep(0.2)
        others = [pool.submit(_get, cache) for _ in range(6)]
        old = {f.result(timeout=2)[2] for f in others}  # answered while the render waits
        assert old == bodies and cache.stale == 6
        gate.set()
        new = renderer.result()[2]
    assert len(renders) == 2 and new != next(iter(bodies))
    assert _get(cache)[2] == new


def test_gzip_is_sent_to_browsers_that_take_it_and_304_keeps_the_connection() -> None:
    gate = threading.Event()
    gate.set()
    cache = PageCache(_slow_app([], gate), lambda: 1, lambda: "sv")
    status, plain_headers, plain = _get(cache)
    status, headers, zipped = _get(cache, {"Accept-Encoding": "gzip, deflate, br"})
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped) == plain
    assert len(zipped) < len(plain) / 5 and headers["Vary"] == "Accept-Encoding"
    assert headers["ETag"] != plain_headers["ETag"]  # two representations, two validators
    assert "Content-Encoding" not in _get(cache, {"Accept-Encoding": "gzip;q=0"})[1]
    status, headers, body = _get(cache, {"If-None-Match": plain_headers["ETag"]})
    assert status.startswith("304") and body == b""
    assert headers["Content-Length"] == "0"  # waitress keeps the connection open
