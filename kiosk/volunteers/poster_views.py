"""The printable A4 poster of an activity, for the notice board: `/a/<id>/poster?also=<lang>`.

Owns the poster page: Swedish plus one chosen language (`also`; its blocks get their own
`lang` and `dir`), the times in words ("Varje tisdag 16:30–19:00"), pictograms, and a large
QR code to the activity's stable signup address (`/a/<id>/signup`, which always leads to
the next open occurrence, so a printed poster does not go stale) or, without signups, to its
page. It fits one page: `poster_layout` estimates how much description fits and the type
size, and the text is cut at a word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from babel.lists import format_list
from dateutil.rrule import rrulestr
from flask import Blueprint, abort, g, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from kiosk import services
from kiosk.activities.model import Activity
from kiosk.activities.recurrence import Occurrence
from kiosk.board import agenda
from kiosk.board.sharing import detail_url, next_open
from kiosk.languages import BY_CODE, SOURCE_LANGUAGE, SPOKEN_NAMES, Language, normalise, pick_text
from kiosk.volunteers.poster_layout import (
    FOOT,
    GAP,
    HALF,
    PT,
    SAFETY,
    SHEET,
    WIDE,
    PosterColumn,
    fit_descriptions,
    lines_of,
    pictogram_tiles,
    rows_of,
)
from kiosk.web import qr
from kiosk.web.formatting import cost, day_name, long_date, time_range
from kiosk.web.i18n import current_language
from kiosk.web.labels import AUDIENCE_LABELS
from kiosk.web.public_url import absolute

bp = Blueprint("poster", __name__)


WEEKDAY_CODES = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
PLAIN_WEEKLY_PARTS = {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT", "WKST"}
A_MONDAY = date(2024, 1, 1)
POSTER_DAYS = 366  # how far ahead the poster looks for dates
MOST_NAMED = 6  # cancelled (and moved) dates named on the poster; more: "see the board"


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Render in the locale `code` for a while (gettext, dates, `localised`), then go back."""
    saved = g.pop("language", None)
    try:
        with force_locale(code):
            g.language = BY_CODE[code]
            yield
    finally:
        g.pop("language", None)
        if saved is not None:
            g.language = saved


def in_language(code: str, caller: Callable[[], str]) -> Markup:
    """For templates: `{% call in_language("ar") %}…{% endcall %}` renders the block in Arabic."""
    with speaking(code):
        return Markup(caller())


def fill(template: str, **values: object) -> Markup:
    """A translated template with its placeholders filled; values are escaped unless Markup."""
    return escape(template) % values


def weekly_pattern(activity: Activity) -> tuple[int, list[int]] | None:
    """(interval, weekdays Monday=0) of a plain weekly or every-other-week series, else None."""
    if not activity.rrule:
        return None
    text = activity.rrule.upper().removeprefix("RRULE:")
    parts = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
    interval = parts.get("INTERVAL", "1")
    if parts.get("FREQ") != "WEEKLY" or not parts.keys() <= PLAIN_WEEKLY_PARTS:
        return None
    if interval not in ("1", "2"):
        return None
    codes = parts["BYDAY"].split(",") if parts.get("BYDAY") else []
    if not all(code in WEEKDAY_CODES for code in codes):
        return None  # e.g. 1MO, "the first Monday": said with dates instead
    weekdays = sorted({WEEKDAY_CODES[code] for code in codes}) or [
        activity.start.astimezone(activity.zone).weekday()
    ]
    return int(interval), weekdays


def series_phrase(activity: Activity) -> Markup | None:
    """The series in words in the current locale ("Varje tisdag 16:30–19:00"), or None."""
    pattern = weekly_pattern(activity)
    if pattern is None:
        return None
    interval, weekdays = pattern
    names = format_list(
        [day_name(A_MONDAY + timedelta(days=d)) for d in weekdays], locale=current_language().code
    )
    zone = activity.zone
    span = time_range(activity.start.astimezone(zone), activity.end.astimezone(zone))
    template = (
        _("Varje %(weekdays)s %(time)s") if interval == 1 else _("Varannan %(weekdays)s %(time)s")
    )
    return fill(template, weekdays=names, time=Markup('<bdi dir="ltr">{}</bdi>').format(span))


