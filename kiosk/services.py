"""The composition root: every per-application object, built once, by keyword, and handed
to views.

Owns building the services from the settings (`build`: the store opened from settings,
the activity book that alone writes activities, the editor given its hooks, the signup
book, the sync engine, the background jobs, the reviewed interface strings, the board's
long poll woken by the store's change hook), installing
them on the app (`init_app`: the page cache in front of the app, the demo week into an
empty store, the jobs started and stopped at exit) and the small accessors views use, the
way flaskr's `db.py` hands out its connection. Views never open a store or build a
service themselves.
"""

from __future__ import annotations

import atexit
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from kiosk.activities import demo
from kiosk.activities.book import ActivityBook
from kiosk.api.feeds import EventParts
from kiosk.board.agenda import Catalogue
from kiosk.board.live import BoardWatch, default_waiters
from kiosk.help.desk import TABLE as HELP_TABLE
from kiosk.help.desk import HelpDesk
from kiosk.jobs import Job, Jobs
from kiosk.messaging import open_transport
from kiosk.messaging.notifier import Notifier
from kiosk.messaging.outbox import MessageOutbox, quiet_hours
from kiosk.messaging.sender import INTERVAL as SMS_INTERVAL
from kiosk.messaging.sender import Sender
from kiosk.messaging.web_push import from_settings as web_push_from_settings
from kiosk.messaging.web_push import public_key, services_from_setting
from kiosk.municipality.demo_counts import demo_door_counts
from kiosk.municipality.door_counts import DoorCounts
from kiosk.signups.book import TABLE as SIGNUPS_TABLE
from kiosk.signups.book import Signup, SignupBook
from kiosk.store import Store, migrations
from kiosk.store.opening import open_from_settings, secret_key
from kiosk.translating.ui_strings import UiStrings
from kiosk.village_pc import nightly
from kiosk.volunteers.accounts import AccountBook, password_hasher
from kiosk.volunteers.audit import AuditLog
from kiosk.volunteers.editing import Editor
from kiosk.web.built_bytes import BuiltCache
from kiosk.web.page_cache import PageCache
from kiosk.web.public_url import base_url_from_settings
from kiosk.web.ratelimit import RateLimiter
from sync import device
from sync.engine import SyncEngine

log = logging.getLogger("motesplats")
EXTENSION = "motesplats"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"  # flask-babel's too


