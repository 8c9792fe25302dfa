"""Answers built once per key however many ask at once, and given up when everyone has gone."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from kiosk.web.built_bytes import Abandoned, BuiltCache


def test_concurrent_askers_share_one_build() -> None:
    cache = BuiltCache()
    builds: list[int] = []

    def build(gone) -> bytes:  # type: ignore[no-untyped-def]
        builds.append(1)
        time.sleep(0.3)
        return b"BEGIN:VCALENDAR" * 1000

    with ThreadPoolExecutor(16) as pool:
        answers = [pool.submit(cache.get, "feed", build) for _ in range(16)]
        bodies = {f.result().plain() for f in answers}
    assert len(builds) == 1 and len(bodies) == 1 and cache.builds == 1
    assert cache.get("feed", build).plain() in bodies and len(builds) == 1


def test_a_build_stops_when_everyone_who_asked_has_gone() -> None:
    cache = BuiltCache()
    left = [threading.Event(), threading.Event()]
    steps: list[int] = []

    def build(everyone_gone) -> bytes:  # type: ignore[no-untyped-def]
        for step in range(200):
            if everyone_gone():
                raise Abandoned
            steps.append(step)
            time.sleep(0.02)
        return b"done"

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(cache.get, "feed", build, left[0].is_set)
        time.sleep(0.1)
        second = pool.submit(cache.get, "feed", build, left[1].is_set)
        time.sleep(0.2)
        left[0].set()  # one of the two gave up: the build goes on for the other
        time.sleep(0.3)
        built_so_far = len(steps)
        left[1].set()
        with pytest.raises(Abandoned):
            second.result(timeout=5)
        with pytest.raises(Abandoned):
            first.result(timeout=5)
    assert built_so_far > 20 and len(steps) < 200 and cache.abandoned == 1
    assert cache.get("feed", lambda gone: b"again").plain() == b"again"  # nothing kept


def test_the_cache_keeps_at_most_its_bytes_and_large_answers_gzipped_only() -> None:
    cache = BuiltCache(max_bytes=400_000)
    big = bytes(range(256)) * 8000  # 2 MB, compresses well
    built = cache.get("big", lambda gone: big)
    assert built.body is None and built.plain() == big  # kept gzipped only
    for n in range(100):
        cache.get(n, lambda gone, n=n: str(n).encode() * 10_000)
    assert cache._bytes <= 400_000
