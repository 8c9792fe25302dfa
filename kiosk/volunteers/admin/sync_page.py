"""The admin's sync page: calendars to sync with, their status, the outbox, conflicts.

The kinds of calendar offered are `sync.KINDS`; each shows its class's `label`, translated
by the template (`_(label)`). Per calendar: the last success, the next try (`next_try`:
SYNC_INTERVAL_SECONDS, the backoff and the outbox's retries), how many of the board's
activities come from it, what the last pull skipped or adapted (the importer's technical
English lines, shown as details, bounded) and its conflicts. A failure shows the advice for
its code (`sync.ERROR_CODES`, translated here: sync/ has no Flask) above the technical detail.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kiosk import services
from kiosk.activities.demo import is_demo_id
from kiosk.activities.model import parse_utc
from kiosk.volunteers import auth
from kiosk.volunteers.admin.blueprint import bp
from kiosk.volunteers.audit import changed_fields
from sync import ERROR_CODES, KINDS, kind_class
from sync.sources import Source, next_try

# The kinds' labels that have a translation, named here so that `pybabel extract` finds
# them (sync/ never imports Flask-Babel); "CalDAV" is the same in every language.
KIND_LABELS = (_l("ICS-länk (bara läsa)"),)

# What to do, per error code of sync (`sync.ERROR_CODES`).
ADVICE = {
    "calendar_home": _l(
        "Adressen går till en mapp med kalendrar (kontots hem), inte till en kalender. "
        "Ta bort den här och lägg till adressen till en av kalendrarna i mappen."
    ),
    "not_a_calendar": _l(
        "Adressen ger en webbsida eller något annat än en kalender. Använd kalenderns "
        "prenumerationslänk (ICS, iCal eller webcal), inte sidan där kalendern visas."
    ),
    "wrong_password": _l(
        "Servern godtar inte användarnamnet eller lösenordet. Ta bort kalendern här och "
        "lägg till den igen med rätt användarnamn och lösenord."
    ),
    "forbidden": _l(
        "Servern säger att det här kontot inte får använda kalendern. Kontrollera adressen "
        "och be den som sköter kalendern om behörighet."
    ),
    "not_found": _l("Det finns ingen kalender på adressen. Kontrollera att den är rätt kopierad."),
    "unreachable": _l(
        "Servern går inte att nå. Kontrollera internetanslutningen och adressen. Tavlan visar "
        "det som hämtades senast och försöker igen av sig själv."
    ),
    "too_slow": _l(
        "Servern svarade för långsamt. Tavlan försöker igen av sig själv. Om det fortsätter, "
        "kontakta den som sköter kalendern."
    ),
    "too_big": _l(
        "Kalendern är för stor för att hämtas (mer än 20 MB). Be den som sköter kalendern om "
        "en mindre länk, till exempel bara kommande händelser."
    ),
    "redirects": _l(
        "Adressen skickar vidare i en slinga. Kontrollera adressen eller kontakta den som "
        "sköter kalendern."
    ),
    "bad_url": _l(
        "Adressen går inte att använda. Den måste börja med http://, https:// eller webcal://."
    ),
    "server_error": _l("Kalenderservern har ett fel just nu. Tavlan försöker igen av sig själv."),
    "unreadable": _l(
        "Det som kom från adressen går inte att läsa som en kalender (trasigt eller avbrutet). "
        "Tavlan behåller det som hämtades senast. Om det fortsätter, kontakta den som sköter "
        "kalendern."
    ),
    "internal": _l(
        "Ett fel i Mötesplats. Tavlan försöker igen. Om det fortsätter, visa de tekniska "
        "detaljerna för den som sköter datorn."
    ),
    "error": _l(
        "Synken misslyckades. Se de tekniska detaljerna. Tavlan försöker igen av sig själv."
    ),
}
assert set(ADVICE) == set(ERROR_CODES), "every error code of sync needs its advice"

WARNINGS_SHOWN = 20  # the engine keeps at most these (`SyncEngine._record`)


@dataclass
class SourceStatus:
    """One calendar as the sync page shows it."""

    source: Source
    last_success: datetime | None
    next_try: datetime
    next_try_now: bool
    events: int
    conflicts: int
    failures: int
    error: str = ""  # the technical detail
    advice: Any = ""  # translated, for the error's code
    suggestions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warnings_count: int = 0
    report: dict[str, Any] = field(default_factory=dict)


def _time(text: Any) -> datetime | None:
    try:
        return parse_utc(text) if text else None
    except (TypeError, ValueError):
        return None


def _statuses(engine: Any, conflicts: list[dict[str, Any]]) -> list[SourceStatus]:
    now = engine.clock()
    interval = float(current_app.config["SYNC_INTERVAL_SECONDS"])
    wake_in = engine.next_wait(interval)
    events = Counter(a.source for a in services.get().catalogue.snapshot().activities.values())
    per_source = Counter(c.get("source_id") for c in conflicts)
    rows = []
    for source in engine.sources.all():
        state = source.state
        report = state.get("last_report") or {}
        warnings = [str(w) for w in (report.get("warnings") or [])][:WARNINGS_SHOWN]
        error = str(state.get("last_error") or "")
        code = state.get("last_error_code") or ("error" if error else "")
        upcoming = next_try(state, now, interval, wake_in)
        rows.append(
            SourceStatus(
                source=source,
                last_success=_time(state.get("last_success")),
                next_try=upcoming,
                next_try_now=upcoming - now < timedelta(seconds=5),
                events=events.get(source.origin, 0),
                conflicts=per_source.get(source.id, 0),
                failures=int(state.get("failures") or 0) if error else 0,
                error=error,
                advice=ADVICE.get(code, ADVICE["error"]) if error else "",
                suggestions=[str(u) for u in state.get("last_error_suggestions") or []][:10],
                warnings=warnings,
                warnings_count=max(int(report.get("warnings_count") or 0), len(warnings)),
                report=report,
            )
        )
    return rows


@bp.get("/sync")
@auth.admin_required
def sync():  # type: ignore[no-untyped-def]
    engine = services.get().sync
    stored = engine.ledger.conflicts()
    names = {s.id: s.name for s in engine.sources.all()}
    conflicts = []
    for c in stored:
        local, remote = c.get("local") or {}, c.get("remote") or {}
        rows = [(k, local.get(k), remote.get(k)) for k in changed_fields(local, remote)]
        conflicts.append((c, rows, names.get(c.get("source_id", ""), "")))
    return render_template(
        "volunteers/admin/sync.html",
        sources=_statuses(engine, stored),
        outbox=engine.outbox.pending()[:20],
        outbox_count=engine.outbox.count(),
        conflicts=conflicts,
        device=engine.device,
        kinds=[(kind, kind_class(kind).label) for kind in KINDS],
        demo_count=sum(map(is_demo_id, services.get().catalogue.snapshot().activities)),
    )


@bp.post("/sync/sources")
@auth.admin_required
def add_source():  # type: ignore[no-untyped-def]
    engine = services.get().sync
    me = auth.current_account()
    assert me is not None
    form = request.form
    try:
        source = engine.sources.add(
            form.get("name", ""),
            form.get("kind", "ics"),
            form.get("url", "").strip(),
            form.get("two_way") == "yes",
            form.get("username", "").strip(),
            form.get("password", ""),
        )
    except ValueError:
        flash(_("Adressen måste börja med http://, https:// eller webcal://."))
        return redirect(url_for("admin.sync"), code=303)
    services.get().audit.record(
        me.id, "created", "sync_sources", source.id, None, {**source.to_doc(), "password": "…"}
    )
    engine.wake()
    flash(_("Kalendern är tillagd. Den synkas nu."))
    return redirect(url_for("admin.sync"), code=303)


@bp.post("/sync/sources/<source_id>/remove")
@auth.admin_required
def remove_source(source_id: str):  # type: ignore[no-untyped-def]
    engine = services.get().sync
    me = auth.current_account()
    assert me is not None
    source = engine.sources.get(source_id)
    if source is None:
        abort(404)
    keep = request.form.get("activities", "keep") != "delete"
    moved = engine.remove_source(
        source_id, keep_activities=keep, actor=me.id, actor_name=me.display_name
    )
    services.get().audit.record(
        me.id, "deleted", "sync_sources", source_id, {"name": source.name}, None
    )
    if moved:
        flash(
            _("Kalendern är borttagen. Dess %(num)s händelser är nu tavlans egna.", num=moved)
            if keep
            else _("Kalendern och dess %(num)s händelser är borttagna.", num=moved)
        )
    return redirect(url_for("admin.sync"), code=303)


@bp.post("/sync/run")
@auth.admin_required
def run_now():  # type: ignore[no-untyped-def]
    engine = services.get().sync
    if not engine.sources.all():
        flash(_("Ingen kalender är inställd, så det finns inget att synka. Lägg till en nedan."))
        return redirect(url_for("admin.sync"), code=303)
    engine.outbox.retry_now()
    engine.wake(force=True)  # the background loop does it; a web request never waits for a server
    flash(_("Synken körs nu. Ladda om sidan om en stund."))
    return redirect(url_for("admin.sync"), code=303)


@bp.post("/sync/conflicts/<path:conflict_id>")
@auth.admin_required
def settle(conflict_id: str):  # type: ignore[no-untyped-def]
    engine = services.get().sync
    me = auth.current_account()
    assert me is not None
    choice = request.form.get("choice")
    conflict = engine.ledger.get_conflict(conflict_id)
    if choice not in ("local", "central") or conflict is None:
        abort(400)
    engine.settle(conflict_id, choice, me.id)
    services.get().audit.record(
        me.id,
        f"settled ({choice})",
        "sync_conflicts",
        conflict["uid"],
        conflict.get("local"),
        conflict.get("remote"),
    )
    flash(_("Konflikten är löst."))
    return redirect(url_for("admin.sync"), code=303)
