"""Reviewing the interface's own strings in the app (`/translate/ui`): a native speaker
corrects or confirms them, one language at a time.

Owns the pages only: the languages the account may review with their counts, one
language's strings (unreviewed first, 50 a page, a search, the Swedish and the English
beside an input in the language's own direction, one input per plural form), saving a
correction or a confirmation (PRG back to the same page and filter; a refused one is shown
again with the text as typed and nothing stored), and the `.po` download. The rules and
the storage are `kiosk.translating.ui_strings`'. A translator reaches only its own
languages (`Account.may_translate`), an admin every one; Swedish is the source, never a
target.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kiosk import services
from kiosk.activities.model import parse_utc
from kiosk.languages import BY_CODE, SOURCE_LANGUAGE
from kiosk.translating.ui_strings import Entry, Refused
from kiosk.volunteers import auth
from kiosk.volunteers.accounts import Account

bp = Blueprint("ui_review", __name__, url_prefix="/translate/ui")

PER_PAGE = 50
SHOWS = ("unreviewed", "reviewed", "all")
MAX_QUERY = 100


def _me() -> Account:
    account = auth.current_account()
    assert account is not None  # translator_required
    return account


def _allowed(lang: str) -> None:
    """404 for what is no target language (Swedish is the source), 403 for another's."""
    if lang not in BY_CODE or lang == SOURCE_LANGUAGE:
        abort(404)
    if lang not in services.get().ui_strings.languages():
        abort(404)
    if not _me().may_translate(lang):
        abort(403)


def _view() -> dict[str, Any]:
    """The list's filter, search and page, from the query or the form (for the PRG)."""
    source = request.form if request.method == "POST" else request.args
    show = source.get("show", "unreviewed")
    try:
        page = max(1, int(source.get("page", "1")))
    except ValueError:
        page = 1
    return {
        "show": show if show in SHOWS else "unreviewed",
        "q": source.get("q", "").strip()[:MAX_QUERY],
        "page": page,
    }


def _params(view: dict[str, Any]) -> dict[str, Any]:
    """The view as query parameters, without the defaults (short links)."""
    return {
        "show": view["show"],
        **({"q": view["q"]} if view["q"] else {}),
        **({"page": view["page"]} if view["page"] > 1 else {}),
    }


def _matches(entry: Entry, query: str) -> bool:
    wanted = query.casefold()
    texts = (entry.msgid, entry.msgid_plural or "", *entry.english, *entry.texts)
    return any(wanted in text.casefold() for text in texts)


@bp.get("/", endpoint="index")
@auth.translator_required
def index():  # type: ignore[no-untyped-def]
    ui = services.get().ui_strings
    rows = [
        (BY_CODE[lang], ui.counts(lang)) for lang in ui.languages() if _me().may_translate(lang)
    ]
    return render_template("translating/ui_review_index.html", rows=rows)


@bp.get("/<lang>", endpoint="strings")
@auth.translator_required
def strings(lang: str):  # type: ignore[no-untyped-def]
    _allowed(lang)
    return _page(lang, _view())


