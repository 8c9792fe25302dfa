"""The board's name on the hall's network: `motesplats.local` over mDNS (zeroconf).

Owns the announcement: an A record for `<name>.local` with this PC's LAN addresses and an
`_http._tcp` service record ("Mötesplats" on port 8080, path /), so phones and QR codes can
use a name instead of an address the router may change. Announcing runs in the background
and never stops the board: where multicast is blocked (some guest Wi-Fis, containers) it
logs why once and the board goes on by address.
"""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass, field
from ipaddress import ip_address

from zeroconf import IPVersion, ServiceInfo, Zeroconf

log = logging.getLogger("motesplats.lan")
SERVICE_TYPE = "_http._tcp.local."


def lan_addresses() -> list[str]:
    """This PC's IPv4 addresses other than loopback (the address a phone would use)."""
    found: set[str] = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    # The address of the route to the outside world (no packet is sent for a UDP connect).
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            found.add(probe.getsockname()[0])
    except OSError:
        pass
    return sorted(a for a in found if not ip_address(a).is_loopback)


def service_info(
    name: str, port: int, addresses: list[str], title: str = "Mötesplats"
) -> ServiceInfo:
    """The records that say `<name>.local` is this board on `port`."""
    host = name.removesuffix(".local").strip(".") or "motesplats"
    return ServiceInfo(
        SERVICE_TYPE,
        f"{title} ({host}).{SERVICE_TYPE}",
        port=port,
        properties={"path": "/", "app": "motesplats"},
        server=f"{host}.local.",
        addresses=[socket.inet_aton(a) for a in addresses],
    )


@dataclass
class Announcement:
    """A running announcement; `close()` withdraws it (goodbye packets)."""

    info: ServiceInfo
    interfaces: list[str] | None = None
    zeroconf: Zeroconf | None = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Announcement:
        threading.Thread(target=self._run, daemon=True, name="mdns").start()
        return self

    def _run(self) -> None:
        try:
            self.zeroconf = Zeroconf(
                interfaces=self.interfaces or ["0.0.0.0"], ip_version=IPVersion.V4Only
            )
            self.zeroconf.register_service(self.info, allow_name_change=True)
            log.info("announced as %s on the local network", self.info.server)
        except Exception as exc:  # multicast blocked, no network: the board goes on
            self.error = f"{exc.__class__.__name__}: {exc}"
            log.warning("cannot announce %s (%s); use the address instead", self.info.server, exc)
        finally:
            self.done.set()

    def close(self) -> None:
        self.done.wait(timeout=10)
        if self.zeroconf is not None:
            try:
                self.zeroconf.unregister_all_services()
            finally:
                self.zeroconf.close()


def announce(name: str, port: int, interfaces: list[str] | None = None) -> Announcement | None:
    """Announce `<name>.local`; None when there is nothing to announce (no name, no LAN)."""
    if not name:
        return None
    addresses = lan_addresses() if interfaces is None else interfaces
    if not addresses:
        log.info("no LAN address found: not announcing %s.local", name)
        return None
    return Announcement(service_info(name, port, addresses), interfaces).start()
