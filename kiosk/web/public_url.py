"""The address phones should use to reach this server, for QR codes and shared links.

Owns one decision: `PUBLIC_URL` when configured; otherwise the address the request came in
on, except that the kiosk's own `localhost` is useless to a phone, so then this PC's LAN
address is used instead. When there is none, `reachable_by_phones()` says so, so a page
never offers a QR code a phone cannot open.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request

LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@cache
def lan_address() -> str | None:
    """This PC's first non-loopback IPv4 address, as the system resolves its own name."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return None
    for info in infos:
        address = str(info[4][0])
        if not address.startswith("127."):
            return address
    return None


def base_url_from_settings(settings: Mapping[str, Any]) -> str:
    """The same decision without a request (links in text messages): PUBLIC_URL, else the
    address served on, or this PC's LAN address when serving on every network."""
    if settings.get("PUBLIC_URL"):
        return str(settings["PUBLIC_URL"]).rstrip("/")
    host = settings["HOST"] if settings["HOST"] not in ("0.0.0.0", "::") else None
    return f"http://{host or lan_address() or 'localhost'}:{settings['PORT']}"


def base_url() -> str:
    configured = current_app.config["PUBLIC_URL"]
    if configured:
        return configured.rstrip("/")
    here = urlsplit(request.host_url)
    lan = lan_address()
    if here.hostname in LOOPBACK and lan:
        return f"{here.scheme}://{lan}{f':{here.port}' if here.port else ''}"
    return request.host_url.rstrip("/")


def reachable_by_phones() -> bool:
    """Whether `base_url()` is an address a phone on the hall's network can open: not when
    the kiosk's own `localhost` is all there is (no PUBLIC_URL and no LAN address)."""
    if current_app.config["PUBLIC_URL"]:
        return True  # the municipality's word for it
    return urlsplit(base_url()).hostname not in LOOPBACK


def absolute(path: str) -> str:
    return base_url() + path