def hours(occ: Occurrence) -> str:
    return time_range(occ.start, occ.end)


def dated(occ: Occurrence) -> Markup:
    return Markup('{} <bdi dir="ltr">{}</bdi>').format(long_date(occ.start.date()), hours(occ))


def last_date(activity: Activity, until: datetime) -> date | None:
    """The day of a series' last planned occurrence, if the rule ends before `until`."""
    rule_text = (activity.rrule or "").upper()
    if "UNTIL=" not in rule_text and "COUNT=" not in rule_text:
        return None
    rule = rrulestr(activity.rrule or "", dtstart=activity.start.astimezone(activity.zone))
    if rule.after(until) is not None:
        return None
    last = rule.before(until)
    return last.date() if isinstance(last, datetime) else None


def exception_lines(occurrences: list[Occurrence], series_hours: str) -> list[Markup]:
    """The series' exceptions until the poster's horizon, as the board shows them: cancelled
    dates, dates moved to another day ("söndag 10 januari → lördag 9 januari 17:00–19:00"),
    dates at other hours and dates with a note of their own; at most MOST_NAMED of each,
    then "more on the board"."""
    locale = current_language().code
    cancelled = [o for o in occurrences if o.status == "cancelled"]
    moved = [o for o in occurrences if o.status != "cancelled" and o.moved]
    lines = []
    if cancelled:
        days = [long_date(o.start.date()) for o in cancelled[:MOST_NAMED]]
        if len(cancelled) > MOST_NAMED:
            days.append(_("fler på tavlan"))
        lines.append(fill(_("Inställt: %(dates)s"), dates=format_list(days, locale=locale)))
    for occ in moved[:MOST_NAMED]:
        planned = occ.planned_start.date()
        if planned != occ.start.date():
            lines.append(
                fill(
                    _("Flyttat: %(planned)s → %(date)s"),
                    planned=long_date(planned),
                    date=dated(occ),
                )
            )
        elif hours(occ) != series_hours:
            lines.append(fill(_("Annan tid: %(date)s"), date=dated(occ)))
    noted = [o for o in occurrences if o.status == "changed" and not o.moved and o.note]
    for occ in noted[:MOST_NAMED]:  # changed that day only by its note ("in the library")
        note = pick_text(occ.note, locale)[0]
        lines.append(Markup("{}: {}").format(long_date(occ.start.date()), note))
    if len(moved) > MOST_NAMED or len(noted) > MOST_NAMED:
        lines.append(escape(_("Fler ändrade dagar står på tavlan.")))
    return lines


def when_lines(activity: Activity, occurrences: list[Occurrence], now: datetime) -> list[Markup]:
    """The poster's "when", in the current locale, from the same expansion as the board.

    A weekly or every-other-week series is said in words, then its next date, its cancelled,
    moved and re-timed dates (until the poster's horizon) and its last date; anything else
    lists its next three dates.
    """
    upcoming = [o for o in occurrences if o.status != "cancelled"]
    if not upcoming:
        return [escape(_("Inga kommande tillfällen."))]
    phrase = series_phrase(activity)
    if phrase is None:
        return [dated(o) for o in upcoming[:3]]
    first = upcoming[0]
    zone = activity.zone
    series_hours = time_range(activity.start.astimezone(zone), activity.end.astimezone(zone))
    # The next time's hours only when they differ from the series' (moved this once).
    next_time = dated(first) if hours(first) != series_hours else long_date(first.start.date())
    lines = [phrase, fill(_("Nästa gång: %(date)s"), date=next_time)]
    lines += exception_lines(occurrences, series_hours)
    last = last_date(activity, now + timedelta(days=POSTER_DAYS))
    if last is not None and last > first.start.date():
        lines.append(fill(_("Sista gången: %(date)s"), date=long_date(last)))
    return lines


