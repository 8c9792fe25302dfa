"""The per-application objects: the open store, its parsed catalogue, the page cache, the clock.

Owns opening the store when the app is created (and seeding the demo week into an empty
store), closing it at exit, putting the page cache in front of the app, and handing these
objects to views through small accessors, the way flaskr's `db.py` hands out its
connection. Views never open a store themselves.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from kiosk.activities import demo
from kiosk.board.agenda import Catalogue
from kiosk.help.desk import HelpDesk
from kiosk.municipality.door_counts import DoorCounts
from kiosk.signups.book import SignupBook
from kiosk.store import Store, migrations, open_store
from kiosk.village_pc import nightly
from kiosk.volunteers.accounts import AccountBook, password_hasher
from kiosk.volunteers.audit import AuditLog
from kiosk.volunteers.editing import Editor
from kiosk.web.page_cache import PageCache
from kiosk.web.ratelimit import RateLimiter
from sync import device
from sync.engine import SyncEngine

log = logging.getLogger("motesplats")
EXTENSION = "motesplats"


@dataclass
class Services:
    store: Store
    catalogue: Catalogue
    pages: PageCache
    clock: Callable[[], datetime]
    zone: ZoneInfo
    signups: SignupBook
    signup_limit: RateLimiter
    retention: timedelta
    accounts: AccountBook
    audit: AuditLog
    editor: Editor
    sync: SyncEngine
    door_counts: DoorCounts
    help_desk: HelpDesk
    help_retention: timedelta
    help_limit: RateLimiter
    # login attempts per client (on top of the per-account lock in kiosk.volunteers.accounts)
    login_limit: RateLimiter = field(default_factory=lambda: RateLimiter(30, 600))

    def now(self) -> datetime:
        """The current time in the municipality's zone."""
        return self.clock().astimezone(self.zone)

    def purge_now(self) -> int:
        """Erase expired personal data of signups and help requests; log how many (never
        whom)."""
        erased = self.signups.purge(self.retention)
        if erased:
            log.info("erased names and phones of %d signup(s) past retention", erased)
        closed = self.help_desk.purge(self.help_retention)
        if closed:
            log.info("erased the personal data of %d closed help request(s)", closed)
        return erased + closed

    def restore(self, raw: bytes, who: str) -> Path:
        """Replace all data with a backup (StoreError if it is not one); log it; return the
        backup made of the data before."""
        kept = self.store.restore(raw)
        device.renew(self.sync.data_dir)  # the backup's change counters are not ours to reuse
        self.signups.reload()
        self.audit.record(who, "restored", "store", "all", {"kept_as": kept.name}, None)
        return kept


def _purge_hourly(services: Services) -> None:
    while True:
        time.sleep(3600)
        try:
            services.purge_now()
        except Exception:  # keep purging next hour whatever happened
            log.exception("purge failed")


def init_app(app: Flask) -> None:
    cfg = app.config
    store = cfg.get("STORE") or open_store(
        cfg["DATA_DIR"],
        backup_keep=cfg["BACKUP_KEEP"],
        backup_interval=timedelta(minutes=cfg["BACKUP_INTERVAL_MINUTES"]),
        compact_min_bytes=cfg["COMPACT_MIN_BYTES"],
        migrate=migrations.migrate,
    )
    clock = cfg.get("CLOCK") or (lambda: datetime.now(UTC))
    audit = AuditLog(Path(cfg["DATA_DIR"]), clock)
    zone = ZoneInfo(cfg["TIMEZONE"])
    pages = PageCache(
        app.wsgi_app,
        key_parts=lambda: (clock().astimezone(zone).date(), store.version),
        default_locale=lambda: default_locale_of(app),
    )
    app.wsgi_app = pages  # type: ignore[method-assign]
    services = Services(
        store,
        Catalogue(store),
        pages,
        clock,
        zone,
        SignupBook(store, clock, cfg["SECRET_KEY"].encode()),
        RateLimiter(cfg["SIGNUP_RATE_LIMIT"], 600),
        timedelta(days=cfg["SIGNUP_RETENTION_DAYS"]),
        AccountBook(store, clock, password_hasher(cfg["PASSWORD_PROFILE"])),
        audit,
        Editor(store, audit, clock),
        SyncEngine(store, Path(cfg["DATA_DIR"]), clock),
        DoorCounts(store),
        HelpDesk(store, clock),
        timedelta(days=cfg["HELP_RETENTION_DAYS"]),
        RateLimiter(cfg["SIGNUP_RATE_LIMIT"], 600),
    )
    services.editor.on_change = services.sync.local_change
    services.editor.read_only = services.sync.read_only
    services.editor.stamp = lambda doc: device.stamp(store, services.sync.device, doc)
    services.editor.keys_in_use = lambda activity_id: (
        services.signups.recurrence_ids(activity_id)
        | services.door_counts.recurrence_ids(activity_id)
    )
    services.editor.on_moved = lambda activity_id, moves: (
        services.signups.move(activity_id, moves),
        services.door_counts.move(activity_id, moves),
    )
    app.extensions[EXTENSION] = services
    if cfg["DEMO_ON_EMPTY"] and migrations.holds_no_data(store):
        count = demo.load(store, services.now())
        log.info("the store was empty: loaded the demo week (%d activities)", count)
    if "STORE" not in cfg:
        atexit.register(store.close)
    services.purge_now()
    if not cfg.get("TESTING"):
        threading.Thread(target=_purge_hourly, args=(services,), daemon=True, name="purge").start()
        services.sync.start(cfg["SYNC_INTERVAL_SECONDS"])
        nightly.start(
            store,
            Path(cfg["DATA_DIR"]),
            clock,
            zone,
            cfg["NIGHTLY_BACKUP_HOUR"],
            cfg["NIGHTLY_BACKUP_KEEP"],
            Path(cfg["BACKUP_COPY_DIR"]) if cfg["BACKUP_COPY_DIR"] else None,
        )

    @app.context_processor
    def common_context() -> dict[str, object]:
        changed = store.last_change
        return {
            "site": services.catalogue.snapshot().site,
            "now": services.now(),
            "last_change": changed.astimezone(zone) if changed else None,
        }


def default_locale_of(app: Flask) -> str:
    """The meeting place's default language: set by an admin, else the DEFAULT_LOCALE setting."""
    services = app.extensions.get(EXTENSION)
    chosen = services.catalogue.snapshot().site.default_locale if services else ""
    return chosen or app.config["DEFAULT_LOCALE"]


def get() -> Services:
    """The services of the app handling the current request."""
    return current_app.extensions[EXTENSION]


def get_for(app: Flask) -> Services:
    return app.extensions[EXTENSION]
