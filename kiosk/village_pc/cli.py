"""The `motesplats` command: serve the board, load the demo week, make a backup.

Owns the command line. `serve`'s flags and its help come from the settings table in
`kiosk.config`; every message here is for a volunteer at a terminal, so errors say what to
do, not a traceback.
"""

from __future__ import annotations

import _thread
import logging
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from kiosk import config

log = logging.getLogger("motesplats")


def setup_logging(level: str) -> None:
    from kiosk.web import request_log

    request_log.setup(level)  # key=value lines with a request id, to stderr (journald)
    # waitress notes every queued request at WARNING; under a burst of phones that floods
    # the journal while nothing is wrong.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def _settings_epilog() -> str:
    lines = ["Every setting can also be given as an environment variable:\n"]
    for s in config.SETTINGS:
        lines.append(f"  {s.env} (default {s.default!r}): {s.help}")
    return "\n\b\n" + "\n".join(lines)


def _flag_options(func: Any) -> Any:
    for setting in reversed([s for s in config.SETTINGS if s.flag]):
        func = click.option(
            setting.flag,
            setting.key.lower(),
            default=None,
            help=f"{setting.help} [env {setting.env}; default {setting.default}]",
        )(func)
    return func


def _overrides(values: dict[str, Any]) -> dict[str, Any]:
    return {key.upper(): value for key, value in values.items() if value is not None}


def _resolve_or_exit(overrides: dict[str, Any]) -> dict[str, Any]:
    try:
        return config.resolve(overrides)
    except config.ConfigError as exc:
        raise click.UsageError(str(exc)) from exc


@click.group(help="Mötesplats: the activity board of the village meeting place.")
def main() -> None:
    pass


@main.command(epilog=_settings_epilog())
@_flag_options
def serve(**flags: Any) -> None:
    """Serve the board with waitress (loads the demo week into an empty store)."""
    from kiosk import collector, create_app
    from kiosk.store import StoreError
    from kiosk.village_pc import systemd
    from kiosk.village_pc.http_server import serve as waitress_serve
    from kiosk.village_pc.starting import StartingApp

    settings = _resolve_or_exit(_overrides(flags))
    setup_logging(settings["LOG_LEVEL"])
    shown = "localhost" if settings["HOST"] in ("0.0.0.0", "::") else settings["HOST"]
    # The socket listens first and says "starting" while the data is opened (seconds for a
    # large store), so the kiosk's browser never meets "connection refused".
    starting = StartingApp()
    announcement: list[Any] = []

    def open_app() -> None:
        try:
            app = create_app(settings)
            _warm_up(app)
            collector.freeze()  # what was loaded lives as long as the server
            starting.ready(app)
        except BaseException as exc:  # reported by the command below, not as a traceback
            starting.error = exc
            _thread.interrupt_main()
            return
        log.info(
            "Mötesplats is serving on http://%s:%d/ (data in %s)",
            shown,
            settings["PORT"],
            settings["DATA_DIR"],
        )
        announcement.append(_announce(settings))
        systemd.notify("READY=1\nSTATUS=Serving the board")

    try:
        waitress_serve(
            starting,
            on_ready=lambda: threading.Thread(
                target=open_app, name="open-data", daemon=True
            ).start(),
            host=settings["HOST"],
            port=settings["PORT"],
            threads=settings["THREADS"],
            ident="motesplats",
            # the restore form may send a backup; Flask holds every other view to MAX_BODY_BYTES
            max_request_body_size=max(settings["MAX_BODY_BYTES"], settings["RESTORE_MAX_BYTES"]),
            # forwarded headers reach the app only when it is told whom to trust
            # (kiosk.web.proxies judges them); otherwise waitress drops them
            clear_untrusted_proxy_headers=not settings["TRUSTED_PROXIES"],
            channel_timeout=30,
            # read on while a request is worked on, so a client that hangs up is noticed
            # (`waitress.client_disconnected`) and a feed built only for it is given up
            channel_request_lookahead=1,
            connection_limit=settings["CONNECTION_LIMIT"],
            per_client=settings["CONNECTIONS_PER_CLIENT"],
            request_seconds=settings["REQUEST_SECONDS"],
        )
    except OSError as exc:
        raise click.ClickException(
            f"could not listen on {settings['HOST']}:{settings['PORT']}: {exc.strerror}. "
            "Is another Mötesplats already running? Choose another port with --port."
        ) from exc
    except KeyboardInterrupt:
        if starting.error is None:
            raise
    finally:
        for announced in announcement:
            if announced is not None:
                announced.close()
    if isinstance(starting.error, StoreError):
        raise click.ClickException(str(starting.error)) from starting.error
    if starting.error is not None:
        raise starting.error


