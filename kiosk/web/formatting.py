"""How times, dates, prices and per-language texts appear in templates.

Owns the Jinja filters and globals. Dates and times are formatted by Babel for the viewer's
locale (weekday names, 24-hour clock) in the zone of the datetime given (the municipality's).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime

from babel.dates import format_date, format_time
from flask import Flask
from flask_babel import gettext as _
from markupsafe import Markup

from kiosk.activities.model import PLACE_KINDS, Place
from kiosk.languages import BY_CODE, SOURCE_LANGUAGE, SPOKEN_NAMES, pick_text
from kiosk.signups.phone import readable as readable_phone
from kiosk.web.i18n import current_language
from kiosk.web.labels import AUDIENCE_LABELS, PLACE_KIND_LABELS, STATUS_LABELS


def _locale() -> str:
    return current_language().code


def hhmm(moment: datetime) -> str:
    return format_time(moment, "HH:mm", locale=_locale())


def time_range(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"{hhmm(start)}–{hhmm(end)}"
    return f"{hhmm(start)}–{day_name(end.date())} {hhmm(end)}"


def day_name(day: date) -> str:
    return format_date(day, "EEEE", locale=_locale())


def long_date(day: date) -> str:
    return format_date(day, "EEEE d MMMM", locale=_locale())


def day_heading(day: date, offset: int) -> str:
    if offset == 0:
        return _("Idag")
    if offset == 1:
        return _("Imorgon")
    return long_date(day)


def cost(cost_sek: int) -> str:
    return _("Gratis") if cost_sek == 0 else _("%(amount)s kr", amount=cost_sek)


def localised(texts: Mapping[str, str], outdated: Collection[str] = ()) -> Markup:
    """The text in the viewer's language, or Swedish with a "(på svenska)" marker; a
    translation made from an older Swedish text (its language in `outdated`) is shown with
    an "(older translation)" marker until someone updates it.

    The text is isolated with <bdi> so Swedish inside Arabic (or the reverse) keeps its
    own direction.
    """
    lang = current_language().code
    text, fell_back = pick_text(texts, lang)
    shown_in = SOURCE_LANGUAGE if fell_back else lang
    html = Markup('<bdi lang="{}" dir="{}">{}</bdi>').format(
        shown_in.replace("_", "-"),
        BY_CODE[shown_in].direction if shown_in in BY_CODE else "auto",
        text,
    )
    if fell_back:
        html += Markup(' <bdi class="fallback">{}</bdi>').format(_("(på svenska)"))
    elif shown_in in outdated:
        html += Markup(' <bdi class="fallback outdated">{}</bdi>').format(
            _("(äldre översättning, svenskan har ändrats)")
        )
    return html


def isolated(text: str) -> Markup:
    """A name in its own direction (<bdi>): "Götene bibliotek, Läsesalen" inside Arabic."""
    return Markup("<bdi>{}</bdi>").format(text)


def _beside_sign(sign: str, texts: Mapping[str, str], lang: str) -> Markup:
    """`sign` (isolated, Swedish), or the reader's own word for it with `sign` beside it."""
    html = Markup('<bdi lang="sv">{}</bdi>').format(sign)
    own = texts.get(lang, "").strip() if lang != SOURCE_LANGUAGE else ""
    if own and own != sign:
        html = Markup('<bdi lang="{}" dir="{}">{}</bdi> ({})').format(
            lang.replace("_", "-"), BY_CODE[lang].direction, own, html
        )
    return html


def place_name(place: Place) -> Markup:
    """A place's name for this reader: its name in the reader's language (translated or
    transliterated) with the name on the sign beside it, each isolated in its own direction
    ("مسبح يوتينه (Götene simhall)"); the sign's name alone in Swedish or when there is no
    other. The room follows, the same way."""
    lang = current_language().code
    html = _beside_sign(place.name, place.names, lang)
    if place.room:
        html += Markup('<span class="sep">, </span>') + _beside_sign(
            place.room, place.room_names, lang
        )
    return html


def spoken_list(codes: list[str]) -> Markup:
    """Spoken languages, each isolated in its own direction, separated outside the isolation."""
    items = [
        Markup('<bdi class="spoken" lang="{}">{}</bdi>').format(
            code.replace("_", "-"), SPOKEN_NAMES.get(code, code)
        )
        for code in codes
    ]
    return Markup('<span class="sep"> · </span>').join(items)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        hhmm=hhmm,
        time_range=time_range,
        long_date=long_date,
        cost=cost,
        localised=localised,
        isolated=isolated,
        place_name=place_name,
        readable_phone=readable_phone,
        audience_label_of=lambda code: str(AUDIENCE_LABELS.get(code, code)).lower(),
    )
    app.jinja_env.globals.update(
        day_heading=day_heading,
        day_name=day_name,
        audience_label=lambda code: AUDIENCE_LABELS.get(code, code),
        status_label=lambda code: STATUS_LABELS.get(code, code),
        place_kinds=PLACE_KINDS,
        place_kind_label=lambda code: PLACE_KIND_LABELS.get(code, PLACE_KIND_LABELS["other"]),
        spoken_list=spoken_list,
        spoken_name=lambda code: SPOKEN_NAMES.get(code, code),
    )