def inline_qr(data: str, label: str) -> Markup:
    """The QR code of `data` as an inline <svg>: printed sharp, and no second request."""
    svg = qr.svg(data).decode("utf-8")
    body = svg[svg.index("<svg ") + len("<svg ") :]
    return Markup('<svg class="qr-code" role="img" aria-label="{}" ').format(label) + Markup(body)


@bp.get("/a/<activity_id>/poster")
def poster(activity_id: str):  # type: ignore[no-untyped-def]
    """An A4 poster for the notice board: Swedish plus the language `?also=` (if not Swedish).

    `also` chooses the poster's second language, not the viewer's (that stays `?lang=`).
    """
    chosen = normalise(request.args.get("also"))
    svc = services.get()
    snap = svc.catalogue.snapshot()
    activity = snap.activities.get(activity_id)
    if activity is None:
        abort(404)
    second: Language | None = BY_CODE[chosen] if chosen and chosen != SOURCE_LANGUAGE else None
    codes = [SOURCE_LANGUAGE, *([second.code] if second else [])]
    now = svc.now()
    occurrences = agenda.upcoming_of(activity, now, POSTER_DAYS)
    upcoming = next_open(occurrences)
    takes_signups = activity.signup.required and upcoming is not None
    if takes_signups:  # the stable address: always the next open occurrence's form
        target = absolute(url_for("signup.next_form", activity_id=activity.id, lang=codes[-1]))
    else:
        target = detail_url(activity, codes[-1])
    place = snap.places.get(activity.place_id or "")

    columns = []
    for code in codes:
        with speaking(code):
            words = [str(AUDIENCE_LABELS.get(a, a)) for a in activity.audiences]
            words += [_("Barnpassning")] if activity.childcare else []
            columns.append(
                PosterColumn(
                    code,
                    BY_CODE[code].direction,
                    when_lines(activity, occurrences, now),
                    (activity.description.get(code) or "").strip(),
                    [*words, cost(activity.cost_sek)],
                )
            )
    # How much room the rest of the sheet leaves for the descriptions (see poster.css).
    title = pick_text(activity.title, SOURCE_LANGUAGE)[0]
    title_2 = (activity.title.get(codes[-1]) or "").strip() if second else ""
    long_title = len(title) > 40 or len(title_2) > 40
    t1, t2 = (26, 21) if long_title else (32, 26)
    header = 5.5 + 1 + lines_of(title, t1, WIDE, "sv", bold=True) * t1 * 1.12 * PT + 3 + 1.6
    if title_2:
        header += 2 + lines_of(title_2, t2, WIDE, codes[-1], bold=True) * t2 * 1.3 * PT
    if activity.status == "cancelled":
        header += 14
    spoken = " · ".join(SPOKEN_NAMES.get(c, c) for c in activity.languages)
    pictograms = rows_of(pictogram_tiles(columns, spoken)) * (15.5 + 3) - 3
    rest = header + pictograms + (13.2 + GAP if place else 0) + 3 * GAP + FOOT
    columns, type_size = fit_descriptions(SHEET - rest - SAFETY, columns, HALF if second else WIDE)
    with speaking(SOURCE_LANGUAGE):
        return render_template(
            "volunteers/poster.html",
            site=snap.site,
            activity=activity,
            title=title,
            title_2=title_2,
            long_title=long_title,
            place=place,
            organiser=snap.organisers.get(activity.organiser_id or ""),
            second=second,
            columns=columns,
            type_size=type_size,
            takes_signups=takes_signups,
            qr_url=target,
            qr_svg=inline_qr(target, target),
            in_language=in_language,
            now=now,
        )
