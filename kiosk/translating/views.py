"""The translator's pages (`/translate`): the queue of one language, and saving a text.

A translator account reaches these pages only, for its own languages (admins: every
language). The queue shows the coming weeks' texts that are missing or outdated first, each
with the Swedish beside it and an input in the language's own direction; saving one text
writes through the editor (audited, no other field touched) and comes back to the queue.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kiosk import services
from kiosk.languages import BY_CODE, LANGUAGES, SOURCE_LANGUAGE
from kiosk.translating import queue
from kiosk.volunteers import auth
from kiosk.volunteers.accounts import Account
from kiosk.volunteers.activity_form import MAX_DESCRIPTION, MAX_TITLE
from kiosk.volunteers.editing import Gone, NotAllowed, ReadOnly

bp = Blueprint("translate", __name__, url_prefix="/translate")

SHOWS = ("todo", "unreviewed", "all")
WEEKS = (1, 2, 3, 4)
DEFAULT_WEEKS = 3
LIMITS = {"title": MAX_TITLE, "description": MAX_DESCRIPTION, "status_note": 300, "note": 300}


def _me() -> Account:
    account = auth.current_account()
    assert account is not None  # translator_required
    return account


def target_languages(account: Account) -> list[str]:
    """The languages this account translates into, in the language bar's order."""
    return [
        lang.code
        for lang in LANGUAGES
        if lang.code != SOURCE_LANGUAGE and account.may_translate(lang.code)
    ]


def _window(weeks: int):  # type: ignore[no-untyped-def]
    now = services.get().now()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(weeks=weeks)


def _weeks() -> int:
    asked = request.args.get("weeks", "")
    return int(asked) if asked in {str(w) for w in WEEKS} else DEFAULT_WEEKS


@bp.get("/", endpoint="index")
@auth.translator_required
def queue_index():  # type: ignore[no-untyped-def]
    langs = target_languages(_me())
    if len(langs) == 1:
        return redirect(url_for("translate.queue", lang=langs[0]))
    start, end = _window(1)
    activities = list(services.get().catalogue.snapshot().activities.values())
    return render_template(
        "translating/index.html",
        coverage=queue.coverage(activities, langs, start, end),
        by_code=BY_CODE,
    )


@bp.get("/<lang>", endpoint="queue")
@auth.translator_required
def queue_page(lang: str):  # type: ignore[no-untyped-def]
    if lang not in BY_CODE or lang == SOURCE_LANGUAGE or not _me().may_translate(lang):
        abort(403 if lang in BY_CODE else 404)
    show = request.args.get("show", "todo")
    show = show if show in SHOWS else "todo"
    weeks = _weeks()
    start, end = _window(weeks)
    snap = services.get().catalogue.snapshot()
    everything = queue.slots(snap.activities.values(), lang, start, end)
    counts = {
        "todo": sum(s.state in queue.TO_DO for s in everything),
        "unreviewed": sum(s.state == "unreviewed" for s in everything),
        "all": len(everything),
    }
    shown = [
        s
        for s in everything
        if show == "all"
        or (show == "todo" and s.state in queue.TO_DO)
        or (show == "unreviewed" and s.state == "unreviewed")
    ]
    return render_template(
        "translating/queue.html",
        target=BY_CODE[lang],
        slots=shown,
        counts=counts,
        show=show,
        weeks=weeks,
        week_choices=WEEKS,
        places=snap.places,
        limits=LIMITS,
        languages_of_me=target_languages(_me()),
        by_code=BY_CODE,
    )


@bp.post("/<lang>")
@auth.translator_required
def save(lang: str):  # type: ignore[no-untyped-def]
    me = _me()
    if lang not in BY_CODE or not me.may_translate(lang):
        abort(403)
    form = request.form
    activity_id, key = form.get("activity_id", ""), form.get("key", "")
    field = "note" if key.startswith("note@") else key
    if field not in LIMITS:
        abort(400)
    text = form.get("text", "").replace("\r\n", "\n").strip()
    confirm = form.get("action") == "confirm"
    back = url_for(
        "translate.queue", lang=lang, show=form.get("show", "todo"), weeks=form.get("weeks")
    )
    if not confirm and not text:
        flash(_("Skriv översättningen, eller lämna den till någon annan."))
        return redirect(back, code=303)
    if len(text) > LIMITS[field]:
        flash(_("Texten är för lång (högst %(count)s tecken).", count=LIMITS[field]))
        return redirect(back, code=303)
    try:
        services.get().editor.translate(
            me, activity_id, key, lang, text, form.get("made_from", "")[:40], confirm=confirm
        )
    except ReadOnly:
        flash(_("Den här aktiviteten kommer från en kalender som bara kan läsas här."))
    except (Gone, NotAllowed, ValueError):
        flash(_("Den texten finns inte längre. Inget annat ändrades."))
    else:
        flash(_("Sparat. Tack!") if not confirm else _("Markerad som granskad. Tack!"))
    return redirect(back, code=303)
