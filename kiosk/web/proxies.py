"""Who the client is: the socket's peer, or, behind a reverse proxy we trust, the address
the proxy says it forwarded for.

Owns `TRUSTED_PROXIES` and the rule for the kiosk. Without the setting, forwarded headers
are ignored (anyone can send them). With it (addresses or networks, comma-separated), a
request whose peer is one of them takes its client from `X-Forwarded-For`: the rightmost
address that is not itself a trusted proxy, so a phone cannot put a made-up address in
front. The kiosk is the board's own browser on this PC: a loopback peer that did not come
through a proxy (behind a proxy on the same host every visitor's peer is 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
VIA_PROXY = "motesplats.via_proxy"
LOOPBACK = ("127.0.0.1", "::1")


def parse_networks(text: str) -> tuple[Network, ...]:
    """`127.0.0.1, 10.0.0.0/8` → networks; ValueError for anything else."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class ForwardedFor:
    """WSGI middleware that sets REMOTE_ADDR to the real client behind trusted proxies."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], trusted: tuple[Network, ...]):
        self.wsgi_app = wsgi_app
        self.trusted = trusted

    def _trusted(self, text: str) -> bool:
        address = _address(text)
        return address is not None and any(address in net for net in self.trusted)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):  # type: ignore[no-untyped-def]
        peer = environ.get("REMOTE_ADDR", "")
        if self.trusted and self._trusted(peer):
            environ[VIA_PROXY] = True
            hops = [h.strip() for h in environ.get("HTTP_X_FORWARDED_FOR", "")[:1000].split(",")]
            client = next((h for h in reversed(hops) if h and not self._trusted(h)), None)
            # no usable header: an unknown client, never the kiosk
            environ["REMOTE_ADDR"] = str(_address(client)) if client and _address(client) else "?"
        return self.wsgi_app(environ, start_response)


def is_kiosk(environ: dict[str, Any]) -> bool:
    """The board's own browser on this PC (exempt from the per-phone limits)."""
    return environ.get("REMOTE_ADDR") in LOOPBACK and not environ.get(VIA_PROXY)
