"""The remote-calendar contract (`sync/__init__.py`): `load(source)` picks the kind's module,
and each kind's own decisions live in its class."""

from __future__ import annotations

import pytest

import sync
from sync.caldav_collection import CalDavCollection
from sync.ics_feed import IcsFeed
from sync.sources import Source


def source(kind: str, two_way: bool = False) -> Source:
    return Source("src-1", "Regionen", kind, "https://example.invalid/cal/", two_way)


def test_load_gives_each_kind_its_own_remote() -> None:
    assert isinstance(sync.load(source("ics")), IcsFeed)
    assert isinstance(sync.load(source("caldav", True)), CalDavCollection)
    assert list(sync.KINDS) == ["ics", "caldav"]  # the admin form's order; ics the default


def test_the_kinds_decide_for_themselves() -> None:
    ics, caldav = sync.kind_class("ics"), sync.kind_class("caldav")
    assert ics.atomic_feed and not caldav.atomic_feed
    assert not ics.writable(True) and caldav.writable(True) and not caldav.writable(False)
    assert source("caldav", True).writable and not source("ics", True).writable
    assert ics.label and caldav.label


def test_a_read_only_feed_refuses_writes_and_an_unknown_kind_is_named() -> None:
    feed = sync.load(source("ics"))
    with pytest.raises(sync.RemoteError):
        feed.put("x@test", "BEGIN:VCALENDAR", None)
    with pytest.raises(sync.RemoteError):
        feed.delete("https://example.invalid/cal/x.ics", None)
    with pytest.raises(ValueError, match="unknown calendar kind 'webdav'"):
        sync.load(source("webdav"))
    assert not source("webdav", True).writable
