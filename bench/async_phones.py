"""Many phones over raw HTTP/1.1 from one asyncio loop: a load client that costs little CPU.

The benchmark client shares this machine's two cores with the server; 200 urllib threads
spent as much CPU as the server did and so inflated its latency. Here each phone is one
coroutine speaking plain HTTP/1.1 (one request per connection, like a phone's browser
opening the form, posting it and opening the page it is sent to); parsing is only what the
benchmark needs: status line, `Set-Cookie`, `Location`, `Content-Length`.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.parse
from dataclasses import dataclass, field

TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: dict[str, list[str]]
    body: bytes


@dataclass
class AsyncPhone:
    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    async def request(self, method: str, path: str, body: bytes = b"") -> Reply:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            lines = [
                f"{method} {path} HTTP/1.1",
                f"Host: {self.host}:{self.port}",
                "Connection: close",
                "User-Agent: motesplats-bench",
            ]
            if self.cookies:
                lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if body:
                lines += [
                    "Content-Type: application/x-www-form-urlencoded",
                    f"Content-Length: {len(body)}",
                ]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            headers: dict[str, list[str]] = {}
            for line in header_lines:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers.setdefault(name.strip().lower(), []).append(value.strip())
            length = int(headers.get("content-length", ["0"])[0])
            payload = await reader.readexactly(length) if length else await reader.read()
        finally:
            writer.close()
        for cookie in headers.get("set-cookie", []):
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Reply(int(status_line.split()[1]), headers, payload)

    async def open_form(self, path: str) -> None:
        reply = await self.request("GET", path)
        found = TOKEN.search(reply.body)
        if reply.status != 200 or not found:
            raise RuntimeError(f"no signup form at {path} (HTTP {reply.status})")
        self.token = found.group(1).decode()

    async def sign_up(self, path: str, name: str) -> tuple[str | None, float]:
        """Post the form; (Location of the private page, seconds until the 303 came)."""
        body = urllib.parse.urlencode(
            {
                "csrf_token": self.token,
                "name": name,
                "adults": 1,
                "children": 0,
                "phone": "",
                "consent": "yes",
            }
        ).encode()
        started = time.perf_counter()
        try:
            reply = await self.request("POST", path, body)
        except (OSError, asyncio.IncompleteReadError):
            return None, time.perf_counter() - started
        seconds = time.perf_counter() - started
        location = reply.headers.get("location", [None])[0] if reply.status == 303 else None
        return location, seconds

    async def status(self, location: str) -> str:
        """confirmed / waitlisted / error, read from the private signup page."""
        path = urllib.parse.urlsplit(location)
        target = path.path + (f"?{path.query}" if path.query else "")
        try:
            reply = await self.request("GET", target)
        except (OSError, asyncio.IncompleteReadError):
            return "error"
        if reply.status != 200:
            return "error"
        if b"banner-ok" in reply.body:
            return "confirmed"
        if b"banner-changed" in reply.body:
            return "waitlisted"
        return "error"
