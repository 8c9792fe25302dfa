"""How the volunteers' pages show things: dates with times, stored values, labels."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, get_day_names
from flask_babel import get_locale

from kiosk import services
from kiosk.activities.model import parse_utc
from kiosk.volunteers.admin.blueprint import bp
from kiosk.volunteers.audit import changed_fields
from kiosk.web.formatting import hhmm, long_date
from kiosk.web.i18n import current_language
from kiosk.web.labels import AUDIENCE_LABELS, audit_action, audit_kind


@bp.app_template_filter("long_date_time")
def long_date_time(moment: datetime) -> str:
    local = moment.astimezone(services.get().zone)
    return f"{long_date(local.date())} {hhmm(local)}"


@bp.app_template_filter("month_name")
def month_name(day: date) -> str:
    """ "april 2027", in the viewer's language (its own numerals and month names)."""
    return format_date(day, "LLLL y", locale=get_locale())


@bp.app_template_global()
def back_arrow() -> str:
    """An arrow to earlier pages: pointing left in left-to-right languages, right in Arabic
    and Dari (where earlier is to the right)."""
    return "→" if current_language().direction == "rtl" else "←"


@bp.app_template_global()
def forward_arrow() -> str:
    return "←" if current_language().direction == "rtl" else "→"


@bp.app_template_filter("iso_long_date_time")
def iso_long_date_time(text: str) -> str:
    try:
        return long_date_time(parse_utc(text))
    except (ValueError, TypeError):
        return text


@bp.app_template_filter("show_value")
def show_value(value: Any) -> str:
    """A stored value in a form a volunteer can compare (times in local time)."""
    if value is None or value == "" or value == {} or value == []:
        return "–"
    if isinstance(value, str):
        try:
            return long_date_time(parse_utc(value)) if value.endswith("Z") else value
        except ValueError:
            return value
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return " · ".join(f"{k}: {v}" for k, v in value.items() if v)
    return json.dumps(value, ensure_ascii=False)


@bp.app_template_global()
def audience_label(code: str) -> str:
    return str(AUDIENCE_LABELS.get(code, code))


@bp.app_template_global()
def weekday_name(weekday: int) -> str:
    """Monday = 0, in the viewer's language."""
    return str(get_day_names("wide", locale=get_locale())[weekday]).capitalize()


bp.app_template_global("changed_fields")(changed_fields)
bp.app_template_filter("audit_action")(audit_action)
bp.app_template_filter("audit_kind")(audit_kind)