def _warm_up(app: Any) -> None:
    """Parse the catalogue before the first visitor (what the board needs). A document it
    cannot read is logged here and answered as before on the pages that show it; it never
    keeps the server from starting."""
    from kiosk import services

    try:
        services.get_for(app).catalogue.snapshot()
    except Exception:
        log.exception("could not read every activity at start; the pages that show it will say so")


def _announce(settings: dict[str, Any]) -> Any:
    """`<MDNS_NAME>.local` for phones, unless the board listens on loopback only."""
    from ipaddress import ip_address

    from kiosk.village_pc import lan_name

    host = settings["HOST"]
    if host in ("0.0.0.0", "::", ""):
        return lan_name.announce(settings["MDNS_NAME"], settings["PORT"])
    try:
        if ip_address(host).is_loopback:
            return None
    except ValueError:
        return None  # a host name: the network already knows it
    return lan_name.announce(settings["MDNS_NAME"], settings["PORT"], [host])


@main.command()
@click.option("--data-dir", default=None, help="Data folder [env MOTESPLATS_DATA_DIR].")
def demo(data_dir: str | None) -> None:
    """Load (or refresh) the demo week. Never touches activities you created."""
    from kiosk import services
    from kiosk.activities import demo as demo_data
    from kiosk.store import StoreError
    from kiosk.store.opening import open_from_settings

    settings = _resolve_or_exit(_overrides({"data_dir": data_dir}))
    setup_logging(settings["LOG_LEVEL"])
    try:
        store = open_from_settings(settings)
    except StoreError as exc:
        raise click.ClickException(f"{exc}. Stop the server first, then run this again.") from exc
    try:
        now = datetime.now(UTC).astimezone(ZoneInfo(settings["TIMEZONE"]))
        count = demo_data.load(services.build(settings, store=store).activities, now)
    finally:
        store.close()
    click.echo(f"Loaded the demo week: {count} activities into {settings['DATA_DIR']}")


@main.command()
@click.option("--data-dir", default=None, help="Data folder [env MOTESPLATS_DATA_DIR].")
def backup(data_dir: str | None) -> None:
    """Write a backup of everything into the data folder's backups/."""
    from kiosk.store import StoreError
    from kiosk.store.opening import open_from_settings

    settings = _resolve_or_exit(_overrides({"data_dir": data_dir}))
    try:
        store = open_from_settings(settings)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        click.echo(f"Backup written: {store.backup()}")
    finally:
        store.close()


@main.command()
@click.option("--data-dir", default=None, help="Data folder [env MOTESPLATS_DATA_DIR].")
@click.option("--port", default=None, type=int, help="Port [env MOTESPLATS_PORT].")
@click.option("--min-free-mb", default=500, show_default=True, help="Disk space to want free.")
@click.option(
    "--reference-url",
    default=None,
    help="A web server whose clock to compare with (default: the first central calendar).",
)
def doctor(
    data_dir: str | None, port: int | None, min_free_mb: int, reference_url: str | None
) -> None:
    """Check what commonly goes wrong and say what to do about it."""
    from kiosk.village_pc import doctor as checks

    settings = _resolve_or_exit(_overrides({"data_dir": data_dir, "port": port}))
    findings = checks.run(settings, min_free_mb, reference_url)
    for finding in findings:
        click.echo(finding.line())
    problems = sum(not f.ok for f in findings)
    click.echo(f"\n{problems} problem(s) found." if problems else "\nEverything looks fine.")
    sys.exit(1 if problems else 0)


@main.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data-dir", default=None, help="Data folder [env MOTESPLATS_DATA_DIR].")
def restore(backup_file: Path, data_dir: str | None) -> None:
    """Replace the data with a backup (the current data is backed up first)."""
    from kiosk.store import StoreError
    from kiosk.store.opening import open_from_settings

    settings = _resolve_or_exit(_overrides({"data_dir": data_dir}))
    try:
        store = open_from_settings(settings)
    except StoreError as exc:
        raise click.ClickException(f"{exc}. Stop the server first, then run this again.") from exc
    try:
        raw = backup_file.read_bytes()
        counts = store.inspect_backup(raw)
        kept = store.restore(raw)
    except StoreError as exc:
        raise click.ClickException(f"{exc}. Nothing was changed.") from exc
    finally:
        store.close()
    summary = ", ".join(f"{n} {table}" for table, n in sorted(counts.items()))
    click.echo(f"Restored {backup_file.name}: {summary}. The data before is kept in {kept}.")