def _page(
    lang: str,
    view: dict[str, Any],
    problem: tuple[str, str] | None = None,
    typed: tuple[str, ...] = (),
    status: int = 200,
):  # type: ignore[no-untyped-def]
    """The list of one language; `problem` (key, message) and `typed` show a refused one."""
    svc = services.get()
    ui = svc.ui_strings
    everything = ui.entries(lang)
    counts = {
        "unreviewed": sum(e.unreviewed for e in everything),
        "reviewed": sum(e.review is not None for e in everything),
        "all": len(everything),
    }
    shown = [
        e
        for e in everything
        if (view["show"] == "all")
        or (view["show"] == "unreviewed" and e.unreviewed)
        or (view["show"] == "reviewed" and e.review is not None)
    ]
    if view["q"]:
        shown = [e for e in shown if _matches(e, view["q"])]
    pages = max(1, -(-len(shown) // PER_PAGE))
    page = min(view["page"], pages)
    refused = None
    if problem is not None:  # show the refused string on its page, even if it moved
        where = next((i for i, e in enumerate(shown) if e.key == problem[0]), None)
        if where is not None:
            page = where // PER_PAGE + 1
        else:  # it left this filter (reviewed meanwhile): shown first
            refused = next((e for e in everything if e.key == problem[0]), None)
    on_page = shown[(page - 1) * PER_PAGE : page * PER_PAGE]
    if refused is not None:
        on_page = [refused, *on_page]
    names, days = {}, {}
    for e in on_page:
        if e.review is not None:
            account = svc.accounts.get(e.review.by)
            names[e.review.by] = account.display_name if account else e.review.by
            days[e.key] = parse_utc(e.review.at).astimezone(svc.zone).date()
    return render_template(
        "translating/ui_review.html",
        target=BY_CODE[lang],
        entries=on_page,
        counts=counts,
        found=len(shown),
        view={**view, "page": page},
        pages=pages,
        problem=problem,
        typed=typed,
        names=names,
        days=days,
        examples=ui.plural_examples(lang),
        english_shown=lang != "en",
    ), status


@bp.post("/<lang>")
@auth.translator_required
def review(lang: str):  # type: ignore[no-untyped-def]
    _allowed(lang)
    me = _me()
    ui = services.get().ui_strings
    view = _view()
    form = request.form
    entry = ui.entry(lang, form.get("key", "")[:40])
    if entry is None:
        flash(_("Den texten finns inte längre i programmet. Inget sparades."))
        return redirect(url_for("ui_review.strings", lang=lang, **_params(view)), code=303)
    typed = tuple(
        form.get(f"text_{i}", "").replace("\r\n", "\n") for i in range(len(entry.shipped))
    )
    # "Right as it is" after editing the text saves the edited text: what was meant.
    confirming = form.get("action") == "confirm" and typed == entry.texts
    seen = form.get("seen", "")[:40] or None
    try:
        if confirming:
            ui.confirm(lang, entry.msgid, me.id, context=entry.context, seen=seen)
        else:
            ui.correct(lang, entry.msgid, typed, me.id, context=entry.context, seen=seen)
    except Refused as refused:
        status = 409 if refused.code == "changed" else 400
        return _page(lang, view, (entry.key, _refusal(refused)), typed, status)
    flash(_("Sparat. Tack!") if not confirming else _("Markerad som granskad. Tack!"))
    anchor = form.get("next", "")[:40]
    target = url_for("ui_review.strings", lang=lang, **_params(view))
    return redirect(f"{target}#s-{anchor}" if anchor else target, code=303)


def _refusal(refused: Refused) -> str:
    """What to tell the reviewer, in the interface's language."""
    details = refused.details
    if refused.code == "placeholders":
        expected = " ".join(details.get("expected", ()))
        if not expected:
            return _("Den här texten ska inte ha några procenttecken. Inget sparades.")
        return _(
            "Behåll platshållarna precis som i originalet, och inga andra procenttecken: "
            "%(expected)s. Inget sparades.",
            expected=expected,
        )
    if refused.code == "empty":
        return _("Skriv en översättning i varje fält. Inget sparades.")
    if refused.code == "too_long":
        return _("Texten är för lång (högst %(count)s tecken).", count=details.get("limit", 0))
    if refused.code == "changed":
        account = services.get().accounts.get(details.get("who", ""))
        who = account.display_name if account else details.get("who") or "?"
        return _(
            "%(who)s ändrade den här texten under tiden. Din text står kvar i fältet och "
            "den nya under det. Inget sparades.",
            who=who,
        )
    return _("Den texten finns inte längre i programmet. Inget sparades.")


@bp.get("/<lang>.po", endpoint="download")
@auth.translator_required
def download(lang: str):  # type: ignore[no-untyped-def]
    _allowed(lang)
    response = Response(
        services.get().ui_strings.export_po(lang),
        mimetype="text/x-gettext-translation",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="messages-{lang}.po"'
    return response
