"""`motesplats.local` over mDNS: the records, and a real announce → resolve on loopback."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
from zeroconf import IPVersion, Zeroconf

from kiosk.village_pc import lan_name


def test_the_records_name_the_board_and_its_port() -> None:
    info = lan_name.service_info("motesplats", 8080, ["192.168.1.20"])
    assert info.type == "_http._tcp.local."
    assert info.name == "Mötesplats (motesplats)._http._tcp.local."
    assert info.server == "motesplats.local."
    assert info.port == 8080
    assert info.parsed_addresses() == ["192.168.1.20"]
    assert info.properties[b"path"] == b"/"
    assert lan_name.service_info("byhuset.local", 8081, ["10.0.0.5"]).server == "byhuset.local."


def test_no_name_or_no_lan_means_no_announcement(monkeypatch: pytest.MonkeyPatch) -> None:
    assert lan_name.announce("", 8080) is None
    monkeypatch.setattr(lan_name, "lan_addresses", lambda: [])
    assert lan_name.announce("motesplats", 8080) is None


def test_lan_addresses_leave_out_loopback() -> None:
    assert all(not a.startswith("127.") for a in lan_name.lan_addresses())


def resolve_and_close(announcement: lan_name.Announcement):  # type: ignore[no-untyped-def]
    try:
        resolver = Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
        try:
            return resolver.get_service_info(
                lan_name.SERVICE_TYPE, announcement.info.name, timeout=5000
            )
        finally:
            resolver.close()
    finally:
        announcement.close()


def test_announce_and_resolve_on_loopback() -> None:
    announcement = lan_name.announce("motesplats-test", 8080, ["127.0.0.1"])
    assert announcement is not None
    assert announcement.done.wait(10)
    if announcement.error:
        pytest.skip(f"multicast is not available on loopback here: {announcement.error}")
    # zeroconf's blocking calls refuse to run where an asyncio loop is running (other tests
    # leave one in this thread), as `motesplats serve`'s main thread never has: use another.
    with ThreadPoolExecutor(1) as pool:
        found = pool.submit(resolve_and_close, announcement).result(timeout=30)
    if found is None:
        pytest.skip("no mDNS answer arrived on loopback (multicast filtered in this sandbox)")
    assert found.server == "motesplats-test.local." and found.port == 8080
    assert found.parsed_addresses() == ["127.0.0.1"]
    assert socket.inet_aton("127.0.0.1") in found.addresses


def test_a_board_on_loopback_is_not_announced() -> None:
    from kiosk.village_pc.cli import _announce

    assert _announce({"HOST": "127.0.0.1", "MDNS_NAME": "motesplats", "PORT": 8080}) is None
    assert _announce({"HOST": "localhost", "MDNS_NAME": "motesplats", "PORT": 8080}) is None