@main.command()
@click.option("--data-dir", default=None, help="Data folder [env MOTESPLATS_DATA_DIR].")
@click.option("--dry-run", is_flag=True, help="Try it on a copy; change nothing.")
def migrate(data_dir: str | None, dry_run: bool) -> None:
    """Bring the data up to this version's schema (the server does this when it starts)."""
    import shutil
    import tempfile

    from kiosk.store import StoreError, StoreLocked, migrations
    from kiosk.store.opening import open_from_settings

    settings = _resolve_or_exit(_overrides({"data_dir": data_dir}))
    folder = Path(settings["DATA_DIR"])
    with tempfile.TemporaryDirectory(prefix="motesplats-migrate-") as scratch:
        if dry_run:
            copy = Path(scratch) / "data"
            shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("motesplats.lock"))
            folder = copy
        found: list[int] = []
        try:
            open_from_settings(
                {**settings, "DATA_DIR": folder}, before_migrating=found.append
            ).close()
        except StoreLocked as exc:
            raise click.ClickException(f"{exc}. Stop the server first, or use --dry-run.") from exc
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        version = found[0]
    done = "would be migrated" if dry_run else "migrated"
    if version == migrations.SCHEMA_VERSION:
        click.echo(f"The data is at schema {version} already; nothing to do.")
    else:
        click.echo(f"The data {done}: schema {version} → {migrations.SCHEMA_VERSION}.")


@main.command("create-admin")
@click.option("--username", prompt="Username (a-z, 0-9, . _ -)", help="Login name.")
@click.option("--name", "display_name", default="", help="Name shown in the change log.")
@click.option("--data-dir", default=None, help="Data folder [env MOTESPLATS_DATA_DIR].")
@click.password_option(prompt="Password (at least 10 characters)")
def create_admin(username: str, display_name: str, data_dir: str | None, password: str) -> None:
    """Create an admin account (run it while the server is stopped)."""
    from kiosk.store import StoreError
    from kiosk.store.opening import open_from_settings
    from kiosk.volunteers.accounts import AccountBook, AccountError, password_hasher
    from kiosk.volunteers.audit import AuditLog

    settings = _resolve_or_exit(_overrides({"data_dir": data_dir}))
    try:
        store = open_from_settings(settings)
    except StoreError as exc:
        raise click.ClickException(f"{exc}. Stop the server first, then run this again.") from exc
    reasons = {
        "password_short": "the password needs at least 10 characters",
        "password_long": "the password is too long",
        "username_invalid": "use 2-40 characters: a-z, 0-9, dot, - and _",
        "username_taken": "that username exists already",
    }
    try:
        clock = lambda: datetime.now(UTC)  # noqa: E731
        hasher = password_hasher(settings["PASSWORD_PROFILE"])
        account = AccountBook(store, clock, hasher).create(
            username, password, "admin", display_name or username
        )
        AuditLog(Path(settings["DATA_DIR"]), clock).record(
            "create-admin", "created", "accounts", account.id, None, account.to_doc()
        )
    except AccountError as exc:
        raise click.ClickException(reasons.get(exc.code, exc.code)) from exc
    finally:
        store.close()
    click.echo(f"Admin {account.id} created. Log in at /admin/login")


@main.command("sync")
@click.option("--data-dir", default=None, help="Data folder [env MOTESPLATS_DATA_DIR].")
@click.option(
    "--port", default=None, type=int, help="Port of a running server [env MOTESPLATS_PORT]."
)
def sync_once(data_dir: str | None, port: int | None) -> None:
    """Sync with the central calendars once (asks the running server if there is one)."""
    import json
    import urllib.request

    from kiosk import services
    from kiosk.store import StoreLocked
    from kiosk.store.opening import open_from_settings

    settings = _resolve_or_exit(_overrides({"data_dir": data_dir, "port": port}))
    setup_logging(settings["LOG_LEVEL"])
    try:
        store = open_from_settings(settings)
    except StoreLocked:
        url = f"http://127.0.0.1:{settings['PORT']}/api/sync-now"
        request = urllib.request.Request(url, method="POST", data=b"")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                answer = json.load(response)
        except OSError as exc:
            raise click.ClickException(
                f"the server holds the data folder but {url}: {exc}"
            ) from exc
        click.echo(f"The running server syncs now ({answer.get('sources', 0)} calendars).")
        return
    try:
        reports = services.build(settings, store=store).sync.run_once()
    finally:
        store.close()
    for report in reports:
        line = (
            f"{report.source_id}: {report.received} in, {report.deleted} deleted, "
            f"{report.pushed} out, {report.conflicts} conflicts"
        )
        click.echo(line + ("" if report.ok else f" — ERROR {report.error}"))
    if not reports:
        click.echo("No calendars to sync (add one on /admin/sync).")
    if any(not r.ok for r in reports):
        sys.exit(1)
