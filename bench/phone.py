"""A phone signing up over real HTTP: load the form (cookie + CSRF token), then post it.

Used by the signup benchmark and the burst test; standard library only, so it runs beside
any server.
"""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')


@dataclass
class Result:
    status: str  # confirmed / waitlisted / error
    signup_url: str
    seconds: float  # the POST alone, redirect included


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # the 303 itself is the acknowledgement


class Phone:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar)
        self.no_redirect = urllib.request.build_opener(jar, _NoRedirect())
        self.token = b""

    def open_form(self, path: str) -> None:
        with self.opener.open(self.base + path, timeout=30) as response:
            found = TOKEN.search(response.read())
        if not found:
            raise RuntimeError(f"no signup form at {path}")
        self.token = found.group(1)

    def _form(self, name: str, adults: int, children: int) -> bytes:
        fields = {
            "csrf_token": self.token.decode(),
            "name": name,
            "adults": adults,
            "children": children,
            "phone": "",
            "consent": "yes",
        }
        return urllib.parse.urlencode(fields).encode()

    def acknowledge(
        self, path: str, name: str, adults: int = 1, children: int = 0
    ) -> tuple[str | None, float]:
        """Post the form; the server's 303 is the acknowledgement. (Location, seconds)."""
        body = self._form(name, adults, children)
        started = time.perf_counter()
        try:
            with self.no_redirect.open(self.base + path, data=body, timeout=60) as response:
                response.read()
                location = None  # a 200 means the form came back with an error
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location") if exc.code == 303 else None
        except OSError:
            location = None
        return location, time.perf_counter() - started

    def status(self, location: str) -> str:
        """confirmed / waitlisted / error, read from the private signup page."""
        url = location if location.startswith("http") else self.base + location
        try:
            with self.opener.open(url, timeout=60) as response:
                page = response.read()
        except OSError:
            return "error"
        if b"banner-ok" in page:
            return "confirmed"
        if b"banner-changed" in page:
            return "waitlisted"
        return "error"

    def sign_up(self, path: str, name: str, adults: int = 1, children: int = 0) -> Result:
        """Post the form and open the page it leads to, as a phone's browser does."""
        started = time.perf_counter()
        location, _ = self.acknowledge(path, name, adults, children)
        if location is None:
            return Result("error", "", time.perf_counter() - started)
        status = self.status(location)
        return Result(status, location, time.perf_counter() - started)


def next_signup_path(base: str, activity_id: str, lang: str = "sv") -> str:
    """The signup form of the next occurrence still open (not begun, not cancelled), as the
    server's poster address `/a/<id>/signup` redirects to it. (Reading the API's default
    week missed it late on a Thursday: today's had ended and the next was 7 days on.)"""
    quoted = urllib.parse.quote(activity_id, safe="@")
    request = urllib.request.Request(f"{base}/a/{quoted}/signup?lang={lang}", method="GET")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        location = answer.headers.get("Location", "")
        if answer.code == 302 and "/signup" in location:
            parts = urllib.parse.urlsplit(location)
            return f"{parts.path}?{parts.query}" if parts.query else parts.path
    raise RuntimeError(f"no upcoming occurrence of {activity_id}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None
