"""The admin's sync page: calendars to sync with, their status, the outbox, conflicts.

The kinds of calendar offered are `sync.KINDS`; each shows its class's `label`, translated
by the template (`_(label)`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kiosk import services
from kiosk.volunteers import auth
from kiosk.volunteers.admin.blueprint import bp
from kiosk.volunteers.audit import changed_fields
from sync import KINDS, kind_class

# The kinds' labels that have a translation, named here so that `pybabel extract` finds
# them (sync/ never imports Flask-Babel); "CalDAV" is the same in every language.
KIND_LABELS = (_l("ICS-länk (bara läsa)"),)


@bp.get("/sync")
@auth.admin_required
def sync():  # type: ignore[no-untyped-def]
    engine = services.get().sync
    conflicts = []
    for c in engine.ledger.conflicts():
        local, remote = c.get("local") or {}, c.get("remote") or {}
        rows = [(k, local.get(k), remote.get(k)) for k in changed_fields(local, remote)]
        conflicts.append((c, rows))
    return render_template(
        "volunteers/admin/sync.html",
        sources=engine.sources.all(),
        outbox=engine.outbox.pending()[:20],
        outbox_count=engine.outbox.count(),
        conflicts=conflicts,
        device=engine.device,
        kinds=[(kind, kind_class(kind).label) for kind in KINDS],
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
    engine.sources.remove(source_id)
    services.get().audit.record(me.id, "deleted", "sync_sources", source_id, None, None)
    return redirect(url_for("admin.sync"), code=303)


@bp.post("/sync/run")
@auth.admin_required
def run_now():  # type: ignore[no-untyped-def]
    engine = services.get().sync
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