@dataclass
class Services:
    store: Store
    catalogue: Catalogue
    clock: Callable[[], datetime]
    zone: ZoneInfo
    signups: SignupBook
    signup_limit: RateLimiter
    party_limit: RateLimiter  # people one phone signs up to one date (or course) in a day
    retention: timedelta
    accounts: AccountBook
    audit: AuditLog
    editor: Editor
    sync: SyncEngine
    door_counts: DoorCounts
    help_desk: HelpDesk
    help_retention: timedelta
    backup_folders: tuple[Path, ...]  # besides the store's own: the nightly copies
    help_limit: RateLimiter
    activities: ActivityBook
    jobs: Jobs
    ui_strings: UiStrings
    board_watch: BoardWatch  # open boards waiting for news (woken by the store's writes)
    sms_outbox: MessageOutbox
    notifier: Notifier
    sms: Sender
    push_key: str  # the VAPID public key browsers subscribe with; "" when Web Push is off
    push_services: tuple[str, ...]
    pages: PageCache | None = None
    answers: BuiltCache = field(default_factory=BuiltCache)  # feeds and API answers as bytes
    event_parts: EventParts = field(default_factory=EventParts)  # the feeds' VEVENTs
    app: Flask | None = None  # set by init_app: text messages are composed in its context
    # login attempts per client (on top of the per-account lock in kiosk.volunteers.accounts)
    login_limit: RateLimiter = field(default_factory=lambda: RateLimiter(30, 600))

    def now(self) -> datetime:
        """The current time in the municipality's zone."""
        return self.clock().astimezone(self.zone)

    def purge_now(self) -> int:
        """Erase expired personal data of signups and help requests, in the data file and in
        every backup (rolling, nightly, the USB copy), so none keeps it past its retention;
        log how many (never whom)."""
        erased = self.signups.purge(self.retention)
        if erased:
            log.info("erased names and phones of %d signup(s) past retention", erased)
        self.sms_outbox.purge(self.retention)
        closed = self.help_desk.purge(self.help_retention)
        if closed:
            log.info("erased the personal data of %d closed help request(s)", closed)
        if erased or closed:
            rewritten = self.store.scrub_backups(
                SIGNUPS_TABLE,
                lambda docs: self.signups.expired(docs, self.retention),
                self.backup_folders,
            ) + self.store.scrub_backups(
                HELP_TABLE,
                lambda docs: self.help_desk.expired(docs, self.help_retention),
                self.backup_folders,
            )
            log.info("rewrote %d backup file(s) without the erased data", rewritten)
        return erased + closed

    def _tell(self, queue: Callable[[], int]) -> None:
        """Queue text messages (`queue()` returns how many) and wake the sender. Composed in
        the app's context, whichever thread asks (a request, the sync). A failure is logged:
        a missed message must not undo the save or signup that caused it."""
        if not self.sms.active or self.app is None:
            return
        try:
            with self.app.app_context():
                queued = queue()
        except Exception:
            log.exception("could not queue text messages")
            return
        if queued:
            self.sms.wake()

    def tell_promoted(self, promoted: list[Signup]) -> None:
        """Queue "you have a place" for parties a cancellation promoted (before answering)."""
        self._tell(lambda: self.notifier.promoted(promoted))

    def tell_signed_up(self, signup: Signup) -> None:
        self._tell(lambda: int(self.notifier.signed_up(signup)))

    def tell_decided(self, signup: Signup) -> None:
        """An organiser approved or declined a signup: tell the person, in their language."""
        self._tell(lambda: int(self.notifier.decided(signup)))

    def tell_changed(self, before: dict | None, after: dict | None) -> None:
        """An activity was saved (by a volunteer, or by the sync from a central calendar):
        tell those on occurrences it cancelled or moved."""
        self._tell(lambda: self.notifier.occurrences_changed(before, after))

    def restore(self, raw: bytes, who: str) -> Path:
        """Replace all data with a backup (StoreError if it is not one); log it; return the
        backup made of the data before."""
        kept = self.store.restore(raw)
        device.renew(self.sync.data_dir)  # the backup's change counters are not ours to reuse
        self.signups.reload()
        self.audit.record(who, "restored", "store", "all", {"kept_as": kept.name}, None)
        return kept


