"""What a text message says, in the person's language, and how many SMS it costs.

Owns the message templates (through flask-babel, so translators see them beside the rest
of the interface) and the segment count. One SMS holds 160 characters of the GSM 7-bit
alphabet (153 per part when split) — Swedish, English and Somali fit it — or 70 UTF-16
units (67 per part) in any other script: Arabic, Dari and Tigrinya's Ge'ez. The templates
are short so a Latin-script message with its link stays one SMS; an Arabic or Ge'ez one
is two or three, counted and shown to staff. Needs an app context (for the catalogues).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date, format_time
from flask_babel import force_locale, gettext

from kiosk.languages import pick_text

GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€")  # two septets each


def segments(text: str) -> int:
    """How many SMS a text takes (0 for an empty one)."""
    if not text:
        return 0
    if all(c in GSM7 or c in GSM7_EXTENDED for c in text):
        septets = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        return 1 if septets <= 160 else -(-septets // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


@dataclass(frozen=True)
class Facts:
    """What every message names: the activity, when, where, and the private link."""

    title: dict[str, str]
    start: datetime  # local time
    place: dict[str, str]  # the place's name per language ("" when none)
    link: str


def _babel_locale(lang: str) -> str:
    return {"fa_AF": "fa_AF"}.get(lang, lang)


def _when(facts: Facts, lang: str) -> str:
    locale = _babel_locale(lang)
    day = format_date(facts.start.date(), "EEE d/M", locale=locale)
    return f"{day} {format_time(facts.start, 'HH:mm', locale=locale)}"


def compose(kind: str, lang: str, facts: Facts, text: str = "") -> str:
    """The message of `kind` in `lang`. `text` is an organiser's own words (kind organiser)."""
    title = pick_text(facts.title, lang)[0]
    place = pick_text(facts.place, lang)[0] if facts.place else ""
    values = {"activity": title, "when": _when(facts, lang), "place": place, "link": facts.link}
    with force_locale(lang):
        if kind == "promoted":
            line = gettext("Du har fått en plats: %(activity)s, %(when)s, %(place)s.", **values)
        elif kind == "confirmed":
            line = gettext("Du är anmäld: %(activity)s, %(when)s, %(place)s.", **values)
        elif kind == "approved":
            line = gettext(
                "Arrangören har godkänt din anmälan: %(activity)s, %(when)s, %(place)s.", **values
            )
        elif kind == "approved_waiting":
            line = gettext(
                "Din anmälan är godkänd, men det är fullt: du står på väntelistan för"
                " %(activity)s, %(when)s.",
                **values,
            )
        elif kind == "declined":
            line = gettext(
                "Arrangören kunde tyvärr inte ta emot din anmälan till %(activity)s, %(when)s.",
                **values,
            )
        elif kind == "reminder":
            line = gettext("Påminnelse: %(activity)s, %(when)s, %(place)s.", **values)
        elif kind == "cancelled":
            line = gettext("Inställt: %(activity)s, %(when)s.", **values)
        elif kind == "moved":
            line = gettext("Ändrat: %(activity)s är nu %(when)s, %(place)s.", **values)
        elif kind == "organiser":
            line = text or gettext("Nytt om %(activity)s, %(when)s. Läs på din sida:", **values)
        else:
            raise ValueError(f"unknown message kind {kind!r}")
    return f"{line.replace(', .', '.').replace(' ,', ',')} {facts.link}".strip()
