"""Every setting of Mötesplats, declared once.

Owns the table of settings (name, type, default, environment variable, help text). The
command line (`motesplats serve --help`), the README's configuration section and
`create_app` all read this one table; nothing else invents a setting. Precedence, lowest
first: default, environment variable, command-line flag or test override.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.volunteers.accounts import PRODUCTION_PROFILE
from kiosk.volunteers.accounts import PROFILES as PASSWORD_PROFILES
from kiosk.web.proxies import parse_networks


def _parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a yes/no value: {text!r}")


def _parse_timezone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone: {text!r}") from exc
    return text


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(f"must be 1 or more: {text!r}")
    return value


def _networks(text: str) -> str:
    """Addresses or networks, comma-separated: checked by the parser that will read them
    (`kiosk.web.proxies.parse_networks`; a ValueError names the bad one), kept as text."""
    parse_networks(text)
    return text


def _password_profile(text: str) -> str:
    if text not in PASSWORD_PROFILES:
        raise ValueError(f"one of {', '.join(PASSWORD_PROFILES)}: {text!r}")
    return text


@dataclass(frozen=True)
class Setting:
    """One configuration option: its key, how to parse it, its default and its help text."""

    key: str
    parse: Callable[[str], Any]
    default: Any
    help: str
    flag: str | None = None  # command-line flag of `motesplats serve`, if any

    @property
    def env(self) -> str:
        return f"MOTESPLATS_{self.key}"


SETTINGS: tuple[Setting, ...] = (
    Setting("HOST", str, "0.0.0.0", "Address to listen on (0.0.0.0 = every network).", "--host"),
    Setting("PORT", _positive_int, 8080, "TCP port of the board.", "--port"),
    Setting("THREADS", _positive_int, 8, "Waitress worker threads.", "--threads"),
    Setting(
        "CONNECTION_LIMIT",
        _positive_int,
        400,
        "Most open connections from phones and other computers (a hall full of phones after "
        "an information evening). The kiosk's own browser on this PC always gets in besides.",
    ),
    Setting(
        "CONNECTIONS_PER_CLIENT",
        _positive_int,
        24,
        "Most open connections one address may hold (a phone opens about 6); more are closed "
        "at once, so one device cannot take the others' share.",
    ),
    Setting(
        "REQUEST_SECONDS",
        _positive_int,
        30,
        "A request must arrive whole (headers and body) within this many seconds of its "
        "first byte, however slowly it trickles (one header line every 10 s is cut off).",
    ),
    Setting(
        "LONG_POLL_SECONDS",
        _positive_int,
        25,
        "How long an open board's question for news (/api/board-version?since=) may wait "
        "for a change before it is answered that nothing changed.",
    ),
    Setting(
        "LONG_POLL_WAITERS",
        int,
        0,
        "Most boards waiting for news at once (each holds a worker thread); 0 = a quarter "
        "of THREADS. Boards beyond it (and a client's third) ask again every 30 s instead.",
    ),
    Setting(
        "DATA_DIR", str, "data", "Folder for the data file, journal and backups.", "--data-dir"
    ),
    Setting(
        "PUBLIC_URL",
        str,
        "",
        "Base URL phones use to reach this server (e.g. http://motesplats.local:8080); "
        "empty = taken from each request.",
        "--public-url",
    ),
    Setting("TIMEZONE", _parse_timezone, "Europe/Stockholm", "The municipality's time zone."),
    Setting(
        "MDNS_NAME",
        str,
        "motesplats",
        "Name announced on the hall's network over mDNS (<name>.local); empty: none. Only "
        "when serving on every network or a LAN address, never on loopback.",
        "--mdns-name",
    ),
    Setting("DEFAULT_LOCALE", str, "sv", "Language shown when the visitor has not chosen one."),
    Setting("DEMO_ON_EMPTY", _parse_bool, True, "Load the demo week when the store is empty."),
    Setting("BACKUP_KEEP", _positive_int, 14, "How many rolling backups to keep."),
    Setting(
        "BACKUP_INTERVAL_MINUTES",
        _positive_int,
        60,
        "Least time between two automatic backups (one is also made at every start).",
    ),
    Setting(
        "HELP_RETENTION_DAYS",
        _positive_int,
        14,
        "Days after a help request is marked handled before its name, phone and text are erased.",
    ),
    Setting(
        "NIGHTLY_BACKUP_HOUR",
        int,
        3,
        "Local hour after which the nightly backup is made (into data/nightly/).",
    ),
    Setting("NIGHTLY_BACKUP_KEEP", _positive_int, 14, "How many nightly backups to keep."),
    Setting(
        "BACKUP_COPY_DIR",
        str,
        "",
        "A folder (a USB stick's mount point) that also gets each nightly backup; empty: none.",
    ),
    Setting(
        "COMPACT_MIN_BYTES",
        _positive_int,
        4 * 1024 * 1024,
        "Journal size that triggers rewriting the data file (at least the data file's size).",
    ),
    Setting(
        "KIOSK_IDLE_SECONDS",
        _positive_int,
        90,
        "On the kiosk, return to the home board in the default language after this long "
        "without a touch.",
    ),
    Setting(
        "KIOSK_RECEIPT_SECONDS",
        _positive_int,
        30,
        "On the kiosk, a signup confirmation (with its private cancel link) is cleared from "
        "the screen after this long, so the next person cannot see or cancel it.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        _networks,
        "",
        "Reverse proxies in front of the board (addresses or networks, comma-separated, e.g. "
        "127.0.0.1): their X-Forwarded-For names the client. Empty: forwarded headers are "
        "ignored. Behind a proxy on the same PC, set it, or every visitor counts as the kiosk.",
    ),
    Setting(
        "SESSION_HOURS",
        _positive_int,
        12,
        "A volunteer's login ends after this many hours (and when the browser is closed).",
    ),
    Setting(
        "SYNC_INTERVAL_SECONDS",
        _positive_int,
        300,
        "How often the central calendars are synced (a local edit syncs at once).",
    ),
    Setting(
        "SYNC_STALE_HOURS",
        _positive_int,
        24,
        "The board says the calendar may be out of date when the last successful sync is "
        "older than this.",
    ),
    Setting(
        "SIGNUP_RETENTION_DAYS",
        _positive_int,
        30,
        "Days after an occurrence when signups' names and phones are erased (counts stay).",
    ),
    Setting(
        "SIGNUP_MAX_PEOPLE", _positive_int, 10, "Most people (adults + children) in one signup."
    ),
    Setting(
        "SIGNUP_RATE_LIMIT",
        _positive_int,
        10,
        "Signups one phone (IP address) may send in 10 minutes; the kiosk itself is exempt.",
    ),
    Setting(
        "ORGANISER_PIN",
        str,
        "",
        "PIN that opens the signup lists for organisers (empty = lists closed).",
    ),
    Setting(
        "PASSWORD_PROFILE",
        _password_profile,
        PRODUCTION_PROFILE,
        "Cost of the volunteers' password hashes: one of argon2-cffi's profiles "
        "(RFC_9106_LOW_MEMORY; RFC_9106_HIGH_MEMORY is slower; CHEAPEST only for tests).",
    ),
    Setting("MAX_BODY_BYTES", _positive_int, 1024 * 1024, "Largest request body accepted."),
    Setting(
        "RESTORE_MAX_BYTES",
        _positive_int,
        16 * 1024 * 1024,
        "Largest backup file an admin may upload to restore (only that form accepts it; a "
        "village's backup is 1-2 MB). The server reads no larger body from anyone.",
    ),
    Setting(
        "SMS_TRANSPORT",
        str,
        "",
        "How text messages leave: `gammu` (Gammu's SMS daemon and a USB modem, no internet), "
        "`http` (the municipality's SMS provider) or empty (no messages).",
    ),
    Setting(
        "SMS_GAMMU_CONFIG",
        str,
        "/etc/gammu-smsdrc",
        "The gammu-smsd configuration (files service); its outbox, sent, error and inbox "
        "folders are read from it.",
    ),
    Setting("SMS_HTTP_URL", str, "", "The SMS provider's send address (46elks-style form POST)."),
    Setting("SMS_HTTP_USER", str, "", "The SMS provider's API user (HTTP Basic)."),
    Setting("SMS_HTTP_PASSWORD", str, "", "The SMS provider's API password (HTTP Basic)."),
    Setting("SMS_HTTP_FROM", str, "Motesplats", "Sender name or number shown on the phone."),
    Setting(
        "SMS_QUIET_HOURS",
        str,
        "21-08",
        "Local hours when no message is sent (from-to, e.g. 21-08); they wait until morning.",
    ),
    Setting("SMS_DAILY_CAP", _positive_int, 300, "Most text messages sent in one local day."),
    Setting(
        "PUSH",
        str,
        "auto",
        "Web Push from the private page: on, off, or auto (on when PUBLIC_URL is https).",
    ),
    Setting(
        "PUSH_SUBJECT",
        str,
        "",
        "Contact the push services may write to (mailto: or https:); default PUBLIC_URL.",
    ),
    Setting(
        "PUSH_SERVICES",
        str,
        "",
        "Push services a browser may subscribe through (host names, *.suffix or whole"
        " origins, comma-separated); empty = Google, Mozilla, Microsoft and Apple's.",
    ),
    Setting("LOG_LEVEL", str, "INFO", "DEBUG, INFO, WARNING or ERROR.", "--log-level"),
)

BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names the setting."""