def build(
    settings: Mapping[str, Any],
    *,
    store: Store | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Services:
    """Every service of one meeting place, from the settings table (`kiosk.config`).

    `store` and `clock` are for tests (an open store, a fixed clock); by default the store
    is opened from the settings and the clock is the real one."""
    store = store or open_from_settings(settings)
    clock = clock or (lambda: datetime.now(UTC))
    data_dir = Path(settings["DATA_DIR"])
    audit = AuditLog(data_dir, clock)
    activities = ActivityBook(
        store, audit, clock, stamp=lambda doc: device.stamp(store, sync.device, doc)
    )
    sync = SyncEngine(store, data_dir, clock, book=activities)
    secret = settings.get("SECRET_KEY") or secret_key(data_dir)
    signups = SignupBook(store, clock, secret.encode(), capacity_of=activities.capacity)
    door_counts = DoorCounts(store)
    editor = Editor(
        store,
        audit,
        clock,
        book=activities,
        on_change=sync.local_change,
        read_only=sync.read_only,
        keys_in_use=lambda activity_id: (
            signups.recurrence_ids(activity_id) | door_counts.recurrence_ids(activity_id)
        ),
        on_moved=lambda activity_id, moves: (
            signups.move(activity_id, moves),
            door_counts.move(activity_id, moves),
        ),
    )
    zone = ZoneInfo(settings["TIMEZONE"])
    catalogue = Catalogue(store, zone)
    sms_outbox = MessageOutbox(store, clock, zone, secret.encode())
    push = web_push_from_settings(settings)
    notifier = Notifier(
        sms_outbox, signups, catalogue, clock, zone, lambda: base_url_from_settings(settings)
    )
    services = Services(
        store=store,
        catalogue=catalogue,
        clock=clock,
        zone=zone,
        signups=signups,
        signup_limit=RateLimiter(settings["SIGNUP_RATE_LIMIT"], 600),
        party_limit=RateLimiter(settings["SIGNUP_MAX_PEOPLE"], 86400),
        retention=timedelta(days=settings["SIGNUP_RETENTION_DAYS"]),
        accounts=AccountBook(store, clock, password_hasher(settings["PASSWORD_PROFILE"])),
        audit=audit,
        editor=editor,
        sync=sync,
        door_counts=door_counts,
        help_desk=HelpDesk(store, clock),
        help_retention=timedelta(days=settings["HELP_RETENTION_DAYS"]),
        backup_folders=tuple(
            Path(p)
            for p in (
                Path(settings["DATA_DIR"]) / nightly.FOLDER,
                settings["BACKUP_COPY_DIR"],
            )
            if p
        ),
        help_limit=RateLimiter(settings["SIGNUP_RATE_LIMIT"], 600),
        activities=activities,
        jobs=Jobs(),
        ui_strings=UiStrings(store, clock, TRANSLATIONS_DIR, audit),
        board_watch=BoardWatch(
            settings["LONG_POLL_SECONDS"],
            settings["LONG_POLL_WAITERS"] or default_waiters(settings["THREADS"]),
        ),
        sms_outbox=sms_outbox,
        notifier=notifier,
        sms=Sender(
            sms_outbox,
            notifier,
            open_transport(settings),
            clock,
            quiet=quiet_hours(settings["SMS_QUIET_HOURS"]),
            daily_cap=settings["SMS_DAILY_CAP"],
            push=push,
        ),
        push_key=public_key(push.vapid) if push else "",
        push_services=services_from_setting(settings["PUSH_SERVICES"]),
    )
    activities.after_save.append(services.tell_changed)  # a volunteer's save or a calendar's
    store.on_change(services.board_watch.changed)
    _add_jobs(services, settings)
    return services


def _add_jobs(services: Services, settings: Mapping[str, Any]) -> None:
    """The background jobs of a running server (`kiosk.jobs` runs them)."""
    data_dir = Path(settings["DATA_DIR"])
    copy_dir = Path(settings["BACKUP_COPY_DIR"]) if settings["BACKUP_COPY_DIR"] else None
    interval = float(settings["SYNC_INTERVAL_SECONDS"])
    jobs = services.jobs
    jobs.add(Job("purge", services.purge_now, lambda: 3600.0, run_at_start=False))
    jobs.add(
        Job(
            "nightly-backup",
            lambda: nightly.run_if_due(
                services.store,
                data_dir,
                services.now(),
                settings["NIGHTLY_BACKUP_HOUR"],
                settings["NIGHTLY_BACKUP_KEEP"],
                copy_dir,
            ),
            lambda: 600.0,
        )
    )
    jobs.add(
        Job(
            "sync",
            services.sync.cycle,
            lambda: services.sync.next_wait(interval, jitter=True),
            wake=services.sync.wake_event,
        )
    )


def _add_sms_job(app: Flask, services: Services) -> None:
    """Text messages: composing needs the app's translations, so the job runs in its context."""

    def cycle() -> None:
        with app.app_context():
            services.sms.cycle()

    if services.sms.active:
        services._tell(services.notifier.catch_up)  # promotions a crash left untold
        services.jobs.add(Job("sms", cycle, lambda: SMS_INTERVAL, wake=services.sms.wake_event))


def init_app(app: Flask) -> None:
    cfg = app.config
    services = build(cfg, store=cfg.get("STORE"), clock=cfg.get("CLOCK"))
    services.app = app
    store, zone, clock = services.store, services.zone, services.clock
    services.pages = PageCache(
        app.wsgi_app,
        key_parts=lambda: (clock().astimezone(zone).date(), store.version),
        default_locale=lambda: default_locale_of(app),
    )
    app.wsgi_app = services.pages  # type: ignore[method-assign]
    app.extensions[EXTENSION] = services
    if cfg["DEMO_ON_EMPTY"] and migrations.holds_no_data(store):
        count = demo.load(services.activities, services.now())
        demo_dates = services.catalogue.snapshot().activities.values()
        services.door_counts.set_many(demo_door_counts(demo_dates, services.now()))
        log.info("the store was empty: loaded the demo week (%d activities)", count)
    if "STORE" not in cfg:
        atexit.register(store.close)
    services.purge_now()
    _add_sms_job(app, services)
    if not cfg.get("TESTING") or cfg.get("START_JOBS"):
        services.jobs.start()
        atexit.register(services.jobs.stop, 2.0)

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