def resolve(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Return every setting's value: defaults, then environment, then `overrides`.

    Overrides may also carry keys that are not settings (Flask's own, tests' helpers);
    they are passed through unchanged.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = setting.default
        if setting.env in environ:
            try:
                value = setting.parse(environ[setting.env])
            except ValueError as exc:
                raise ConfigError(f"{setting.env}: {exc}") from exc
        values[setting.key] = value
    for key, value in (overrides or {}).items():
        if key in BY_KEY and isinstance(value, str) and BY_KEY[key].parse is not str:
            try:
                value = BY_KEY[key].parse(value)
            except ValueError as exc:
                raise ConfigError(f"{key}: {exc}") from exc
        values[key] = value
    values["DATA_DIR"] = str(Path(values["DATA_DIR"]).expanduser().resolve())
    return values


def markdown_table() -> str:
    """The configuration table as Markdown, for the README."""
    rows = [
        "| Setting | Environment variable | Flag | Default | What it does |",
        "|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        rows.append(f"| {s.key} | `{s.env}` | {s.flag or ''} | `{s.default}` | {s.help} |")
    return "\n".join(rows)


README_START = "<!-- settings table: generated by `python -m kiosk.config --readme` -->"
README_END = "<!-- end of settings table -->"


def update_readme(path: Path) -> bool:
    """Rewrite the settings table in the README; True if it changed."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END)
    new = text[: start + len(README_START)] + "\n" + markdown_table() + "\n" + text[end:]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--readme"]:
        readme = Path(__file__).resolve().parent.parent / "README.md"
        print("README updated" if update_readme(readme) else "README already current")
    else:
        print(markdown_table())
